"""Client mistakes are 422 with field details, the same on SQLite and PostgreSQL: never a 503
(which says the database is down) or a 500. Found by a schema-driven fuzzer (issue 10, item 4)."""

import pytest
from fastapi.testclient import TestClient

from tests.factories import AuthedUser, create_task


def _fields(response_json: dict[str, object]) -> list[object]:
    detail = response_json["detail"]
    assert isinstance(detail, list), detail
    return [error["loc"][-1] for error in detail]  # type: ignore[index]


@pytest.mark.parametrize("body", [{"completed": None}, {"title": "a\x00b"}, {"description": "nul \x00 inside"}])
def test_patch_with_a_null_flag_or_a_nul_character_is_422(
    client: TestClient, user: AuthedUser, body: dict[str, object]
) -> None:
    task = create_task(client, user)
    response = client.patch(f"/api/tasks/{task['id']}", json=body, headers=user.headers)
    assert response.status_code == 422, response.text
    assert _fields(response.json()) == list(body)
    # Nothing was changed.
    assert client.get(f"/api/tasks/{task['id']}", headers=user.headers).json() == task


def test_patch_may_clear_the_description(client: TestClient, user: AuthedUser) -> None:
    task = create_task(client, user, description="to be cleared")
    response = client.patch(f"/api/tasks/{task['id']}", json={"description": None}, headers=user.headers)
    assert response.status_code == 200 and response.json()["description"] is None


@pytest.mark.parametrize("body", [{"title": "nul\x00"}, {"title": "ok", "description": "\x00"}])
def test_create_with_a_nul_character_is_422(client: TestClient, user: AuthedUser, body: dict[str, str]) -> None:
    response = client.post("/api/tasks", json=body, headers=user.headers)
    assert response.status_code == 422, response.text
    assert _fields(response.json()) == [list(body)[-1]]


def test_a_chat_message_with_a_nul_character_is_422(client: TestClient, user: AuthedUser) -> None:
    response = client.post("/api/chat", json={"message": "add milk\x00"}, headers=user.headers)
    assert response.status_code == 422, response.text
    assert _fields(response.json()) == ["message"]


def test_a_name_with_a_nul_character_is_422(client: TestClient) -> None:
    body = {"email": "nul@example.com", "password": "long-enough-1", "name": "Ada\x00"}
    response = client.post("/api/auth/register", json=body)
    assert response.status_code == 422, response.text
    assert _fields(response.json()) == ["name"]


@pytest.mark.parametrize("offset", ["9223372036854775808", "2147483648"])
def test_an_offset_beyond_any_list_is_422(client: TestClient, user: AuthedUser, offset: str) -> None:
    response = client.get("/api/tasks", params={"offset": offset}, headers=user.headers)
    assert response.status_code == 422, response.text
    assert _fields(response.json()) == ["offset"]
