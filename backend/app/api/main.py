"""All API routers under /api."""

from fastapi import APIRouter

from app.api.routes import auth, chat, tasks

api_router = APIRouter(prefix="/api")
api_router.include_router(auth.router)
api_router.include_router(tasks.router)
api_router.include_router(chat.router)
