"""The completion report: verdict rules, and whole pytest sessions judged end to end."""

import json
from pathlib import Path
from typing import Any

import pytest

from fixtures import criteria
from fixtures.verdicts import TestResult, fold_causes, gate_failures, judge
from tests.ours import REPO_ROOT

C08 = criteria.get("C-08")
C01 = criteria.get("C-01")


def _result(outcome: str, reason: str = "") -> TestResult:
    return TestResult("t.py::t", outcome, 0.1, reason)  # type: ignore[arg-type]


def test_no_test_is_not_run_and_says_why() -> None:
    assert judge(C01, [], selected=True).status == "NOT RUN"
    assert judge(C01, [], selected=True).reason == "no test yet (needs docker)"
    assert judge(C08, [], selected=False).reason == "not selected in this run (its marker: -m mvp)"


def test_skip_is_not_run_never_pass() -> None:
    verdict = judge(C08, [_result("skipped", "needs a cluster")], selected=True)
    assert verdict.status == "NOT RUN" and verdict.reason == "needs a cluster"


def test_pass_needs_every_test_passed() -> None:
    assert judge(C08, [_result("passed"), _result("passed")], selected=True).status == "PASS"
    assert judge(C08, [_result("passed"), _result("skipped", "x")], selected=True).status == "NOT RUN"
    assert judge(C08, [_result("passed"), _result("failed", "boom")], selected=True).status == "FAIL"


def test_a_shared_cause_is_said_once_and_every_criterion_it_fails_stays_fail() -> None:
    deploy = "setup: Failed: the app could not be deployed on target docker: docker build exited with 1"
    account = "fixtures.accounts.NoAccount: because no account could be made (C-10 judges registration): 429"
    verdicts = fold_causes(
        [
            judge(criteria.get(c), [_result("failed", reason)], selected=True)
            for c, reason in (
                ("C-08", deploy),
                ("C-09", deploy),
                ("C-10", "the registration form did not move on"),
                ("C-11", account),
                ("C-12", account),
                ("C-13", "assert 1 == 2"),
                ("C-14", "assert 1 == 2"),
            )
        ]
    )
    said = {v.criterion.id: (v.status, v.same_cause_as) for v in verdicts}
    assert said == {
        "C-08": ("FAIL", None),
        "C-09": ("FAIL", "C-08"),
        "C-10": ("FAIL", None),
        "C-11": ("FAIL", None),
        "C-12": ("FAIL", "C-11"),
        "C-13": ("FAIL", None),
        "C-14": ("FAIL", None),  # the same words, but no shared precondition: its own cause
    }
    assert verdicts[1].reason == "the same cause as C-08 (said there)" and verdicts[1].diagnosis_lines() == []


def test_gate_fails_on_selected_not_run_and_fail_only() -> None:
    verdicts = [
        judge(C08, [_result("passed")], selected=True),
        judge(C01, [], selected=True),
        judge(criteria.get("S-01"), [], selected=False),
        judge(criteria.get("C-09"), [_result("failed", "x")], selected=True),
    ]
    assert [v.criterion.id for v in gate_failures(verdicts)] == ["C-01", "C-09"]


SUITE = """
import pytest

@pytest.mark.criterion("C-08")
def test_passes():
    assert 1 + 1 == 2

@pytest.mark.criterion("C-09")
def test_skips():
    pytest.skip("C-09 needs a browser here")

@pytest.mark.criterion("C-10")
def test_fails():
    assert "registered" == "refused"

@pytest.mark.criterion("C-01")
def test_needs_docker():
    raise AssertionError("must not run on the local target")

def test_untied():
    pass
"""

CONFTEST = """
pytest_plugins = ["fixtures.harness"]
"""


def _run(pytester: pytest.Pytester, *args: str) -> tuple[pytest.RunResult, dict[str, Any]]:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_suite=SUITE)
    reports = pytester.path / "out"
    result = pytester.runpytest_inprocess(
        "-p",
        "no:playwright",
        "-p",
        "no:cacheprovider",
        f"--reports-dir={reports}",
        "--target=local",
        f"--app-repo={REPO_ROOT}",
        *args,
    )
    completion = json.loads((reports / "completion.json").read_text())
    return result, completion


def _statuses(completion: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {c["id"]: (c["status"], c["reason"]) for c in completion["criteria"]}


def test_session_verdicts_with_mvp_selection(pytester: pytest.Pytester) -> None:
    result, completion = _run(pytester, "-m", "mvp")
    statuses = _statuses(completion)
    assert statuses["C-08"] == ("PASS", "1 test(s) passed")
    assert statuses["C-09"] == ("NOT RUN", "C-09 needs a browser here")
    assert statuses["C-10"][0] == "FAIL" and "registered" in statuses["C-10"][1]
    # The target cannot check C-01: NOT RUN with the reason, and the test body never ran.
    # ... with what to do about it on this machine ("use --target docker", or how to get Docker).
    assert statuses["C-01"][0] == "NOT RUN" and statuses["C-01"][1].startswith(
        "C-01 needs docker; target is local; next: "
    )
    assert "--target docker" in statuses["C-01"][1]
    # The terminal prints each hint once, as a numbered note under the table.
    result.stdout.fnmatch_lines(
        ["*NOT RUN  C-01 *(C-01 needs docker; target is local [[]1[]])", "*[[]1[]] next: *--target docker*"]
    )
    assert statuses["C-02"] == ("NOT RUN", "no test yet (needs docker)")
    assert statuses["S-01"] == ("NOT RUN", "not selected in this run (its marker: -m should)")
    assert completion["summary"] == {"PASS": 1, "FAIL": 1, "NOT RUN": 22}
    assert completion["target"] == "local" and completion["gate"] is False
    result.assert_outcomes(passed=1, failed=1, skipped=2, deselected=1)
    assert "Phase IV completion" in result.stdout.str()


def test_gate_turns_not_run_into_a_failed_session(pytester: pytest.Pytester) -> None:
    result, completion = _run(pytester, "-m", "mvp", "-k", "passes or skips", "--gate")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert completion["gate"] is True
    assert "C-09" in completion["gate_failures"] and "C-02" in completion["gate_failures"]
    assert "C-08" not in completion["gate_failures"]
    assert "GATE FAILED" in result.stdout.str()


def test_without_gate_skips_do_not_fail_the_session(pytester: pytest.Pytester) -> None:
    result, completion = _run(pytester, "-k", "passes or skips")
    assert result.ret == pytest.ExitCode.OK
    statuses = _statuses(completion)
    assert statuses["C-08"][0] == "PASS" and statuses["C-09"][0] == "NOT RUN"
    # Without -m, only criteria with selected tests count as selected.
    assert completion["gate_failures"] == ["C-09"]


def test_unknown_criterion_id_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_bad='import pytest\n@pytest.mark.criterion("C-99")\ndef test_x():\n    pass\n')
    result = pytester.runpytest_inprocess(
        "-p", "no:playwright", f"--reports-dir={pytester.path / 'out'}", "--target=local", f"--app-repo={REPO_ROOT}"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "unknown criterion 'C-99'" in result.stderr.str() + result.stdout.str()


def test_evidence_is_saved_beside_the_report(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        test_ev="""
import pytest

@pytest.mark.criterion("C-08")
def test_with_evidence(evidence):
    evidence.json("health", {"status": "ok"})
    evidence.png("shot", b"\\x89PNG fake")
"""
    )
    reports = pytester.path / "out"
    pytester.runpytest_inprocess(
        "-p", "no:playwright", f"--reports-dir={reports}", "--target=local", f"--app-repo={REPO_ROOT}"
    )
    completion = json.loads((reports / "completion.json").read_text())
    c08 = next(c for c in completion["criteria"] if c["id"] == "C-08")
    saved = c08["tests"][0]["evidence"]
    assert [(e["name"], e["kind"]) for e in saved] == [("health", "json"), ("shot", "png")]
    assert json.loads(Path(reports, saved[0]["path"]).read_text()) == {"status": "ok"}
    assert Path(reports, saved[1]["path"]).read_bytes() == b"\x89PNG fake"


def test_needs_markers_select_what_a_target_can_check(pytester: pytest.Pytester) -> None:
    result, completion = _run(pytester, "-m", "mvp and not needs_docker and not needs_cluster", "--gate")
    statuses = _statuses(completion)
    # C-01 (needs docker) and C-03 (needs a cluster) are out of the selection, so out of the gate.
    assert statuses["C-01"] == ("NOT RUN", "not selected in this run (its marker: -m mvp)")
    assert statuses["C-03"] == ("NOT RUN", "not selected in this run (its marker: -m mvp)")
    assert set(completion["gate_failures"]) == {"C-09", "C-10", "C-11", "C-12", "C-13", "C-14"}
    result.assert_outcomes(passed=1, failed=1, skipped=1, deselected=2)


def test_a_filter_without_a_tier_selects_only_tested_criteria(pytester: pytest.Pytester) -> None:
    result, completion = _run(pytester, "-m", "not needs_docker and not needs_cluster", "-k", "passes")
    assert result.ret == pytest.ExitCode.OK
    assert [c["id"] for c in completion["criteria"] if c["selected"]] == ["C-08"]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("mvp", True),
        ("should", False),
        ("mvp or should", True),
        ("mvp and not needs_cluster", False),
        ("(mvp or should) and needs_cluster", True),
        ("mvp or should or (nice and needs_cluster)", True),
        ("not (mvp)", False),
        ("mvp and", False),  # not an expression: selects nothing
    ],
)
def test_marker_expressions_are_evaluated_as_pytest_reads_them(expression: str, expected: bool) -> None:
    from fixtures.markexpr import marker_expression_matches

    assert marker_expression_matches(expression, {"criterion", "mvp", "needs_cluster"}) is expected


def test_the_html_report_opens_on_the_verdict_with_evidence_and_a_timeline(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makeini("[pytest]\nmarkers =\n    phase4: phase 4\n")
    pytester.makepyfile(
        test_page="""
import time
import pytest

@pytest.mark.criterion("C-08")
def test_with_a_screenshot(evidence):
    evidence.png("the tasks page", b"\\x89PNG fake")

@pytest.mark.criterion("C-10")
def test_fails():
    assert "registered" == "refused"

@pytest.mark.phase4
def test_4_2_slow_step():
    time.sleep(0.3)
"""
    )
    import fixtures.timeline as report

    budgets = dict(report.BUDGETS_S)
    report.BUDGETS_S["phase4"] = (0, 0)  # any time is over this budget
    try:
        reports = pytester.path / "out"
        result = pytester.runpytest_inprocess(
            "-p",
            "no:playwright",
            f"--reports-dir={reports}",
            "--target=local",
            f"--app-repo={REPO_ROOT}",
            "-m",
            "mvp or phase4",
            f"--html={reports / 'report.html'}",
            "--self-contained-html",
        )
    finally:
        report.BUDGETS_S.update(budgets)
    page = (reports / "report.html").read_text()
    verdict = page.index("NOT COMPLETE: FAIL C-10")
    assert verdict < page.index("id='completion'") < page.index('id="environment"')
    assert "<img class='thumb' src='evidence/" in page  # the PASS's screenshot, as a thumbnail link
    assert "OVER BUDGET" in page and "test_4_2_slow_step" in page
    result.stdout.fnmatch_lines(["*over budget: Phase 4: DEPLOY took * s (budget 0 s); test_4_2_slow_step*"])
    completion = json.loads((reports / "completion.json").read_text())
    assert completion["timeline"][0]["over"] is True


def test_environment_last_moves_only_the_environment() -> None:
    from fixtures.report_html import environment_last

    page = (
        '<body><h1>t</h1>\n    <div id="environment-header">\n      <h2>Environment</h2>\n    </div>\n'
        '    <table id="environment"></table>\n<div class="summary">S</div></body>'
    )
    moved = environment_last(page)
    assert moved.index('class="summary"') < moved.index('id="environment"') < moved.index("</body>")
    assert environment_last("<p>no environment</p>") == "<p>no environment</p>"


def test_a_criterion_whose_tests_k_leaves_out_says_so(pytester: pytest.Pytester) -> None:
    """`-k test_passes`: C-10's test is in the suite and -k left it out (not "no test yet"); C-02 has no
    test in this suite at all."""
    _result, completion = _run(pytester, "-m", "mvp", "-k", "test_passes")
    statuses = _statuses(completion)
    assert statuses["C-08"] == ("PASS", "1 test(s) passed")
    assert statuses["C-10"] == ("NOT RUN", "not selected in this run (-k 'test_passes' leaves its tests out)")
    assert statuses["C-02"] == ("NOT RUN", "no test yet (needs docker)")


def test_collect_only_says_what_would_run_and_gates_nothing(pytester: pytest.Pytester) -> None:
    """`todo-harness -m mvp --collect-only` (a team's first try) runs nothing: each criterion with
    tests says how many were collected, not "no test yet", and --gate does not fail the session."""
    result, completion = _run(pytester, "-m", "mvp", "--gate", "--collect-only")
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    statuses = _statuses(completion)
    assert statuses["C-10"] == ("NOT RUN", "1 test(s) collected, not run (--collect-only)")
    assert statuses["C-12"][1].startswith("no test yet")  # no test of C-12 in this suite
    assert statuses["C-01"][1].startswith("C-01 needs docker; target is local")  # would not run: why
    assert "GATE FAILED" not in result.stdout.str()


def test_reports_in_a_team_s_repository_are_offered_to_its_gitignore_never_written(tmp_path: Path) -> None:
    import subprocess

    from fixtures.report import ignore_offer

    repo = tmp_path / "team app"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    offer = ignore_offer(repo, repo / "reports")
    assert offer.startswith("git sees reports/ as a change of") and "`echo reports/ >> .gitignore`" in offer
    assert not (repo / ".gitignore").exists()  # offered, not written
    (repo / ".gitignore").write_text("reports/\n")
    assert ignore_offer(repo, repo / "reports") == ""
    assert ignore_offer(repo, tmp_path / "elsewhere") == ""  # reports outside the repository
