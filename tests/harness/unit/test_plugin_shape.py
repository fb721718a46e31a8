"""The review's findings about the harness's shape, each a check that failed before the change:
one module owns the hooks and markers, one `makereport` wrapper, no session state in module
globals, nothing but fixtures/needs.py makes a NOT RUN, and typed facts in place of free dicts."""

import ast
import re
from pathlib import Path

from tests.ours import REPO_ROOT

FIXTURES = REPO_ROOT / "fixtures"
# Where the harness's checks are: what ships with it, and this repository's own checks of its app.
CHECKS = [FIXTURES, REPO_ROOT / "tests" / "phases", REPO_ROOT / "tests" / "acceptance", REPO_ROOT / "tests" / "ours"]


def _sources(*roots: Path) -> dict[Path, str]:
    return {path: path.read_text() for root in roots for path in sorted(root.rglob("*.py"))}


def _defined_hooks(source: str) -> list[str]:
    """The pytest hooks a module defines: functions and methods named pytest_*."""
    tree = ast.parse(source)
    return [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("pytest_")
    ]


def test_one_module_owns_every_hook_of_the_harness() -> None:
    owners = {
        path.relative_to(REPO_ROOT).as_posix(): hooks
        for path, text in _sources(FIXTURES).items()
        if (hooks := _defined_hooks(text))
    }
    assert list(owners) == ["fixtures/harness.py"], owners
    hooks = owners["fixtures/harness.py"]
    assert hooks.count("pytest_runtest_makereport") == 1
    assert len(hooks) == len(set(hooks)), hooks


def test_no_other_module_registers_a_plugin_or_a_marker() -> None:
    for path, text in _sources(FIXTURES).items():
        if path.name == "harness.py":
            continue
        assert "pluginmanager.register" not in text, path
        assert 'addinivalue_line("markers"' not in text, path
    ini = (REPO_ROOT / "pytest.ini").read_text()
    markers = ini.split("markers =", 1)[1].split("addopts", 1)[0]
    assert re.findall(r"^\s+(\w+):", markers, re.M) == ["faults", "live_cluster"], (
        "the harness's markers are its plugin's"
    )


def test_nothing_but_needs_makes_a_not_run() -> None:
    skipping = re.compile(r"pytest\.skip\(|pytest\.mark\.skip\b|pytest\.mark\.skipif\b|pytest\.importorskip\(")
    found = [
        f"{path.relative_to(REPO_ROOT)}:{number}"
        for path, text in _sources(*CHECKS).items()
        if path.name != "needs.py"
        for number, line in enumerate(text.splitlines(), 1)
        if skipping.search(line)
    ]
    assert found == [], "a NOT RUN is said with needs(...) or needs.unmet(...): " + ", ".join(found)
    # fixtures/needs.py skips twice: at collection (not_run) and at run time (unmet).
    needs = (FIXTURES / "needs.py").read_text()
    assert needs.count("pytest.skip(") == 1 and needs.count("pytest.mark.skip(") == 1


def test_no_session_state_in_module_globals() -> None:
    """Retries and API exchanges go to the run's journal; no module keeps a list for the report."""
    for path, text in _sources(FIXTURES).items():
        tree = ast.parse(text)
        for node in tree.body:
            if isinstance(node, ast.AnnAssign | ast.Assign):
                value = node.value
                mutable = isinstance(value, ast.List | ast.Dict | ast.Set) or (
                    isinstance(value, ast.Call) and getattr(value.func, "id", "") in ("deque", "list", "dict", "set")
                )
                targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
                names = [t.id for t in targets if isinstance(t, ast.Name)]
                if (path.name, names) in IMPORT_TIME_REGISTRIES:
                    continue
                # Tables are written in full where they are made: no empty one to fill at run time.
                assert not (mutable and value is not None and _empty(value)), f"{path.name}: {names} is module state"
    assert "RETRIES" not in (FIXTURES / "retry.py").read_text()
    assert "RECENT" not in (FIXTURES / "api.py").read_text()


# Filled once while the module is imported (a decorator per entry), read-only after.
IMPORT_TIME_REGISTRIES = [("diagnosis.py", ["RULES"])]


def _empty(value: ast.expr) -> bool:
    if isinstance(value, ast.List | ast.Set):
        return not value.elts
    if isinstance(value, ast.Dict):
        return not value.keys
    return isinstance(value, ast.Call)  # deque(...), list(), dict(), set(): made to be filled


def test_the_report_and_the_deployment_carry_typed_facts() -> None:
    from fixtures.facts import Platform, SessionFacts
    from fixtures.targets.base import Deployment

    report = (FIXTURES / "report.py").read_text()
    assert ".context" not in report and "context: dict" not in report
    assert Deployment.__dataclass_fields__["platform"].type in (Platform, "Platform")
    assert SessionFacts.__dataclass_fields__["platform"].type in (Platform, "Platform")
    assert Platform(kubernetes="v1.20.2", helm="").described() == {"kubernetes": "v1.20.2"}


def test_no_module_uses_another_s_private_members() -> None:
    """`obj._name` is for the object's own class: across the harness's modules and checks, only
    public names (self-tests may put a fault into a private step, as they do)."""
    private = re.compile(r"\b(?!self\b|cls\b)([a-z_][a-z0-9_]*)\._[a-z][a-z0-9_]*\b")
    found = [
        f"{path.relative_to(REPO_ROOT)}:{number}: {match.group(0)}"
        for path, text in _sources(*CHECKS).items()
        for number, line in enumerate(text.splitlines(), 1)
        for match in private.finditer(line)
        if match.group(1) not in ("sys", "os", "pytest_html", "_pytest")
    ]
    assert found == [], found


def test_page_objects_are_bound_once_in_a_fixture() -> None:
    """The checks get their pages from the `app_ui` fixture (fixtures/browser.py: bound to
    Playwright's page and the deployed base URL); none makes a page object of its own."""
    made = re.compile(r"\b(AppUi|AppPages|RegisterPage|LoginPage|TasksPage|ChatPanel)\(")
    found = [
        f"{path.relative_to(REPO_ROOT)}:{number}"
        for path, text in _sources(*CHECKS).items()
        if path.name not in ("ui.py", "ui_pages.py", "browser.py")
        for number, line in enumerate(text.splitlines(), 1)
        if made.search(line)
    ]
    assert found == [], found
