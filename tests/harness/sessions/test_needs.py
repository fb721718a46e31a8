"""What a test needs, said one way (fixtures/needs.py): a session of small tests on the local
target, each needing something, and what the session says of each."""

import pytest

from tests.ours import REPO_ROOT

SUITE = """
import pytest
from fixtures.needs import unmet

def test_asks_for_the_cluster_target(cluster_target):
    raise AssertionError("a fixture that needs a cluster must keep this from running on local")

@pytest.mark.needs("cluster", kind="minikube")
def test_needs_minikube():
    raise AssertionError("must not run on local")

@pytest.mark.needs(profile="deploy_scripts")
def test_a_part_the_profile_describes():
    pass

@pytest.mark.needs(profile="images.worker")
def test_a_part_the_profile_does_not_describe():
    raise AssertionError("the profile describes no worker image")

def test_found_only_by_running():
    unmet("the thing was reused, not made, in this run", "pass --rebuild")
"""


def _session(pytester: pytest.Pytester, suite: str, *args: str) -> pytest.RunResult:
    pytester.makeconftest('pytest_plugins = ["fixtures.harness"]')
    pytester.makepyfile(test_suite=suite)
    return pytester.runpytest_inprocess(
        "-p",
        "no:playwright",
        "-p",
        "no:cacheprovider",
        "-rs",
        f"--reports-dir={pytester.path / 'out'}",
        "--target=local",
        f"--app-repo={REPO_ROOT}",
        *args,
    )


def test_each_need_unmet_is_not_run_with_its_reason(pytester: pytest.Pytester) -> None:
    result = _session(pytester, SUITE)
    result.assert_outcomes(passed=1, skipped=4)
    out = result.stdout.str()
    assert "test_asks_for_the_cluster_target needs cluster; target is local; next: " in out
    assert "test_needs_minikube needs cluster; target is local" in out
    assert "the app profile describes no worker image (images.worker)" in out
    assert "the thing was reused, not made, in this run; next: pass --rebuild" in out


def test_a_part_no_profile_can_describe_is_the_test_s_mistake(pytester: pytest.Pytester) -> None:
    suite = "import pytest\n\n@pytest.mark.needs(profile='deploy.nothing')\ndef test_it():\n    pass\n"
    result = _session(pytester, suite)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*test_it: needs(profile='deploy.nothing'): no such part; known: images.<name>, *"])


def test_a_need_of_the_machine_is_said_with_what_to_install() -> None:
    from fixtures import needs

    class Item:  # the one attribute `missing` reads of a test besides its markers
        name = "test_lint"
        fixturenames: list[str] = []

        def iter_markers(self, name: str):  # type: ignore[no-untyped-def]
            return iter([pytest.mark.needs("helm").mark] if name == "needs" else [])

    reason = needs.missing(Item(), "local", frozenset({"http"}), None, probe=lambda need: f"no {need} here")  # type: ignore[arg-type]
    assert reason == "test_lint needs helm: no helm here"
    assert needs.missing(Item(), "local", frozenset({"http"}), None) is None  # type: ignore[arg-type]
