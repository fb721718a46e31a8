"""The harness's plugin (fixtures/harness.py: its modules hold their own options, hooks and fixtures)."""

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # imported for real only through pytest_plugins, so that pytest rewrites its asserts
    from fixtures.targets.base import Deployment

pytest_plugins = [
    "fixtures.harness",  # installed, its entry point has loaded it already; this is for a checkout run as is
    "pytester",  # the harness's self-tests (tests/harness) run small pytest sessions
]


# Here, not in a plugin module: a conftest's fixture is how pytest lets a project replace a plugin's
# (pytest-playwright's own `base_url` fallback).
@pytest.fixture(scope="session")
def base_url(deployment: "Deployment") -> str:
    """pytest-playwright's `base_url`: pages `goto("/login")` on the deployed frontend."""
    return deployment.frontend_url
