"""Load benchmark of the backend's task endpoints, with a no-lost-writes check at the end.

    python bench/api_load.py --url http://127.0.0.1:8000          # a backend you run
    python bench/api_load.py --serve sqlite                        # starts one on a fresh SQLite file
    python bench/api_load.py --serve postgresql://u:p@127.0.0.1/db # starts one on that (empty) database

Each of --clients users registers and logs in (not timed: argon2 is slow on purpose), then for
--seconds sends a mix of create (40%), list (40%) and complete (20%) requests. Prints requests/s,
p50/p95/p99 latency and errors; then re-reads every user's tasks and counts 201s whose task is
missing (lost writes) or whose completion did not stick. Exits 1 if there were errors or losses.

The load client is aiohttp: on this 2-core machine httpx's async client tops out near 400
requests/s against a trivial endpoint (aiohttp: about 5,000), so it would measure itself.
"""

import argparse
import asyncio
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import httpx

BACKEND_DIR = Path(__file__).resolve().parents[1] / "backend"
PASSWORD = "bench-password-123"


@dataclass
class Stats:
    """Latencies (seconds) and failures of the timed requests, by kind."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: {"create": [], "list": [], "complete": []})
    errors: list[str] = field(default_factory=list)


@dataclass
class Client:
    """One simulated user: its token, the tasks it got 201 for and the ones it completed."""

    headers: dict[str, str]
    created: set[int] = field(default_factory=set)
    completed: set[int] = field(default_factory=set)


async def _user(http: aiohttp.ClientSession) -> Client:
    email = f"bench-{secrets.token_hex(8)}@example.com"
    async with http.post("/api/auth/register", json={"email": email, "password": PASSWORD}) as registered:
        registered.raise_for_status()
    async with http.post("/api/auth/login", json={"email": email, "password": PASSWORD}) as login:
        login.raise_for_status()
        token = (await login.json())["access_token"]
    return Client(headers={"Authorization": f"Bearer {token}"})


async def _timed(
    stats: Stats, kind: str, http: aiohttp.ClientSession, method: str, path: str, expect: int, **kwargs: Any
) -> Any:
    """Send one request; record its latency; return the JSON body, or None on any failure."""
    started = time.perf_counter()
    try:
        async with http.request(method, path, **kwargs) as response:
            body = await response.json() if response.status == expect else await response.text()
            stats.latencies[kind].append(time.perf_counter() - started)
            if response.status != expect:
                stats.errors.append(f"{kind}: HTTP {response.status} {str(body)[:100]}")
                return None
            return body
    except (TimeoutError, aiohttp.ClientError) as exc:
        stats.errors.append(f"{kind}: {type(exc).__name__}")
        return None


async def _drive(
    http: aiohttp.ClientSession, client: Client, stats: Stats, deadline: float, rng: random.Random
) -> None:
    headers = client.headers
    while time.perf_counter() < deadline:
        roll = rng.random()
        if roll < 0.4 or not client.created:
            body = {"title": f"bench task {secrets.token_hex(3)}"}
            task = await _timed(stats, "create", http, "POST", "/api/tasks", 201, json=body, headers=headers)
            if task is not None:
                client.created.add(task["id"])
        elif roll < 0.8:
            await _timed(stats, "list", http, "GET", "/api/tasks", 200, params={"limit": 20}, headers=headers)
        else:
            task_id = rng.choice(sorted(client.created))
            done = {"completed": True}
            if await _timed(stats, "complete", http, "PATCH", f"/api/tasks/{task_id}", 200, json=done, headers=headers):
                client.completed.add(task_id)


async def _verify(http: aiohttp.ClientSession, client: Client) -> tuple[int, int]:
    """(lost writes, completions that did not stick) for one client."""
    seen: dict[int, bool] = {}
    offset = 0
    while True:
        params = {"limit": 500, "offset": offset}
        async with http.get("/api/tasks", params=params, headers=client.headers) as page:
            page.raise_for_status()
            rows = (await page.json())["data"]
        seen.update({row["id"]: row["completed"] for row in rows})
        if len(rows) < 500:
            break
        offset += 500
    lost = len(client.created - seen.keys())
    unstuck = sum(1 for task_id in client.completed if not seen.get(task_id, False))
    return lost, unstuck


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(url: str, clients: int, seconds: float, seed: int) -> int:
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(url, connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as http:
        users = await asyncio.gather(*[_user(http) for _ in range(clients)])
        stats = Stats()
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(
            *[_drive(http, user, stats, deadline, random.Random(seed + i)) for i, user in enumerate(users)]
        )
        elapsed = time.perf_counter() - started
        checks = await asyncio.gather(*[_verify(http, user) for user in users])

    every = [latency for values in stats.latencies.values() for latency in values]
    lost = sum(c[0] for c in checks)
    unstuck = sum(c[1] for c in checks)
    print(f"target          {url}")
    print(f"clients         {clients}")
    print(f"duration_s      {elapsed:.1f}")
    print(f"requests        {len(every)}  " + "  ".join(f"{k}={len(v)}" for k, v in stats.latencies.items()))
    print(f"requests_per_s  {len(every) / elapsed:.0f}")
    print(f"p50_ms          {_percentile(every, 0.50) * 1000:.1f}")
    print(f"p95_ms          {_percentile(every, 0.95) * 1000:.1f}")
    print(f"p99_ms          {_percentile(every, 0.99) * 1000:.1f}")
    print(f"mean_ms         {statistics.fmean(every) * 1000:.1f}" if every else "mean_ms         nan")
    print(f"errors          {len(stats.errors)}" + (f"  first: {stats.errors[:3]}" if stats.errors else ""))
    print(f"lost_writes     {lost}")
    print(f"unstuck_updates {unstuck}")
    return 1 if stats.errors or lost or unstuck else 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(
    base: str, server: subprocess.Popen[bytes], name: str, timeout: float = 30, path: str = "/health"
) -> None:
    """Return once GET {base}{path} answers 200; exit the benchmark if the server dies or is late."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{base}{path}", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            sys.exit(f"bench: {name} did not become healthy within {timeout:g} s")
        time.sleep(0.2)


@contextmanager
def serve(
    database: str, workers: int, env_extra: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Migrate and start `python -m app serve` from backend/.venv; yield its URL and process."""
    python = BACKEND_DIR / ".venv" / "bin" / "python"
    if not python.exists():
        sys.exit(f"bench: {python} is missing; run `make backend` first")
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{scratch}/bench.db" if database == "sqlite" else database
        port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "ENVIRONMENT": "production",
            "SECRET_KEY": secrets.token_urlsafe(32),
            "LOG_LEVEL": "WARNING",
            "DB_POOL_SIZE": str(max(5, 40 // workers)),
            **(env_extra or {}),
        }
        subprocess.run([python, "-m", "app", "migrate"], cwd=BACKEND_DIR, env=env, check=True, capture_output=True)
        command: list[str | Path] = [
            python,
            "-m",
            "app",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ]
        server = subprocess.Popen(command, cwd=BACKEND_DIR, env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(base, server, "the backend")
            yield base, server
        finally:
            server.terminate()
            server.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="base URL of a running backend")
    where.add_argument("--serve", metavar="DATABASE", help="'sqlite' or a PostgreSQL URL: start a backend on it")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers with --serve (default 2)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.url:
        sys.exit(asyncio.run(run(args.url, args.clients, args.seconds, args.seed)))
    with serve(args.serve, args.workers) as (url, _server):
        code = asyncio.run(run(url, args.clients, args.seconds, args.seed))
    sys.exit(code)


if __name__ == "__main__":
    main()
