"""This repository's own app, deployed: its frontend's /api proxy (plan 5.1) and its cookie
session's logout (5.3), which the plan's checks cannot know of another app. Collected only when our
app is under test (conftest.py)."""

import secrets
from collections.abc import Iterator

import httpx
import pytest

from fixtures.evidence import Evidence
from fixtures.targets import Target

pytestmark = [pytest.mark.phase5, pytest.mark.mvp]


def test_5_1_frontend_reaches_backend_through_its_proxy(base_url: str, target: Target, evidence: Evidence) -> None:
    # 401 with the backend's own message (not a 502 from the proxy) proves the round trip.
    response = httpx.get(f"{base_url}/api/auth/me", timeout=15)
    evidence.text("GET /api/auth/me through the frontend", f"{response.status_code} {response.text}")
    assert response.status_code == 401
    assert "Not authenticated" in response.json()["detail"]
    # The proxy refuses a body over 1 MiB itself, declared or streamed, before buffering it.
    big = b'{"title": "' + b"x" * (2 * 2**20) + b'"}'

    def streamed() -> Iterator[bytes]:
        yield from (big[i : i + 65536] for i in range(0, len(big), 65536))

    for body in (big, streamed()):
        refused = httpx.post(f"{base_url}/api/tasks", content=body, headers={"content-type": "application/json"})
        evidence.text("POST /api/tasks with a 2 MiB body", f"{refused.status_code} {refused.text[:200]}")
        assert refused.status_code == 413 and "1 MiB" in refused.json()["detail"], refused.text[:200]
    backend_log = target.backend_log()
    if backend_log is not None:  # the proxy answered alone: the backend never received them
        assert "POST /api/tasks 413" not in backend_log


def test_5_3_logging_out_ends_the_session(base_url: str, evidence: Evidence) -> None:
    """Through the frontend, as a browser does: after a logout the old session cookie is refused."""
    with httpx.Client(base_url=base_url, timeout=15) as browser:
        email, password = f"logout-{secrets.token_hex(4)}@example.com", secrets.token_urlsafe(12)
        assert browser.post("/api/auth/register", json={"email": email, "password": password}).status_code == 201
        assert browser.post("/api/auth/login", json={"email": email, "password": password}).status_code == 200
        cookies = dict(browser.cookies)
        assert browser.get("/api/auth/me").status_code == 200
        assert browser.post("/api/auth/logout").status_code == 204
    # The same cookie, replayed after the logout (as a stolen copy would be).
    replayed = httpx.get(f"{base_url}/api/auth/me", cookies=cookies, timeout=15)
    evidence.text("GET /api/auth/me with the cookie from before the logout", f"{replayed.status_code} {replayed.text}")
    assert replayed.status_code == 401, replayed.text
