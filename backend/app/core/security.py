"""Password hashing (argon2) and access tokens (JWT, HS256)."""

import threading
import time
from datetime import UTC, datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ALGORITHM = "HS256"
# OWASP's recommended argon2id setting (19 MiB, 2 passes, 1 lane). The library default
# (64 MiB, 4 lanes) costs 64 MiB of RAM per concurrent login, which a 512 MiB pod cannot afford.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# A real hash to verify against when the email is unknown, so a login's timing
# does not tell whether an account exists.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class InvalidToken(Exception):
    """The bearer token is missing, malformed, expired, tampered or not HS256."""


# At most this many hashes at once per process: each holds 19 MiB while it runs, and a burst
# of logins would otherwise hold it for every thread of the pool (40 x 19 MiB).
_hashing_slots = threading.BoundedSemaphore(4)


def hash_password(password: str) -> str:
    with _hashing_slots:
        return _hasher.hash(password)


def verify_password(password: str, hashed: str | None) -> bool:
    try:
        with _hashing_slots:
            return _hasher.verify(hashed or _DUMMY_HASH, password) and hashed is not None
    except (VerificationError, InvalidHashError):
        return False


def create_access_token(*, subject: int, secret_key: str, expires_minutes: int, version: int = 0) -> str:
    now = datetime.now(UTC)
    payload = {"sub": str(subject), "ver": version, "iat": now, "exp": now + timedelta(minutes=expires_minutes)}
    return jwt.encode(payload, secret_key, algorithm=ALGORITHM)


def _decode(token: str, secret_key: str) -> tuple[int, int, float]:
    try:
        payload = jwt.decode(token, secret_key, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]})
        return int(payload["sub"]), int(payload.get("ver", 0)), float(payload["exp"])
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise InvalidToken(str(exc)) from exc


class TokenCache:
    """Tokens verified before, with their user id, version and expiry.

    A browser sends the same token with every request; checking its signature again each time
    was an eighth of a task list's time. A hit is the very string that was verified, so only its
    expiry is looked at again; the version is compared with the user's by the caller as always.
    """

    def __init__(self, max_size: int = 10_000) -> None:
        self.max_size = max_size
        self._entries: dict[str, tuple[int, int, float]] = {}

    def decode(self, token: str, *, secret_key: str) -> tuple[int, int]:
        """The user id and token version in a valid token; only HS256 is accepted (never alg=none).
        A token from before versions existed is version 0."""
        entry = self._entries.get(token)
        if entry is None:
            entry = _decode(token, secret_key)
            if len(self._entries) >= self.max_size:
                self._entries.clear()
            self._entries[token] = entry
        user_id, version, expires = entry
        if expires <= time.time():
            self._entries.pop(token, None)
            raise InvalidToken("Signature has expired")
        return user_id, version


def decode_access_token(token: str, *, secret_key: str) -> tuple[int, int]:
    """The user id and token version in a valid token (no cache)."""
    return TokenCache(max_size=1).decode(token, secret_key=secret_key)
