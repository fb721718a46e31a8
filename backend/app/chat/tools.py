"""The task tools the chat agent may call; each acts for one user only and records its calls."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from pydantic import ValidationError
from sqlmodel import Session

from app import crud
from app.crud import TaskStatus
from app.models import MAX_ID, Task, TaskCreate, TaskUpdate

JsonDict = dict[str, Any]

_ID = {"type": "integer", "minimum": 1, "description": "The task's id, as list_tasks shows it"}

# JSON schemas of the tools, shared by every provider.
TOOL_SPECS: list[JsonDict] = [
    {
        "name": "add_task",
        "description": "Create a new task for the user.",
        "parameters": {
            "type": "object",
            "properties": {
                "title": {"type": "string", "minLength": 1, "maxLength": 200},
                "description": {"type": "string", "maxLength": 2000},
            },
            "required": ["title"],
        },
    },
    {
        "name": "list_tasks",
        "description": "List the user's tasks, optionally only pending or completed ones.",
        "parameters": {
            "type": "object",
            "properties": {
                "status": {"type": "string", "enum": ["all", "pending", "completed"]},
            },
        },
    },
    {
        "name": "complete_task",
        "description": "Mark one of the user's tasks as completed.",
        "parameters": {"type": "object", "properties": {"task_id": _ID}, "required": ["task_id"]},
    },
    {
        "name": "update_task",
        "description": "Change a task's title, description or completed flag.",
        "parameters": {
            "type": "object",
            "properties": {
                "task_id": _ID,
                "title": {"type": "string", "minLength": 1, "maxLength": 200},
                "description": {"type": "string", "maxLength": 2000},
                "completed": {"type": "boolean"},
            },
            "required": ["task_id"],
        },
    },
    {
        "name": "delete_task",
        "description": "Delete one of the user's tasks for good.",
        "parameters": {"type": "object", "properties": {"task_id": _ID}, "required": ["task_id"]},
    },
]


def task_summary(task: Task) -> JsonDict:
    return {
        "id": task.id,
        "title": task.title,
        "description": task.description,
        "completed": task.completed,
    }


# The tools that change something: the ones a retried message must not run twice.
MUTATING_TOOLS = frozenset({"add_task", "complete_task", "update_task", "delete_task"})


@dataclass
class ToolCall:
    """A tool the agent ran: its name, the arguments it was given and what it returned."""

    name: str
    arguments: JsonDict
    result: JsonDict
    replayed: bool = False  # answered from an earlier attempt's record, not run again

    def as_dict(self) -> JsonDict:
        return {"name": self.name, "arguments": self.arguments, "result": self.result}

    @classmethod
    def from_dict(cls, data: JsonDict) -> "ToolCall":
        return cls(name=str(data.get("name")), arguments=dict(data.get("arguments") or {}), result=dict(data["result"]))


@dataclass
class TaskTools:
    """The tools bound to one user's session; `calls` keeps every call in order.

    `done` holds the calls an earlier attempt at the same message ran before its provider failed:
    a changing call with the same name and arguments gets the recorded result instead of running
    again (once per record), so a retry adds no second task.
    """

    session: Session
    owner_id: int
    done: list[ToolCall] = field(default_factory=list)
    calls: list[ToolCall] = field(default_factory=list)
    _replayed: set[int] = field(default_factory=set)  # indexes into `done` already answered from

    def executed(self) -> list[ToolCall]:
        """Every call that has changed or read something for this message, over all attempts."""
        return [*self.done, *(c for c in self.calls if not c.replayed)]

    def _recorded(self, name: str, arguments: JsonDict) -> ToolCall | None:
        if name not in MUTATING_TOOLS:
            return None  # reads run again: their answer may have changed
        for index, earlier in enumerate(self.done):
            if index not in self._replayed and earlier.name == name and earlier.arguments == arguments:
                self._replayed.add(index)
                return earlier
        return None

    def call(self, name: str, arguments: JsonDict) -> JsonDict:
        """Run a tool; bad names or arguments come back as {"error": ...}, never raise."""
        recorded = self._recorded(name, arguments) if isinstance(arguments, dict) else None
        if recorded is not None:
            self.calls.append(ToolCall(name=name, arguments=arguments, result=recorded.result, replayed=True))
            return recorded.result
        handler: Callable[..., JsonDict] | None = getattr(self, f"_tool_{name}", None)
        if handler is None or not isinstance(arguments, dict):
            result: JsonDict = {"error": f"unknown tool {name!r} or arguments not an object"}
        else:
            try:
                result = handler(**arguments)
            except TypeError as exc:
                result = {"error": f"bad arguments for {name}: {exc}"}
            except ValidationError as exc:
                problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
                result = {"error": f"invalid arguments for {name}: {problems}"}
        self.calls.append(ToolCall(name=name, arguments=arguments, result=result))
        return result

    def lookup(self) -> list[JsonDict]:
        """All of the user's tasks, for an agent resolving "buy milk" to an id (not a tool call)."""
        rows, _ = crud.list_tasks(session=self.session, owner_id=self.owner_id, limit=10_000)
        return [task_summary(t) for t in rows]

    # Each _tool_<name> implements the tool <name> of TOOL_SPECS.

    def _find(self, task_id: object) -> Task | JsonDict:
        if isinstance(task_id, bool) or not isinstance(task_id, int | str):
            return {"error": "task_id must be an integer"}
        try:
            number = int(task_id)
        except ValueError:
            return {"error": f"task_id must be an integer, got {task_id!r}"}
        task = None
        if 1 <= number <= MAX_ID:
            task = crud.get_task(session=self.session, owner_id=self.owner_id, task_id=number)
        return task if task is not None else {"error": f"no task with id {number}"}

    def _tool_add_task(self, title: str, description: str | None = None) -> JsonDict:
        task_in = TaskCreate.model_validate({"title": title, "description": description})
        task = crud.create_task(session=self.session, owner_id=self.owner_id, task_in=task_in)
        return {"task": task_summary(task)}

    def _tool_list_tasks(self, status: str = "all") -> JsonDict:
        if status not in ("all", "pending", "completed"):
            return {"error": "status must be one of all, pending, completed"}
        rows, count = crud.list_tasks(
            session=self.session, owner_id=self.owner_id, status=cast(TaskStatus, status), limit=500
        )
        return {"tasks": [task_summary(t) for t in rows], "count": count}

    def _tool_complete_task(self, task_id: int) -> JsonDict:
        return self._tool_update_task(task_id, completed=True)

    def _tool_update_task(
        self,
        task_id: int,
        title: str | None = None,
        description: str | None = None,
        completed: bool | None = None,
    ) -> JsonDict:
        found = self._find(task_id)
        if isinstance(found, dict):
            return found
        changes = {
            key: value
            for key, value in (("title", title), ("description", description), ("completed", completed))
            if value is not None
        }
        if not changes:
            return {"error": "nothing to change: give a title, description or completed"}
        task = crud.update_task(session=self.session, task=found, task_in=TaskUpdate.model_validate(changes))
        return {"task": task_summary(task)}

    def _tool_delete_task(self, task_id: int) -> JsonDict:
        found = self._find(task_id)
        if isinstance(found, dict):
            return found
        summary = task_summary(found)
        crud.delete_task(session=self.session, task=found)
        return {"deleted": summary}
