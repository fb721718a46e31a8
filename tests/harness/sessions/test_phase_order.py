"""Phases collect in plan order: module by module, and within each module by step id."""

import re
import subprocess
import sys
from pathlib import Path

from tests.ours import REPO_ROOT


def _step(nodeid: str) -> tuple[int, ...]:
    """The first step id in a test's name: test_4_2_c04_... -> (4, 2); test_3_10_to_3_16 -> (3, 10)."""
    name = nodeid.split("::")[1]
    match = re.match(r"test_(\d+)_(\d+)", name)
    assert match, f"{nodeid} is not named by a plan step id"
    return int(match.group(1)), int(match.group(2))


def test_phase_steps_collect_in_plan_order(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/phases",
            "--reports-dir",
            str(tmp_path),
            "--target",
            "local",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    nodeids = [line for line in done.stdout.splitlines() if line.startswith("tests/phases/")]
    # Step 5.8 judges the logs every other test wrote: it runs last (marker at_session_end).
    assert nodeids[-1].split("::")[1].startswith("test_5_8_"), nodeids[-3:]
    nodeids = nodeids[:-1]
    steps = [_step(nodeid) for nodeid in nodeids]
    assert len(nodeids) > 30, done.stdout[-2000:]
    assert steps == sorted(steps), [n for n, s, t in zip(nodeids, steps, steps[1:], strict=False) if s > t]
