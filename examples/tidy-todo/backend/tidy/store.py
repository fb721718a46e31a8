"""The database: one SQLite file (DATABASE_PATH). Its tables exist only once `python -m tidy
migrate` has run; until then every request that needs them is answered 503."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner INTEGER NOT NULL REFERENCES users(id),
    title TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed')),
    created_at TEXT NOT NULL DEFAULT (datetime('now'))
);
"""


class NotMigrated(RuntimeError):
    """The tables are missing: the migration has not run."""


@contextmanager
def connect(path: Path, *, create: bool = False) -> Iterator[sqlite3.Connection]:
    """A connection to the database; NotMigrated where its file or tables are missing."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode={'rwc' if create else 'rw'}", uri=True, timeout=10)
    except sqlite3.OperationalError as exc:
        raise NotMigrated(f"{path}: {exc}") from exc
    connection.row_factory = sqlite3.Row
    try:
        with connection:
            yield connection
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            raise NotMigrated(str(exc)) from exc
        raise
    finally:
        connection.close()


def migrate(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with connect(path, create=True) as db:
        db.executescript(SCHEMA)


def migrated(path: Path) -> bool:
    if not path.exists():
        return False
    with connect(path) as db:
        return db.execute("SELECT count(*) FROM sqlite_master WHERE name IN ('users', 'tasks')").fetchone()[0] == 2
