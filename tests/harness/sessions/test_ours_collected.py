"""tests/ours judges this repository's own app by its conventions, reading our files: a session
for another team's app, run from this checkout, must collect none of them (their verdicts would
be a false PASS in the other team's report)."""

import subprocess
import sys

import pytest

from tests.harness.nested import nested_env
from tests.ours import REPO_ROOT


def collected(*args: str) -> list[str]:
    argv = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "--target", "docker"]
    done = subprocess.run([*argv, *args], cwd=REPO_ROOT, env=nested_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 5), done.stdout[-3000:] + done.stderr[-3000:]  # 5: nothing collected
    return [line for line in done.stdout.splitlines() if "::" in line]


@pytest.mark.parametrize(
    "other",
    [
        pytest.param(["--app-repo", "examples/tidy-todo"], id="another-repository"),
        pytest.param(["-m", "mvp", "--app-repo", "examples/tidy-todo"], id="the-readme-example"),
    ],
)
def test_another_teams_profile_collects_none_of_our_conventions(other: list[str]) -> None:
    items = collected(*other)
    assert any(i.startswith("tests/acceptance/") for i in items), "the plan's own checks are collected"
    assert [i for i in items if i.startswith("tests/ours/")] == []


def test_naming_tests_ours_for_another_app_collects_nothing() -> None:
    assert collected("--app-repo", "examples/tidy-todo", "tests/ours") == []


def test_our_own_profile_collects_them() -> None:
    assert [i for i in collected("tests/ours") if i.startswith("tests/ours/")]
