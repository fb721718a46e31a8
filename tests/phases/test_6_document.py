"""Plan phase 6, DOCUMENT: the guides (6.1-6.4, which are criterion S-07) are complete, and the
scripts (6.5) explain themselves: in the app's repository (--app-repo), as its profile lists them
(`docs`: each guide and the phrases it must cover; `scripts`)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from fixtures.evidence import Evidence
from fixtures.profile_model import Profile
from fixtures.run import RUN_KEY
from fixtures.settings import HarnessSettings

pytestmark = [pytest.mark.phase6, pytest.mark.mvp, pytest.mark.needs("repository")]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test per guide and per script the app profile lists (the plan's, by default)."""
    app = metafunc.config.stash[RUN_KEY].app
    if "doc" in metafunc.fixturenames:
        no_docs = pytest.param("", marks=pytest.mark.needs(profile="docs"))
        metafunc.parametrize("doc", list(app.docs) or [no_docs])
    if "script" in metafunc.fixturenames:
        none = pytest.param("", marks=pytest.mark.needs(profile="scripts"))
        metafunc.parametrize("script", app.scripts or [none])


@pytest.mark.criterion("S-07")
def test_6_1_to_6_4_s07_guides_are_complete(
    doc: str, app_profile: Profile, settings: HarnessSettings, evidence: Evidence
) -> None:
    repo, phrases = settings.app_repo, app_profile.docs[doc]
    path = repo / doc
    assert path.is_file(), f"{doc} is missing from {repo}"
    text = path.read_text()
    assert text.startswith("# "), f"{doc} has no title"
    missing = [phrase for phrase in phrases if phrase not in text]
    assert not missing, f"{doc} does not cover {missing}"
    # Every relative link points at a file that exists.
    broken = [link for link in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text) if not (path.parent / link).exists()]
    assert not broken, f"{doc} links to missing files: {broken}"
    evidence.text(f"{doc} headings", "\n".join(re.findall(r"^#+ .*$", text, re.M)))


def test_6_5_scripts_explain_themselves_and_refuse_bad_arguments(
    script: str, settings: HarnessSettings, evidence: Evidence
) -> None:
    path = settings.app_repo / script
    assert path.is_file(), f"{script} is missing from {settings.app_repo}"
    # The app's code runs on the judge's machine only where a step must (image builds, S-06): here
    # its scripts are read, never run (this repository runs its own too: tests/ours).
    _read_script(path, script, evidence)


def _read_script(path: Path, script: str, evidence: Evidence) -> None:
    """A script judged by reading it: it explains itself (a usage text, a --help or -h), stops on
    the first failing command (set -e), and, where shellcheck is installed, has no error in it."""
    text = path.read_text(errors="replace")
    evidence.text(f"{script} (read, not run)", text[:4000])
    problems = []
    if "usage" not in text.lower() or not re.search(r"--help|-h\b", text):
        problems.append("no usage text answering --help")
    if not re.search(r"^\s*set -[a-z]*e|^#!.*\s-[a-z]*e\b|set -o errexit", text, re.M):
        problems.append("no `set -e`: it carries on after a failing command")
    shellcheck = shutil.which("shellcheck")
    if shellcheck and text.startswith("#!") and re.search(r"\b(ba|da|k)?sh\b", text.splitlines()[0]):
        checked = subprocess.run([shellcheck, "-S", "error", str(path)], capture_output=True, text=True, timeout=60)
        evidence.text(f"shellcheck -S error {script}", checked.stdout or "no errors")
        if checked.returncode != 0:
            problems.append(f"shellcheck finds errors: {checked.stdout[:400]}")
    assert not problems, f"{script}: " + "; ".join(problems)
