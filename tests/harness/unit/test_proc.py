"""fixtures/proc.py: commands with deadlines and clear errors, and a process kept running."""

import time
from pathlib import Path

import pytest

from fixtures import proc


def test_a_failed_command_names_itself_its_output_and_the_hint() -> None:
    with pytest.raises(proc.CommandFailed) as failed:
        proc.run(["sh", "-c", "echo broken >&2; exit 4"], hint="try this")
    assert failed.value.code == 4
    assert str(failed.value) == "`sh -c echo broken >&2; exit 4` exited with 4:\nbroken\n-> try this"
    with pytest.raises(proc.CommandFailed, match="timed out"):
        proc.run(["sleep", "5"], timeout=0.3)
    with pytest.raises(proc.CommandFailed, match="command not found"):
        proc.run(["no-such-command-here"])


def test_a_kept_process_is_started_again_until_stopped(tmp_path: Path) -> None:
    log_path = tmp_path / "kept.log"
    kept = proc.KeptRunning("blip", ["sh", "-c", "echo started; sleep 0.2"], log_path=log_path, restart_delay=0.1)
    try:
        proc.wait_for(lambda: kept.restarts >= 2, name="two restarts", timeout=10)
    finally:
        kept.stop()
    assert log_path.read_text().count("started") >= 3
    restarts = kept.restarts
    time.sleep(0.6)
    assert kept.restarts == restarts and not kept.running(), "nothing starts after stop()"


def test_stopping_a_kept_process_ends_the_running_one(tmp_path: Path) -> None:
    kept = proc.KeptRunning("long", ["sleep", "30"], log_path=tmp_path / "long.log")
    assert kept.running()
    started = time.monotonic()
    kept.stop()
    assert not kept.running() and kept.restarts == 0
    assert time.monotonic() - started < 5


def test_a_failed_commands_message_holds_no_secret_value() -> None:
    argv = [
        "helm",
        "upgrade",
        "x",
        "--set",
        "secrets.secretKey=hunter2hunter2",
        "--set-json",
        'secrets.openaiApiKey="sk-9"',
    ]
    argv += ["DATABASE_URL=postgresql://u:pw@h/db", "--set", "image.tag=v2"]
    failed = proc.CommandFailed(argv, 1, "", "Error: boom")
    for secret in ("hunter2hunter2", "sk-9", "pw@h"):
        assert secret not in str(failed) and secret not in " ".join(failed.argv)
    assert "image.tag=v2" in str(failed) and "secrets.secretKey=<redacted>" in str(failed)


@pytest.mark.parametrize(
    ("log", "cause"),
    [
        (
            'Traceback (most recent call last):\n  File "/app/main.py", line 3\npydantic_core._pydantic_core.'
            "ValidationError: 1 validation error for Settings\nbetter_auth_secret\n  Field required [type=missing, "
            "input_value={}, input_type=dict]\n    For further information visit https://errors.pydantic.dev\n",
            "pydantic_core._pydantic_core.ValidationError: 1 validation error for Settings: better_auth_secret "
            "Field required",
        ),
        ("> next start\nsh: 1: next: not found\n", "sh: 1: next: not found"),
        ("INFO: Started server\nINFO: Waiting for application startup.\n", "INFO: Waiting for application startup."),
        ("", "(nothing)"),
    ],
)
def test_the_line_that_says_why_a_process_stopped(log: str, cause: str) -> None:
    assert proc.last_cause(log) == cause
