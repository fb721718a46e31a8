#!/usr/bin/env python3
"""Turn a .env file into the backend chart's secret values (YAML on stdout). Plan step 4.1.

    python3 scripts/env_to_values.py .env > .secrets/backend-values.yaml

Known keys map to chart values (SECRET_KEY -> secrets.secretKey, ...); anything else is refused
with its line number, so a typo never silently drops a setting. No base64 by hand: the chart
uses stringData (plan risk R-07). Only the standard library, so it runs before any install.
"""

import json
import re
import sys
from pathlib import Path

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
_LINE = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$")


class EnvError(ValueError):
    """A line of the .env file cannot be used; the message names the line."""


def parse_env(text: str) -> dict[str, str]:
    """KEY=value lines; blank lines and # comments skipped; single or double quotes removed."""
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            raise EnvError(f"line {number}: expected KEY=value, got {raw!r}")
        key, value = match.group(1), match.group(2).strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key] = value
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
