"""Remote providers' tool-calling loops and error mapping, against a local fake of each API."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import AuthedUser, chat, create_task, register_and_login
from tests.fake_providers import (
    FakeProvider,
    Scripted,
    anthropic_error,
    anthropic_text,
    anthropic_tool_use,
    fake_provider_server,
    openai_error,
    openai_text,
    openai_tool_call,
)

OPENAI_LIKE = [("openai", "openai_api_key"), ("groq", "groq_api_key")]


@pytest.fixture
def fake() -> Iterator[FakeProvider]:
    with fake_provider_server() as server:
        yield server


def _app(make_client: Callable[..., TestClient], fake: FakeProvider, provider: str, **overrides: Any) -> TestClient:
    key_field = {"openai": "openai_api_key", "groq": "groq_api_key", "anthropic": "anthropic_api_key"}[provider]
    base_url = fake.base_url + ("/v1" if provider != "anthropic" else "")
    values: dict[str, Any] = {
        "ai_provider": provider,
        "ai_base_url": base_url,
        key_field: "test-key",
        "ai_max_retries": 0,
        "ai_timeout_seconds": 5,
    }
    values.update(overrides)
    return make_client(**values)


def _stored_messages(client: TestClient, user: AuthedUser, conversation_id: int) -> list[tuple[str, str]]:
    body = client.get(f"/api/conversations/{conversation_id}/messages", headers=user.headers).json()
    return [(m["role"], m["content"]) for m in body["data"]]


@pytest.mark.parametrize(("provider", "key_field"), OPENAI_LIKE)
def test_openai_tool_loop_adds_task(
    make_client: Callable[..., TestClient], fake: FakeProvider, provider: str, key_field: str
) -> None:
    client = _app(make_client, fake, provider, ai_model="my-model")
    user = register_and_login(client)
    fake.script(
        Scripted(openai_tool_call("add_task", {"title": "buy milk"})),
        Scripted(openai_text("I added buy milk.")),
    )
    response = chat(client, user, "please remember to buy milk")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["reply"] == "I added buy milk."
    assert body["tool_calls"][0]["name"] == "add_task"
    assert body["tool_calls"][0]["result"]["task"]["title"] == "buy milk"
    tasks = client.get("/api/tasks", headers=user.headers).json()["data"]
    assert [t["title"] for t in tasks] == ["buy milk"]

    first, second = fake.requests
    assert first["path"] == "/v1/chat/completions"
    assert first["headers"]["authorization"] == "Bearer test-key"
    assert first["json"]["model"] == "my-model"
    assert {t["function"]["name"] for t in first["json"]["tools"]} == {
        "add_task",
        "list_tasks",
        "complete_task",
        "update_task",
        "delete_task",
    }
    assert first["json"]["messages"][0]["role"] == "system"
    assert first["json"]["messages"][-1] == {"role": "user", "content": "please remember to buy milk"}
    # The tool's result went back to the model, tied to its call id.
    tool_message = second["json"]["messages"][-1]
    assert tool_message["role"] == "tool" and tool_message["tool_call_id"] == "call_1"
    assert '"buy milk"' in tool_message["content"]


def test_openai_bad_tool_arguments_are_reported_to_the_model(
    make_client: Callable[..., TestClient], fake: FakeProvider
) -> None:
    client = _app(make_client, fake, "openai")
    user = register_and_login(client)
    fake.script(
        Scripted(openai_tool_call("add_task", "{not json")),
        Scripted(openai_tool_call("delete_task", {"task_id": 2_000_000_000}, call_id="call_2")),
        Scripted(openai_tool_call("drop_database", {}, call_id="call_3")),
        Scripted(openai_text("Sorry, that did not work.")),
    )
    body = chat(client, user, "do something odd").json()
    assert body["reply"] == "Sorry, that did not work."
    results = [m["content"] for m in fake.requests[-1]["json"]["messages"] if m["role"] == "tool"]
    assert "not valid JSON" in results[0]
    assert "no task with id 2000000000" in results[1]
    assert "unknown tool" in results[2]


def test_openai_cannot_touch_another_users_task(make_client: Callable[..., TestClient], fake: FakeProvider) -> None:
    client = _app(make_client, fake, "openai")
    owner, intruder = register_and_login(client), register_and_login(client)
    task = create_task(client, owner, title="mine")
    fake.script(Scripted(openai_tool_call("delete_task", {"task_id": task["id"]})), Scripted(openai_text("Done.")))
    body = chat(client, intruder, f"delete task {task['id']}").json()
    assert body["tool_calls"][0]["result"] == {"error": f"no task with id {task['id']}"}
    assert client.get(f"/api/tasks/{task['id']}", headers=owner.headers).status_code == 200


def test_openai_history_is_sent_with_the_next_message(
    make_client: Callable[..., TestClient], fake: FakeProvider
) -> None:
    client = _app(make_client, fake, "openai")
    user = register_and_login(client)
    fake.script(Scripted(openai_text("Hello!")), Scripted(openai_text("Still here.")))
    conversation_id = chat(client, user, "hi").json()["conversation_id"]
    chat(client, user, "are you there?", conversation_id=conversation_id)
    sent = [(m["role"], m["content"]) for m in fake.requests[-1]["json"]["messages"][1:]]
    assert sent == [("user", "hi"), ("assistant", "Hello!"), ("user", "are you there?")]


@pytest.mark.parametrize(
    ("scripted", "status", "words"),
    [
        (Scripted(openai_error("Incorrect API key", "invalid_request_error"), 401), 502, "OPENAI_API_KEY"),
        (Scripted(openai_error("Rate limit reached", "rate_limit_error"), 429), 503, "rate limiting"),
        (Scripted(openai_error("boom", "server_error"), 500), 502, "HTTP 500"),
        (Scripted(openai_text("late"), delay=2.0), 503, "did not answer within 0.5 s"),
        (Scripted(b"<html>bad gateway</html>", 200), 502, "openai"),
    ],
    ids=["bad_key", "rate_limit", "server_error", "timeout", "not_json"],
)
def test_openai_failures_map_to_502_503_and_keep_the_message(
    make_client: Callable[..., TestClient], fake: FakeProvider, scripted: Scripted, status: int, words: str
) -> None:
    client = _app(make_client, fake, "openai", ai_timeout_seconds=0.5)
    user = register_and_login(client)
    fake.script(scripted)
    response = chat(client, user, "add buy milk")
    assert response.status_code == status, response.text
    body = response.json()
    assert words in body["detail"]
    assert _stored_messages(client, user, body["conversation_id"]) == [("user", "add buy milk")]


def test_unreachable_provider_is_503(make_client: Callable[..., TestClient]) -> None:
    client = make_client(
        ai_provider="openai", openai_api_key="k", ai_base_url="http://127.0.0.1:1/v1", ai_max_retries=0
    )
    user = register_and_login(client)
    response = chat(client, user, "hi")
    assert response.status_code == 503
    assert "Could not reach" in response.json()["detail"]


@pytest.mark.parametrize(
    ("provider", "variable"),
    [("openai", "OPENAI_API_KEY"), ("groq", "GROQ_API_KEY"), ("anthropic", "ANTHROPIC_API_KEY")],
)
def test_missing_key_is_503_naming_the_variable(
    make_client: Callable[..., TestClient], provider: str, variable: str
) -> None:
    client = make_client(ai_provider=provider)
    user = register_and_login(client)
    response = chat(client, user, "hi")
    assert response.status_code == 503
    assert variable in response.json()["detail"]
    assert _stored_messages(client, user, response.json()["conversation_id"]) == [("user", "hi")]


def test_endless_tool_calls_end_with_502(make_client: Callable[..., TestClient], fake: FakeProvider) -> None:
    client = _app(make_client, fake, "openai")
    user = register_and_login(client)
    fake.script(*[Scripted(openai_tool_call("list_tasks", {}, call_id=f"c{i}")) for i in range(10)])
    response = chat(client, user, "loop forever")
    assert response.status_code == 502
    assert "kept calling tools" in response.json()["detail"]


def test_anthropic_tool_loop_completes_task(make_client: Callable[..., TestClient], fake: FakeProvider) -> None:
    client = _app(make_client, fake, "anthropic", ai_model="claude-test")
    user = register_and_login(client)
    task = create_task(client, user, title="buy milk")
    fake.script(
        Scripted(anthropic_tool_use("complete_task", {"task_id": task["id"]}, text="Let me do that.")),
        Scripted(anthropic_text("Marked it done.")),
    )
    body = chat(client, user, "I bought the milk").json()
    assert body["reply"] == "Marked it done."
    assert body["tool_calls"][0]["name"] == "complete_task"
    assert client.get(f"/api/tasks/{task['id']}", headers=user.headers).json()["completed"] is True

    first, second = fake.requests
    assert first["path"] == "/v1/messages"
    # The SDK sends the key as x-api-key or (2.x) as a bearer token; either carries our key.
    headers = first["headers"]
    assert headers.get("x-api-key") == "test-key" or headers.get("authorization") == "Bearer test-key"
    assert first["json"]["model"] == "claude-test"
    assert "todo app" in first["json"]["system"]
    assert {t["name"] for t in first["json"]["tools"]} >= {"add_task", "complete_task"}
    assert all("input_schema" in t for t in first["json"]["tools"])
    assistant, results = second["json"]["messages"][-2:]
    assert assistant["role"] == "assistant" and assistant["content"][-1]["type"] == "tool_use"
    assert results["role"] == "user"
    assert results["content"][0]["type"] == "tool_result" and results["content"][0]["tool_use_id"] == "toolu_1"


def test_anthropic_history_alternates_after_a_failed_turn(
    make_client: Callable[..., TestClient], fake: FakeProvider
) -> None:
    client = _app(make_client, fake, "anthropic")
    user = register_and_login(client)
    fake.script(Scripted(anthropic_error("overloaded", "overloaded_error"), 529))
    failed = chat(client, user, "first try")
    assert failed.status_code in (502, 503)
    fake.script(Scripted(anthropic_text("Now I am here.")))
    ok = chat(client, user, "second try", conversation_id=failed.json()["conversation_id"])
    assert ok.status_code == 200
    sent = fake.requests[-1]["json"]["messages"]
    assert sent == [{"role": "user", "content": "first try\n\nsecond try"}]


@pytest.mark.parametrize(
    ("scripted", "status", "words"),
    [
        (Scripted(anthropic_error("invalid x-api-key", "authentication_error"), 401), 502, "ANTHROPIC_API_KEY"),
        (Scripted(anthropic_error("rate limited", "rate_limit_error"), 429), 503, "rate limiting"),
        (Scripted(anthropic_text("late"), delay=2.0), 503, "did not answer"),
    ],
    ids=["bad_key", "rate_limit", "timeout"],
)
def test_anthropic_failures_map_to_502_503(
    make_client: Callable[..., TestClient], fake: FakeProvider, scripted: Scripted, status: int, words: str
) -> None:
    client = _app(make_client, fake, "anthropic", ai_timeout_seconds=0.5)
    user = register_and_login(client)
    fake.script(scripted)
    response = chat(client, user, "add buy milk")
    assert response.status_code == status, response.text
    assert words in response.json()["detail"]
    assert _stored_messages(client, user, response.json()["conversation_id"]) == [("user", "add buy milk")]
