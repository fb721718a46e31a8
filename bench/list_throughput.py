"""Throughput of GET /api/tasks against a minimal app answering the same request, side by side.

    python bench/list_throughput.py --database postgresql://admin:pw@127.0.0.1:5432/postgres
    make bench-list            # the machine's PostgreSQL (scripts/dev/postgres.sh)

Makes a throw-away database on that server (dropped at the end), migrates it, starts the backend
(2 uvicorn workers) and bench/list_baseline.py (FastAPI + psycopg-pool + PyJWT, no ORM; 2 workers)
on it, registers --users users with --tasks tasks each, and checks both answer a user's page the
same. Then, --rounds times, loads each app in turn (the order alternates) with --connections
keep-alive connections sending `GET /api/tasks?limit=20` for --seconds after a short warm-up, and
prints requests/s, p50/p99 and errors of each, and the ratio backend / baseline of the round.

The verdict uses the medians over the rounds: ratio >= --min-ratio (0.80), backend p99 <=
--max-p99-ms (150) and no errors; it exits 1 otherwise. Both apps share one 2-core machine with the
load client, so absolute numbers move from run to run; the ratio, measured in the same round,
moves much less.
"""

import argparse
import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from api_load import wait_healthy  # bench/ is on the path: the scripts run from there

BENCH_DIR = Path(__file__).resolve().parent
BACKEND_DIR = BENCH_DIR.parent / "backend"
BACKEND_PYTHON = BACKEND_DIR / ".venv" / "bin" / "python"
PASSWORD = "bench-password-123"


@dataclass
class Result:
    """One app's numbers in one round."""

    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin_sql(admin_url: str, statement: str) -> None:
    """One statement outside a transaction (CREATE/DROP DATABASE), with the backend's psycopg."""
    code = "import psycopg, sys\nwith psycopg.connect(sys.argv[1], autocommit=True) as c: c.execute(sys.argv[2])"
    subprocess.run([BACKEND_PYTHON, "-c", code, admin_url, statement], check=True)


@contextmanager
def scratch_database(admin_url: str) -> Iterator[str]:
    name = f"bench_list_{secrets.token_hex(4)}"
    _admin_sql(admin_url, f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(admin_url, name)
    finally:
        _admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def running(command: list[str | Path], env: dict[str, str], port: int, name: str) -> Iterator[str]:
    """Start a server process; yield its URL once /health answers; stop it afterwards."""
    server = subprocess.Popen(command, cwd=BACKEND_DIR, env={**os.environ, **env})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, server, name)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


async def _seed(url: str, users: int, tasks: int) -> list[dict[str, str]]:
    """Register `users` users with `tasks` tasks each; their Authorization headers."""
    async with aiohttp.ClientSession(url) as http:

        async def one() -> dict[str, str]:
            email = f"bench-{secrets.token_hex(8)}@example.com"
            async with http.post("/api/auth/register", json={"email": email, "password": PASSWORD}) as r:
                r.raise_for_status()
            async with http.post("/api/auth/login", json={"email": email, "password": PASSWORD}) as r:
                r.raise_for_status()
                headers = {"Authorization": f"Bearer {(await r.json())['access_token']}"}
            for i in range(tasks):
                async with http.post("/api/tasks", json={"title": f"task {i}"}, headers=headers) as r:
                    r.raise_for_status()
            return headers

        return list(await asyncio.gather(*[one() for _ in range(users)]))


async def _same_answer(backend: str, baseline: str, headers: dict[str, str]) -> None:
    async with aiohttp.ClientSession() as http:
        pages = []
        for base in (backend, baseline):
            async with http.get(f"{base}/api/tasks", params={"limit": 20}, headers=headers) as r:
                r.raise_for_status()
                pages.append(await r.json())
    shape = [([(t["id"], t["title"], t["completed"]) for t in p["data"]], p["count"]) for p in pages]
    if shape[0] != shape[1] or set(pages[0]["data"][0]) != set(pages[1]["data"][0]):
        sys.exit(f"bench: the two apps answer differently:\n{pages[0]}\n{pages[1]}")


async def _load(url: str, users: list[dict[str, str]], connections: int, seconds: float) -> Result:
    latencies: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(url, connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as http:

        async def worker(headers: dict[str, str], deadline: float, record: bool) -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    async with http.get("/api/tasks", params={"limit": 20}, headers=headers) as r:
                        await r.read()
                        ok = r.status == 200
                except (TimeoutError, aiohttp.ClientError):
                    ok = False
                if record:
                    latencies.append(time.perf_counter() - started)
                    errors += 0 if ok else 1

        warm = time.perf_counter() + 2
        await asyncio.gather(*[worker(users[i % len(users)], warm, False) for i in range(connections)])
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(*[worker(users[i % len(users)], deadline, True) for i in range(connections)])
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000 if ordered else float("nan")

    return Result(len(latencies) / elapsed, pct(0.50), pct(0.99), errors)


def _line(name: str, r: Result) -> str:
    return f"{name:9} {r.requests_per_s:7.0f} req/s  p50 {r.p50_ms:6.1f} ms  p99 {r.p99_ms:6.1f} ms  errors {r.errors}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=os.environ.get("TEST_POSTGRES_URL"), help="PostgreSQL admin URL")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--tasks", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--min-ratio", type=float, default=0.80)
    parser.add_argument("--max-p99-ms", type=float, default=150)
    args = parser.parse_args()
    if not args.database:
        sys.exit("bench: give --database postgresql://... (or set TEST_POSTGRES_URL); `make bench-list` finds one")
    if not BACKEND_PYTHON.exists():
        sys.exit(f"bench: {BACKEND_PYTHON} is missing; run `make backend` first")

    secret = secrets.token_urlsafe(32)
    pool_size = str(max(5, 40 // args.workers))
    with scratch_database(args.database) as database:
        env = {"DATABASE_URL": database, "SECRET_KEY": secret, "DB_POOL_SIZE": pool_size}
        subprocess.run(
            [BACKEND_PYTHON, "-m", "app", "migrate"],
            cwd=BACKEND_DIR,
            env={**os.environ, **env},
            check=True,
            capture_output=True,
        )
        backend_port, baseline_port = _free_port(), _free_port()
        backend_cmd: list[str | Path] = [BACKEND_PYTHON, "-m", "app", "serve", "--host", "127.0.0.1"]
        backend_cmd += ["--port", str(backend_port), "--workers", str(args.workers)]
        baseline_cmd: list[str | Path] = [BACKEND_PYTHON, "-m", "uvicorn", "list_baseline:app", "--app-dir", BENCH_DIR]
        baseline_cmd += ["--host", "127.0.0.1", "--port", str(baseline_port), "--workers", str(args.workers)]
        baseline_cmd += ["--log-level", "warning", "--no-access-log"]
        backend_env = {**env, "ENVIRONMENT": "production", "LOG_LEVEL": "WARNING"}
        with (
            running(backend_cmd, backend_env, backend_port, "the backend") as backend,
            running(baseline_cmd, env, baseline_port, "the baseline") as baseline,
        ):
            users = asyncio.run(_seed(backend, args.users, args.tasks))
            asyncio.run(_same_answer(backend, baseline, users[0]))
            print(f"GET /api/tasks?limit=20: {args.users} users x {args.tasks} tasks, {args.connections} connections,")
            print(f"{args.workers} workers each, {args.seconds:g} s a measurement, {args.rounds} rounds")
            ratios, p99s, errors = [], [], 0
            for round_no in range(1, args.rounds + 1):
                order = [("backend", backend), ("baseline", baseline)]
                if round_no % 2 == 0:
                    order.reverse()
                results = {name: asyncio.run(_load(url, users, args.connections, args.seconds)) for name, url in order}
                ratio = results["backend"].requests_per_s / results["baseline"].requests_per_s
                ratios.append(ratio)
                p99s.append(results["backend"].p99_ms)
                errors += results["backend"].errors + results["baseline"].errors
                print(f"round {round_no}")
                for name, _ in order:
                    print("  " + _line(name, results[name]))
                print(f"  ratio     {ratio:.2f}")
    ratio, p99 = statistics.median(ratios), statistics.median(p99s)
    print(f"median ratio        {ratio:.2f}   (needs >= {args.min_ratio:.2f})")
    print(f"median backend p99  {p99:.1f} ms   (needs <= {args.max_p99_ms:g} ms)")
    print(f"errors              {errors}")
    ok = ratio >= args.min_ratio and p99 <= args.max_p99_ms and errors == 0
    print("verdict             " + ("PASS" if ok else "FAIL"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
