"""A team's own Dockerfiles, unmodified, on a machine that can pull no image: `FROM python:3.11-slim`
(pip install, a non-root user made with Debian's adduser) and `FROM node:20-alpine` (npm ci, a user
made with busybox's addgroup/adduser) build on the harness's drop-in stand-ins (fixtures/dropins.py)
and run on the docker target; the daemon's tags are as they were afterwards."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures import images, proc
from tests.harness.nested import nested_env
from tests.ours import REPO_ROOT

BACKEND = {
    "Dockerfile": """FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY main.py .
RUN adduser --disabled-password --gecos "" appuser
USER appuser
CMD ["python", "main.py"]
""",
    "requirements.txt": "six==1.16.0\n",
    "main.py": """import json, os, six
from http.server import BaseHTTPRequestHandler, HTTPServer

class Health(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"status": "ok", "six": six.__version__}).encode()
        self.send_response(200 if self.path == "/health" else 404)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(body)

HTTPServer(("127.0.0.1", int(os.environ["PORT"])), Health).serve_forever()
""",
}
FRONTEND = {
    "Dockerfile": """FROM node:20-alpine
RUN addgroup -S web && adduser -S web -G web
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY server.js .
USER web
CMD ["node", "server.js"]
""",
    # One dependency from the npm registry: `npm ci` in the build fetches it through this machine's proxy.
    "package.json": '{"name": "team-web", "version": "1.0.0", "private": true, "dependencies": {"ms": "2.1.3"}}\n',
    "server.js": """const http = require("http");
require("ms");
http.createServer((req, res) => {
  res.writeHead(200, {"content-type": "text/html"});
  res.end('<!doctype html><title>Team Todo</title><h1>Team Todo</h1><a href="/login">Log in</a>');
}).listen(Number(process.env.PORT), process.env.HOSTNAME || "127.0.0.1");
""",
}


def _tags() -> set[str]:
    done = proc.run([images.docker_cli(), "images", "--format", "{{.Repository}}:{{.Tag}}"], timeout=60)
    return {line for line in done.stdout.splitlines() if not line.startswith("<none>")}


@pytest.mark.skipif(images.daemon_problem() is not None, reason="needs a Docker daemon (make test starts one in CI)")
def test_a_team_s_official_bases_are_stood_in_for_unmodified_and_leave_no_tag(tmp_path: Path) -> None:
    stand_in_bases = [images.LOCAL_BASES["PYTHON_IMAGE"], images.LOCAL_BASES["NODE_IMAGE"]]
    if not all(images.image_exists(base) for base in stand_in_bases):
        pytest.skip(f"needs {', '.join(stand_in_bases)}: scripts/build-base-images.sh (CI builds them)")
    for folder, files in (("backend", BACKEND), ("frontend", FRONTEND)):
        (tmp_path / folder).mkdir()
        for name, text in files.items():
            (tmp_path / folder / name).write_text(text)
    (tmp_path / "todo-harness.yaml").write_text(
        "name: teamapp\nimages:\n  backend: {context: backend, dockerfile: backend/Dockerfile}\n"
        "  frontend: {context: frontend, dockerfile: frontend/Dockerfile}\n"
    )
    npm = shutil.which("npm")
    assert npm is not None, "make setup needs npm"
    proc.run([npm, "install", "--package-lock-only", "--ignore-scripts"], cwd=tmp_path / "frontend", timeout=300)
    before = _tags()
    reports = tmp_path / "reports"
    argv = [sys.executable, "-m", "pytest", "tests/acceptance/test_images.py", "tests/acceptance/test_mvp.py"]
    argv += ["-p", "no:cacheprovider", "-o", "addopts=", "--target", "docker", "--base-images", "local"]
    argv += ["--app-repo", str(tmp_path), "--reports-dir", str(reports), "--image-tag", "stand-in-check"]
    argv += ["-k", "test_c01 or test_c02 or test_c08 or test_c09"]
    try:
        done = subprocess.run(argv, cwd=REPO_ROOT, env=nested_env(), capture_output=True, text=True, timeout=1800)
    finally:
        for name in ("backend", "frontend"):
            proc.run([images.docker_cli(), "rmi", "-f", f"teamapp-{name}:stand-in-check"], timeout=60, check=False)
    output = done.stdout + done.stderr
    verdicts = {c["id"]: c for c in json.loads((reports / "completion.json").read_text())["criteria"]}
    assert {c: verdicts[c]["status"] for c in ("C-01", "C-02", "C-08", "C-09")} == dict.fromkeys(
        ("C-01", "C-02", "C-08", "C-09"), "PASS"
    ), output[-5000:]
    said = "\n".join(p.read_text() for p in (reports / "evidence").rglob("*image.json"))
    assert "python:3.11-slim" in said and "node:20-alpine" in said and "stand-in" in said, said
    assert _tags() == before, f"tags added or removed: {sorted(_tags() ^ before)}"
