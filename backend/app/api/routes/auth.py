"""Accounts: register, log in for a JWT, read the caller."""

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from sqlalchemy.exc import IntegrityError

from app import crud
from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.core.security import create_access_token
from app.models import ErrorDetail, Token, UserLogin, UserPublic, UserRegister

router = APIRouter(prefix="/auth", tags=["auth"])


class LoginThrottle:
    """Failed logins per account (case-insensitive email) in a sliding window, per process.

    After `limit` failures within `window` seconds the account's logins are refused with 429
    until the oldest failure ages out: before any password is hashed, so a burst costs neither
    guesses nor memory. A successful login clears the account's failures. At most `max_accounts`
    are tracked (the oldest dropped first), so a flood of made-up emails cannot grow it.
    """

    def __init__(
        self,
        limit: int = 5,
        window: float = 60.0,
        max_accounts: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit, self.window, self.max_accounts, self.clock = limit, window, max_accounts, clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, key: str) -> deque[float]:
        failures = self._failures.get(key, deque())
        while failures and failures[0] <= self.clock() - self.window:
            failures.popleft()
        if not failures:
            self._failures.pop(key, None)  # aged out: no longer tracked
        return failures

    def retry_after(self, email: str) -> int | None:
        """Seconds until this account may try again, or None when it may now."""
        with self._lock:
            failures = self._recent(email.lower())
            if len(failures) < self.limit:
                return None
            return max(1, math.ceil(failures[0] + self.window - self.clock()))

    def failed(self, email: str) -> None:
        key = email.lower()
        with self._lock:
            failures = self._recent(key)
            failures.append(self.clock())
            self._failures[key] = failures
            self._failures.move_to_end(key)
            while len(self._failures) > self.max_accounts:
                self._failures.popitem(last=False)

    def succeeded(self, email: str) -> None:
        with self._lock:
            self._failures.pop(email.lower(), None)


_DUPLICATE = "An account with this email already exists"
_UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorDetail, "description": "No valid token: missing, expired, or ended by a logout"}
}


# Passwords are hashed a few at a time per worker (app/core/security.py); past a short wait the
# request is turned away rather than queued.
_HASHING_BUSY: dict[str, Any] = {
    "model": ErrorDetail,
    "description": "Every password-hashing slot of the worker is busy (Retry-After)",
}


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    response_model=UserPublic,
    responses={
        409: {"model": ErrorDetail, "description": "An account with this email already exists"},
        503: _HASHING_BUSY,
    },
)
def register(user_in: UserRegister, session: SessionDep) -> UserPublic:
    if crud.get_user_by_email(session=session, email=user_in.email):
        raise HTTPException(status.HTTP_409_CONFLICT, detail=_DUPLICATE)
    try:
        user = crud.create_user(session=session, user_in=user_in)
    except IntegrityError as exc:  # a concurrent registration won the race
        session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, detail=_DUPLICATE) from exc
    return UserPublic.model_validate(user)


@router.post(
    "/login",
    response_model=Token,
    responses={
        401: {"model": ErrorDetail, "description": "Incorrect email or password"},
        429: {"model": ErrorDetail, "description": "Too many failed logins for this account (Retry-After)"},
        503: _HASHING_BUSY,
    },
)
def login(body: UserLogin, session: SessionDep, settings: SettingsDep, request: Request) -> Token:
    throttle: LoginThrottle = request.app.state.login_throttle
    wait = throttle.retry_after(body.email)
    if wait is not None:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail=f"Too many failed logins for this account; try again in {wait} s",
            headers={"Retry-After": str(wait)},
        )
    user = crud.authenticate(session=session, email=body.email, password=body.password)
    if user is None or user.id is None:
        throttle.failed(body.email)
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Incorrect email or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    throttle.succeeded(body.email)
    minutes = settings.access_token_expire_minutes
    token = create_access_token(
        subject=user.id, secret_key=settings.secret_key, expires_minutes=minutes, version=user.token_version
    )
    return Token(access_token=token, expires_in=minutes * 60, user=UserPublic.model_validate(user))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=_UNAUTHORIZED)
def logout(user: CurrentUser, session: SessionDep, request: Request) -> Response:
    """End every session of the caller: tokens issued before now are refused from here on."""
    assert user.id is not None
    crud.end_sessions(session=session, user_id=user.id)
    request.app.state.user_cache.drop(user.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=UserPublic, responses=_UNAUTHORIZED)
def me(user: CurrentUser) -> UserPublic:
    return UserPublic.model_validate(user)
