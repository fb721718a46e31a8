"""A burst of failed logins against one backend worker: its peak memory, and how fast /livez answers
meanwhile (issue 10, item 1: the pod's limit is 512Mi, the liveness probe's timeout 3 s).

    python bench/login_burst.py                      # SQLite; with and without MALLOC_ARENA_MAX, side by side
    python bench/login_burst.py --serve postgresql://u:p@127.0.0.1/db --runs 3

64 clients send wrong-password logins for made-up accounts for 10 s (each account fails once, so
the throttle never answers for the hasher: every request hashes), while /livez is timed every
0.25 s and the worker's RSS is read from /proc every 0.1 s. Prints one line per run and the medians.
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


async def burst(base: str, pid: int, clients: int, seconds: float) -> dict[str, float]:
    statuses: dict[int, int] = {}
    livez: list[float] = []
    peak = start = rss_mb(pid)
    stop = time.monotonic() + seconds
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:

        async def attacker() -> None:
            while time.monotonic() < stop:
                body = {"email": f"nobody-{secrets.token_hex(6)}@example.com", "password": "wrong-password"}
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
        "non_401": sum(n for code, n in statuses.items() if code != 401),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--serve", default="sqlite", help="sqlite, or an empty PostgreSQL database URL")
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for label, extra in (("MALLOC_ARENA_MAX=2 (image and chart)", {"MALLOC_ARENA_MAX": "2"}), ("glibc default", {})):
        results = []
        for run in range(args.runs):
            env = {"MALLOC_ARENA_MAX": ""} if not extra else extra
            with serve(args.serve, 1, env) as (base, server):
                result = asyncio.run(burst(base, server.pid, args.clients, args.seconds))
            results.append(result)
            print(
                f"{label} run {run + 1}: RSS {result['start_mb']:.0f} -> peak {result['peak_mb']:.0f} MB"
                f" (after {result['after_mb']:.0f}); /livez max {result['livez_max_s'] * 1000:.0f} ms,"
                f" median {result['livez_p50_s'] * 1000:.0f} ms; {result['logins']:.0f} logins,"
                f" {result['non_401']:.0f} not 401",
                flush=True,
            )
        peak = statistics.median(r["peak_mb"] for r in results)
        livez = statistics.median(r["livez_max_s"] for r in results)
        print(f"== {label}: median peak RSS {peak:.0f} MB, median worst /livez {livez * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
