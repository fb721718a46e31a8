#!/usr/bin/env python3
"""Turn a .env file into the backend chart's secret values (YAML on stdout). Plan step 4.1.

    .venv/bin/python scripts/env_to_values.py .env > .secrets/backend-values.yaml

The file is read as python-dotenv reads it (quotes, escapes, `export`, inline comments, `=` and
` #` inside quoted values). Known keys map to chart values (SECRET_KEY -> secrets.secretKey, ...);
anything else is refused with its line number, so a typo never silently drops a setting. No base64
by hand: the chart uses stringData (plan risk R-07). deploy.sh runs it in the harness's virtualenv.
"""

import io
import json
import sys
from pathlib import Path

from dotenv.parser import parse_stream

# .env key -> (values section, values key)
KEYS = {
    "SECRET_KEY": ("secrets", "secretKey"),
    "DATABASE_URL": ("secrets", "databaseUrl"),
    "OPENAI_API_KEY": ("secrets", "openaiApiKey"),
    "GROQ_API_KEY": ("secrets", "groqApiKey"),
    "ANTHROPIC_API_KEY": ("secrets", "anthropicApiKey"),
    "AI_PROVIDER": ("config", "aiProvider"),
    "AI_MODEL": ("config", "aiModel"),
    "AI_BASE_URL": ("config", "aiBaseUrl"),
    "LOG_LEVEL": ("config", "logLevel"),
}


class EnvError(ValueError):
    """A line of the .env file cannot be used; the message names the line."""


def parse_env(text: str) -> dict[str, str]:
    """KEY=value lines as python-dotenv parses them; a line it cannot parse is an error naming it."""
    values: dict[str, str] = {}
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            line = binding.original.string.rstrip("\n")
            raise EnvError(f"line {binding.original.line}: expected KEY=value, got {line!r}")
        if binding.key is None:  # a blank line or a comment
            continue
        values[binding.key] = binding.value or ""
    return values


def to_values(env: dict[str, str]) -> dict[str, dict[str, str]]:
    unknown = sorted(set(env) - set(KEYS))
    if unknown:
        raise EnvError(f"unknown keys {', '.join(unknown)}; known: {', '.join(KEYS)}")
    values: dict[str, dict[str, str]] = {}
    for key, value in env.items():
        section, name = KEYS[key]
        if value:
            values.setdefault(section, {})[name] = value
    return values


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 0 if len(argv) == 2 else 2
    path = Path(argv[1])
    try:
        values = to_values(parse_env(path.read_text()))
    except FileNotFoundError:
        print(f"env_to_values: {path} does not exist; copy .env.example to .env", file=sys.stderr)
        return 1
    except EnvError as exc:
        print(f"env_to_values: {path}: {exc}", file=sys.stderr)
        return 1
    # JSON is valid YAML, and json.dumps quotes every string safely.
    print(json.dumps(values, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
