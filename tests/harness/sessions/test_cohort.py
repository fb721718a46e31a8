"""`todo-harness cohort`: two small apps judged in one run, two at once (--jobs 2), one broken on
purpose; the comparison report holds each team's verdicts, the cause and a link to its evidence."""

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixtures import proc
from tests.harness import zoo
from tests.harness.nested import nested_env
from tests.ours import REPO_ROOT


@pytest.fixture
def two_apps() -> Iterator[tuple[str, str]]:
    servers = [zoo.serve(proc.free_port(), flags) for flags in ({}, {"leaky": "1"})]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield tuple(f"http://127.0.0.1:{s.server_address[1]}" for s in servers)  # type: ignore[misc]
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def test_a_cohort_of_two_is_judged_at_once_into_one_comparison(two_apps: tuple[str, str], tmp_path: Path) -> None:
    good, leaky = two_apps
    for name in ("tidy-team", "leaky-team"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "todo-harness.yaml").write_text(f"name: {name}\n")
    (tmp_path / "teams.yaml").write_text(
        f"- {{repo: tidy-team, args: [--base-url, '{good}', --api-url, '{good}']}}\n"
        f"- {{repo: leaky-team, args: [--base-url, '{leaky}', --api-url, '{leaky}']}}\n"
    )
    out = tmp_path / "out"
    argv = [sys.executable, "-m", "fixtures.cli", "cohort", str(tmp_path / "teams.yaml"), "--jobs", "2"]
    argv += ["--out", str(out), "--", "-k", "test_c08 or test_c13"]
    done = subprocess.run(argv, cwd=REPO_ROOT, env=nested_env(), capture_output=True, text=True, timeout=900)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    assert "[1/2]" in output and "[2/2]" in output, output
    teams = {t["name"]: t for t in json.loads((out / "cohort.json").read_text())["teams"]}
    assert set(teams) == {"tidy-team", "leaky-team"}, output
    tidy, leaks = teams["tidy-team"]["verdicts"], teams["leaky-team"]["verdicts"]
    assert (tidy["C-08"]["status"], tidy["C-13"]["status"]) == ("PASS", "PASS"), (tidy, output[-3000:])
    assert (leaks["C-08"]["status"], leaks["C-13"]["status"]) == ("PASS", "FAIL"), (leaks, output[-3000:])
    assert "sees the first account's tasks" in leaks["C-13"]["reason"]
    assert tidy["C-03"]["status"] == "NOT RUN"
    assert teams["leaky-team"]["profile_source"] == "the team's own"
    page = (out / "cohort.html").read_text()
    assert "leaky-team" in page and 'class="FAIL"' in page and "sees the first account" in page
    for team in teams.values():
        assert team["report"].endswith("report.html") and (out / team["report"]).is_file(), team["report"]
