"""A provider that fails after a tool ran (issue 10, item 5): the conversation records what was
done, a retry of the same message does not do it again, and the user reads our words, not the
provider's. Against a fake provider on 127.0.0.1, over real HTTP, on SQLite and PostgreSQL."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import AuthedUser, chat, register_and_login
from tests.fake_providers import (
    FakeProvider,
    Scripted,
    fake_provider_server,
    openai_error,
    openai_text,
    openai_tool_call,
)

PROVIDER_SECRET = "upstream shard db-7 password=hunter2"
ADD_MILK = openai_tool_call("add_task", {"title": "buy milk"})
FAILS = Scripted(openai_error(PROVIDER_SECRET, "server_error"), 500)


@pytest.fixture
def fake() -> Iterator[FakeProvider]:
    with fake_provider_server() as server:
        yield server


@pytest.fixture
def client(make_client: Callable[..., TestClient], fake: FakeProvider) -> TestClient:
    return make_client(ai_provider="openai", ai_base_url=fake.base_url + "/v1", openai_api_key="k", ai_max_retries=0)


def _titles(client: TestClient, user: AuthedUser) -> list[str]:
    return [t["title"] for t in client.get("/api/tasks", headers=user.headers).json()["data"]]


def _messages(client: TestClient, user: AuthedUser, conversation_id: int) -> list[dict[str, Any]]:
    response = client.get(f"/api/conversations/{conversation_id}/messages", headers=user.headers)
    return list(response.json()["data"])


def test_a_failure_after_a_tool_call_keeps_the_call_and_hides_the_providers_text(
    client: TestClient, fake: FakeProvider
) -> None:
    user = register_and_login(client)
    fake.script(Scripted(ADD_MILK), FAILS)
    failed = chat(client, user, "add buy milk")
    assert failed.status_code == 502, failed.text
    body = failed.json()
    assert PROVIDER_SECRET not in failed.text and "hunter2" not in failed.text
    assert "openai" in body["detail"] and "HTTP 500" in body["detail"]
    assert [c["name"] for c in body["tool_calls"]] == ["add_task"]
    stored = _messages(client, user, body["conversation_id"])
    assert [(m["role"], m["failed"]) for m in stored] == [("user", False), ("assistant", True)]
    assert stored[1]["tool_calls"][0]["result"]["task"]["title"] == "buy milk"
    assert _titles(client, user) == ["buy milk"]


def test_a_retry_with_the_same_key_does_not_repeat_what_already_ran(client: TestClient, fake: FakeProvider) -> None:
    user = register_and_login(client)
    fake.script(Scripted(ADD_MILK), FAILS)
    first = chat(client, user, "add buy milk", key="msg-1")
    assert first.status_code == 502
    # The retry: the model asks for the same tool call again, then answers.
    fake.script(Scripted(ADD_MILK), Scripted(openai_text("Added buy milk.")))
    retry = chat(client, user, "add buy milk", key="msg-1")
    assert retry.status_code == 200, retry.text
    assert retry.json()["conversation_id"] == first.json()["conversation_id"]
    assert retry.json()["reply"] == "Added buy milk."
    assert [c["name"] for c in retry.json()["tool_calls"]] == ["add_task"]
    assert _titles(client, user) == ["buy milk"]  # once, not twice
    stored = _messages(client, user, retry.json()["conversation_id"])
    assert [(m["role"], m["content"], m["failed"]) for m in stored] == [
        ("user", "add buy milk", False),
        ("assistant", "Added buy milk.", False),
    ]
    # What the model was told on the retry: the message once, and the recorded result of the call.
    sent = fake.requests[-1]["json"]["messages"]
    assert [m["content"] for m in sent if m["role"] == "user"] == ["add buy milk"]
    assert '"buy milk"' in sent[-1]["content"] and sent[-1]["role"] == "tool"


def test_a_retry_of_an_answered_message_replays_the_answer(client: TestClient, fake: FakeProvider) -> None:
    user = register_and_login(client)
    fake.script(Scripted(ADD_MILK), Scripted(openai_text("Added buy milk.")))
    first = chat(client, user, "add buy milk", key="msg-2")
    assert first.status_code == 200
    asked = len(fake.requests)
    again = chat(client, user, "add buy milk", key="msg-2")
    assert again.status_code == 200 and again.json() == first.json()
    assert len(fake.requests) == asked  # answered from the conversation, not by the provider
    assert _titles(client, user) == ["buy milk"]
    assert len(_messages(client, user, first.json()["conversation_id"])) == 2


def test_a_key_reused_for_another_message_is_refused(client: TestClient, fake: FakeProvider) -> None:
    user = register_and_login(client)
    fake.script(Scripted(openai_text("Hello!")))
    assert chat(client, user, "hi", key="msg-3").status_code == 200
    reused = chat(client, user, "delete everything", key="msg-3")
    assert reused.status_code == 409 and "Idempotency-Key" in reused.json()["detail"]
    other = register_and_login(client)  # keys are per account: another user's same key is new
    fake.script(Scripted(openai_text("Hello to you too!")))
    assert chat(client, other, "hi", key="msg-3").json()["reply"] == "Hello to you too!"


@pytest.mark.parametrize("key", ["", "x" * 101, "has space"], ids=["empty", "too_long", "space"])
def test_a_malformed_key_is_a_422(client: TestClient, key: str) -> None:
    user = register_and_login(client)
    response = client.post("/api/chat", json={"message": "hi"}, headers={**user.headers, "Idempotency-Key": key})
    assert response.status_code == 422, response.text


def test_without_a_key_resending_the_failed_message_is_a_retry(client: TestClient, fake: FakeProvider) -> None:
    user = register_and_login(client)
    fake.script(Scripted(ADD_MILK), FAILS)
    conversation_id = chat(client, user, "add buy milk").json()["conversation_id"]
    fake.script(Scripted(ADD_MILK), Scripted(openai_text("Added buy milk.")))
    retry = chat(client, user, "add buy milk", conversation_id=conversation_id)
    assert retry.status_code == 200 and _titles(client, user) == ["buy milk"]
    assert [m["role"] for m in _messages(client, user, conversation_id)] == ["user", "assistant"]
    # A new message afterwards is new work, even with the same words.
    fake.script(Scripted(ADD_MILK), Scripted(openai_text("Added it again.")))
    chat(client, user, "add buy milk", conversation_id=conversation_id)
    assert _titles(client, user) == ["buy milk", "buy milk"]


def test_the_history_tells_the_model_what_a_failed_turn_did(client: TestClient, fake: FakeProvider) -> None:
    user = register_and_login(client)
    fake.script(Scripted(ADD_MILK), FAILS)
    conversation_id = chat(client, user, "add buy milk").json()["conversation_id"]
    fake.script(Scripted(openai_text("You have buy milk.")))
    chat(client, user, "what are my tasks?", conversation_id=conversation_id)
    sent = [(m["role"], m["content"]) for m in fake.requests[-1]["json"]["messages"][1:]]
    assert sent[0] == ("user", "add buy milk")
    assert sent[1][0] == "assistant" and "add_task" in sent[1][1] and "buy milk" in sent[1][1]
    assert PROVIDER_SECRET not in sent[1][1]
    assert sent[2] == ("user", "what are my tasks?")
