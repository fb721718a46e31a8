"""Database tables and the API's request/response models, one family per resource."""

from datetime import UTC, datetime
from typing import Any

from pydantic import EmailStr, field_validator
from sqlalchemy import JSON, Column, DateTime, Dialect, Index, Text, TypeDecorator
from sqlalchemy import false as sa_false
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored and read back as aware UTC, also on SQLite (which drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _timestamp(**kwargs: Any) -> Any:
    """A created/updated timestamp column."""
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), **kwargs))


def _strip_required(value: str) -> str:
    stripped = value.strip()
    if not stripped:
        raise ValueError("must not be blank")
    return stripped


def _no_nul(value: str | None) -> str | None:
    # PostgreSQL refuses NUL in text (SQLite would store it): a client mistake either way.
    if value is not None and "\x00" in value:
        raise ValueError("must not contain the NUL character")
    return value


# Ids are 32-bit integers in the database; larger ones in a request are a 422, not a 500.
MAX_ID = 2_147_483_647


class ErrorDetail(SQLModel):
    """Every error answer: `detail`, a sentence, or for 422 a list of field problems."""

    detail: str | list[dict[str, Any]]


# ---------------------------------------------------------------- users


class UserBase(SQLModel):
    """Fields a user shows to the world."""

    email: EmailStr = Field(max_length=255)
    name: str | None = Field(default=None, max_length=100)

    _name_text = field_validator("name")(_no_nul)


class UserRegister(UserBase):
    """Body of POST /api/auth/register."""

    password: str = Field(min_length=8, max_length=128)


class UserLogin(SQLModel):
    """Body of POST /api/auth/login."""

    email: EmailStr = Field(max_length=255)
    password: str = Field(min_length=1, max_length=128)


class User(SQLModel, table=True):
    """A stored account; the password only as an argon2 hash."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=255, unique=True, index=True)
    name: str | None = Field(default=None, max_length=100)
    hashed_password: str = Field(max_length=255)
    created_at: datetime = _timestamp(nullable=False)
    # Tokens carry the version they were issued under; logging out raises it, ending them all.
    token_version: int = Field(default=0, nullable=False, sa_column_kwargs={"server_default": "0"})


class UserPublic(UserBase):
    """A user as the API returns it."""

    id: int
    created_at: datetime


class Token(SQLModel):
    """Answer of POST /api/auth/login."""

    access_token: str
    token_type: str = "bearer"
    expires_in: int
    user: UserPublic


# ---------------------------------------------------------------- tasks


class TaskBase(SQLModel):
    """Fields a client may set on a task."""

    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)

    _text = field_validator("title", "description")(_no_nul)


class TaskCreate(TaskBase):
    """Body of POST /api/tasks."""

    @field_validator("title")
    @classmethod
    def _title_not_blank(cls, value: str) -> str:
        return _strip_required(value)


class TaskUpdate(SQLModel):
    """Body of PATCH /api/tasks/{id}: every field optional."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    completed: bool | None = None

    _text = field_validator("title", "description")(_no_nul)

    @field_validator("title")
    @classmethod
    def _title_not_blank(cls, value: str | None) -> str:
        # Omitted is fine (the validator does not run); an explicit null is not.
        if value is None:
            raise ValueError("title may be omitted but not null")
        return _strip_required(value)

    @field_validator("completed")
    @classmethod
    def _completed_not_null(cls, value: bool | None) -> bool:
        if value is None:
            raise ValueError("completed may be omitted but not null")
        return value


class Task(SQLModel, table=True):
    """A stored task, owned by one user."""

    __table_args__ = (Index("ix_task_owner_completed", "owner_id", "completed"),)

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    completed: bool = Field(default=False, nullable=False)
    owner_id: int = Field(foreign_key="user.id", ondelete="CASCADE", nullable=False)
    created_at: datetime = _timestamp(nullable=False)
    updated_at: datetime = _timestamp(nullable=False)


class TaskPublic(TaskBase):
    """A task as the API returns it."""

    id: int
    completed: bool
    created_at: datetime
    updated_at: datetime


class TasksPublic(SQLModel):
    """A page of tasks and the total matching the filter."""

    data: list[TaskPublic]
    count: int


# ---------------------------------------------------------------- chat


class ChatRequest(SQLModel):
    """Body of POST /api/chat; without conversation_id a new conversation starts."""

    message: str = Field(min_length=1, max_length=2000)
    conversation_id: int | None = Field(default=None, ge=1, le=MAX_ID)

    _message_text = field_validator("message")(_no_nul)

    @field_validator("message")
    @classmethod
    def _message_not_blank(cls, value: str) -> str:
        return _strip_required(value)


class ToolCallPublic(SQLModel):
    """One tool the agent ran while answering, with what it returned."""

    name: str
    arguments: dict[str, Any]
    result: Any


class ChatResponse(SQLModel):
    """Answer of POST /api/chat."""

    conversation_id: int
    reply: str
    tool_calls: list[ToolCallPublic]


class ChatFailure(SQLModel):
    """A 502/503 of POST /api/chat: our words for what failed, and what was done before it did."""

    detail: str
    conversation_id: int
    tool_calls: list[ToolCallPublic]


class Conversation(SQLModel, table=True):
    """A chat thread of one user."""

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="user.id", ondelete="CASCADE", nullable=False, index=True)
    title: str = Field(default="", max_length=200)
    created_at: datetime = _timestamp(nullable=False)
    updated_at: datetime = _timestamp(nullable=False)


class ConversationPublic(SQLModel):
    """A conversation as the API lists it."""

    id: int
    title: str
    created_at: datetime
    updated_at: datetime


class ConversationsPublic(SQLModel):
    """The caller's conversations, newest first."""

    data: list[ConversationPublic]
    count: int


class Message(SQLModel, table=True):
    """One message of a conversation: the user's words or the assistant's reply."""

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", ondelete="CASCADE", nullable=False, index=True)
    role: str = Field(max_length=16)
    content: str = Field(sa_column=Column(Text, nullable=False))
    tool_calls: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON))
    # A user message's Idempotency-Key (unique per account by the chat service's lookup).
    request_key: str | None = Field(default=None, max_length=100, index=True)
    # An assistant message that records tool calls of an answer the provider did not finish.
    failed: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})
    created_at: datetime = _timestamp(nullable=False)


class MessagePublic(SQLModel):
    """A message as the API returns it."""

    id: int
    role: str
    content: str
    tool_calls: list[dict[str, Any]] | None
    failed: bool
    created_at: datetime


class MessagesPublic(SQLModel):
    """The messages of one conversation, oldest first."""

    data: list[MessagePublic]
    count: int
