"""JUnit XML and the GitHub step summary: one testcase per criterion of the plan (24, in suites per
tier), one per phase step that ran (suites per phase), each check counted once; NOT RUN is
`skipped` with its reason, a FAIL carries its diagnosis. Checked on a small suite run in-process
with the harness's plugins."""

import xml.etree.ElementTree as ET

import pytest

from fixtures.criteria import CRITERIA
from tests.ours import REPO_ROOT

SUITE = """
import pytest

@pytest.mark.criterion("C-08")
def test_c08_passes():
    pass

@pytest.mark.criterion("C-10")
def test_c10_fails():
    raise AssertionError("Page URL expected to be '/tasks$'")

@pytest.mark.phase3
def test_3_1_a_step():
    pass

@pytest.mark.phase3
@pytest.mark.needs("cluster")
def test_3_2_a_cluster_step():
    pass

@pytest.mark.extra
def test_not_tied_to_anything():
    pass
"""


def test_every_criterion_is_a_testcase_and_not_run_is_skipped(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeconftest('pytest_plugins = ["fixtures.harness"]')
    pytester.makeini("[pytest]\nmarkers =\n    phase3: phase 3\n    extra: tied to nothing\n")
    pytester.makepyfile(test_suite=SUITE)
    summary = pytester.path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    xml_path = pytester.path / "junit.xml"
    result = pytester.runpytest_inprocess(
        "-p",
        "no:playwright",
        "-p",
        "no:cacheprovider",
        f"--reports-dir={pytester.path / 'out'}",
        "--target=local",
        f"--app-repo={REPO_ROOT}",
        "-m",
        "mvp or phase3 or extra",
        f"--junitxml={xml_path}",
    )
    result.assert_outcomes(passed=3, failed=1, skipped=1)

    root = ET.parse(xml_path).getroot()
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    criteria_cases = [c for name, s in suites.items() if str(name).startswith("Phase IV criteria") for c in s]
    assert len(criteria_cases) == len(CRITERIA) == 24
    by_id = {c.find("properties/property[@name='criterion']").get("value"): c for c in criteria_cases}  # type: ignore[union-attr]
    assert set(by_id) == {c.id for c in CRITERIA}
    assert by_id["C-08"].find("failure") is None and by_id["C-08"].find("skipped") is None
    assert "Page URL" in by_id["C-10"].find("failure").get("message", "")  # type: ignore[union-attr]
    not_run = by_id["C-01"].find("skipped")
    assert not_run is not None and not_run.get("message", "").startswith("NOT RUN: ")
    target = by_id["C-08"].find("properties/property[@name='target']")
    assert target is not None and target.get("value") == "local"
    assert suites["Phase IV criteria: Must-have (MVP)"].get("failures") == "1"

    steps = list(suites["Phase 3: PACKAGE"])
    assert [c.get("name") for c in steps] == ["test_3_1_a_step", "test_3_2_a_cluster_step"]
    assert steps[1].find("skipped") is not None  # needs a cluster: NOT RUN, never a pass

    # Each check is counted once: pytest's own testcase remains only for the test tied to nothing.
    names = [c.get("name") for c in root.iter("testcase")]
    assert len(names) == 24 + 2 + 1 and "test_not_tied_to_anything" in names
    assert not {"test_c08_passes", "test_c10_fails"} & set(names)
    pytest_suite = next(s for s in root.iter("testsuite") if s.get("name") == "pytest")
    assert (pytest_suite.get("tests"), pytest_suite.get("failures"), pytest_suite.get("skipped")) == ("1", "0", "0")

    text = summary.read_text()
    assert "| C-10 " in text and "❌ FAIL" in text and "⚪ NOT RUN" in text and "✅ PASS" in text
