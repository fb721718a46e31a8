"""The harness's plugin modules (fixtures/); each holds its own options, hooks and fixtures."""

pytest_plugins = [
    "fixtures.settings",
    "fixtures.evidence",
    "fixtures.report",
    "fixtures.targets.plugin",
    "fixtures.api",
    "fixtures.ui",
    "pytester",  # the harness's self-tests (tests/harness) run small pytest sessions
]
