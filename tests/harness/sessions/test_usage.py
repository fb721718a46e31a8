"""N-01's usage log: the share it computes, and the verdicts a session gives on it."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from fixtures import usage
from fixtures.journal import Journal


def _line(tool: str, outcome: str = "ok", by: str = "script", operation: str = "4.2 deploy") -> dict[str, Any]:
    return {"operation": operation, "tool": tool, "command": "…", "outcome": outcome, "by": by}


def test_the_share_counts_each_operation_once_and_leaves_the_harness_out() -> None:
    share = usage.ai_share(
        [
            _line("kagent"),
            _line("kubectl-ai"),
            # An AI attempt that did not take, then the plain command: one manual operation.
            _line("kagent", "failed; fell back to the plain command"),
            _line("manual"),
            _line("manual", by="harness"),
            _line("manual", by="harness"),
            _line("gordon", by="person"),
        ]
    )
    assert (share.ai, share.total) == (3, 4)
    assert share.by_tool == {"kagent": 1, "kubectl-ai": 1, "manual": 1, "gordon": 1}
    assert share.passes and share.fraction == 0.75


@pytest.mark.parametrize(("ai", "manual", "passes"), [(3, 2, True), (2, 2, False), (0, 5, False), (0, 0, False)])
def test_more_than_half_passes(ai: int, manual: int, passes: bool) -> None:
    share = usage.ai_share([_line("kubectl-ai")] * ai + [_line("manual")] * manual)
    assert share.passes is passes


def test_a_broken_line_is_named(tmp_path: Path) -> None:
    log = tmp_path / "ai-usage.jsonl"
    log.write_text(json.dumps(_line("manual")) + "\nnot json\n")
    with pytest.raises(ValueError, match=r"ai-usage.jsonl:2 is not JSON"):
        usage.read(log)


def test_harness_operations_are_recorded_as_the_harness_s(tmp_path: Path) -> None:
    log = tmp_path / "logs" / "ai-usage.jsonl"
    journal = Journal(usage_log=log)
    journal.operation("helm upgrade todo-backend", ["helm", "upgrade", "--set-json secrets.secretKey=…"], "ok")
    Journal().operation("helm upgrade elsewhere", ["helm", "upgrade"], "ok")  # outside a session: nowhere
    (entry,) = usage.read(log)
    assert entry["by"] == "harness" and entry["tool"] == "manual" and entry["outcome"] == "ok"
    assert entry["command"] == "helm upgrade --set-json secrets.secretKey=…"


def _n01(pytester: pytest.Pytester, lines: list[dict[str, Any]] | None, *app: str) -> dict[str, tuple[str, str]]:
    from tests.ours import REPO_ROOT

    pytester.makeconftest('pytest_plugins = ["fixtures.harness"]')
    pytester.makepyfile(test_nice=(REPO_ROOT / "tests" / "acceptance" / "test_nice.py").read_text())
    log = pytester.path / "ai-usage.jsonl"
    if lines is not None:
        log.write_text("".join(json.dumps(line) + "\n" for line in lines))
    reports = pytester.path / "out"
    pytester.runpytest_inprocess(
        "-p",
        "no:playwright",
        "-p",
        "no:cacheprovider",
        f"--reports-dir={reports}",
        "--target=docker" if app else "--target=local",
        *([] if app else [f"--app-repo={REPO_ROOT}"]),
        f"--ai-usage-log={log}",
        "-m",
        "nice",
        *app,
    )
    completion = json.loads((reports / "completion.json").read_text())
    return {c["id"]: (c["status"], c["reason"]) for c in completion["criteria"]}


def test_n01_passes_on_a_log_where_ai_tools_did_most(pytester: pytest.Pytester) -> None:
    status, _ = _n01(pytester, [_line("kagent"), _line("kubectl-ai"), _line("manual")])["N-01"]
    assert status == "PASS"


def test_n01_fails_with_the_share_and_why(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(usage, "installed_ai_tools", lambda: [])
    status, reason = _n01(pytester, [_line("manual"), _line("manual"), _line("kagent")])["N-01"]
    assert status == "FAIL"
    assert "AI tools did 1 of 3 operations (33%)" in reason and "no AI tool" in reason


def test_n01_is_not_run_without_a_log(pytester: pytest.Pytester) -> None:
    status, reason = _n01(pytester, None)["N-01"]
    assert status == "NOT RUN" and "no operation of the scripts or of people" in reason


def test_n01_without_a_log_names_no_script_of_ours_for_any_app(pytester: pytest.Pytester) -> None:
    from tests.ours import REPO_ROOT

    other = [f"--app-repo={REPO_ROOT / 'examples' / 'tidy-todo'}"]  # its profile is found there
    for app in (other, []):
        status, reason = _n01(pytester, None, *app)["N-01"]
        assert status == "NOT RUN" and "or add your own operations to the log" in reason, reason
        assert "scripts/deploy.sh" not in reason


def test_gordon_is_the_docker_ai_plugin_not_dockers_own_help() -> None:
    """Without the plugin `docker ai --help` prints docker's general help and exits 0: once read as
    "Gordon is available" (step 1.6, N-01's evidence)."""
    dockers_own = "\nUsage:  docker [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers\n"
    assert not usage.gordon_answers(dockers_own)
    assert usage.gordon_answers("\nUsage:  docker ai [OPTIONS] [PROMPT]\n\nAsk Gordon, Docker's AI agent\n")
    if shutil.which("docker"):
        done = subprocess.run(["docker", "ai", "--help"], capture_output=True, text=True, timeout=30)
        assert ("gordon" in usage.installed_ai_tools()) == usage.gordon_answers(done.stdout + done.stderr)
