"""Memory of the backend and the frontend's /api proxy while clients send 100 MB bodies.

    python bench/body_limit.py            # SQLite backend (1 worker) and the built frontend, on 127.0.0.1

Starts both, then sends each of them --megabytes of JSON-ish body (streamed in 1 MiB chunks,
once with Content-Length declared and once chunked without it) to POST /api/tasks, --runs times.
Prints the answer's status and each process's RSS before and peak RSS (VmHWM) after: with the
1 MiB limit both refuse with 413 and neither grows by more than a few MB (before the limit, the
audit measured Next 88 -> 485 MB and the backend about 800 MB for one 100 MB body).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
from api_load import serve, wait_healthy

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))  # the harness's FrontendBuild finds (or makes) the frontend build

from fixtures.proc import free_port  # noqa: E402
from fixtures.targets.frontend import FrontendBuild  # noqa: E402

MIB = 1024 * 1024


def _memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, peak RSS) of a process in MB, from /proc."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def _body(megabytes: int) -> Iterator[bytes]:
    yield b'{"title": "'
    chunk = b"x" * MIB
    for _ in range(megabytes):
        yield chunk
    yield b'"}'


def _send(url: str, megabytes: int, declared: bool) -> str:
    headers = {"content-type": "application/json"}
    if declared:
        headers["content-length"] = str(megabytes * MIB + 13)
    try:
        response = httpx.post(url, content=_body(megabytes), headers=headers, timeout=120)
        return str(response.status_code)
    except httpx.HTTPError as exc:  # a server may close the connection once it has refused
        return type(exc).__name__


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    node = shutil.which("node")
    if node is None:
        sys.exit("bench: node is not installed")
    build = FrontendBuild(REPO_ROOT / "frontend")
    build.ensure()
    with serve("sqlite", 1) as (backend, server), tempfile.TemporaryDirectory() as scratch:
        port = free_port()
        env = {**os.environ, "PORT": str(port), "HOSTNAME": "127.0.0.1", "BACKEND_URL": backend}
        log = Path(scratch, "frontend.log").open("wb")
        frontend = subprocess.Popen(
            [node, str(build.server_js)], cwd=build.server_js.parent, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        frontend_url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(frontend_url, frontend, "the frontend", timeout=60, path="/healthz")
            targets = {
                "backend": (f"{backend}/api/tasks", server.pid),
                "frontend": (f"{frontend_url}/api/tasks", frontend.pid),
            }
            print(f"{args.megabytes} MB bodies, {args.runs} runs each, declared and chunked")
            for name, (url, pid) in targets.items():
                # Warm-up: the first request compiles the route; that memory is not the bodies'.
                for _ in range(3):
                    httpx.post(url, json={"title": "warm-up"}, timeout=30)
                before_rss, before_peak = _memory_mb(pid)
                statuses = [
                    _send(url, args.megabytes, declared) for _ in range(args.runs) for declared in (True, False)
                ]
                after_rss, after_peak = _memory_mb(pid)
                print(
                    f"{name:9} answers {sorted(set(statuses))}  RSS {before_rss:.0f} MB -> {after_rss:.0f} MB  "
                    f"peak {before_peak:.0f} MB -> {after_peak:.0f} MB  "
                    f"(the peak grew {after_peak - before_peak:.0f} MB)"
                )
        finally:
            frontend.terminate()
            frontend.wait(timeout=20)


if __name__ == "__main__":
    main()
