"""Remote providers: OpenAI and Groq (OpenAI-compatible) through the openai SDK, Anthropic
through the anthropic SDK, each running the tool-calling loop."""

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import anthropic
import openai
from sqlalchemy.exc import SQLAlchemyError

from app.chat.providers.base import MAX_TOOL_ROUNDS, SYSTEM_PROMPT, ProviderError, Turn, merged_turns
from app.chat.tools import TOOL_SPECS, TaskTools
from app.core.config import Settings

log = logging.getLogger(__name__)

DEFAULT_MODELS = {
    "openai": "gpt-4o-mini",
    "groq": "llama-3.3-70b-versatile",
    "anthropic": "claude-haiku-4-5",
}
DEFAULT_BASE_URLS = {"groq": "https://api.groq.com/openai/v1"}
KEY_VARIABLES = {"openai": "OPENAI_API_KEY", "groq": "GROQ_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}


@contextmanager
def provider_errors(provider: str, timeout: float) -> Iterator[None]:
    """Turn SDK exceptions into ProviderError with a message a user can act on."""
    sdk_errors: list[tuple[Any, Callable[[Any], tuple[int, str]]]] = []
    for sdk in (openai, anthropic):
        sdk_errors += [
            (
                sdk.AuthenticationError,
                lambda e: (502, f"The AI provider ({provider}) rejected the API key; check {KEY_VARIABLES[provider]}."),
            ),
            (
                sdk.PermissionDeniedError,
                lambda e: (502, f"The AI provider ({provider}) refused access for this API key or model."),
            ),
            (
                sdk.RateLimitError,
                lambda e: (503, f"The AI provider ({provider}) is rate limiting requests; try again in a moment."),
            ),
            (
                sdk.APITimeoutError,
                lambda e: (503, f"The AI provider ({provider}) did not answer within {timeout:g} s; try again."),
            ),
            (
                sdk.APIConnectionError,
                lambda e: (503, f"Could not reach the AI provider ({provider}); check the network or AI_BASE_URL."),
            ),
            # The provider's own error text stays in our log: it can hold internals of theirs.
            (
                sdk.APIStatusError,
                lambda e: (502, f"The AI provider ({provider}) failed with HTTP {e.status_code}; try again later."),
            ),
            (sdk.APIError, lambda e: (502, f"The AI provider ({provider}) sent an answer that could not be used.")),
        ]
    try:
        yield
    except (ProviderError, SQLAlchemyError):
        raise  # our own failures keep their meaning (a database error is a 503 upstream)
    except Exception as exc:
        for error_type, describe in sdk_errors:
            if isinstance(exc, error_type):
                status, text = describe(exc)
                log.warning("AI provider %s failed: %s: %s", provider, type(exc).__name__, _short(exc))
                raise ProviderError(status, text) from exc
        # Anything else came out of parsing the provider's answer (not JSON, wrong shape).
        log.warning("unusable answer from %s: %r", provider, exc)
        raise ProviderError(502, f"The AI provider ({provider}) sent an answer that could not be read.") from exc


def _short(exc: Exception) -> str:
    text = getattr(exc, "message", None) or str(exc)
    return text if len(text) <= 300 else text[:297] + "..."


def _parse_arguments(raw: str | None) -> dict[str, Any] | str:
    try:
        value = json.loads(raw or "{}")
    except json.JSONDecodeError:
        return f"arguments are not valid JSON: {raw!r}"
    return value if isinstance(value, dict) else "arguments must be a JSON object"


class OpenAIChatProvider:
    """OpenAI chat completions with function tools; also Groq's OpenAI-compatible API."""

    def __init__(self, settings: Settings) -> None:
        self.name: str = settings.ai_provider
        self.model = settings.ai_model or DEFAULT_MODELS[self.name]
        self.timeout = settings.ai_timeout_seconds
        self._key = settings.ai_api_key
        self._client = openai.OpenAI(
            api_key=self._key or "missing",
            base_url=settings.ai_base_url or DEFAULT_BASE_URLS.get(self.name),
            timeout=settings.ai_timeout_seconds,
            max_retries=settings.ai_max_retries,
        )
        self._tools: Any = [{"type": "function", "function": spec} for spec in TOOL_SPECS]

    def respond(self, *, history: list[Turn], message: str, tools: TaskTools) -> str:
        if not self._key:
            raise ProviderError(503, f"AI_PROVIDER={self.name} needs {KEY_VARIABLES[self.name]}; it is not set.")
        messages: list[Any] = [{"role": "system", "content": SYSTEM_PROMPT}]
        messages += [{"role": t.role, "content": t.content} for t in merged_turns(history, message)]
        with provider_errors(self.name, self.timeout):
            for _ in range(MAX_TOOL_ROUNDS):
                response = self._client.chat.completions.create(model=self.model, messages=messages, tools=self._tools)
                if not response.choices:
                    raise ProviderError(502, f"The AI provider ({self.name}) returned no answer.")
                reply = response.choices[0].message
                calls = [c for c in (reply.tool_calls or []) if c.type == "function"]
                if not calls:
                    return reply.content or ""
                messages.append(
                    {
                        "role": "assistant",
                        "content": reply.content,
                        "tool_calls": [
                            {
                                "id": c.id,
                                "type": "function",
                                "function": {"name": c.function.name, "arguments": c.function.arguments},
                            }
                            for c in calls
                        ],
                    }
                )
                for call in calls:
                    arguments = _parse_arguments(call.function.arguments)
                    result = (
                        tools.call(call.function.name, arguments)
                        if isinstance(arguments, dict)
                        else {"error": arguments}
                    )
                    messages.append(
                        {"role": "tool", "tool_call_id": call.id, "content": json.dumps(result, default=str)}
                    )
        raise ProviderError(502, f"The AI provider ({self.name}) kept calling tools without answering.")


class AnthropicChatProvider:
    """Anthropic messages API with tool use."""

    name = "anthropic"

    def __init__(self, settings: Settings) -> None:
        self.model = settings.ai_model or DEFAULT_MODELS["anthropic"]
        self.timeout = settings.ai_timeout_seconds
        self._key = settings.anthropic_api_key
        self._client = anthropic.Anthropic(
            api_key=self._key or "missing",
            base_url=settings.ai_base_url or None,
            timeout=settings.ai_timeout_seconds,
            max_retries=settings.ai_max_retries,
        )
        self._tools: Any = [
            {"name": s["name"], "description": s["description"], "input_schema": s["parameters"]} for s in TOOL_SPECS
        ]

    def respond(self, *, history: list[Turn], message: str, tools: TaskTools) -> str:
        if not self._key:
            raise ProviderError(503, "AI_PROVIDER=anthropic needs ANTHROPIC_API_KEY; it is not set.")
        messages: list[Any] = [{"role": t.role, "content": t.content} for t in merged_turns(history, message)]
        with provider_errors(self.name, self.timeout):
            for _ in range(MAX_TOOL_ROUNDS):
                response = self._client.messages.create(
                    model=self.model,
                    max_tokens=1024,
                    system=SYSTEM_PROMPT,
                    messages=messages,
                    tools=self._tools,
                )
                uses = [b for b in response.content if b.type == "tool_use"]
                text = "".join(b.text for b in response.content if b.type == "text")
                if not uses:
                    return text
                assistant_blocks: list[dict[str, Any]] = [{"type": "text", "text": text}] if text else []
                assistant_blocks += [{"type": "tool_use", "id": b.id, "name": b.name, "input": b.input} for b in uses]
                messages.append({"role": "assistant", "content": assistant_blocks})
                results = []
                for use in uses:
                    arguments = use.input if isinstance(use.input, dict) else {}
                    result = tools.call(use.name, arguments)
                    results.append(
                        {
                            "type": "tool_result",
                            "tool_use_id": use.id,
                            "content": json.dumps(result, default=str),
                            "is_error": "error" in result,
                        }
                    )
                messages.append({"role": "user", "content": results})
        raise ProviderError(502, "The AI provider (anthropic) kept calling tools without answering.")
