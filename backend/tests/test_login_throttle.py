"""Repeated failed logins for one account are refused with 429 and Retry-After before any password
is hashed, so a burst can neither guess passwords nor fill the memory (issue 10, item 1)."""

from fastapi.testclient import TestClient

from app.api.routes.auth import LoginThrottle
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
