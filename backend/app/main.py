"""The FastAPI application factory: `uvicorn --factory app.main:create_app` or `python -m app serve`."""

import gc
import logging
import sys
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.deps import UserCache
from app.api.main import api_router
from app.api.routes import health
from app.api.routes.auth import LoginThrottle
from app.chat.providers import make_provider
from app.core.config import Settings
from app.core.db import SchemaNotReady, check_schema, make_engine
from app.core.security import HashingBusy, TokenCache

log = logging.getLogger("app")
access_log = logging.getLogger("app.access")


class AccessLogMiddleware:
    """One line per request: method, path (no query string), status, duration."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            access_log.info("%s %s %d %.1fms", scope["method"], scope["path"], status, elapsed_ms)


# No request to this API needs more; the Next.js proxy refuses the same.
MAX_BODY_BYTES = 1024 * 1024


class BodyLimitMiddleware:
    """Refuses bodies over MAX_BODY_BYTES with 413: a declared Content-Length at once, a streamed
    body as soon as it passes the limit. What is under it is read here and handed on whole, so no
    request ever holds more than the limit in memory."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _too_large(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                await self.app(scope, _replay(message, receive), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await _too_large(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body: Message = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay(body, receive), send)


def _replay(first: Message, receive: Receive) -> Receive:
    """A receive that gives `first`, then whatever the client sends next (its disconnect)."""
    pending = [first]

    async def replay() -> Message:
        return pending.pop() if pending else await receive()

    return replay


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    response = JSONResponse({"detail": f"The request body is larger than {MAX_BODY_BYTES // 2**20} MiB"}, 413)
    await response(scope, receive, send)


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, stream=sys.stdout, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("app").setLevel(level)


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    # Pydantic echoes the rejected input; leave it out so a password never comes back.
    return [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _field_errors(exc)}, status_code=422)

    # Only the database being out of reach (or every pooled connection busy) is a 503; any other
    # database error is a bug of ours, a 500 (client mistakes are refused as 422 before the query).
    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    @app.exception_handler(PoolTimeout)
    async def _db_down(_request: Request, exc: Exception) -> JSONResponse:
        log.error("database unavailable: %s", type(getattr(exc, "orig", None) or exc).__name__)
        return JSONResponse(
            {"detail": "The database is unavailable; try again shortly"},
            status_code=503,
            headers={"Retry-After": "5"},
        )

    # Every hashing slot of the worker stayed busy (a burst of logins): come back in a second,
    # rather than queueing until the probes and the pod's memory give out.
    @app.exception_handler(HashingBusy)
    async def _hashing_busy(_request: Request, _exc: HashingBusy) -> JSONResponse:
        return JSONResponse(
            {"detail": "Too many logins at once; try again in a second"},
            status_code=503,
            headers={"Retry-After": "1"},
        )

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return JSONResponse({"detail": "Internal server error"}, status_code=500)


def create_app(settings: Settings | None = None, *, require_schema: bool = True) -> FastAPI:
    """Build the app; refuses (SystemExit) on bad settings or a database behind on migrations."""
    if settings is None:
        try:
            settings = Settings()
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors())
            print(f"todo-backend: invalid configuration: {problems}", file=sys.stderr)
            raise SystemExit(2) from None
    configure_logging(settings.log_level)
    engine = make_engine(settings)
    if require_schema:
        try:
            check_schema(engine)
        except SchemaNotReady as exc:
            print(f"todo-backend: refusing to start: {exc}", file=sys.stderr)
            raise SystemExit(3) from None
        except SQLAlchemyError as exc:
            # Start anyway: /health reports 503 until the database answers.
            log.warning(
                "database not reachable at start-up (%s); /health answers 503 until it is",
                type(getattr(exc, "orig", None) or exc).__name__,
            )

    app = FastAPI(title="Todo Chatbot API", version=health.APP_VERSION)
    app.state.settings = settings
    app.state.engine = engine
    app.state.chat_provider = make_provider(settings)
    app.state.user_cache = UserCache()
    app.state.token_cache = TokenCache()
    app.state.login_throttle = LoginThrottle()
    app.include_router(api_router)
    app.include_router(health.router)
    _install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(AccessLogMiddleware)
    # What start-up made (modules, routes, the schema) lives as long as the process: keep it out
    # of the garbage collector's passes, which otherwise walk it again and again under load.
    gc.freeze()
    return app
