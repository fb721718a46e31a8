"""Fixtures: one migrated database per backend (SQLite, PostgreSQL), apps built on it, users."""

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from app.core.config import Settings, normalize_database_url
from app.core.db import alembic_config
from app.main import create_app
from tests.factories import AuthedUser, register_and_login

POSTGRES_ENV = "TEST_POSTGRES_URL"
TEST_SECRET = "test-secret-key-" + "x" * 32


def _postgres_admin_url() -> str:
    url = os.environ.get(POSTGRES_ENV, "")
    if url:
        return normalize_database_url(url)
    reason = (
        f"PostgreSQL tests need {POSTGRES_ENV} (a URL to a server where a test database may be "
        "created, e.g. postgresql://postgres@127.0.0.1:5432/postgres); `make test` sets it up"
    )
    if os.environ.get("TEST_REQUIRE_POSTGRES") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A freshly migrated, empty database of each kind for the session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        command.upgrade(alembic_config(url), "head")
        yield url
        return
    raw_url = _postgres_admin_url()
    try:
        admin_url = make_url(raw_url)
    except ArgumentError:
        pytest.fail(f"{POSTGRES_ENV} is not a database URL: {raw_url!r}")
    name = f"todo_test_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    command.upgrade(alembic_config(url), "head")
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return make_settings(database_url=database_url)


def make_settings(**overrides: Any) -> Settings:
    """Test settings: nothing leaks in from the developer's environment or .env file."""
    values: dict[str, Any] = {
        "environment": "test",
        "secret_key": TEST_SECRET,
        "ai_provider": "local",
        "ai_base_url": "",
        "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def make_client(settings: Settings) -> Iterator[Callable[..., TestClient]]:
    """Build extra apps on the session database with other settings; closes them afterwards."""
    clients: list[TestClient] = []

    def build(**overrides: Any) -> TestClient:
        app_settings = make_settings(database_url=settings.database_url, **overrides)
        test_client = TestClient(create_app(app_settings))
        clients.append(test_client)
        return test_client

    yield build
    for test_client in clients:
        test_client.close()


@pytest.fixture
def user(client: TestClient) -> AuthedUser:
    """A new random user, logged in."""
    return register_and_login(client)


@pytest.fixture
def other_user(client: TestClient) -> AuthedUser:
    return register_and_login(client)


@pytest.fixture
def sqlite_file_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'scratch.db'}"
