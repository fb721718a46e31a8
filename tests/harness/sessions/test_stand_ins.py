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
from tests.harness.nested import nested_env, write_team_app
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
    write_team_app(tmp_path, "teamapp", {"backend": ("backend", BACKEND), "frontend": ("frontend", FRONTEND)})
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


def _built_on_stand_in(family_name: str, files: dict[str, str], folder: Path) -> str:
    """A team's Dockerfile (files["Dockerfile"]) built on the named family's stand-in: the image ID."""
    from fixtures import dropins

    family = next(f for f in dropins.FAMILIES if f.name == family_name)
    base = images.STAND_IN_BASES[family.base]
    if not images.image_exists(base):
        pytest.skip(f"needs {base}: scripts/build-base-images.sh (CI builds it)")
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    stand_in = dropins.build(family, base, folder / "logs", images.docker_cli(), images.needs_host_network())
    official = files["Dockerfile"].split()[1]
    (folder / "Dockerfile.mapped").write_text(dropins.rewrite(files["Dockerfile"], {official: stand_in}))
    argv = [images.docker_cli(), "build", "-q", "--force-rm", "--network", "host"]
    built = proc.run([*argv, "-f", str(folder / "Dockerfile.mapped"), str(folder)], timeout=900)
    return built.stdout.strip().splitlines()[-1]


@pytest.mark.skipif(images.daemon_problem() is not None, reason="needs a Docker daemon (make test starts one in CI)")
def test_nginx_and_postgres_stand_ins_serve_as_the_official_images_do(tmp_path: Path) -> None:
    """`FROM nginx:alpine` with a site in conf.d and html, and `FROM postgres:16-alpine` with an init
    script and a RUN step as root, as teams write them: each runs and serves what it was given."""
    web_port, db_port = proc.free_port(), proc.free_port()
    web = _built_on_stand_in(
        "nginx",
        {
            "Dockerfile": "FROM nginx:alpine\nRUN apk add --no-cache curl\n"
            "COPY site.conf /etc/nginx/conf.d/default.conf\nCOPY index.html /usr/share/nginx/html/index.html\n",
            "site.conf": f"server {{ listen {web_port}; "
            "location / { root /usr/share/nginx/html; try_files $uri /index.html; } }\n",
            "index.html": "<h1>Team Todo</h1>\n",
        },
        tmp_path / "web",
    )
    db = _built_on_stand_in(
        "postgres",
        {
            "Dockerfile": "FROM postgres:16-alpine\nRUN mkdir -p /seed && chown postgres /seed\nENV POSTGRES_DB=todos\n"
            "COPY init.sql /docker-entrypoint-initdb.d/\n",
            "init.sql": "CREATE TABLE task (title text); INSERT INTO task VALUES ('seeded');\n",
        },
        tmp_path / "db",
    )
    docker = images.docker_cli()
    names = [f"todo-harness-stand-in-web-{web_port}", f"todo-harness-stand-in-db-{db_port}"]
    try:
        proc.run([docker, "run", "-d", "--name", names[0], "--network", "host", web], timeout=60)
        run_db = [docker, "run", "-d", "--name", names[1], "--network", "host", "-e", "POSTGRES_PASSWORD=pw"]
        proc.run([*run_db, db, "-c", f"port={db_port}"], timeout=60)
        fetch = f"for i in $(seq 30); do curl -fsS 127.0.0.1:{web_port}/tasks && exit; sleep 1; done; exit 1"
        page = proc.run([docker, "exec", names[0], "sh", "-c", fetch], timeout=60, check=False)
        logs = proc.run([docker, "logs", names[0]], timeout=30, check=False)
        assert "Team Todo" in page.stdout, page.stdout + page.stderr + logs.stdout + logs.stderr
        psql = f"psql -h 127.0.0.1 -p {db_port} -U postgres -d todos -tAc 'select title from task'"
        query = f"for i in $(seq 60); do {psql} && exit; sleep 1; done; exit 1"
        rows = proc.run([docker, "exec", "-e", "PGPASSWORD=pw", names[1], "sh", "-c", query], timeout=90, check=False)
        logs = proc.run([docker, "logs", names[1]], timeout=30, check=False)
        assert rows.stdout.strip() == "seeded", rows.stdout + rows.stderr + logs.stdout + logs.stderr
        owner = proc.run([docker, "exec", names[1], "stat", "-c", "%U", "/proc/1"], timeout=30, check=False)
        assert "root" not in owner.stdout, f"the server runs as root: {owner.stdout}"
    finally:
        proc.run([docker, "rm", "-f", *names], timeout=60, check=False)
        proc.run([docker, "rmi", "-f", web, db], timeout=60, check=False)
