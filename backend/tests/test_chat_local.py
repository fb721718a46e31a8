"""The local agent through POST /api/chat: intents, answers to nonsense, persistence, scoping."""

import pytest
from fastapi.testclient import TestClient

from tests.factories import AuthedUser, chat, create_task


def _titles(client: TestClient, user: AuthedUser, status: str = "all") -> list[str]:
    body = client.get("/api/tasks", params={"status": status}, headers=user.headers).json()
    return [t["title"] for t in body["data"]]


@pytest.mark.parametrize(
    ("message", "title"),
    [
        ("add buy milk", "buy milk"),
        ("Add task: water the plants", "water the plants"),
        ("please add a task to call mom", "call mom"),
        ("create a new task called pay rent", "pay rent"),
        ("remind me to book the dentist", "book the dentist"),
        ("add 'file taxes' to my list", "file taxes"),
        ("I need to renew my passport.", "renew my passport"),
    ],
)
def test_add_phrasings_create_the_task(client: TestClient, user: AuthedUser, message: str, title: str) -> None:
    response = chat(client, user, message)
    assert response.status_code == 200
    body = response.json()
    assert [c["name"] for c in body["tool_calls"]] == ["add_task"]
    assert body["tool_calls"][0]["arguments"] == {"title": title}
    assert body["tool_calls"][0]["result"]["task"]["title"] == title
    assert f'"{title}"' in body["reply"] and body["reply"].startswith("Added task")
    assert _titles(client, user) == [title]


def test_list_phrasings(client: TestClient, user: AuthedUser) -> None:
    assert "no tasks" in chat(client, user, "what are my tasks").json()["reply"]
    first = create_task(client, user, title="buy milk")
    create_task(client, user, title="walk the dog")
    client.patch(f"/api/tasks/{first['id']}", json={"completed": True}, headers=user.headers)
    everything = chat(client, user, "What are my tasks?").json()
    assert everything["tool_calls"][0]["arguments"] == {"status": "all"}
    assert '"buy milk" (done)' in everything["reply"] and '"walk the dog"' in everything["reply"]
    pending = chat(client, user, "show my pending tasks").json()
    assert '"walk the dog"' in pending["reply"] and "buy milk" not in pending["reply"]
    done = chat(client, user, "list completed tasks").json()
    assert '"buy milk"' in done["reply"] and "walk the dog" not in done["reply"]


@pytest.mark.parametrize(
    "phrase",
    ["mark buy milk as done", "complete task {id}", "I finished buy milk", "finish #{id}", "mark BUY MILK complete"],
)
def test_complete_phrasings(client: TestClient, user: AuthedUser, phrase: str) -> None:
    task = create_task(client, user, title="buy milk")
    body = chat(client, user, phrase.format(id=task["id"])).json()
    assert [c["name"] for c in body["tool_calls"]] == ["complete_task"]
    assert body["reply"] == f'Marked #{task["id"]} "buy milk" as done.'
    assert _titles(client, user, "completed") == ["buy milk"]


def test_reopen(client: TestClient, user: AuthedUser) -> None:
    task = create_task(client, user, title="buy milk")
    client.patch(f"/api/tasks/{task['id']}", json={"completed": True}, headers=user.headers)
    body = chat(client, user, "mark buy milk as not done").json()
    assert body["tool_calls"][0]["arguments"] == {"task_id": task["id"], "completed": False}
    assert _titles(client, user, "pending") == ["buy milk"]


@pytest.mark.parametrize("phrase", ["delete task {id}", "remove buy milk", "delete the task buy milk"])
def test_delete_phrasings(client: TestClient, user: AuthedUser, phrase: str) -> None:
    task = create_task(client, user, title="buy milk")
    body = chat(client, user, phrase.format(id=task["id"])).json()
    assert [c["name"] for c in body["tool_calls"]] == ["delete_task"]
    assert body["reply"] == f'Deleted #{task["id"]} "buy milk".'
    assert _titles(client, user) == []


def test_rename(client: TestClient, user: AuthedUser) -> None:
    task = create_task(client, user, title="buy milk")
    body = chat(client, user, "rename buy milk to buy oat milk").json()
    assert body["tool_calls"][0]["arguments"] == {"task_id": task["id"], "title": "buy oat milk"}
    assert _titles(client, user) == ["buy oat milk"]
    by_id = chat(client, user, f"rename task {task['id']} to buy soy milk").json()
    assert "buy soy milk" in by_id["reply"]
    assert _titles(client, user) == ["buy soy milk"]


@pytest.mark.parametrize("nonsense", ["blorf zzz", "what is the capital of France", "42", "🙂"])
def test_nonsense_gets_a_helpful_answer_and_changes_nothing(
    client: TestClient, user: AuthedUser, nonsense: str
) -> None:
    create_task(client, user, title="keep me")
    body = chat(client, user, nonsense).json()
    assert body["tool_calls"] == []
    assert "did not understand" in body["reply"] and "add buy milk" in body["reply"]
    assert _titles(client, user) == ["keep me"]


def test_greeting_explains_what_it_can_do(client: TestClient, user: AuthedUser) -> None:
    body = chat(client, user, "hello").json()
    assert "manage your tasks" in body["reply"] and body["tool_calls"] == []


def test_unknown_and_ambiguous_references_change_nothing(client: TestClient, user: AuthedUser) -> None:
    create_task(client, user, title="buy milk")
    create_task(client, user, title="buy bread")
    missing = chat(client, user, "delete walk the dog").json()
    assert missing["tool_calls"] == [] and "could not find" in missing["reply"]
    ambiguous = chat(client, user, "mark buy as done").json()
    assert ambiguous["tool_calls"] == [] and "Several tasks match" in ambiguous["reply"]
    no_such_id = chat(client, user, "complete task 2147483000").json()
    assert no_such_id["tool_calls"] == [] and "no task #2147483000" in no_such_id["reply"]
    assert sorted(_titles(client, user, "pending")) == ["buy bread", "buy milk"]


def test_agent_acts_for_the_caller_only(client: TestClient, user: AuthedUser, other_user: AuthedUser) -> None:
    task = create_task(client, user, title="private task")
    body = chat(client, other_user, f"delete task {task['id']}").json()
    assert body["tool_calls"] == []
    assert client.get(f"/api/tasks/{task['id']}", headers=user.headers).status_code == 200
    assert "private task" not in chat(client, other_user, "what are my tasks").json()["reply"]


def test_conversation_is_persisted_and_continued(client: TestClient, user: AuthedUser) -> None:
    first = chat(client, user, "add buy milk").json()
    conversation_id = first["conversation_id"]
    second = chat(client, user, "what are my tasks", conversation_id=conversation_id).json()
    assert second["conversation_id"] == conversation_id
    listed = client.get("/api/conversations", headers=user.headers).json()
    assert listed["count"] == 1 and listed["data"][0]["id"] == conversation_id
    assert listed["data"][0]["title"] == "add buy milk"
    messages = client.get(f"/api/conversations/{conversation_id}/messages", headers=user.headers).json()
    assert [(m["role"], m["content"]) for m in messages["data"]] == [
        ("user", "add buy milk"),
        ("assistant", first["reply"]),
        ("user", "what are my tasks"),
        ("assistant", second["reply"]),
    ]
    assert messages["data"][1]["tool_calls"][0]["name"] == "add_task"


def test_other_users_conversation_is_404(client: TestClient, user: AuthedUser, other_user: AuthedUser) -> None:
    conversation_id = chat(client, user, "hello").json()["conversation_id"]
    assert chat(client, other_user, "hello", conversation_id=conversation_id).status_code == 404
    url = f"/api/conversations/{conversation_id}/messages"
    assert client.get(url, headers=other_user.headers).status_code == 404


@pytest.mark.parametrize(
    "body", [{"message": ""}, {"message": "   "}, {"message": "x" * 2001}, {}, {"message": "hi", "conversation_id": 0}]
)
def test_chat_invalid_body_is_422(client: TestClient, user: AuthedUser, body: dict[str, object]) -> None:
    assert client.post("/api/chat", json=body, headers=user.headers).status_code == 422


def test_chat_requires_authentication(client: TestClient) -> None:
    assert client.post("/api/chat", json={"message": "hi"}).status_code == 401
