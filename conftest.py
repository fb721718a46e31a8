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


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """tests/ours checks this repository's own app's conventions: another app's session (--app-repo
    elsewhere) never collects them. This repository's test, not the harness's: the harness judges
    every app, ours included, from its profile alone."""
    settings = config.stash.get(SETTINGS_KEY, None)
    if collection_path == OURS and settings is not None and settings.app_repo.resolve() != HERE:
        return True
    return None
