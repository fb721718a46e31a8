"""A burst of failed logins against one backend worker: its peak memory, and how fast /livez answers
meanwhile (the pod's limit is 512Mi, the liveness probe's timeout 3 s). Three mixes:

- one account: every login a wrong password for one registered account (the per-account throttle
  answers 429 after five, before any hashing);
- known accounts: wrong passwords spread over 200 registered accounts (each fails a few times);
- unknown accounts: a new made-up e-mail each time (nothing to throttle: every login hashes).

    python bench/login_burst.py                      # SQLite, every mix, 3 runs each
    python bench/login_burst.py --serve postgresql://u:p@127.0.0.1/db --runs 5 --mix unknown

64 clients for 10 s a run, /livez timed every 0.25 s, the worker's RSS read from /proc every 0.1 s,
with glibc's own malloc settings (no MALLOC_ARENA_MAX). Prints a line per run and each mix's medians.
"""

import argparse
import asyncio
import secrets
import statistics
import sys
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_load import serve  # noqa: E402


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


KNOWN_ACCOUNTS = 200


async def register(http: aiohttp.ClientSession, base: str, count: int) -> list[str]:
    emails = [f"known-{secrets.token_hex(6)}@example.com" for _ in range(count)]
    for email in emails:
        body = {"email": email, "password": "the-right-password-1"}
        for _ in range(20):  # 503 while the hashing slots are busy
            async with http.post(f"{base}/api/auth/register", json=body) as response:
                if response.status == 201:
                    break
                await asyncio.sleep(0.2)
    return emails


async def burst(base: str, pid: int, clients: int, seconds: float, mix: str) -> dict[str, float]:
    statuses: dict[int, int] = {}
    livez: list[float] = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
        known = await register(http, base, {"one": 1, "known": KNOWN_ACCOUNTS}.get(mix, 0))
        peak = start = rss_mb(pid)  # the burst's, from here (the accounts are made)
        stop = time.monotonic() + seconds

        def email() -> str:
            return secrets.choice(known) if known else f"nobody-{secrets.token_hex(6)}@example.com"

        async def attacker() -> None:
            while time.monotonic() < stop:
                body = {"email": email(), "password": "wrong-password"}
                async with http.post(f"{base}/api/auth/login", json=body) as response:
                    statuses[response.status] = statuses.get(response.status, 0) + 1

        async def prober() -> None:
            while time.monotonic() < stop:
                started = time.monotonic()
                async with http.get(f"{base}/livez") as response:
                    await response.read()
                livez.append(time.monotonic() - started)
                await asyncio.sleep(0.25)

        async def sampler() -> None:
            nonlocal peak
            while time.monotonic() < stop:
                peak = max(peak, rss_mb(pid))
                await asyncio.sleep(0.1)

        await asyncio.gather(*(attacker() for _ in range(clients)), prober(), sampler())
    await asyncio.sleep(2)
    return {
        "start_mb": start,
        "peak_mb": peak,
        "after_mb": rss_mb(pid),
        "livez_max_s": max(livez),
        "livez_p50_s": statistics.median(livez),
        "logins": sum(statuses.values()),
        "status_401": statuses.get(401, 0),
        "status_429": statuses.get(429, 0),
        "status_503": statuses.get(503, 0),
        "other": sum(n for code, n in statuses.items() if code not in (401, 429, 503)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--serve", default="sqlite", help="sqlite, or an empty PostgreSQL database URL")
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mix", choices=["one", "known", "unknown"], action="append")
    args = parser.parse_args()
    for mix in args.mix or ["one", "known", "unknown"]:
        results = []
        for run in range(args.runs):
            with serve(args.serve, 1, {"MALLOC_ARENA_MAX": ""}) as (base, server):
                result = asyncio.run(burst(base, server.pid, args.clients, args.seconds, mix))
            results.append(result)
            print(
                f"{mix} run {run + 1}: RSS {result['start_mb']:.0f} -> peak {result['peak_mb']:.0f} MB"
                f" (after {result['after_mb']:.0f}); /livez max {result['livez_max_s'] * 1000:.0f} ms,"
                f" median {result['livez_p50_s'] * 1000:.0f} ms; {result['logins']:.0f} logins:"
                f" {result['status_401']:.0f} 401, {result['status_429']:.0f} 429, {result['status_503']:.0f} 503,"
                f" {result['other']:.0f} other",
                flush=True,
            )
        peak = statistics.median(r["peak_mb"] for r in results)
        livez = statistics.median(r["livez_max_s"] for r in results)
        print(f"== {mix}: median peak RSS {peak:.0f} MB, median worst /livez {livez * 1000:.0f} ms", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
