"""Tasks of the caller: list with filter and paging, create, read, update, delete."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response, status
from pydantic import TypeAdapter
from typing_extensions import TypedDict  # pydantic needs this one on Python < 3.12

from app import crud
from app.api.deps import CurrentUser, SessionDep
from app.crud import TaskStatus
from app.models import MAX_ID, ErrorDetail, Task, TaskCreate, TaskPublic, TasksPublic, TaskUpdate

router = APIRouter(
    prefix="/tasks",
    tags=["tasks"],
    responses={404: {"model": ErrorDetail, "description": "No such task of the caller's"}},
)

TaskId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _owned_task(session: SessionDep, user: CurrentUser, task_id: TaskId) -> Task:
    assert user.id is not None
    task = crud.get_task(session=session, owner_id=user.id, task_id=task_id)
    if task is None:
        # Another user's task is indistinguishable from a missing one.
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"Task {task_id} not found")
    return task


class _TaskRow(TypedDict):
    id: int
    title: str
    description: str | None
    completed: bool
    created_at: datetime
    updated_at: datetime


class _TaskPage(TypedDict):
    data: list[_TaskRow]
    count: int


# TasksPublic's JSON, written by pydantic-core straight from the rows (no model per task).
_PAGE_JSON = TypeAdapter(_TaskPage)


@router.get("", response_model=TasksPublic)
def list_tasks(
    request: Request,
    user: CurrentUser,
    status_: Annotated[TaskStatus, Query(alias="status")] = "all",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> Response:
    assert user.id is not None
    with request.app.state.engine.connect() as connection:
        rows, count = crud.list_task_rows(
            connection=connection, owner_id=user.id, status=status_, limit=limit, offset=offset
        )
    body = _PAGE_JSON.dump_json({"data": rows, "count": count})  # type: ignore[typeddict-item]
    return Response(body, media_type="application/json")


@router.post("", status_code=status.HTTP_201_CREATED, response_model=TaskPublic)
def create_task(task_in: TaskCreate, session: SessionDep, user: CurrentUser) -> Task:
    assert user.id is not None
    return crud.create_task(session=session, owner_id=user.id, task_in=task_in)


@router.get("/{task_id}", response_model=TaskPublic)
def read_task(task_id: TaskId, session: SessionDep, user: CurrentUser) -> Task:
    return _owned_task(session, user, task_id)


@router.patch("/{task_id}", response_model=TaskPublic)
def update_task(task_id: TaskId, task_in: TaskUpdate, session: SessionDep, user: CurrentUser) -> Task:
    task = _owned_task(session, user, task_id)
    return crud.update_task(session=session, task=task, task_in=task_in)


@router.delete("/{task_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_task(task_id: TaskId, session: SessionDep, user: CurrentUser) -> Response:
    crud.delete_task(session=session, task=_owned_task(session, user, task_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
