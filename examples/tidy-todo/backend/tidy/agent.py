"""The assistant: OpenAI's Chat Completions with two tools over the user's tasks. The SDK reads
OPENAI_API_KEY and OPENAI_BASE_URL itself."""

import json
import os
from collections.abc import Callable
from typing import Any

from openai import OpenAI

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "create_todo",
            "description": "Create a new todo for the user",
            "parameters": {
                "type": "object",
                "properties": {"title": {"type": "string", "description": "what to do"}},
                "required": ["title"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "list_todos",
            "description": "List the user's todos",
            "parameters": {"type": "object", "properties": {}},
        },
    },
]
SYSTEM = "You are Tidy, a helpful assistant that manages the user's todo list with the tools you have."


def reply(message: str, tools: dict[str, Callable[..., Any]]) -> tuple[str, list[str]]:
    """The assistant's answer to one message, and the names of the tools it called."""
    client = OpenAI()
    model = os.environ.get("OPENAI_MODEL", "gpt-4o-mini")
    messages: list[Any] = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": message}]
    called: list[str] = []
    for _ in range(4):
        answer = client.chat.completions.create(model=model, messages=messages, tools=TOOLS)  # type: ignore[arg-type]
        choice = answer.choices[0].message
        if not choice.tool_calls:
            return choice.content or "", called
        messages.append(choice.model_dump(exclude_none=True))
        for call in choice.tool_calls:
            function = call.function  # type: ignore[union-attr]
            arguments = json.loads(function.arguments or "{}")
            result = tools[function.name](**arguments) if function.name in tools else {"error": "no such tool"}
            called.append(function.name)
            messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
    return "Sorry, I could not finish that.", called
