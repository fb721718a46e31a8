"""The HTTP API: /auth/signup and /auth/signin (a JWT in $.token), the user's tasks under
/api/{user_id}/tasks (a bare array; status pending or completed), the assistant at
/api/{user_id}/chat ($.response), and /api/health."""

import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path
from typing import Annotated, Any, Literal

import jwt
from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from tidy import agent, store


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise SystemExit(f"tidy: {name} is not set; the backend does not start without it")
    return value


DATABASE = Path(os.environ.get("DATABASE_PATH", "/data/tidy.db"))
JWT_SECRET = _required("JWT_SECRET")
_required("OPENAI_API_KEY")  # the assistant is part of the app: no key, no start

app = FastAPI(title="Tidy Todo")
app.add_middleware(
    CORSMiddleware,
    allow_origins=os.environ.get("CORS_ORIGINS", "*").split(","),
    allow_methods=["*"],
    allow_headers=["*"],
)


@app.exception_handler(store.NotMigrated)
def _not_migrated(_request: Request, _exc: store.NotMigrated) -> JSONResponse:
    return JSONResponse({"detail": "the database is not migrated: run python -m tidy migrate"}, status_code=503)


class SignUp(BaseModel):
    name: str = Field(min_length=1, max_length=80)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$", max_length=200)
    password: str = Field(min_length=8, max_length=200)


class SignIn(BaseModel):
    email: str
    password: str


class NewTask(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)


class TaskChange(BaseModel):
    status: Literal["pending", "completed"]


class ChatIn(BaseModel):
    message: str = Field(min_length=1, max_length=2000)


def _hash(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"{salt.hex()}${digest.hex()}"


def _verify(password: str, stored: str) -> bool:
    salt, _, _digest = stored.partition("$")
    return hmac.compare_digest(_hash(password, bytes.fromhex(salt)), stored)


def _task(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "title": row["title"],
        "description": row["notes"],
        "status": row["status"],
        "created_at": row["created_at"],
    }


def current_user(user_id: int, authorization: Annotated[str, Header()] = "") -> int:
    """The user of the path, who must be the token's."""
    token = authorization.removeprefix("Bearer ").strip()
    try:
        claims = jwt.decode(token, JWT_SECRET, algorithms=["HS256"])
    except jwt.PyJWTError:
        raise HTTPException(401, "sign in first") from None
    if str(claims.get("sub")) != str(user_id):
        raise HTTPException(403, "these are not your tasks")
    return user_id


User = Annotated[int, Depends(current_user)]


@app.get("/api/health")
def health() -> dict[str, str]:
    return {"status": "healthy", "database": "migrated" if store.migrated(DATABASE) else "not migrated"}


@app.post("/auth/signup", status_code=201)
def sign_up(body: SignUp) -> dict[str, Any]:
    with store.connect(DATABASE) as db:
        if db.execute("SELECT 1 FROM users WHERE email = ?", (body.email.lower(),)).fetchone():
            raise HTTPException(409, "This email is already registered")
        cursor = db.execute(
            "INSERT INTO users (name, email, password_hash) VALUES (?, ?, ?)",
            (body.name, body.email.lower(), _hash(body.password)),
        )
    return {"user": {"id": cursor.lastrowid, "name": body.name, "email": body.email.lower()}}


@app.post("/auth/signin")
def sign_in(body: SignIn) -> dict[str, Any]:
    with store.connect(DATABASE) as db:
        row = db.execute("SELECT * FROM users WHERE email = ?", (body.email.lower(),)).fetchone()
    if row is None or not _verify(body.password, row["password_hash"]):
        raise HTTPException(401, "Invalid credentials")
    token = jwt.encode({"sub": str(row["id"]), "exp": int(time.time()) + 86400}, JWT_SECRET, algorithm="HS256")
    return {"token": token, "user": {"id": row["id"], "name": row["name"], "email": row["email"]}}


@app.get("/api/{user_id}/tasks")
def list_tasks(user_id: User) -> list[dict[str, Any]]:
    with store.connect(DATABASE) as db:
        rows = db.execute("SELECT * FROM tasks WHERE owner = ? ORDER BY id", (user_id,)).fetchall()
    return [_task(row) for row in rows]


def _create(user_id: int, title: str, description: str | None = None) -> dict[str, Any]:
    with store.connect(DATABASE) as db:
        cursor = db.execute(
            "INSERT INTO tasks (owner, title, notes) VALUES (?, ?, ?)", (user_id, title, description or "")
        )
        row = db.execute("SELECT * FROM tasks WHERE id = ?", (cursor.lastrowid,)).fetchone()
    return _task(row)


@app.post("/api/{user_id}/tasks", status_code=201)
def create_task(user_id: User, body: NewTask) -> dict[str, Any]:
    return _create(user_id, body.title, body.description)


@app.patch("/api/{user_id}/tasks/{task_id}")
def change_task(user_id: User, task_id: int, body: TaskChange) -> dict[str, Any]:
    with store.connect(DATABASE) as db:
        db.execute("UPDATE tasks SET status = ? WHERE id = ? AND owner = ?", (body.status, task_id, user_id))
        row = db.execute("SELECT * FROM tasks WHERE id = ? AND owner = ?", (task_id, user_id)).fetchone()
    if row is None:
        raise HTTPException(404, "no such task")
    return _task(row)


@app.post("/api/{user_id}/chat")
def chat(user_id: User, body: ChatIn) -> dict[str, Any]:
    tools = {
        "create_todo": lambda title: _create(user_id, title),
        "list_todos": lambda: list_tasks(user_id),
    }
    try:
        text, called = agent.reply(body.message, tools)
    except Exception as exc:  # noqa: BLE001 (any failure of the provider is the user's to see, as a 502)
        raise HTTPException(502, f"the assistant is unavailable: {type(exc).__name__}") from None
    return {"response": text, "tool_calls": called}
