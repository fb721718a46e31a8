"""Accounts: register, log in for a JWT, read the caller."""

from fastapi import APIRouter, HTTPException, Request, Response, status
from sqlalchemy.exc import IntegrityError

from app import crud
from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.core.security import create_access_token
from app.models import Token, UserLogin, UserPublic, UserRegister

router = APIRouter(prefix="/auth", tags=["auth"])

_DUPLICATE = "An account with this email already exists"


@router.post("/register", status_code=status.HTTP_201_CREATED, response_model=UserPublic)
def register(user_in: UserRegister, session: SessionDep) -> UserPublic:
    if crud.get_user_by_email(session=session, email=user_in.email):
        raise HTTPException(status.HTTP_409_CONFLICT, detail=_DUPLICATE)
    try:
        user = crud.create_user(session=session, user_in=user_in)
    except IntegrityError as exc:  # a concurrent registration won the race
        session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, detail=_DUPLICATE) from exc
    return UserPublic.model_validate(user)


@router.post("/login", response_model=Token)
def login(body: UserLogin, session: SessionDep, settings: SettingsDep) -> Token:
    user = crud.authenticate(session=session, email=body.email, password=body.password)
    if user is None or user.id is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Incorrect email or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    minutes = settings.access_token_expire_minutes
    token = create_access_token(
        subject=user.id, secret_key=settings.secret_key, expires_minutes=minutes, version=user.token_version
    )
    return Token(access_token=token, expires_in=minutes * 60, user=UserPublic.model_validate(user))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(user: CurrentUser, session: SessionDep, request: Request) -> Response:
    """End every session of the caller: tokens issued before now are refused from here on."""
    assert user.id is not None
    crud.end_sessions(session=session, user_id=user.id)
    request.app.state.user_cache.drop(user.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=UserPublic)
def me(user: CurrentUser) -> UserPublic:
    return UserPublic.model_validate(user)
