"""The offline, deterministic agent: plain phrasings mapped onto the same task tools.

It understands, for example: "add buy milk", "remind me to call mom", "what are my tasks",
"show completed tasks", "mark buy milk as done", "complete task 3", "reopen buy milk",
"rename buy milk to buy oat milk", "delete task 3"; anything else gets a helpful answer.
"""

import re
from collections.abc import Callable
from typing import Any

from app.chat.providers.base import Turn
from app.chat.tools import JsonDict, TaskTools

EXAMPLES = (
    '"add buy milk", "what are my tasks", "mark buy milk as done", "rename buy milk to buy oat milk" or "delete task 3"'
)

_ADD = [
    r"^(?:please\s+)?(?:add|create|new)\b\s*(?:an?\s+)?(?:new\s+)?(?:(?:task|todo|to-do|item)\b\s*)?"
    r"(?:(?:to|called|named|titled)\b\s*|[:\-]\s*)?(?P<title>.+)$",
    r"^(?:please\s+)?remind me to\s+(?P<title>.+)$",
    r"^i (?:need|have|must|should) to\s+(?P<title>.+)$",
]
_LIST = [
    r"\b(?:what|which|show|list|display|see|view|get)\b.*\b(?:tasks?|todos?|to-dos?|list)\b",
    r"^(?:my\s+)?(?:tasks|todos|to-dos)\??$",
    r"\bwhat (?:do|should) i (?:have|need) to do\b",
    r"\bwhat(?:'s| is) (?:left|pending|done|on my list)\b",
]
_RENAME = [
    r"^(?:please\s+)?(?:rename|retitle|change|update)\s+(?P<ref>.+?)\s+(?:to|into|as)\s+(?P<title>.+)$",
]
_REOPEN = [
    r"^(?:please\s+)?(?:mark|set)\s+(?P<ref>.+?)\s+(?:as\s+)?"
    r"(?:not done|not complete|not completed|undone|pending|incomplete|open|todo)$",
    r"^(?:please\s+)?(?:reopen|uncomplete|uncheck|undo)\s+(?P<ref>.+)$",
]
_COMPLETE = [
    r"^(?:please\s+)?(?:mark|set)\s+(?P<ref>.+?)\s+(?:as\s+)?(?:done|complete|completed|finished)$",
    r"^(?:please\s+)?(?:complete|finish|check off|tick off)\s+(?P<ref>.+)$",
    r"^i(?:'ve| have)?\s+(?:finished|completed|done)\s+(?P<ref>.+)$",
    r"^done with\s+(?P<ref>.+)$",
]
_DELETE = [
    r"^(?:please\s+)?(?:delete|remove|drop|erase|cancel)\s+(?P<ref>.+)$",
]
_HELP = [
    r"^(?:hi|hello|hey|help|yo|good (?:morning|afternoon|evening))\b",
    r"\bwhat can you do\b",
    r"\bhow (?:do|does) (?:i|this|it) work\b",
]
_TRAILING = re.compile(r"\s+(?:to|on|in)\s+(?:my|the)\s+(?:list|tasks|todo list|to-do list|todos)$", re.IGNORECASE)


def _match(patterns: list[str], text: str) -> re.Match[str] | None:
    for pattern in patterns:
        found = re.search(pattern, text, re.IGNORECASE)
        if found:
            return found
    return None


def _clean_title(raw: str) -> str:
    title = _TRAILING.sub("", raw.strip()).strip()
    title = title.rstrip(".!").strip()
    if len(title) >= 2 and title[0] == title[-1] and title[0] in "\"'`":
        title = title[1:-1].strip()
    return title


def _clean_ref(raw: str) -> str:
    ref = _clean_title(raw)
    ref = re.sub(r"^(?:the\s+)?(?:task|todo|item)\s+", "", ref, flags=re.IGNORECASE)
    ref = re.sub(r"^(?:the|my)\s+", "", ref, flags=re.IGNORECASE)
    ref = ref.removeprefix("#").strip()
    return _clean_title(ref)


def _quote(task: JsonDict) -> str:
    return f'#{task["id"]} "{task["title"]}"'


class LocalChatProvider:
    """Rule-based agent on the task tools: no network, no key, same answer every time."""

    name = "local"

    def respond(self, *, history: list[Turn], message: str, tools: TaskTools) -> str:
        text = " ".join(message.split())
        handlers: list[tuple[list[str], Callable[[re.Match[str], TaskTools, str], str]]] = [
            (_RENAME, self._rename),
            (_REOPEN, self._reopen),
            (_COMPLETE, self._complete),
            (_DELETE, self._delete),
            (_ADD, self._add),
        ]
        if _match(_LIST, text) and not _match(_ADD, text):
            return self._list(tools, text)
        for patterns, handler in handlers:
            found = _match(patterns, text)
            if found:
                return handler(found, tools, text)
        if _match(_HELP, text):
            return f"Hi! I manage your tasks. Try {EXAMPLES}."
        return f'Sorry, I did not understand "{_shorten(text)}". I can manage your tasks: try {EXAMPLES}.'

    # ------------------------------------------------------------ intents

    def _add(self, found: re.Match[str], tools: TaskTools, _text: str) -> str:
        title = _clean_title(found.group("title"))
        if not title:
            return 'What should the task say? For example: "add buy milk".'
        if len(title) > 200:
            return "That title is too long: tasks take at most 200 characters."
        result = tools.call("add_task", {"title": title})
        if "error" in result:
            return f"I could not add that task: {result['error']}"
        return f"Added task {_quote(result['task'])}."

    def _list(self, tools: TaskTools, text: str) -> str:
        lowered = text.lower()
        status = "all"
        if re.search(r"\b(?:pending|open|remaining|left|not done|incomplete|unfinished|to do)\b", lowered):
            status = "pending"
        elif re.search(r"\b(?:completed|done|finished)\b", lowered):
            status = "completed"
        result = tools.call("list_tasks", {"status": status})
        tasks: list[JsonDict] = result["tasks"]
        label = "" if status == "all" else f"{status} "
        if not tasks:
            hint = ' Try "add buy milk".' if status == "all" else ""
            return f"You have no {label}tasks.{hint}"
        lines = [f"{_quote(t)}{' (done)' if t['completed'] else ''}" for t in tasks]
        noun = "task" if len(tasks) == 1 else "tasks"
        return f"You have {len(tasks)} {label}{noun}:\n" + "\n".join(f"- {line}" for line in lines)

    def _complete(self, found: re.Match[str], tools: TaskTools, _text: str) -> str:
        task = self._resolve(found.group("ref"), tools, prefer_completed=False)
        if isinstance(task, str):
            return task
        if task["completed"]:
            return f"{_quote(task)} is already done."
        result = tools.call("complete_task", {"task_id": task["id"]})
        return f"Marked {_quote(result['task'])} as done." if "task" in result else result["error"]

    def _reopen(self, found: re.Match[str], tools: TaskTools, _text: str) -> str:
        task = self._resolve(found.group("ref"), tools, prefer_completed=True)
        if isinstance(task, str):
            return task
        if not task["completed"]:
            return f"{_quote(task)} is already pending."
        result = tools.call("update_task", {"task_id": task["id"], "completed": False})
        return f"Marked {_quote(result['task'])} as not done." if "task" in result else result["error"]

    def _rename(self, found: re.Match[str], tools: TaskTools, _text: str) -> str:
        task = self._resolve(found.group("ref"), tools)
        if isinstance(task, str):
            return task
        title = _clean_title(found.group("title"))
        if not title or len(title) > 200:
            return "The new title must be 1 to 200 characters."
        result = tools.call("update_task", {"task_id": task["id"], "title": title})
        if "error" in result:
            return f"I could not rename it: {result['error']}"
        return f'Renamed {_quote(task)} to "{result["task"]["title"]}".'

    def _delete(self, found: re.Match[str], tools: TaskTools, _text: str) -> str:
        task = self._resolve(found.group("ref"), tools)
        if isinstance(task, str):
            return task
        result = tools.call("delete_task", {"task_id": task["id"]})
        return f"Deleted {_quote(result['deleted'])}." if "deleted" in result else result["error"]

    # ------------------------------------------------------------ finding the task meant

    def _resolve(self, raw_ref: str, tools: TaskTools, prefer_completed: bool | None = None) -> Any:
        """The task a phrase names (an id or a title), or a sentence saying why not."""
        ref = _clean_ref(raw_ref)
        tasks = tools.lookup()
        if not ref:
            return 'Which task? Name it by title or by number, like "task 3".'
        if re.fullmatch(r"\d+", ref):
            by_id = [t for t in tasks if t["id"] == int(ref)]
            if by_id:
                return by_id[0]
            return f"You have no task #{ref}. {self._known(tasks)}"
        wanted = ref.casefold()
        exact = [t for t in tasks if t["title"].casefold() == wanted]
        partial = [t for t in tasks if wanted in t["title"].casefold()]
        candidates = exact or partial
        if len(candidates) > 1 and prefer_completed is not None:
            preferred = [t for t in candidates if t["completed"] == prefer_completed]
            candidates = preferred or candidates
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            return f'I could not find a task matching "{_shorten(ref)}". {self._known(tasks)}'
        names = ", ".join(_quote(t) for t in candidates[:5])
        example = f'"task {candidates[0]["id"]}"'
        return f'Several tasks match "{_shorten(ref)}": {names}. Which one? Say it by number, like {example}.'

    @staticmethod
    def _known(tasks: list[JsonDict]) -> str:
        if not tasks:
            return "You have no tasks yet."
        return "Your tasks: " + ", ".join(_quote(t) for t in tasks[:10]) + ("..." if len(tasks) > 10 else ".")


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
