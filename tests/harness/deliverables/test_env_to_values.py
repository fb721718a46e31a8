"""scripts/env_to_values.py: .env lines into the backend chart's values, refusing what it cannot map."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ours import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "env_to_values.py"
spec = importlib.util.spec_from_file_location("env_to_values", SCRIPT)
assert spec is not None and spec.loader is not None
env_to_values = importlib.util.module_from_spec(spec)
spec.loader.exec_module(env_to_values)


def test_parse_env_handles_comments_quotes_and_export() -> None:
    text = "# c\n\nexport SECRET_KEY=\"a b#c\"\nAI_PROVIDER=groq  # inline\nGROQ_API_KEY='k=1'\nAI_MODEL=\n"
    assert env_to_values.parse_env(text) == {
        "SECRET_KEY": "a b#c",
        "AI_PROVIDER": "groq",
        "GROQ_API_KEY": "k=1",
        "AI_MODEL": "",
    }


def test_known_keys_map_to_chart_values_and_empty_ones_are_dropped() -> None:
    values = env_to_values.to_values({"SECRET_KEY": "s", "DATABASE_URL": "postgresql://u:p@h/db", "AI_MODEL": ""})
    assert values == {"secrets": {"secretKey": "s", "databaseUrl": "postgresql://u:p@h/db"}}


@pytest.mark.parametrize(("text", "words"), [("NOT A LINE\n", "line 1"), ("SECRETKEY=x\n", "unknown keys SECRETKEY")])
def test_bad_input_is_refused_with_the_reason(text: str, words: str) -> None:
    with pytest.raises(env_to_values.EnvError, match=words):
        env_to_values.to_values(env_to_values.parse_env(text))


# Its output file, through deploy.sh, is checked in test_deploy_scripts.py.
def test_the_script_names_a_missing_file(tmp_path: Path) -> None:
    missing = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path / "nope")], capture_output=True, text=True)
    assert missing.returncode == 1 and "copy .env.example to .env" in missing.stderr


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ('SECRET_KEY="abc123 #x" # note', "abc123 #x"),  # ' #' inside quotes is the value's
        ("SECRET_KEY='a=b=c'", "a=b=c"),
        ("SECRET_KEY=a=b", "a=b"),
        ("export SECRET_KEY=plain", "plain"),
        ("SECRET_KEY=", ""),
        ('SECRET_KEY="line\\nbreak"', "line\nbreak"),
        ("SECRET_KEY=unquoted # comment", "unquoted"),
        ("SECRET_KEY='single #not-a-comment'", "single #not-a-comment"),
    ],
)
def test_values_are_read_as_python_dotenv_reads_them(line: str, value: str) -> None:
    assert env_to_values.parse_env(line + "\n") == {"SECRET_KEY": value}


def test_a_line_dotenv_cannot_parse_is_refused_with_its_number() -> None:
    with pytest.raises(env_to_values.EnvError, match="line 2: expected KEY=value"):
        env_to_values.parse_env("SECRET_KEY=ok\nthis is not an assignment\n")
