"""The plan's checks' own fixture (shipped with them, fixtures/shipped.py): here, not in a plugin
module, since a conftest's fixture is how pytest lets a project replace a plugin's (pytest-playwright's
own `base_url` fallback)."""

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # imported for real only through pytest_plugins, so that pytest rewrites its asserts
    from fixtures.targets.base import Deployment


@pytest.fixture(scope="session")
def base_url(frontend_deployment: "Deployment") -> str:
    """pytest-playwright's `base_url`: pages `goto("/login")` on the deployed frontend (a flow that
    needs the backend too asks for `app_ui`, which needs the whole `deployment`)."""
    return frontend_deployment.frontend_url
