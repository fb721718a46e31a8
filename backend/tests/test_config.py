"""Settings: placeholder secrets refused outside development, database URLs normalized."""

import pytest
from pydantic import ValidationError

from app.core.config import Settings, normalize_database_url
from tests.factories import run_cli


def test_placeholder_secret_refused_in_production() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(_env_file=None, environment="production", secret_key="changethis")  # type: ignore[call-arg]


def test_short_secret_refused_in_production() -> None:
    with pytest.raises(ValidationError, match="at least 16"):
        Settings(_env_file=None, environment="production", secret_key="short-but-real")  # type: ignore[call-arg]


def test_placeholder_secret_allowed_in_development() -> None:
    settings = Settings(_env_file=None, environment="development", secret_key="changethis")  # type: ignore[call-arg]
    assert settings.secret_key == "changethis"


def test_defaults_are_sqlite_and_local_agent() -> None:
    settings = Settings(_env_file=None, environment="development")  # type: ignore[call-arg]
    assert settings.is_sqlite
    assert settings.ai_provider == "local"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            "postgresql://u:p@ep-x.neon.tech/db?sslmode=require&channel_binding=require",
            "postgresql+psycopg://u:p@ep-x.neon.tech/db?sslmode=require&channel_binding=require",
        ),
        ("postgres://u:p@host:5432/db", "postgresql+psycopg://u:p@host:5432/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///./todo.db", "sqlite:///./todo.db"),
    ],
)
def test_database_url_normalized_for_psycopg(given: str, expected: str) -> None:
    assert normalize_database_url(given) == expected


def test_unknown_provider_is_refused() -> None:
    with pytest.raises(ValidationError, match="ai_provider"):
        Settings(_env_file=None, environment="development", ai_provider="gemini")  # type: ignore[call-arg]


def test_serve_with_placeholder_secret_exits_with_clear_message(tmp_path: object) -> None:
    done = run_cli("serve", "--port", "1", env={"ENVIRONMENT": "production", "SECRET_KEY": "changethis"})
    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr
    assert "Traceback" not in done.stderr
