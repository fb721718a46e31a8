"""Settings resolution: option, then environment variable, then default; clear errors."""

from pathlib import Path

import pytest

from fixtures.settings import SettingsError, resolve
from tests.ours import REPO_ROOT


def test_defaults() -> None:
    settings = resolve({}, environ={})
    assert settings.target == "auto"
    assert settings.gate is None
    assert settings.keep is False
    assert settings.reports_dir == REPO_ROOT / "reports"
    assert settings.startup_timeout == 120.0
    assert settings.sources["target"] == "default"


def test_environment_overrides_default() -> None:
    settings = resolve({}, environ={"TODO_HARNESS_TARGET": "local", "TODO_HARNESS_GATE": "yes"})
    assert settings.target == "local" and settings.gate is True
    assert settings.sources["target"] == "env"


def test_option_overrides_environment() -> None:
    settings = resolve(
        {"target": "local", "gate": False}, environ={"TODO_HARNESS_TARGET": "docker", "TODO_HARNESS_GATE": "1"}
    )
    assert settings.target == "local" and settings.gate is False
    assert settings.sources["target"] == "option"


def test_empty_environment_value_means_unset() -> None:
    assert resolve({}, environ={"TODO_HARNESS_TARGET": ""}).target == "auto"


@pytest.mark.parametrize(
    ("environ", "words"),
    [
        ({"TODO_HARNESS_TARGET": "marsrover"}, ["--target", "TODO_HARNESS_TARGET", "marsrover", "local"]),
        ({"TODO_HARNESS_GATE": "perhaps"}, ["--gate", "TODO_HARNESS_GATE", "boolean"]),
        ({"TODO_HARNESS_STARTUP_TIMEOUT": "soon"}, ["--startup-timeout", "not a number"]),
        ({"TODO_HARNESS_STARTUP_TIMEOUT": "-3"}, ["greater than 0"]),
    ],
)
def test_bad_values_name_option_and_variable(environ: dict[str, str], words: list[str]) -> None:
    with pytest.raises(SettingsError) as raised:
        resolve({}, environ=environ)
    for word in words:
        assert word in str(raised.value)


def test_api_url_needs_base_url() -> None:
    with pytest.raises(SettingsError, match="--base-url"):
        resolve({"api_url": "http://127.0.0.1:8000"}, environ={})


def test_relative_paths_given_are_from_where_the_harness_runs_and_defaults_are_ours(tmp_path: Path) -> None:
    given = {"reports_dir": "out/r", "browser_path": "/opt/chrome", "app": "team.yaml"}
    settings = resolve(given, environ={"TODO_HARNESS_APP_REPO": "../team"}, cwd=tmp_path / "here")
    assert settings.reports_dir == tmp_path / "here" / "out" / "r"
    assert settings.app == tmp_path / "here" / "team.yaml"
    assert settings.app_repo == tmp_path / "team"
    assert settings.browser_path == Path("/opt/chrome")


def test_the_defaults_are_where_the_harness_runs_and_the_profile_of_the_documented_name_there(tmp_path: Path) -> None:
    missing = resolve({}, environ={}, cwd=tmp_path)  # fixtures/run.py refuses it, naming the file
    assert (missing.app, missing.sources["app"]) == (tmp_path / "todo-harness.yaml", "missing")
    (tmp_path / "todo-harness.yaml").write_text("name: team\n")
    found = resolve({}, environ={}, cwd=tmp_path)
    assert (found.app, found.app_repo, found.reports_dir) == (
        tmp_path / "todo-harness.yaml",
        tmp_path,
        tmp_path / "reports",
    )
    assert found.sources["app"] == "found"
    ours = resolve({}, environ={}, cwd=REPO_ROOT)
    assert (ours.app, ours.app_repo) == (REPO_ROOT / "todo-harness.yaml", REPO_ROOT)


@pytest.mark.parametrize(("kind", "expected"), [("local", False), ("url", False), ("minikube", True), ("kube", True)])
def test_gate_defaults_on_for_cluster_targets(kind: str, expected: bool) -> None:
    assert resolve({}, environ={}).gate_for(kind) is expected
    assert resolve({"gate": True}, environ={}).gate_for(kind) is True
    assert resolve({"gate": False}, environ={}).gate_for(kind) is False
