"""Tasks CRUD: scoped to the caller, filters and paging, validation limits."""

import pytest
from fastapi.testclient import TestClient

from tests.factories import AuthedUser, create_task, random_title


def test_create_returns_201_and_the_task(client: TestClient, user: AuthedUser) -> None:
    response = client.post(
        "/api/tasks", json={"title": "  buy milk  ", "description": "2 litres"}, headers=user.headers
    )
    assert response.status_code == 201
    task = response.json()
    assert task["title"] == "buy milk"
    assert task["description"] == "2 litres"
    assert task["completed"] is False
    assert set(task) == {"id", "title", "description", "completed", "created_at", "updated_at"}
    assert task["created_at"].endswith("Z") or task["created_at"].endswith("+00:00")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "ok", "description": "d" * 2001}, "description"),
        ({}, "title"),
        ({"title": 12}, "title"),
    ],
)
def test_create_invalid_is_422(client: TestClient, user: AuthedUser, body: dict[str, object], field: str) -> None:
    response = client.post("/api/tasks", json=body, headers=user.headers)
    assert response.status_code == 422
    assert any(error["loc"][-1] == field for error in response.json()["detail"])


def test_limits_are_inclusive(client: TestClient, user: AuthedUser) -> None:
    task = create_task(client, user, title="t" * 200, description="d" * 2000)
    fetched = client.get(f"/api/tasks/{task['id']}", headers=user.headers).json()
    assert len(fetched["title"]) == 200 and len(fetched["description"]) == 2000


def test_requires_authentication(client: TestClient) -> None:
    assert client.get("/api/tasks").status_code == 401
    assert client.post("/api/tasks", json={"title": "x"}).status_code == 401


def test_list_filters_and_pages(client: TestClient, user: AuthedUser) -> None:
    created = [create_task(client, user, title=f"t{i}") for i in range(5)]
    for task in created[:2]:
        client.patch(f"/api/tasks/{task['id']}", json={"completed": True}, headers=user.headers)

    def titles(**params: object) -> tuple[list[str], int]:
        response = client.get("/api/tasks", params=params, headers=user.headers)
        assert response.status_code == 200
        body = response.json()
        return [t["title"] for t in body["data"]], body["count"]

    assert titles() == (["t0", "t1", "t2", "t3", "t4"], 5)
    assert titles(status="completed") == (["t0", "t1"], 2)
    assert titles(status="pending") == (["t2", "t3", "t4"], 3)
    assert titles(limit=2, offset=1) == (["t1", "t2"], 5)
    assert titles(status="pending", limit=1, offset=2) == (["t4"], 3)


@pytest.mark.parametrize("params", [{"status": "bogus"}, {"limit": 0}, {"limit": 501}, {"offset": -1}])
def test_list_bad_query_is_422(client: TestClient, user: AuthedUser, params: dict[str, object]) -> None:
    assert client.get("/api/tasks", params=params, headers=user.headers).status_code == 422


def test_patch_updates_fields_and_timestamp(client: TestClient, user: AuthedUser) -> None:
    task = create_task(client, user)
    response = client.patch(
        f"/api/tasks/{task['id']}", json={"title": "new title", "completed": True}, headers=user.headers
    )
    assert response.status_code == 200
    updated = response.json()
    assert updated["title"] == "new title" and updated["completed"] is True
    assert updated["description"] == task["description"]
    assert updated["updated_at"] >= task["updated_at"]
    back = client.patch(f"/api/tasks/{task['id']}", json={"completed": False}, headers=user.headers).json()
    assert back["completed"] is False and back["title"] == "new title"


@pytest.mark.parametrize("body", [{"title": None}, {"title": ""}, {"title": "x" * 201}, {"completed": "maybe"}])
def test_patch_invalid_is_422(client: TestClient, user: AuthedUser, body: dict[str, object]) -> None:
    task = create_task(client, user)
    assert client.patch(f"/api/tasks/{task['id']}", json=body, headers=user.headers).status_code == 422


def test_delete_is_204_then_404(client: TestClient, user: AuthedUser) -> None:
    task = create_task(client, user)
    assert client.delete(f"/api/tasks/{task['id']}", headers=user.headers).status_code == 204
    assert client.get(f"/api/tasks/{task['id']}", headers=user.headers).status_code == 404
    assert client.delete(f"/api/tasks/{task['id']}", headers=user.headers).status_code == 404


def test_another_users_task_is_404_everywhere(client: TestClient, user: AuthedUser, other_user: AuthedUser) -> None:
    task = create_task(client, user, title=random_title())
    url = f"/api/tasks/{task['id']}"
    assert client.get(url, headers=other_user.headers).status_code == 404
    assert client.patch(url, json={"completed": True}, headers=other_user.headers).status_code == 404
    assert client.delete(url, headers=other_user.headers).status_code == 404
    listed = client.get("/api/tasks", headers=other_user.headers).json()
    assert task["id"] not in [t["id"] for t in listed["data"]]
    # and the owner's task is untouched
    assert client.get(url, headers=user.headers).json()["completed"] is False


@pytest.mark.parametrize("task_id", ["0", "-1", "abc", "99999999999999999999"])
def test_bad_ids_are_422_not_500(client: TestClient, user: AuthedUser, task_id: str) -> None:
    assert client.get(f"/api/tasks/{task_id}", headers=user.headers).status_code == 422


def test_missing_id_is_404(client: TestClient, user: AuthedUser) -> None:
    response = client.get("/api/tasks/2147483647", headers=user.headers)
    assert response.status_code == 404
    assert response.json() == {"detail": "Task 2147483647 not found"}
