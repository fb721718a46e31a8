"""Each criterion stands alone, the other way round: a backend that stops at start fails C-08 with
the line of its log that says why, and what needs it (C-10: "the same cause as C-08"), while the
frontend, started alone and pointed where the backend was to run, is judged on its own: C-09 and
step 2.8 PASS. A real session on the docker target with two small images of a team's shape."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures import images
from tests.harness.nested import nested_env, write_team_app
from tests.ours import REPO_ROOT

BACKEND = """\
ARG PYTHON_IMAGE=python:3.11-slim
FROM ${PYTHON_IMAGE}
CMD ["python3", "-c", "import sys; sys.exit('settings: DATABASE_URL must be a postgresql:// URL')"]
"""
FRONTEND = """\
ARG NODE_IMAGE=node:20-bookworm
FROM ${NODE_IMAGE}
COPY server.js /srv/server.js
CMD ["node", "/srv/server.js"]
"""
SERVER = """\
const http = require("http");
http.createServer((req, res) => {
  res.writeHead(200, {"content-type": "text/html"});
  res.end('<!doctype html><title>Team Todo</title><h1>Team Todo</h1><a href="/login">Log in</a>');
}).listen(Number(process.env.PORT), process.env.HOSTNAME || "127.0.0.1");
"""


@pytest.mark.skipif(images.daemon_problem() is not None, reason="needs a Docker daemon (make test starts one in CI)")
def test_a_backend_that_stops_leaves_c09_and_2_8_to_the_frontend(tmp_path: Path) -> None:
    backend, frontend = ("api", {"Dockerfile": BACKEND}), ("web", {"Dockerfile": FRONTEND, "server.js": SERVER})
    write_team_app(tmp_path, "downed", {"backend": backend, "frontend": frontend})
    reports = tmp_path / "reports"
    argv = [sys.executable, "-m", "pytest", "tests/acceptance/test_mvp.py", "tests/phases/test_2_containerize.py"]
    argv += ["-p", "no:cacheprovider", "-o", "addopts=", "--target", "docker", "--reports-dir", str(reports)]
    argv += ["--app-repo", str(tmp_path), "--image-tag", "backend-down", "--junitxml", str(reports / "junit.xml")]
    argv += ["-k", "test_c08 or test_c09 or test_c10 or test_2_8"]
    try:
        done = subprocess.run(argv, cwd=REPO_ROOT, env=nested_env(), capture_output=True, text=True, timeout=1200)
    finally:
        for name in ("backend", "frontend"):
            subprocess.run([images.docker_cli(), "rmi", "-f", f"downed-{name}:backend-down"], capture_output=True)
    output = done.stdout + done.stderr
    verdicts = {c["id"]: c for c in json.loads((reports / "completion.json").read_text())["criteria"]}
    assert verdicts["C-08"]["status"] == "FAIL", output[-4000:]
    assert "DATABASE_URL must be a postgresql:// URL" in verdicts["C-08"]["reason"], verdicts["C-08"]
    assert verdicts["C-09"]["status"] == "PASS", output[-4000:]
    assert verdicts["C-10"]["status"] == "FAIL" and verdicts["C-10"].get("same_cause_as") == "C-08", verdicts["C-10"]
    junit = (reports / "junit.xml").read_text()
    case = junit.split("test_2_8_frontend_image_serves", 1)[1].split("</testcase>", 1)[0]
    assert "<failure" not in case and "<error" not in case and "<skipped" not in case, case[:1500]
