"""One chat exchange: persist the user's message first, run the agent, persist its reply."""

from sqlmodel import Session

from app import crud
from app.chat.providers import ChatProvider, ProviderError, Turn
from app.chat.tools import TaskTools
from app.models import ChatRequest, ChatResponse, Conversation, ToolCallPublic

# Past messages a provider sees with each new one.
HISTORY_LIMIT = 20


class ConversationNotFound(LookupError):
    """The conversation does not exist or belongs to someone else."""


class ChatFailed(Exception):
    """The provider failed; the user's message is stored in conversation_id all the same."""

    def __init__(self, error: ProviderError, conversation_id: int) -> None:
        super().__init__(error.message)
        self.status_code = error.status_code
        self.message = error.message
        self.conversation_id = conversation_id


def _conversation_for(session: Session, owner_id: int, request: ChatRequest) -> Conversation:
    if request.conversation_id is None:
        return crud.create_conversation(session=session, owner_id=owner_id, title=request.message[:80])
    conversation = crud.get_conversation(session=session, owner_id=owner_id, conversation_id=request.conversation_id)
    if conversation is None:
        raise ConversationNotFound(request.conversation_id)
    return conversation


def chat(*, session: Session, owner_id: int, request: ChatRequest, provider: ChatProvider) -> ChatResponse:
    conversation = _conversation_for(session, owner_id, request)
    assert conversation.id is not None
    history = [
        Turn(m.role, m.content)
        for m in crud.list_messages(session=session, conversation_id=conversation.id, limit=HISTORY_LIMIT)
    ]
    crud.add_message(session=session, conversation=conversation, role="user", content=request.message)
    tools = TaskTools(session=session, owner_id=owner_id)
    try:
        reply = provider.respond(history=history, message=request.message, tools=tools)
    except ProviderError as exc:
        raise ChatFailed(exc, conversation.id) from exc
    calls = [c.as_dict() for c in tools.calls]
    crud.add_message(
        session=session, conversation=conversation, role="assistant", content=reply, tool_calls=calls or None
    )
    return ChatResponse(
        conversation_id=conversation.id,
        reply=reply,
        tool_calls=[ToolCallPublic.model_validate(c) for c in calls],
    )
