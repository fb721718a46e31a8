"""Password hashing (argon2) and access tokens (JWT, HS256)."""

import ctypes
import ctypes.util
import os
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

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


HASH_MEMORY = 19 * 1024 * 1024  # what one argon2 hash holds while it runs
# How long a login waits for a hashing slot before it is told to come back (503, Retry-After).
HASH_WAIT_S = 2.0


class HashingBusy(Exception):
    """Every hashing slot stayed taken for HASH_WAIT_S: the worker is saturated with logins."""


def memory_limit(root: Path = Path("/sys/fs/cgroup")) -> int | None:
    """This process's memory limit (the pod's or container's, from its cgroup, v2 or v1), None when
    it has none."""
    for path in (root / "memory.max", root / "memory" / "memory.limit_in_bytes"):
        try:
            text = path.read_text().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 1 << 60:  # v1 writes a huge number for "no limit"
            return int(text)
    return None


def hashing_slots(limit: int | None, configured: str | None = None) -> int:
    """Hashes in flight per worker: HASH_CONCURRENCY when set; else a quarter of the memory limit
    in 19 MiB hashes (512 MiB: 4, 128 MiB: 1), at most 4 (the pool has 2 cores' worth of work)."""
    if configured:
        return max(1, int(configured))
    if limit is None:
        return 4
    return max(1, min(4, limit // 4 // HASH_MEMORY))


def _give_large_blocks_back() -> None:
    """argon2 takes its 19 MiB with malloc. glibc's dynamic mmap threshold then rises to that size,
    so later hashes are served from the arenas of the threads that ran them, and an arena keeps what
    it had: a burst of logins across the pool's threads left a worker at ~880 MB. A fixed threshold
    makes each such block an mmap, returned to the system as soon as the hash is done."""
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    if libc is not None and hasattr(libc, "mallopt"):  # glibc (musl has no mallopt)
        m_mmap_threshold = -3
        libc.mallopt(m_mmap_threshold, 1024 * 1024)


_give_large_blocks_back()
_hashing_slots = threading.BoundedSemaphore(hashing_slots(memory_limit(), os.environ.get("HASH_CONCURRENCY")))


def _slot() -> None:
    if not _hashing_slots.acquire(timeout=HASH_WAIT_S):
        raise HashingBusy


def hash_password(password: str) -> str:
    _slot()
    try:
        return _hasher.hash(password)
    finally:
        _hashing_slots.release()


def verify_password(password: str, hashed: str | None) -> bool:
    _slot()
    try:
        return _hasher.verify(hashed or _DUMMY_HASH, password) and hashed is not None
    except (VerificationError, InvalidHashError):
        return False
    finally:
        _hashing_slots.release()


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
