"""Image benchmark: sizes, cold build, rebuild after a one-file source change, start to healthy.

    python bench/images.py [--runs 3] [--skip-cold]

Builds with the same base images the harness would use (--base-images auto: the local stand-ins
when present). Rebuilds happen in a copy of each build context with one source file changed, so
the repository is never touched; the dependency layers must come from the cache. Each container
runs on the host network until its health URL answers; medians of --runs starts are printed.
"""

import argparse
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from fixtures import images  # noqa: E402
from fixtures.proc import free_port  # noqa: E402
from fixtures.profile import load  # noqa: E402
from fixtures.settings import resolve  # noqa: E402
from fixtures.targets import http_ok  # noqa: E402

# The file each rebuild changes (a comment appended).
TOUCHED = {"backend": "app/main.py", "frontend": "app/page.tsx"}


def _build(spec: images.ImageSpec, tag: str, context: Path, base_args: dict[str, str], *extra: str) -> float:
    argv = [images.docker_cli(), "build", "-q", *extra, "-f", str(spec.dockerfile), "-t", tag]
    if images.needs_host_network():
        argv += ["--network", "host"]
    for key in spec.base_args:
        if key in base_args:
            argv += ["--build-arg", f"{key}={base_args[key]}"]
    started = time.monotonic()
    subprocess.run([*argv, str(context)], check=True, capture_output=True, text=True)
    return time.monotonic() - started


def _start_to_healthy(name: str, tag: str) -> float:
    """Seconds from `docker run` to the health URL answering 200 (the backend's /health, which
    needs its database: migrated beforehand, untimed, in a fresh volume)."""
    cli = images.docker_cli()
    port = free_port()
    env = {"PORT": str(port), "HOST": "127.0.0.1", "HOSTNAME": "127.0.0.1"}
    volume = f"bench-data-{secrets.token_hex(4)}"
    mounts: list[str] = []
    if name == "backend":
        env |= {"ENVIRONMENT": "production", "SECRET_KEY": secrets.token_urlsafe(32)}
        mounts = ["-v", f"{volume}:/data"]
        subprocess.run(
            [cli, "run", "--rm", *mounts, tag, "python3", "-m", "app", "migrate"], check=True, capture_output=True
        )
    url = f"http://127.0.0.1:{port}/" + ("health" if name == "backend" else "healthz")
    argv = [cli, "run", "-d", "--rm", "--network", "host", *mounts]
    for key, value in env.items():
        argv += ["-e", f"{key}={value}"]
    started = time.monotonic()
    container = subprocess.run([*argv, tag], check=True, capture_output=True, text=True).stdout.strip()
    try:
        while not http_ok(url, timeout=0.5):
            if time.monotonic() - started > 60:
                raise RuntimeError(f"{tag} not healthy within 60 s")
            time.sleep(0.05)
        return time.monotonic() - started
    finally:
        subprocess.run([cli, "rm", "-f", container], capture_output=True)
        subprocess.run([cli, "volume", "rm", "-f", volume], capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-cold", action="store_true", help="skip the --no-cache builds")
    args = parser.parse_args()
    problem = images.daemon_problem()
    if problem:
        sys.exit(f"bench: {problem}")
    base_args = images.base_build_args("auto")
    print(f"base images     {base_args or 'official defaults'}")
    settings = resolve({}, environ={}, cwd=REPO)
    for name, spec in images.Images(settings, load(settings.app, settings.app_repo)).specs.items():
        tag = f"{spec.repository}:bench"
        if not args.skip_cold:
            cold = _build(spec, tag, spec.context, base_args, "--no-cache")
            print(f"{name:<9} cold_build_s          {cold:.1f}")
        else:
            _build(spec, tag, spec.context, base_args)
        size = images.image_size(tag)
        print(f"{name:<9} size_mb               {size / 1e6:.0f}")
        rebuilds = []
        with tempfile.TemporaryDirectory() as scratch:
            context = Path(scratch) / name
            shutil.copytree(spec.context, context, ignore=shutil.ignore_patterns("node_modules", ".next", ".venv*"))
            comment = "#" if name == "backend" else "//"
            for run in range(args.runs):
                with (context / TOUCHED[name]).open("a") as changed:
                    changed.write(f"\n{comment} bench change {run} {secrets.token_hex(4)}\n")
                rebuilds.append(_build(spec, f"{spec.repository}:bench-rebuild", context, base_args))
        runs = [round(r, 1) for r in rebuilds]
        print(f"{name:<9} rebuild_after_edit_s  median {statistics.median(rebuilds):.1f}  runs {runs}")
        starts = [_start_to_healthy(name, tag) for _ in range(args.runs)]
        runs = [round(s, 2) for s in starts]
        print(f"{name:<9} start_to_healthy_s    median {statistics.median(starts):.2f}  runs {runs}")
        subprocess.run([images.docker_cli(), "rmi", "-f", tag, f"{spec.repository}:bench-rebuild"], capture_output=True)


if __name__ == "__main__":
    main()
