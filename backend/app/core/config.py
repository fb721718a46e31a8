"""Application settings, read once from the environment (and an optional .env file)."""

from functools import lru_cache
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = {"", "changethis", "changeme", "secret", "please-change-me"}
SQLITE_DEFAULT_URL = "sqlite:///./todo.db"


class SettingsError(ValueError):
    """A setting is missing or unsafe; the message names the variable and the fix."""


def normalize_database_url(url: str) -> str:
    """Map the URL forms users paste (Neon, Heroku, libpq) to the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Settings(BaseSettings):
    """Every knob of the backend; env var names are the field names in upper case."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    # development allows a placeholder SECRET_KEY; anything else refuses to start with one.
    environment: Literal["development", "test", "production"] = "production"
    secret_key: str = "changethis"
    access_token_expire_minutes: int = Field(default=60 * 24, ge=1)
    database_url: str = SQLITE_DEFAULT_URL
    # Connections per worker process; uvicorn workers multiply it.
    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    # Seconds a request waits for a pooled connection before it is told 503 (not left hanging).
    db_pool_timeout: float = Field(default=5.0, gt=0, le=60)
    # Seconds one SQL statement may run (or wait on a lock) before PostgreSQL cancels it and the
    # request is told 503; 0 turns the bound off. Every query of the app takes milliseconds.
    db_statement_timeout: float = Field(default=10.0, ge=0, le=600)

    ai_provider: Literal["local", "openai", "groq", "anthropic"] = "local"
    # Empty means the provider's default model (see app.chat.providers).
    ai_model: str = ""
    # Overrides the provider's API base URL (OpenAI-compatible gateways, tests).
    ai_base_url: str = ""
    ai_timeout_seconds: float = Field(default=30.0, gt=0)
    ai_max_retries: int = Field(default=2, ge=0)
    openai_api_key: str = ""
    groq_api_key: str = ""
    anthropic_api_key: str = ""

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("database_url")
    @classmethod
    def _normalize_db(cls, value: str) -> str:
        return normalize_database_url(value.strip())

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> "Settings":
        if self.environment != "development" and self.secret_key in PLACEHOLDER_SECRETS:
            raise SettingsError(
                f"SECRET_KEY is unset or a placeholder ({self.secret_key!r}) and ENVIRONMENT is "
                f"{self.environment!r}. Set SECRET_KEY to a long random value "
                "(python -c 'import secrets; print(secrets.token_urlsafe(48))'), "
                "or set ENVIRONMENT=development for local use."
            )
        if self.environment != "development" and len(self.secret_key) < 16:
            raise SettingsError("SECRET_KEY must be at least 16 characters outside development.")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def ai_api_key(self) -> str:
        return {
            "openai": self.openai_api_key,
            "groq": self.groq_api_key,
            "anthropic": self.anthropic_api_key,
        }.get(self.ai_provider, "")


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (the app factory takes explicit ones in tests)."""
    return Settings()
