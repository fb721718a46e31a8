"""One chat exchange: persist the user's message first, run the agent, persist its reply.

A retry of a message (the same Idempotency-Key, or without one, the same words sent again into a
conversation whose last answer failed) is not new work: an answered message gets its stored
answer back, and a failed one runs again with the tool calls it already made answered from the
record, so nothing is done twice. When the provider fails after tools ran, an assistant message
marked `failed` records them, so the conversation (and the model, next time) knows.
"""

import json
from dataclasses import dataclass

from sqlmodel import Session

from app import crud
from app.chat.providers import ChatProvider, ProviderError, Turn
from app.chat.tools import TaskTools, ToolCall
from app.models import ChatRequest, ChatResponse, Conversation, Message, ToolCallPublic

# Past messages a provider sees with each new one.
HISTORY_LIMIT = 20


class ConversationNotFound(LookupError):
    """The conversation does not exist or belongs to someone else."""


class KeyReused(ValueError):
    """The Idempotency-Key was sent before with another message or conversation."""


class ChatFailed(Exception):
    """The provider failed; the user's message (and any tool call that ran) is stored all the same."""

    def __init__(self, error: ProviderError, conversation_id: int, tool_calls: list[ToolCallPublic]) -> None:
        super().__init__(error.message)
        self.status_code = error.status_code
        self.message = error.message
        self.conversation_id = conversation_id
        self.tool_calls = tool_calls


@dataclass
class Attempt:
    """The message being answered, and the failed record of an earlier try at it, if any."""

    conversation: Conversation
    message: Message
    failed_answer: Message | None = None


def _conversation_for(session: Session, owner_id: int, request: ChatRequest) -> Conversation:
    if request.conversation_id is None:
        return crud.create_conversation(session=session, owner_id=owner_id, title=request.message[:80])
    conversation = crud.get_conversation(session=session, owner_id=owner_id, conversation_id=request.conversation_id)
    if conversation is None:
        raise ConversationNotFound(request.conversation_id)
    return conversation


def _keyed_attempt(session: Session, owner_id: int, request: ChatRequest, key: str) -> Attempt | Message | None:
    """The earlier try sent with this key: its Attempt, or its answer when it was answered."""
    sent = crud.find_keyed_message(session=session, owner_id=owner_id, request_key=key)
    if sent is None:
        return None
    if sent.content != request.message or request.conversation_id not in (None, sent.conversation_id):
        raise KeyReused(key)
    conversation = crud.get_conversation(session=session, owner_id=owner_id, conversation_id=sent.conversation_id)
    assert conversation is not None
    following = crud.messages_after(session=session, message=sent, limit=1)
    answer = following[0] if following and following[0].role == "assistant" else None
    if answer is not None and not answer.failed:
        return answer
    return Attempt(conversation, sent, answer)


def _unanswered_repeat(session: Session, conversation: Conversation, request: ChatRequest) -> Attempt | None:
    """Without a key: the same words sent again right after a try that got no answer."""
    assert conversation.id is not None
    last = crud.list_messages(session=session, conversation_id=conversation.id, limit=2)
    if last and last[-1].role == "user" and last[-1].content == request.message and last[-1].request_key is None:
        return Attempt(conversation, last[-1])
    if (
        len(last) == 2
        and last[1].failed
        and last[0].role == "user"
        and last[0].content == request.message
        and last[0].request_key is None
    ):
        return Attempt(conversation, last[0], last[1])
    return None


def _turn(message: Message) -> Turn:
    """A stored message as the model sees it; a failed answer says which tools ran, and with what."""
    if not message.failed:
        return Turn(message.role, message.content)
    done = "; ".join(
        f"{c.get('name')}({json.dumps(c.get('arguments'), default=str)}) -> {json.dumps(c.get('result'), default=str)}"
        for c in message.tool_calls or []
    )
    return Turn("assistant", f"(My answer was cut off by an error, after these tool calls had run: {done})")


def _public(calls: list[ToolCall]) -> list[ToolCallPublic]:
    return [ToolCallPublic.model_validate(c.as_dict()) for c in calls]


def chat(
    *, session: Session, owner_id: int, request: ChatRequest, provider: ChatProvider, key: str | None = None
) -> ChatResponse:
    earlier = _keyed_attempt(session, owner_id, request, key) if key else None
    if isinstance(earlier, Message):  # answered before: the same answer again, nothing re-run
        return ChatResponse(
            conversation_id=earlier.conversation_id,
            reply=earlier.content,
            tool_calls=[ToolCallPublic.model_validate(c) for c in earlier.tool_calls or []],
        )
    attempt = earlier
    if attempt is None:
        conversation = _conversation_for(session, owner_id, request)
        attempt = None if key else _unanswered_repeat(session, conversation, request)
        if attempt is None:
            message = crud.add_message(
                session=session, conversation=conversation, role="user", content=request.message, request_key=key
            )
            attempt = Attempt(conversation, message)
    conversation = attempt.conversation
    assert conversation.id is not None
    history = [_turn(m) for m in crud.messages_before(session=session, message=attempt.message, limit=HISTORY_LIMIT)]
    failed = attempt.failed_answer
    done = [ToolCall.from_dict(c) for c in (failed.tool_calls or [])] if failed else []
    tools = TaskTools(session=session, owner_id=owner_id, done=done)
    try:
        reply = provider.respond(history=history, message=attempt.message.content, tools=tools)
    except ProviderError as exc:
        executed = tools.executed()
        if executed:
            calls = [c.as_dict() for c in executed]
            if failed is None:
                crud.add_message(
                    session=session,
                    conversation=conversation,
                    role="assistant",
                    content=exc.message,
                    tool_calls=calls,
                    failed=True,
                )
            else:
                failed.content, failed.tool_calls = exc.message, calls
                crud.save_message(session=session, message=failed)
        raise ChatFailed(exc, conversation.id, _public(executed)) from exc
    executed = tools.executed()
    calls = [c.as_dict() for c in executed]
    if failed is None:
        crud.add_message(
            session=session, conversation=conversation, role="assistant", content=reply, tool_calls=calls or None
        )
    else:  # the failed record becomes the answer: one message, one answer
        failed.content, failed.tool_calls, failed.failed = reply, calls or None, False
        crud.save_message(session=session, message=failed)
    return ChatResponse(conversation_id=conversation.id, reply=reply, tool_calls=_public(executed))
