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
import yaml

from fixtures import profile, profile_model
from fixtures.api import Account, TodoApi
from fixtures.helm_sdk import merge_maps

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
    assert profile_model.fill_body(template, {"email": "a@b.c", "password": "p", "name": ""}) == {
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


# ---------------------------------------------------------------- replies, fields, rate limits


def _default_contract() -> profile_model.Api:
    return profile_model.Profile.model_validate(
        merge_maps(yaml.safe_load(profile.DEFAULTS.read_text()), {"name": "x"})
    ).api


def test_a_reply_is_read_from_json_plain_text_or_an_event_stream() -> None:
    from fixtures.api import read_reply

    assert read_reply("application/json", '{"response": "Done."}', ["$.reply", "$.response"]) == "Done."
    assert read_reply("text/plain", "Done, added it.\n", ["$.reply"]) == "Done, added it."
    stream = 'data: {"content": "Added "}\n\ndata: {"content": "milk"}\n\ndata: [DONE]\n\n'
    assert read_reply("text/event-stream", stream, ["$.reply"]) == "Added milk"
    assert read_reply("text/event-stream", 'event: tool\ndata: {"name": "add"}\n\ndata: ok\n\n', ["$.reply"]) == "ok"


@pytest.mark.parametrize(
    "stream",
    ['data: {"error": "OpenAI key missing"}\n\n', "event: error\ndata: upstream timed out\n\n"],
    ids=["error-field", "error-event"],
)
def test_an_error_sent_in_the_stream_is_an_error_reply(stream: str) -> None:
    from fixtures.api import read_reply

    with pytest.raises(AssertionError, match="error"):
        read_reply("text/event-stream; charset=utf-8", stream, ["$.reply"])


def test_a_task_without_the_profiles_field_names_the_key_and_the_fields_it_has() -> None:
    contract = _default_contract()
    api = TodoApi("http://127.0.0.1:9", contract)
    with pytest.raises(AssertionError, match=r"api\.tasks\.done.*id, title, is_done"):
        api.done({"id": 1, "title": "a", "is_done": True})
    api.client.close()


def test_a_chat_body_may_name_the_users_id() -> None:
    assert profile_model.fill_body(
        {"message": "{message}", "user_id": "{user_id}"}, {"message": "hi", "user_id": "u7"}
    ) == {
        "message": "hi",
        "user_id": "u7",
    }


def test_a_429_is_waited_out_as_its_retry_after_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    from fixtures.journal import Journal

    answers = iter([429, 429, 200])
    slept: list[float] = []

    def answer(request: Any) -> Any:
        import httpx

        status = next(answers)
        return httpx.Response(status, headers={"retry-after": "3"} if status == 429 else {}, json={"ok": status})

    monkeypatch.setattr("fixtures.api.time.sleep", slept.append)
    journal = Journal()
    contract = _default_contract()
    api = TodoApi("http://app.test", contract, journal=journal)
    import httpx

    api.client = httpx.Client(base_url="http://app.test", transport=httpx.MockTransport(answer))
    assert api.health().status_code == 200
    assert slept == [3.0, 3.0]
    assert [r.cause for r in journal.retries] == ["HTTP 429 (the app's rate limit)"] * 2


def test_a_429_that_outlasts_the_bound_is_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    import httpx

    monkeypatch.setattr("fixtures.api.time.sleep", lambda s: None)
    contract = _default_contract()
    api = TodoApi("http://app.test", contract)
    calls = []

    def answer(request: Any) -> Any:
        calls.append(request)
        return httpx.Response(429, headers={"retry-after": "20"}, json={"message": "Too many requests"})

    api.client = httpx.Client(base_url="http://app.test", transport=httpx.MockTransport(answer))
    assert api.health().status_code == 429
    assert len(calls) == 4  # three waits of 20 s fit the bound of 60 s
