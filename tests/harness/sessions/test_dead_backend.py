"""The issue's end-to-end case: the frontend is deployed pointing at a dead backend port (plan risk
R-03, the commonest Phase IV failure). A real harness session against it must FAIL C-10..C-14, and
each FAIL must name R-03, the backend and the remedy, in the terminal and in completion.json, with
a failure bundle. Real backend, real frontend server, real Chromium; nothing mocked."""

import json
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixtures import proc
from fixtures.settings import SETTINGS_KEY
from fixtures.targets.base import http_ok
from fixtures.targets.frontend import FrontendBuild
from tests.harness.nested import nested_env
from tests.ours import REPO_ROOT

BACKEND_DIR = REPO_ROOT / "backend"
BROWSER_CRITERIA = ["C-10", "C-11", "C-12", "C-13", "C-14"]


@pytest.fixture(scope="module")
def miswired(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(frontend URL, backend URL): both running, the frontend's BACKEND_URL a port nothing serves."""
    python = BACKEND_DIR / ".venv" / "bin" / "python"
    node = shutil.which("node")
    if not python.exists() or node is None:
        pytest.skip("needs the backend's virtualenv and node: run `make setup`")
    build = FrontendBuild(REPO_ROOT / "frontend")
    build.ensure()
    root = tmp_path_factory.mktemp("miswired")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{root}/todo.db",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "ENVIRONMENT": "production",
        "AI_PROVIDER": "local",
    }
    proc.run([str(python), "-m", "app", "migrate"], cwd=BACKEND_DIR, env=env, timeout=120)
    backend_port, frontend_port, dead_port = proc.free_port(), proc.free_port(), proc.free_port()
    backend = proc.start(
        "backend",
        [str(python), "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(backend_port)],
        log_path=root / "backend.log",
        cwd=BACKEND_DIR,
        env=env,
    )
    frontend_env = {
        **os.environ,
        "PORT": str(frontend_port),
        "HOSTNAME": "127.0.0.1",
        "BACKEND_URL": f"http://127.0.0.1:{dead_port}",  # the fault
        "NEXT_TELEMETRY_DISABLED": "1",
    }
    frontend = proc.start(
        "frontend",
        [node, str(build.server_js)],
        log_path=root / "frontend.log",
        cwd=build.server_js.parent,
        env=frontend_env,
    )
    try:
        frontend_url, backend_url = f"http://127.0.0.1:{frontend_port}", f"http://127.0.0.1:{backend_port}"
        proc.wait_for(lambda: http_ok(f"{backend_url}/health"), name="backend", timeout=60)
        proc.wait_for(lambda: http_ok(f"{frontend_url}/healthz"), name="frontend", timeout=60)
        yield frontend_url, backend_url
    finally:
        frontend.stop()
        backend.stop()


def test_a_frontend_pointing_at_a_dead_backend_fails_c10_to_c14_naming_r03(
    miswired: tuple[str, str], tmp_path: Path, pytestconfig: pytest.Config
) -> None:
    frontend_url, backend_url = miswired
    reports = tmp_path / "reports"
    argv = [sys.executable, "-m", "pytest", "tests/acceptance/test_mvp.py", "-p", "no:cacheprovider"]
    argv += ["-k", " or ".join(c.lower().replace("-", "") for c in BROWSER_CRITERIA)]
    argv += ["--base-url", frontend_url, "--api-url", backend_url, "--reports-dir", str(reports)]
    argv += ["-o", "addopts=", "--html", str(reports / "report.html"), "--self-contained-html"]
    # The inner session takes its settings from the command line only, not from this session's
    # environment (TODO_HARNESS_* options, PYTEST_ADDOPTS and PYTEST_CURRENT_TEST).
    env = nested_env()
    done = subprocess.run(argv, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output[-3000:]

    completion = json.loads((reports / "completion.json").read_text())
    verdicts = {c["id"]: c for c in completion["criteria"]}
    for criterion in BROWSER_CRITERIA:
        verdict = verdicts[criterion]
        assert verdict["status"] == "FAIL", (criterion, verdict["reason"])
        risks = [d["risk"] for d in verdict["diagnosis"]]
        assert risks[:1] == ["R-03"], (criterion, verdict["diagnosis"])
        line = verdict["diagnosis_lines"][0]
        assert "backend" in line and "BACKEND_URL" in line, line
        bundle = reports / verdict["bundle"]
        assert (bundle / "http-exchanges.txt").is_file(), verdict["bundle"]
    # The terminal says it too, once per FAIL, under its criterion.
    assert output.count("[R-03]; remedy: set BACKEND_URL") >= len(BROWSER_CRITERIA), output[-4000:]
    assert "R-03" in (reports / "report.html").read_text()
    # Kept for a person to look at, in this session's reports folder (the nested one is temporary).
    kept = pytestconfig.stash[SETTINGS_KEY].reports_dir / "dead-backend"
    shutil.rmtree(kept, ignore_errors=True)
    shutil.copytree(reports, kept)
    (kept / "terminal.txt").write_text(output)
