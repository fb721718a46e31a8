"""For self-tests that run a harness session of their own (`python -m pytest ...` in a subprocess)."""

import os


def nested_env() -> dict[str, str]:
    """This environment without the outer session's settings (TODO_HARNESS_* options) and pytest
    state (PYTEST_ADDOPTS, PYTEST_CURRENT_TEST), which would otherwise leak into the nested one."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("TODO_HARNESS_", "PYTEST_"))}
