"""All API routers under /api."""

from typing import Any

from fastapi import APIRouter

from app.api.routes import auth, chat, tasks
from app.models import ErrorDetail

# What any /api route may answer besides its own successes: the OpenAPI document lists them all,
# so a client (and the contract test, tests/test_api_contract.py) knows every status to expect.
COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    413: {"model": ErrorDetail, "description": "The request body is larger than 1 MiB"},
    422: {"model": ErrorDetail, "description": "The request is invalid; detail lists each field's problem"},
    503: {"model": ErrorDetail, "description": "The database is unavailable or busy; try again (Retry-After)"},
}
UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorDetail, "description": "No valid token: missing, expired, or ended by a logout"},
}

api_router = APIRouter(prefix="/api", responses=COMMON_RESPONSES)
# Matched in this order: the busiest first (the task list is most of the traffic).
api_router.include_router(tasks.router, responses=UNAUTHORIZED)
api_router.include_router(auth.router)
api_router.include_router(chat.router, responses=UNAUTHORIZED)
