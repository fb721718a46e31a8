"""Small helpers that make random users and tasks through the API."""

import secrets
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from app.core.db import BACKEND_DIR

PASSWORD = "correct horse battery"


def random_email() -> str:
    return f"user-{secrets.token_hex(6)}@example.com"


def random_title() -> str:
    return f"task {secrets.token_hex(4)}"


@dataclass
class AuthedUser:
    """A registered user with a token and the headers that carry it."""

    id: int
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def register_and_login(client: TestClient, email: str | None = None) -> AuthedUser:
    email = email or random_email()
    registered = client.post("/api/auth/register", json={"email": email, "password": PASSWORD, "name": "Test"})
    assert registered.status_code == 201, registered.text
    login = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return AuthedUser(id=registered.json()["id"], email=email, token=login.json()["access_token"])


def log_in(client: TestClient, user: AuthedUser) -> AuthedUser:
    """A new session (token) for an existing account."""
    login = client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return AuthedUser(id=user.id, email=user.email, token=login.json()["access_token"])


def create_task(client: TestClient, user: AuthedUser, **fields: Any) -> dict[str, Any]:
    body = {"title": random_title(), **fields}
    response = client.post("/api/tasks", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    task: dict[str, Any] = response.json()
    return task


def chat(
    client: TestClient, user: AuthedUser, message: str, conversation_id: int | None = None, key: str | None = None
) -> Any:
    body: dict[str, Any] = {"message": message}
    if conversation_id is not None:
        body["conversation_id"] = conversation_id
    headers = {**user.headers, **({"Idempotency-Key": key} if key else {})}
    return client.post("/api/chat", json=body, headers=headers)


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`python -m app ARGS` in a clean environment (only `env`), as an operator would run it."""
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=BACKEND_DIR,
        env={"PATH": "", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
