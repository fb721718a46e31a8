"""What every chat provider offers, and the error a failing provider raises."""

from dataclasses import dataclass
from typing import Protocol

from app.chat.tools import TaskTools

SYSTEM_PROMPT = (
    "You are the assistant of a todo app. You manage the user's tasks only through the tools "
    "add_task, list_tasks, complete_task, update_task and delete_task. Call list_tasks to find "
    "a task's id before changing it. Confirm what you did in one or two short sentences; "
    "never invent tasks or ids."
)

# Most tool rounds one answer may take before the agent gives up.
MAX_TOOL_ROUNDS = 6


@dataclass(frozen=True)
class Turn:
    """A past message of the conversation, as providers see it."""

    role: str  # "user" or "assistant"
    content: str


class ProviderError(Exception):
    """The provider could not answer; status_code is what the API returns (502 or 503)."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


class ChatProvider(Protocol):
    """Answers one user message, calling the tools as it sees fit."""

    name: str

    def respond(self, *, history: list[Turn], message: str, tools: TaskTools) -> str: ...


def merged_turns(history: list[Turn], message: str) -> list[Turn]:
    """History plus the new message, with consecutive same-role turns joined.

    A user message whose answer failed leaves two user turns in a row; some APIs refuse that.
    """
    merged: list[Turn] = []
    for turn in [*history, Turn("user", message)]:
        if merged and merged[-1].role == turn.role:
            merged[-1] = Turn(turn.role, merged[-1].content + "\n\n" + turn.content)
        else:
            merged.append(turn)
    while merged and merged[0].role != "user":
        merged.pop(0)
    return merged
