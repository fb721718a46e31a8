"""Database operations; every task and conversation query is scoped to its owner."""

from functools import cache
from typing import Any, Literal

from sqlalchemy import ColumnElement, Connection, Select, bindparam, func, update
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from app.core.security import hash_password, verify_password
from app.models import (
    Conversation,
    Message,
    Task,
    TaskCreate,
    TaskUpdate,
    User,
    UserRegister,
    utcnow,
)

TaskStatus = Literal["all", "pending", "completed"]


# ---------------------------------------------------------------- users


def get_user_by_email(*, session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.lower())).first()


def create_user(*, session: Session, user_in: UserRegister) -> User:
    user = User(
        email=user_in.email.lower(),
        name=user_in.name,
        hashed_password=hash_password(user_in.password),
    )
    session.add(user)
    session.commit()
    return user


def authenticate(*, session: Session, email: str, password: str) -> User | None:
    user = get_user_by_email(session=session, email=email)
    ok = verify_password(password, user.hashed_password if user else None)
    return user if ok else None


# ---------------------------------------------------------------- tasks


def end_sessions(*, session: Session, user_id: int) -> None:
    """Raise the user's token version: every token issued before is refused from now on."""
    session.execute(update(User).where(col(User.id) == user_id).values(token_version=col(User.token_version) + 1))
    session.commit()


def _status_filter(status: TaskStatus) -> list[ColumnElement[bool]]:
    if status == "pending":
        return [col(Task.completed).is_(False)]
    if status == "completed":
        return [col(Task.completed).is_(True)]
    return []


def list_tasks(
    *, session: Session, owner_id: int, status: TaskStatus = "all", limit: int = 100, offset: int = 0
) -> tuple[list[Task], int]:
    conditions: list[ColumnElement[bool]] = [col(Task.owner_id) == owner_id, *_status_filter(status)]
    # The page and the total in one query (a window count); a page past the end has no row
    # to carry the total, so only then is it counted apart.
    rows = session.exec(
        select(Task, func.count().over()).where(*conditions).order_by(col(Task.id)).offset(offset).limit(limit)
    ).all()
    if rows:
        return [task for task, _ in rows], rows[0][1]
    count = session.exec(select(func.count()).select_from(Task).where(*conditions)).one() if offset else 0
    return [], count


# The columns of TaskPublic, for the list endpoint's plain rows.
_TASK_COLUMNS: tuple[Any, ...] = (
    Task.id,
    Task.title,
    Task.description,
    Task.completed,
    Task.created_at,
    Task.updated_at,
)


@cache
def _task_page_query(status: TaskStatus) -> Select[tuple[Any, ...]]:
    """The page-and-total query of a status filter, built once; the values are bound per call."""
    owned = col(Task.owner_id) == bindparam("owner_id")
    total = func.count().over().label("total")
    query = core_select(*_TASK_COLUMNS, total).where(owned, *_status_filter(status)).order_by(col(Task.id))
    return query.offset(bindparam("offset")).limit(bindparam("limit"))


def list_task_rows(
    *, connection: Connection, owner_id: int, status: TaskStatus = "all", limit: int = 100, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """list_tasks as plain rows (dicts of TaskPublic's fields), on a bare connection: the hottest
    endpoint skips the ORM's identity map and object building, half of its time per request."""
    params = {"owner_id": owner_id, "limit": limit, "offset": offset}
    rows = [row._asdict() for row in connection.execute(_task_page_query(status), params)]
    if rows:
        count = rows[0]["total"]
        for row in rows:
            del row["total"]
        return rows, count
    if not offset:
        return [], 0
    conditions = [col(Task.owner_id) == owner_id, *_status_filter(status)]
    return [], connection.execute(select(func.count()).select_from(Task).where(*conditions)).scalar_one()


def get_task(*, session: Session, owner_id: int, task_id: int) -> Task | None:
    task = session.get(Task, task_id)
    return task if task is not None and task.owner_id == owner_id else None


def create_task(*, session: Session, owner_id: int, task_in: TaskCreate) -> Task:
    task = Task.model_validate(task_in, update={"owner_id": owner_id})
    session.add(task)
    session.commit()
    return task


def update_task(*, session: Session, task: Task, task_in: TaskUpdate) -> Task:
    changes = task_in.model_dump(exclude_unset=True)
    if changes:
        task.sqlmodel_update(changes)
        task.updated_at = utcnow()
        session.add(task)
        session.commit()
    return task


def delete_task(*, session: Session, task: Task) -> None:
    session.delete(task)
    session.commit()


# ---------------------------------------------------------------- conversations


def get_conversation(*, session: Session, owner_id: int, conversation_id: int) -> Conversation | None:
    conversation = session.get(Conversation, conversation_id)
    return conversation if conversation is not None and conversation.owner_id == owner_id else None


def create_conversation(*, session: Session, owner_id: int, title: str) -> Conversation:
    conversation = Conversation(owner_id=owner_id, title=title[:200])
    session.add(conversation)
    session.commit()
    return conversation


def list_conversations(*, session: Session, owner_id: int) -> list[Conversation]:
    rows = session.exec(
        select(Conversation)
        .where(Conversation.owner_id == owner_id)
        .order_by(col(Conversation.updated_at).desc(), col(Conversation.id).desc())
    ).all()
    return list(rows)


def list_messages(*, session: Session, conversation_id: int, limit: int | None = None) -> list[Message]:
    """Messages oldest first; with limit, the newest `limit` of them."""
    query = select(Message).where(Message.conversation_id == conversation_id)
    if limit is None:
        return list(session.exec(query.order_by(col(Message.id))).all())
    newest = session.exec(query.order_by(col(Message.id).desc()).limit(limit)).all()
    return list(reversed(newest))


def add_message(
    *,
    session: Session,
    conversation: Conversation,
    role: str,
    content: str,
    tool_calls: list[dict[str, object]] | None = None,
    request_key: str | None = None,
    failed: bool = False,
) -> Message:
    assert conversation.id is not None
    message = Message(
        conversation_id=conversation.id,
        role=role,
        content=content,
        tool_calls=tool_calls,
        request_key=request_key,
        failed=failed,
    )
    conversation.updated_at = utcnow()
    session.add(message)
    session.add(conversation)
    session.commit()
    return message


def find_keyed_message(*, session: Session, owner_id: int, request_key: str) -> Message | None:
    """The user message an account sent with this Idempotency-Key, if any."""
    query = (
        select(Message)
        .join(Conversation, col(Conversation.id) == col(Message.conversation_id))
        .where(Message.request_key == request_key, Conversation.owner_id == owner_id, Message.role == "user")
    )
    return session.exec(query.order_by(col(Message.id)).limit(1)).first()


def messages_after(*, session: Session, message: Message, limit: int) -> list[Message]:
    """The first `limit` messages of its conversation that came after `message`."""
    query = select(Message).where(Message.conversation_id == message.conversation_id, col(Message.id) > message.id)
    return list(session.exec(query.order_by(col(Message.id)).limit(limit)).all())


def messages_before(*, session: Session, message: Message, limit: int) -> list[Message]:
    """The newest `limit` messages of its conversation before `message`, oldest first."""
    query = select(Message).where(Message.conversation_id == message.conversation_id, col(Message.id) < message.id)
    return list(reversed(session.exec(query.order_by(col(Message.id).desc()).limit(limit)).all()))


def save_message(*, session: Session, message: Message) -> Message:
    session.add(message)
    session.commit()
    return message
