"""Dependencies the routes share: settings, a DB session, the authenticated caller."""

import time
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.core.config import Settings
from app.core.security import InvalidToken, TokenCache
from app.models import User

_bearer = HTTPBearer(auto_error=False, description="The access_token from POST /api/auth/login")


async def get_settings(request: Request) -> Settings:  # async: no thread hop for a lookup
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session per request. Async on purpose: making and closing one does no I/O here
    (autocommit connections have no transaction to roll back), so it needs no thread hop."""
    # Attributes stay loaded after commit: no extra SELECT to return what was just written.
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail=detail,
        headers={"WWW-Authenticate": "Bearer"},
    )


class UserCache:
    """Recently authenticated users by id, kept for `ttl` seconds.

    Saves a thread hop and a query on nearly every request. A logout is seen at once by the
    worker that took it (it drops the entry) and by every other worker within `ttl` seconds, as
    is an account deleted in the database.
    """

    def __init__(self, ttl: float = 5.0, max_size: int = 10_000) -> None:
        self.ttl = ttl
        self.max_size = max_size
        self._entries: dict[int, tuple[float, User]] = {}

    def get(self, user_id: int) -> User | None:
        entry = self._entries.get(user_id)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, user: User) -> None:
        if len(self._entries) >= self.max_size:
            self._entries.clear()
        assert user.id is not None
        self._entries[user.id] = (time.monotonic() + self.ttl, user)

    def drop(self, user_id: int) -> None:
        self._entries.pop(user_id, None)


def _load_user(engine: Engine, user_id: int) -> User | None:
    with Session(engine, expire_on_commit=False) as session:
        return session.get(User, user_id)


async def get_current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    if credentials is None:
        raise _unauthorized("Not authenticated: send 'Authorization: Bearer <access_token>'")
    try:
        tokens: TokenCache = request.app.state.token_cache
        secret_key = request.app.state.settings.secret_key  # not a dependency: one less to solve per request
        user_id, version = tokens.decode(credentials.credentials, secret_key=secret_key)
    except InvalidToken as exc:
        raise _unauthorized("Invalid or expired token; log in again") from exc
    cache: UserCache = request.app.state.user_cache
    user = cache.get(user_id)
    if user is None:
        user = await run_in_threadpool(_load_user, request.app.state.engine, user_id)
        if user is None:
            raise _unauthorized("The account of this token no longer exists")
        cache.put(user)
    if version != user.token_version:
        raise _unauthorized("This session has ended (logged out); log in again")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
