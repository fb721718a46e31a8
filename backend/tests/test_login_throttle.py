"""Repeated failed logins for one account are refused with 429 and Retry-After before any password
is hashed, so a burst can neither guess passwords nor fill the memory (issue 10, item 1)."""

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.api.routes.auth import LoginThrottle
from app.core import security
from tests.factories import PASSWORD, AuthedUser


def _wrong(client: TestClient, email: str) -> int:
    return client.post("/api/auth/login", json={"email": email, "password": "wrong-password"}).status_code


def test_the_sixth_failure_in_a_minute_is_429_with_retry_after(client: TestClient, user: AuthedUser) -> None:
    client.app.state.login_throttle = LoginThrottle()  # type: ignore[attr-defined]
    assert [_wrong(client, user.email) for _ in range(5)] == [401] * 5
    refused = client.post("/api/auth/login", json={"email": user.email, "password": "wrong-password"})
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "too many failed logins" in refused.json()["detail"].lower()
    # The right password is refused too while the account is locked (no guessing through it).
    right = client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert right.status_code == 429
    # Another account is not affected.
    assert _wrong(client, "someone-else@example.com") == 401


def test_failures_age_out_and_a_success_clears_them() -> None:
    now = [1000.0]
    throttle = LoginThrottle(limit=3, window=60, clock=lambda: now[0])
    for _ in range(3):
        assert throttle.retry_after("a@example.com") is None
        throttle.failed("a@example.com")
    assert throttle.retry_after("A@example.com") == 60  # emails compare case-insensitively
    now[0] += 30
    assert throttle.retry_after("a@example.com") == 30
    now[0] += 31
    assert throttle.retry_after("a@example.com") is None
    throttle.failed("b@example.com")
    throttle.succeeded("b@example.com")
    assert throttle.retry_after("b@example.com") is None and not throttle._failures


def test_the_throttle_holds_a_bounded_number_of_accounts() -> None:
    throttle = LoginThrottle(max_accounts=100)
    for n in range(1000):
        throttle.failed(f"user{n}@example.com")
    assert len(throttle._failures) <= 100


# ---- a burst across many accounts: hashes in flight are bounded per worker (issue 16, item 10)


@pytest.mark.parametrize(
    ("limit", "configured", "slots"),
    [(512 * 2**20, None, 4), (256 * 2**20, None, 3), (128 * 2**20, None, 1), (64 * 2**20, None, 1), (None, None, 4)],
)
def test_hashing_slots_follow_the_memory_limit(limit: int | None, configured: str | None, slots: int) -> None:
    assert security.hashing_slots(limit, configured) == slots
    assert security.hashing_slots(limit, "2") == 2  # HASH_CONCURRENCY wins


def test_the_memory_limit_is_read_from_cgroup_v2_or_v1(tmp_path: Path) -> None:
    assert security.memory_limit(tmp_path) is None
    (tmp_path / "memory").mkdir()
    (tmp_path / "memory" / "memory.limit_in_bytes").write_text("9223372036854771712\n")  # v1: no limit
    assert security.memory_limit(tmp_path) is None
    (tmp_path / "memory.max").write_text("max\n")  # v2: no limit
    assert security.memory_limit(tmp_path) is None
    (tmp_path / "memory.max").write_text(f"{512 * 2**20}\n")
    assert security.memory_limit(tmp_path) == 512 * 2**20


def test_a_login_that_finds_every_hashing_slot_busy_is_503_with_retry_after(
    client: TestClient, user: AuthedUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    slots = threading.BoundedSemaphore(1)
    monkeypatch.setattr(security, "_hashing_slots", slots)
    monkeypatch.setattr(security, "HASH_WAIT_S", 0.2)
    slots.acquire()  # another request's hash holds the only slot
    try:
        for path, body in (
            ("/api/auth/login", {"email": user.email, "password": PASSWORD}),
            ("/api/auth/register", {"email": "new-one@example.com", "password": PASSWORD}),
        ):
            busy = client.post(path, json=body)
            assert busy.status_code == 503 and busy.headers["retry-after"] == "1", busy.text
            assert "try again" in busy.json()["detail"]
    finally:
        slots.release()
    assert client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD}).status_code == 200
