"""First-run bug 1 of issue 21: `--app PATH` and `--app-repo PATH` with a space, pointing outside this
checkout, made pytest take the paths for test paths, never load the harness (its options lived in
conftest.py only) and stop with "unrecognized arguments". The harness is now a plugin with a `pytest11`
entry point, and `todo-harness` runs the plan's checks with this checkout's configuration from anywhere."""

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.ours import REPO_ROOT


def _team_repository(tmp_path: Path) -> Path:
    """The second app as another team's own repository, outside this checkout, its profile in it."""
    repo = tmp_path / "team"
    shutil.copytree(REPO_ROOT / "examples" / "tidy-todo", repo)
    assert not repo.is_relative_to(REPO_ROOT)
    return repo


def _collected(done: subprocess.CompletedProcess[str]) -> list[str]:
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "unrecognized arguments" not in done.stderr
    return [line for line in done.stdout.splitlines() if "::test_" in line]


def test_the_options_with_a_space_and_paths_outside_this_checkout_are_known(tmp_path: Path) -> None:
    repo = _team_repository(tmp_path)
    argv = [sys.executable, "-m", "pytest", "-m", "mvp", "--collect-only", "-q", "-p", "no:cacheprovider"]
    argv += ["--app", str(repo / "todo-harness.yaml"), "--app-repo", str(repo), "--target", "docker"]
    argv += [f"--reports-dir={tmp_path / 'out'}"]
    tests = _collected(subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300))
    assert any(test.startswith("tests/acceptance/test_mvp.py::test_c12") for test in tests), tests
    assert not any(test.startswith(("tests/harness", "../")) for test in tests), tests


def test_todo_harness_runs_the_plans_checks_from_the_teams_repository(tmp_path: Path) -> None:
    repo = _team_repository(tmp_path)
    command = Path(sys.executable).with_name("todo-harness")
    argv = [str(command), "-m", "mvp", "--collect-only", "-q", "-p", "no:cacheprovider", "--target", "docker"]
    # Nothing but the target: the repository is where it runs, the profile its todo-harness.yaml.
    done = subprocess.run(argv, cwd=repo, capture_output=True, text=True, timeout=300)
    tests = _collected(done)
    files = {test.split("::")[0] for test in tests}
    assert files >= {"tests/acceptance/test_mvp.py", "tests/phases/test_2_containerize.py"}, files
    assert not any(test.startswith("tests/harness") for test in tests), tests
    assert "PytestAssertRewriteWarning" not in done.stdout + done.stderr
    assert (repo / "reports" / "completion.json").is_file()
    # Given paths are read from there too.
    argv += ["--app", "todo-harness.yaml", "--app-repo", ".", "--reports-dir", "../out"]
    _collected(subprocess.run(argv, cwd=repo, capture_output=True, text=True, timeout=300))
    assert (tmp_path / "out" / "completion.json").is_file()


def test_a_directory_without_a_profile_gets_help_and_is_told_which_file_to_write(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"]
    helped = subprocess.run([*command, "--help"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert helped.returncode == 0 and "--app-repo" in helped.stdout, helped.stderr[-2000:]
    refused = subprocess.run([*command, "--collect-only"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0
    assert f"no app profile: {tmp_path / 'todo-harness.yaml'} does not exist" in refused.stderr, refused.stderr
    assert "--app / TODO_HARNESS_APP" in refused.stderr and "Traceback" not in refused.stderr
    assert "todo-harness init" in refused.stderr, refused.stderr


def test_the_tool_installed_from_a_wheel_judges_a_team_repository_without_this_checkout(tmp_path: Path) -> None:
    """scripts/dev/as-a-team.sh, as CI runs it: the wheel ships the checks, their pytest.ini, the
    profile defaults and the local cluster's scripts (fixtures/shipped.py finds them in the package),
    and `todo-harness` collects the plan's checks in the team's repository, a space in its path."""
    env = {**os.environ, "TEAM_TOOL_DIR": str(tmp_path / "tool")}
    script = REPO_ROOT / "scripts" / "dev" / "as-a-team.sh"
    installed = subprocess.run([str(script), "install"], env=env, capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stdout[-2000:] + installed.stderr[-2000:]
    (wheel,) = (tmp_path / "tool" / "dist").glob("todo_harness-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {"pytest.ini", "apps/defaults.yaml", "tests/acceptance/test_mvp.py", "scripts/dev/local-cluster.sh"}
    assert {f"fixtures/_shipped/{name}" for name in shipped} <= names
    assert not any(name.startswith(("fixtures/_shipped/tests/harness", "backend/", "frontend/")) for name in names)
    team = Path(subprocess.run([str(script), "path"], env=env, capture_output=True, text=True).stdout.strip())
    assert " " in str(team) and (team / ".git").is_dir()
    run = [str(script), "run", "-m", "mvp", "--collect-only", "-q", "--target", "docker", "--reports-dir", "out"]
    tests = _collected(subprocess.run(run, env=env, capture_output=True, text=True, timeout=300))
    assert any(test.startswith("tests/acceptance/test_mvp.py::test_c12") for test in tests), tests
    assert (team / "out" / "completion.json").is_file()
    # `todo-harness init` from the wheel: the defaults it compares with are the package's own.
    init = [str(script), "run", "init", "--print"]
    found = subprocess.run(init, env=env, capture_output=True, text=True, timeout=300)
    assert found.returncode == 0 and "images:" in found.stdout, found.stdout[-2000:] + found.stderr[-2000:]


def test_only_fixtures_shipped_knows_where_the_harness_s_files_are() -> None:
    """No module of the harness finds a file by its own place in this checkout (REPO_ROOT, parents[1]):
    the app's files come from the app's repository, the harness's own from fixtures/shipped.py."""
    found = []
    for path in (REPO_ROOT / "fixtures").rglob("*.py"):
        text = path.read_text()
        if path.name != "shipped.py" and re.search(r"__file__|REPO_ROOT|\.parents\[", text):
            found.append(str(path.relative_to(REPO_ROOT)))
    assert found == []


def test_the_plans_checks_tell_no_app_by_its_path() -> None:
    """The plan's checks judge every app, ours included, from its profile: our conventions are this
    repository's own tests (tests/ours), and S-06 runs our scripts as our profile's deploy_scripts say.
    Once an "own_app" comparison of paths decided which checks ran, in three places."""
    roots = [REPO_ROOT / "fixtures", REPO_ROOT / "tests" / "phases", REPO_ROOT / "tests" / "acceptance"]
    found = sorted(
        str(path.relative_to(REPO_ROOT))
        for root in roots
        for path in root.rglob("*.py")
        if "own_app" in path.read_text()
    )
    assert found == []


def test_the_profile_is_read_once_per_session_and_settings_are_written_once() -> None:
    """An outside review found the profile loaded three times per session (the profile plugin, the
    local and existing targets, the images) and the profile plugin rewriting the settings it had
    been given. Now fixtures/run.py alone reads the profile and writes the session's settings."""
    readers, writers = [], []
    for path in sorted((REPO_ROOT / "fixtures").rglob("*.py")):
        text = path.read_text()
        name = str(path.relative_to(REPO_ROOT))
        if re.search(r"from fixtures\.profile import [^\n]*\bload\b|profile\.load\(", text):
            readers.append(name)
        if re.search(r"stash\[SETTINGS_KEY\] =|LOG_PATH|global ", text):
            writers.append(name)
    # `todo-harness init` checks the profile it wrote, outside any session (fixtures/discover.py).
    assert readers == ["fixtures/discover.py", "fixtures/run.py"] and writers == ["fixtures/run.py"], (readers, writers)
