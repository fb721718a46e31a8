"""The README's map of the harness names every module of fixtures/, and nothing else."""

import re

from fixtures.settings import REPO_ROOT


def _readme_modules() -> tuple[set[str], set[str]]:
    block = (REPO_ROOT / "README.md").read_text().split("```", 2)[1]
    top: set[str] = set()
    targets: set[str] = set()
    for line in block.splitlines():
        if line.startswith("tests/"):
            break
        names = set(re.findall(r"\b[a-z_]+\.py\b", line))
        (targets if line.lstrip().startswith("targets/") else top).update(names)
    return top, targets


def _modules(folder: str) -> set[str]:
    return {p.name for p in (REPO_ROOT / folder).glob("*.py") if p.name != "__init__.py"}


def test_the_readme_lists_every_harness_module() -> None:
    top, targets = _readme_modules()
    assert top == _modules("fixtures"), "README's fixtures/ line and the folder differ"
    assert targets == _modules("fixtures/targets"), "README's targets/ line and the folder differ"
