"""This repository's own docs and scripts: the README's map of the harness names every module of
fixtures/ and nothing else; the guides cover what they promise beyond the plan; the scripts speak alike."""

import re
import subprocess

import pytest

from tests.ours import REPO_ROOT


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


KINDS = {
    "unit": "test-unit",
    "sessions": "test-sessions",
    "deliverables": "test-deliverables",
    "cluster": "test-cluster-offline",
}


def test_self_tests_live_by_kind_each_with_its_make_target() -> None:
    """A reader knows what a self-test needs from its folder, and runs one kind with its target."""
    harness = REPO_ROOT / "tests" / "harness"
    assert sorted(p.name for p in harness.glob("test_*.py")) == [], "every self-test is in a kind's folder"
    kinds = sorted(p.name for p in harness.iterdir() if p.is_dir() and (p / "__init__.py").is_file())
    assert kinds == sorted(KINDS)
    makefile = (REPO_ROOT / "Makefile").read_text()
    for kind, target in KINDS.items():
        assert list((harness / kind).glob("test_*.py")), f"tests/harness/{kind} is empty"
        recipe = re.search(rf"^{target}:.*\n\t(.*)$", makefile, re.M)
        assert recipe and f"tests/harness/{kind}" in recipe.group(1), f"make {target} does not run tests/harness/{kind}"
    assert re.search(r"^test-harness: test-unit test-sessions test-deliverables test-cluster-offline ", makefile, re.M)


# Beyond the plan's phrases (S-07 checks those in any app's guides, apps/defaults.yaml `docs`):
# what this repository's own guides promise their readers.
OUR_GUIDES = {
    "docs/DEPLOYMENT-GUIDE.md": [
        "Prerequisites",
        "setup-minikube.sh",
        "build-images.sh",
        "deploy.sh",
        "validate.sh",
        "30080",
        ".env",
    ],
    "docs/TROUBLESHOOTING.md": ["Pending", "minikube service", "SECRET_KEY"],
    "docs/AI-TOOLS-GUIDE.md": ["fallback"],
    "README.md": ["make mvp", "make test", "report.html", "completion.json", "examples/tidy-todo"],
}
# Every script of ours, the plan's five and our own two, speaks the same way.
OUR_SCRIPTS = [
    "setup-minikube.sh",
    "build-images.sh",
    "build-base-images.sh",
    "deploy.sh",
    "undeploy.sh",
    "validate.sh",
    "dev/local-cluster.sh",
]


@pytest.mark.parametrize("doc", OUR_GUIDES)
def test_our_guides_cover_what_they_promise(doc: str) -> None:
    text = (REPO_ROOT / doc).read_text()
    missing = [phrase for phrase in OUR_GUIDES[doc] if phrase not in text]
    assert not missing, f"{doc} does not cover {missing}"


@pytest.mark.parametrize("script", OUR_SCRIPTS)
def test_our_scripts_explain_themselves_and_name_a_bad_argument(script: str) -> None:
    path = REPO_ROOT / "scripts" / script
    done = subprocess.run([str(path), "--help"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and done.stdout.startswith("usage: scripts/"), done.stderr
    wrong = subprocess.run([str(path), "--no-such-flag"], capture_output=True, text=True, timeout=30)
    assert wrong.returncode != 0 and "unknown argument" in wrong.stderr
