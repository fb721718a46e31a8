"""The API driver (fixtures/api.py) follows the profile's auth kind and body templates: checked
against a small HTTP server of this test's own that answers as a Better Auth app does (sign-in
sets a cookie; the JWT comes from a token route, only with that cookie)."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from fixtures import profile
from fixtures.api import Account, TodoApi

SEEN: list[dict[str, Any]] = []


class _BetterAuthApp(BaseHTTPRequestHandler):
    """Frontend routes /api/auth/* (cookie sessions) and backend routes /api/{id}/tasks (Bearer)."""

    def log_message(self, *args: Any) -> None:
        return

    def _answer(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        SEEN.append({"path": self.path, "body": body})
        if self.path == "/api/auth/sign-up/email":
            self._answer(200, {"user": {"id": "u1"}})
        elif self.path == "/api/auth/sign-in/email" and body.get("password") == "pw-right":
            self._answer(200, {"user": {"id": "u1"}}, {"set-cookie": "session=s1; Path=/; HttpOnly"})
        else:
            self._answer(401, {"message": "Invalid email or password"})

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/api/auth/token":
            ok = "session=s1" in (self.headers.get("cookie") or "")
            self._answer(200 if ok else 401, {"token": "jwt-u1"} if ok else {"message": "no session"})
        elif self.path.startswith("/api/u1/tasks"):
            ok = self.headers.get("authorization") == "Bearer jwt-u1"
            self._answer(200 if ok else 401, {"tasks": [{"title": "t", "completed": False}]} if ok else {})
        else:
            self._answer(404, {})


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _BetterAuthApp)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    SEEN.clear()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


BETTER_AUTH = """name: better
api:
  auth: {kind: better-auth, at: frontend, register: /api/auth/sign-up/email, login: /api/auth/sign-in/email,
         token_route: /api/auth/token, name: required, token: [$.token], user_id: [$.user.id],
         register_body: {email: "{email}", password: "{password}", name: "{name}", callbackURL: /tasks}}
  tasks: {path: "/api/{user_id}/tasks", items: [$.tasks]}
"""


def test_better_auth_signs_in_with_a_cookie_and_takes_the_jwt_from_its_token_route(server: str, tmp_path: Path) -> None:
    path = tmp_path / "better.yaml"
    path.write_text(BETTER_AUTH)
    app = profile.load(path, tmp_path)
    api = TodoApi(server, app.api, frontend_url=server)
    account = Account("ada@example.com", "pw-right")
    assert api.register(account, name="Ada").status_code == 200
    assert SEEN[0]["body"] == {
        "email": "ada@example.com",
        "password": "pw-right",
        "name": "Ada",
        "callbackURL": "/tasks",
    }
    assert api.login(account).status_code == 200
    assert (account.token, account.user_id) == ("jwt-u1", "u1")
    assert api.tasks(account) == [{"title": "t", "completed": False}]
    wrong = Account("ada@example.com", "pw-wrong")
    assert api.login(wrong).status_code == 401 and wrong.token is None


def test_bodies_follow_their_templates_and_leave_out_what_is_empty() -> None:
    template = {"username": "{email}", "secret": "{password}", "display": "{name}"}
    assert profile.fill_body(template, {"email": "a@b.c", "password": "p", "name": ""}) == {
        "username": "a@b.c",
        "secret": "p",
    }


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("name: x\napi: {auth: {kind: better-auth}}\n", "better-auth needs `token_route`"),
        ("name: x\napi: {auth: {login_body: {user: '{login}'}}}\n", "user: {login} is none of"),
        ("name: x\napi: {chat: {body: {q: '{text}'}}}\n", "q: {text} is none of"),
    ],
)
def test_a_wrong_auth_or_body_template_is_refused(tmp_path: Path, text: str, complaint: str) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(text)
    with pytest.raises(profile.ProfileError, match="team.yaml: ") as caught:
        profile.load(path, tmp_path)
    assert complaint in str(caught.value), str(caught.value)
