"""The harness's plugin modules (fixtures/); each holds its own options, hooks and fixtures."""

pytest_plugins = [
    "fixtures.settings",
    "fixtures.evidence",
    "fixtures.report",
    "fixtures.targets",
    "fixtures.api",
    "fixtures.ui",
]
