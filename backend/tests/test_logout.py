"""Logging out ends the session on the server: the token is refused afterwards, on every worker
within the user cache's lifetime and at once on the one that took the logout (issue 10, item 6)."""

from fastapi.testclient import TestClient

from tests.factories import AuthedUser, log_in, register_and_login


def test_logout_revokes_the_token(client: TestClient) -> None:
    user = register_and_login(client)
    assert client.get("/api/auth/me", headers=user.headers).status_code == 200
    assert client.post("/api/auth/logout", headers=user.headers).status_code == 204
    replayed = client.get("/api/auth/me", headers=user.headers)
    assert replayed.status_code == 401
    assert "log in again" in replayed.json()["detail"]
    # Logging in again gives a token that works.
    again = log_in(client, user)
    assert client.get("/api/auth/me", headers=again.headers).status_code == 200


def test_logout_ends_every_session_of_the_account(client: TestClient) -> None:
    first = register_and_login(client)
    second = log_in(client, first)
    assert client.post("/api/auth/logout", headers=first.headers).status_code == 204
    assert client.get("/api/tasks", headers=second.headers).status_code == 401


def test_logout_needs_a_valid_token(client: TestClient, user: AuthedUser) -> None:
    assert client.post("/api/auth/logout").status_code == 401
    assert client.post("/api/auth/logout", headers={"Authorization": "Bearer nonsense"}).status_code == 401


def test_the_token_is_refused_on_a_worker_that_had_the_user_cached(client: TestClient) -> None:
    """Another worker's cache still holds the account as it was before the logout; it must not
    accept the old token for longer than the cache's lifetime."""
    user = register_and_login(client)
    cache = client.app.state.user_cache  # type: ignore[attr-defined]
    assert client.get("/api/auth/me", headers=user.headers).status_code == 200
    stale = dict(cache._entries)  # what another worker would still hold
    assert client.post("/api/auth/logout", headers=user.headers).status_code == 204
    cache._entries.update(stale)
    assert cache.ttl <= 5, "a revoked token may live at most this long on other workers"
    for entry in cache._entries.values():
        cache._entries[entry[1].id] = (0.0, entry[1])  # the cache's lifetime has passed
    assert client.get("/api/auth/me", headers=user.headers).status_code == 401
