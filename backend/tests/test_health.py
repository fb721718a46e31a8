"""The probes, and what the app does when the database is down or behind on migrations."""

import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from app.api.deps import UserCache
from app.core.config import Settings
from app.main import create_app
from tests.conftest import make_settings
from tests.factories import PASSWORD, random_email, register_and_login, run_cli

# Nothing listens on port 1 of loopback: connections are refused at once.
UNREACHABLE_PG = "postgresql://todo:pw@127.0.0.1:1/todo"


def test_livez(client: TestClient) -> None:
    response = client.get("/livez")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_reports_database_and_schema_ok(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "schema": "ok"}
    assert body["version"]


def test_health_is_503_when_database_unreachable(make_client: Callable[..., TestClient]) -> None:
    # The app still starts (so the pod can report), but is not ready.
    down = TestClient(create_app(make_settings(database_url=UNREACHABLE_PG)))
    response = down.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"].startswith("unreachable")
    assert down.get("/livez").status_code == 200


def test_api_answers_503_not_500_when_database_unreachable() -> None:
    down = TestClient(create_app(make_settings(database_url=UNREACHABLE_PG)))
    response = down.post("/api/auth/register", json={"email": random_email(), "password": PASSWORD})
    assert response.status_code == 503
    assert "database" in response.json()["detail"].lower()
    assert response.headers["retry-after"] == "5"


def test_every_pooled_connection_busy_is_a_quick_503(
    settings: Settings, make_client: Callable[..., TestClient]
) -> None:
    if settings.is_sqlite:
        pytest.skip("SQLite has no connection pool to exhaust; the PostgreSQL run checks this")
    client = make_client(db_pool_size=1, db_max_overflow=0, db_pool_timeout=0.5)
    user = register_and_login(client)
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with engine.connect():  # the pool's only connection, held
        started = time.monotonic()
        client.app.state.user_cache = UserCache()  # type: ignore[attr-defined]  # make it need the database
        response = client.get("/api/tasks", headers=user.headers)
        waited = time.monotonic() - started
    assert response.status_code == 503, response.text
    assert waited < 3, f"took {waited:.1f} s"
    assert client.get("/api/tasks", headers=user.headers).status_code == 200  # and it recovers


def test_app_refuses_to_start_on_unmigrated_database(sqlite_file_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        create_app(make_settings(database_url=sqlite_file_url))
    assert exited.value.code == 3
    assert "python -m app migrate" in capsys.readouterr().err


def test_health_reports_missing_schema(sqlite_file_url: str) -> None:
    app = create_app(make_settings(database_url=sqlite_file_url), require_schema=False)
    response = TestClient(app).get("/health")
    assert response.status_code == 503
    assert "python -m app migrate" in response.json()["checks"]["schema"]


def test_migrate_command_then_health_ok(sqlite_file_url: str) -> None:
    done = run_cli("migrate", env={"DATABASE_URL": sqlite_file_url, "ENVIRONMENT": "development"})
    assert done.returncode == 0, done.stderr
    assert "up to date" in done.stdout
    app = create_app(make_settings(database_url=sqlite_file_url))
    assert TestClient(app).get("/health").status_code == 200


def test_migrate_gives_up_on_an_unreachable_database_after_waiting() -> None:
    done = run_cli("migrate", "--wait", "3", env={"DATABASE_URL": UNREACHABLE_PG})
    assert done.returncode != 0
    assert "retrying" in done.stderr and "cannot reach the database" in done.stderr
    assert "Traceback" not in done.stderr


def test_livez_answers_while_every_worker_thread_waits_on_a_silent_database() -> None:
    """A database that accepts connections and never answers (frozen): /health calls hold every
    thread of the pool for the connect timeout, and /livez must still answer at once."""
    import socket
    from concurrent.futures import ThreadPoolExecutor

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(128)
        url = f"postgresql://todo:pw@127.0.0.1:{silent.getsockname()[1]}/todo"
        client = TestClient(create_app(make_settings(database_url=url, db_pool_size=50), require_schema=False))
        with client, ThreadPoolExecutor(60) as pool:
            hanging = [pool.submit(client.get, "/health") for _ in range(60)]
            time.sleep(1)  # every thread of the pool is now inside a connect
            assert not any(f.done() for f in hanging), "the silent database should hold them"
            started = time.monotonic()
            response = client.get("/livez")
            took = time.monotonic() - started
        assert response.status_code == 200
        assert took < 1, f"/livez took {took:.1f} s behind the busy thread pool"
        assert all(f.result().status_code == 503 for f in hanging)
