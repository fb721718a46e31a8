"""Chat with the task agent, and the caller's stored conversations."""

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Path, Request, status
from fastapi.responses import JSONResponse

from app import crud
from app.api.deps import CurrentUser, SessionDep
from app.chat import service
from app.models import (
    MAX_ID,
    ChatFailure,
    ChatRequest,
    ChatResponse,
    ConversationPublic,
    ConversationsPublic,
    ErrorDetail,
    MessagePublic,
    MessagesPublic,
)

router = APIRouter(
    tags=["chat"],
    responses={404: {"model": ErrorDetail, "description": "No such conversation of the caller's"}},
)

_FAILED = {
    409: {"model": ErrorDetail, "description": "The Idempotency-Key was used before for another message"},
    502: {
        "model": ChatFailure,
        "description": "The AI provider failed (bad key, bad answer); the message and any tool call that ran are kept",
    },
    503: {
        "model": ChatFailure,
        "description": "The AI provider is unavailable (timeout, rate limit); the message and any tool call are kept",
    },
}

IdempotencyKey = Annotated[
    str | None,
    Header(
        min_length=1,
        max_length=100,
        pattern=r"^[\x21-\x7e]+$",
        description=(
            "Any string of your own for this message (a UUID). Sending the message again with the same key "
            "is a retry: an answered message gets the same answer back; a failed one runs again without "
            "repeating the tool calls that already ran."
        ),
    ),
]


@router.post("/chat", response_model=ChatResponse, responses=_FAILED)  # type: ignore[arg-type]
def chat(
    body: ChatRequest,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    idempotency_key: IdempotencyKey = None,
) -> ChatResponse | JSONResponse:
    assert user.id is not None
    provider = request.app.state.chat_provider
    try:
        return service.chat(session=session, owner_id=user.id, request=body, provider=provider, key=idempotency_key)
    except service.ConversationNotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"Conversation {exc.args[0]} not found") from exc
    except service.KeyReused as exc:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail="This Idempotency-Key was already used for another message; send a new key for a new message",
        ) from exc
    except service.ChatFailed as exc:
        failure = ChatFailure(detail=exc.message, conversation_id=exc.conversation_id, tool_calls=exc.tool_calls)
        return JSONResponse(failure.model_dump(mode="json"), status_code=exc.status_code)


@router.get("/conversations", response_model=ConversationsPublic)
def list_conversations(session: SessionDep, user: CurrentUser) -> ConversationsPublic:
    assert user.id is not None
    rows = crud.list_conversations(session=session, owner_id=user.id)
    return ConversationsPublic(data=[ConversationPublic.model_validate(c) for c in rows], count=len(rows))


@router.get("/conversations/{conversation_id}/messages", response_model=MessagesPublic)
def list_messages(
    conversation_id: Annotated[int, Path(ge=1, le=MAX_ID)], session: SessionDep, user: CurrentUser
) -> MessagesPublic:
    assert user.id is not None
    conversation = crud.get_conversation(session=session, owner_id=user.id, conversation_id=conversation_id)
    if conversation is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"Conversation {conversation_id} not found")
    rows = crud.list_messages(session=session, conversation_id=conversation_id)
    return MessagesPublic(data=[MessagePublic.model_validate(m) for m in rows], count=len(rows))
