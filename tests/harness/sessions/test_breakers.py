"""Our own app, broken on purpose the way real defects break apps, must FAIL the criterion each
breaks (issue: the harness passed all of these once). A real harness session on the local target,
real backend, frontend and Chromium; the defects are put into the browser's traffic by the plugin
tests/harness/breakers.py, or into the backend's settings (a dead AI provider), never into the
app's code."""

import json
import re
import subprocess
import sys
from pathlib import Path

from fixtures import proc
from tests.harness.nested import nested_env
from tests.ours import REPO_ROOT


def judge(tmp_path: Path, select: str, env: dict[str, str], *extra: str) -> tuple[dict[str, str], str, str]:
    """(verdict of each criterion and step run, their reasons joined, the terminal's output)."""
    reports = tmp_path / "reports"
    argv = [sys.executable, "-m", "pytest", "tests/acceptance/test_mvp.py", "tests/phases/test_5_validate.py"]
    argv += ["-p", "no:cacheprovider", "-p", "tests.harness.breakers", "-k", select, "--target", "local"]
    argv += ["--reports-dir", str(reports), "-o", "addopts=", "--junitxml", str(reports / "junit.xml"), *extra]
    done = subprocess.run(argv, cwd=REPO_ROOT, env={**nested_env(), **env}, capture_output=True, text=True, timeout=900)
    output = done.stdout + done.stderr
    completion = json.loads((reports / "completion.json").read_text())
    verdicts = {c["id"]: c["status"] for c in completion["criteria"] if c["status"] != "NOT RUN"}
    reasons = "\n".join(str(c["reason"]) for c in completion["criteria"])
    junit = (reports / "junit.xml").read_text()
    for case in re.findall(r'<testcase [^>]*name="(test_5_\d+)[^"]*"[^>]*?(?:/>|>.*?</testcase>)', junit, re.S):
        block = junit.split(f'name="{case}', 1)[1].split("</testcase>", 1)[0]
        verdicts[case.removeprefix("test_").replace("_", ".")] = "FAIL" if "<failure" in block else "PASS"
    return verdicts, reasons, output


def test_refused_tokens_a_leaky_list_and_an_empty_reply_each_fail(tmp_path: Path) -> None:
    breaks = {"HARNESS_BREAK": "c11=tokens,c13=leaky,c14=empty-reply"}
    verdicts, reasons, output = judge(tmp_path, "test_c11 or test_c12 or test_c13 or test_c14", breaks)
    assert verdicts == {"C-11": "FAIL", "C-12": "PASS", "C-13": "FAIL", "C-14": "FAIL"}, output[-6000:]
    assert "asks to log in again" in reasons or "does not show the user's own task" in reasons, reasons
    assert "sees the first account's tasks" in reasons, reasons
    assert "no reply appeared" in reasons, reasons


def test_defects_of_the_tasks_fail_c12_or_c13_and_leave_the_session_pass(tmp_path: Path) -> None:
    """One defect, one wrong verdict: each of four defects of the tasks fails C-12 or C-13, and
    all four together leave C-11 (judged on the session) PASS."""
    breaks = {"HARNESS_BREAK": "c11=unstored+empty-list+title-cut+unrendered,c12=title-cut,c13=empty-list"}
    verdicts, reasons, output = judge(tmp_path, "test_c11 or test_c12 or test_c13", breaks)
    assert verdicts == {"C-11": "PASS", "C-12": "FAIL", "C-13": "FAIL"}, output[-6000:]
    breaks = {"HARNESS_BREAK": "c12=unstored,c13=unrendered"}
    verdicts, reasons, output = judge(tmp_path / "again", "test_c12 or test_c13", breaks)
    assert verdicts == {"C-12": "FAIL", "C-13": "FAIL"}, output[-6000:]
    assert "the new task does not show in the list" in reasons, reasons
    assert "is not listed" in reasons, reasons


def test_a_dead_ai_provider_fails_the_chat_and_step_5_8_at_the_end(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{proc.free_port()}/v1"  # nothing listens there
    env = {"OPENAI_API_KEY": "sk-harness-self-test", "OPENAI_BASE_URL": dead}
    verdicts, reasons, output = judge(tmp_path, "test_c08 or test_c14 or test_5_8", env, "--ai-provider", "openai")
    assert verdicts.get("C-14") == "FAIL", output[-6000:]
    # 5.8 ran after the chat's failing requests (it is the session's last test) and names the lines.
    assert verdicts.get("5.8") == "FAIL", output[-6000:]
    assert "error line(s) in the backend's log after the session's flows" in output, output[-6000:]
