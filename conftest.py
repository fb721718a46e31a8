"""This repository's own configuration (not shipped with the harness): the harness's plugin for a
checkout run as is, pytester for the self-tests, and tests/ours collected only for our own app."""

from pathlib import Path

import pytest

from fixtures.settings import SETTINGS_KEY

pytest_plugins = [
    "fixtures.harness",  # installed, its entry point has loaded it already; this is for a checkout run as is
    "pytester",  # the harness's self-tests (tests/harness) run small pytest sessions
]

HERE = Path(__file__).resolve().parent
OURS = HERE / "tests" / "ours"


def ours(config: pytest.Config) -> bool:
    """Whether the session judges this repository's own app: its profile (todo-harness.yaml here)
    and its repository (this checkout), both. Another team's profile run from this checkout, or our
    profile pointed at another repository, is not ours."""
    settings = config.stash.get(SETTINGS_KEY, None)
    if settings is None:  # pytest --help, --version: no session to judge
        return True
    return settings.app_repo.resolve() == HERE and settings.app.resolve() == HERE / "todo-harness.yaml"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """tests/ours checks this repository's own app's conventions: another app's session never
    collects them (they would read our files and judge another team by them). This repository's
    test, not the harness's: the harness judges every app, ours included, from its profile alone."""
    if (collection_path == OURS or OURS in collection_path.parents) and not ours(config):
        return True
    return None
