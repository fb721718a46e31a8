"""Command line: `python -m app migrate` applies the migrations; `python -m app serve` runs the API."""

import argparse
import os
import sys
import time

from alembic import command
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError

from app.core.config import Settings
from app.core.db import alembic_config


def _settings(**overrides: str) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(e["msg"] for e in exc.errors())
        sys.exit(f"todo-backend: invalid configuration: {problems}")


def migrate(wait: float = 0) -> None:
    """Apply the migrations; with `wait`, keep retrying that long while the database is unreachable
    (a pod's init container may start before its database does)."""
    # Migrations need only DATABASE_URL: a migration job has no use for SECRET_KEY, so its check is skipped.
    settings = _settings(environment="development")
    deadline = time.monotonic() + wait
    while True:
        try:
            command.upgrade(alembic_config(settings.database_url), "head")
            break
        except OperationalError as exc:
            if time.monotonic() >= deadline:
                sys.exit(f"todo-backend: cannot reach the database to migrate: {exc.orig}")
            print("todo-backend: database not reachable yet; retrying in 2 s", file=sys.stderr)
            time.sleep(2)
    print("todo-backend: database schema is up to date")


def serve(host: str, port: int, workers: int) -> None:
    import uvicorn

    _settings()  # fail here, once, with a clean message instead of in every worker
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,  # app.main logs one line per request itself
        proxy_headers=True,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    migrate_parser = sub.add_parser("migrate", help="apply the database migrations (alembic upgrade head)")
    migrate_parser.add_argument(
        "--wait", type=float, default=0, metavar="SECONDS", help="retry this long while the database is unreachable"
    )
    serve_parser = sub.add_parser("serve", help="run the API with uvicorn")
    serve_parser.add_argument("--host", default=os.environ.get("HOST", "0.0.0.0"))
    serve_parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve_parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "1")))
    args = parser.parse_args(argv)
    if args.command == "migrate":
        migrate(args.wait)
    else:
        serve(args.host, args.port, args.workers)


if __name__ == "__main__":
    main()
