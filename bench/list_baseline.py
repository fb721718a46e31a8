"""The yardstick of bench/list_throughput.py: GET /api/tasks answered by the least code that can
answer it as the backend does. FastAPI, a psycopg pool and PyJWT; no ORM, no response model, no
middleware, no user lookup. The same query (a page plus a window count), the same JSON fields.

Run by the benchmark with the backend's virtualenv:
    DATABASE_URL=postgresql://... SECRET_KEY=... uvicorn list_baseline:app --app-dir bench --workers 2
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import jwt
from fastapi import FastAPI, Header, HTTPException, Query
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

SECRET_KEY = os.environ["SECRET_KEY"]
pool: ConnectionPool[Any] = ConnectionPool(
    os.environ["DATABASE_URL"],
    min_size=4,
    max_size=int(os.environ.get("DB_POOL_SIZE", "20")),
    kwargs={"autocommit": True, "row_factory": dict_row},
    open=False,
)

QUERY = """
SELECT id, title, description, completed, created_at, updated_at, count(*) OVER () AS total
FROM task WHERE owner_id = %s ORDER BY id LIMIT %s OFFSET %s
"""


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    pool.open(wait=True)
    yield
    pool.close()


app = FastAPI(lifespan=lifespan)


@app.get("/api/tasks")
def list_tasks(
    authorization: Annotated[str, Header()] = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    try:
        claims = jwt.decode(authorization.removeprefix("Bearer "), SECRET_KEY, algorithms=["HS256"])
        owner_id = int(claims["sub"])
    except (jwt.PyJWTError, KeyError, ValueError) as exc:
        raise HTTPException(401, "Invalid or expired token") from exc
    with pool.connection() as connection:
        rows = connection.execute(QUERY, (owner_id, limit, offset)).fetchall()
    count = rows[0].pop("total") if rows else 0
    for row in rows[1:]:
        del row["total"]
    return {"data": rows, "count": count}


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
