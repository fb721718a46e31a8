"""Engine, sessions and the schema check that keeps the app from serving on a missing schema."""

from functools import lru_cache
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, event, text
from sqlmodel import create_engine

from app.core.config import Settings

BACKEND_DIR = Path(__file__).resolve().parents[2]
MIGRATIONS_DIR = BACKEND_DIR / "migrations"


class SchemaNotReady(RuntimeError):
    """The database answers but its schema is not at the newest migration."""


def make_engine(settings: Settings) -> Engine:
    """One engine per process; SQLite gets foreign keys and WAL, PostgreSQL a sized pool."""
    if settings.is_sqlite:
        engine = create_engine(
            settings.database_url,
            isolation_level="AUTOCOMMIT",
            connect_args={"check_same_thread": False, "timeout": 30},
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    engine = create_engine(
        settings.database_url,
        # Every write here is one statement, so each statement is its own transaction: no
        # BEGIN / COMMIT / ROLLBACK round trips around it (two of the five a read used to cost).
        isolation_level="AUTOCOMMIT",
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        # Recycle instead of pinging before every checkout (one round trip per request saved);
        # serverless PostgreSQL (Neon) closes idle connections after about 5 minutes.
        pool_recycle=240,
        pool_timeout=settings.db_pool_timeout,
        connect_args={"connect_timeout": 5},
    )
    if settings.db_statement_timeout:
        timeout_ms = round(settings.db_statement_timeout * 1000)

        # A SET on each new connection rather than the `options` startup parameter, which
        # PgBouncer-style poolers (Neon's among them) refuse.
        @event.listens_for(engine, "connect")
        def _statement_timeout(dbapi_connection: Any, _record: Any) -> None:
            with dbapi_connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {timeout_ms}")
            if not dbapi_connection.autocommit:  # a SET inside a transaction a rollback would undo
                dbapi_connection.commit()

    return engine


def alembic_config(database_url: str) -> Config:
    """Alembic config pointing at this backend's migrations, independent of the cwd."""
    config = Config(str(BACKEND_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation would choke on % in passwords.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The newest migration in the code (read once: the scripts do not change at run time)."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return script.get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def check_schema(engine: Engine) -> None:
    """Raise SchemaNotReady unless the database is at the newest migration."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise SchemaNotReady(
            f"database schema is at revision {current or 'none'}, the code needs {head}; "
            "apply the migrations with: python -m app migrate"
        )


def ping(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
