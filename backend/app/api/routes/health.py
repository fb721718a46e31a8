"""Probes: /livez (process up) and /health (ready: database answers, schema current)."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from app import __version__
from app.core.db import SchemaNotReady, check_schema, ping

router = APIRouter(tags=["health"])

APP_VERSION = __version__


def _cause(exc: SQLAlchemyError) -> str:
    """The driver's error class (e.g. OperationalError), never its message: it may hold the URL."""
    return type(getattr(exc, "orig", None) or exc).__name__


@router.get("/livez")
async def livez() -> dict[str, str]:
    """Answered on the event loop itself: never behind the thread pool (busy with logins or
    waiting on a frozen database), so a liveness probe does not restart a pod that is only busy."""
    return {"status": "ok"}


@router.get("/health")
def health(request: Request) -> JSONResponse:
    engine = request.app.state.engine
    checks: dict[str, str] = {}
    try:
        ping(engine)
        checks["database"] = "ok"
    except SQLAlchemyError as exc:
        checks["database"] = f"unreachable: {_cause(exc)}"
    if checks["database"] == "ok":
        try:
            check_schema(engine)
            checks["schema"] = "ok"
        except SchemaNotReady as exc:
            checks["schema"] = str(exc)
        except SQLAlchemyError as exc:
            checks["schema"] = f"unreadable: {_cause(exc)}"
    healthy = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if healthy else "error", "checks": checks, "version": APP_VERSION}
    return JSONResponse(body, status_code=200 if healthy else 503)
