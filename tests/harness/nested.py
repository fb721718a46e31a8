"""For self-tests that run a harness session of their own (`python -m pytest ...` in a subprocess)."""

import os
from pathlib import Path


def nested_env() -> dict[str, str]:
    """This environment without the outer session's settings (TODO_HARNESS_* options) and pytest
    state (PYTEST_ADDOPTS, PYTEST_CURRENT_TEST), which would otherwise leak into the nested one."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("TODO_HARNESS_", "PYTEST_"))}


def write_team_app(root: Path, name: str, images: dict[str, tuple[str, dict[str, str]]]) -> None:
    """A small team-style app in `root` for a nested session: each image (backend, frontend) a folder
    of files with its Dockerfile, and a todo-harness.yaml naming them."""
    lines = [f"name: {name}", "images:"]
    for image, (folder, files) in images.items():
        (root / folder).mkdir()
        for file, text in files.items():
            (root / folder / file).write_text(text)
        lines.append(f"  {image}: {{context: {folder}, dockerfile: {folder}/Dockerfile}}")
    (root / "todo-harness.yaml").write_text("\n".join(lines) + "\n")
