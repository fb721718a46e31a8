"""Target selection and the pure parts of the local target and the browser lookup."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures import images
from fixtures.browser import find_browser
from fixtures.profile import load
from fixtures.settings import resolve
from fixtures.targets import (
    ClusterTarget,
    DockerTarget,
    ExistingTarget,
    LocalTarget,
    TargetError,
    select_target,
)
from fixtures.targets.docker import taken_fixed_ports
from fixtures.targets.frontend import FrontendBuild, tree_digest
from tests.harness.nested import nested_env
from tests.ours import OURS, REPO_ROOT


def test_local_is_local_even_with_a_daemon(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "daemon_problem", lambda: None)
    assert isinstance(select_target(resolve({"target": "local"}, environ={}), OURS), LocalTarget)


@pytest.mark.parametrize(("problem", "expected"), [(None, DockerTarget), ("no Docker daemon answers", LocalTarget)])
def test_auto_prefers_docker_when_a_daemon_answers_and_no_cluster_does(
    monkeypatch: pytest.MonkeyPatch, problem: str | None, expected: type
) -> None:
    monkeypatch.setattr("fixtures.targets.select._cluster_problem", lambda kind, settings: "no cluster")
    monkeypatch.setattr(images, "daemon_problem", lambda: problem)
    monkeypatch.setattr(images, "unreachable", lambda bases: [])
    assert isinstance(select_target(resolve({"target": "auto"}, environ={}), OURS), expected)


def test_auto_passes_docker_over_for_local_when_no_base_image_can_be_had(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh machine without a registry or stand-ins: not nine FAILs of builds that cannot start,
    but the local target, with the reason and the one command that makes docker possible."""
    monkeypatch.setattr("fixtures.targets.select._cluster_problem", lambda kind, settings: "no cluster")
    monkeypatch.setattr(images, "daemon_problem", lambda: None)
    monkeypatch.setattr(images, "base_build_args", lambda mode: {})  # no stand-ins: the Dockerfiles' defaults
    asked: list[str] = []

    def unreachable(bases: list[str]) -> list[str]:
        asked.extend(bases)
        return list(bases)

    monkeypatch.setattr(images, "unreachable", unreachable)
    monkeypatch.setattr(images.Images, "_can_stand_in", lambda self, image: False)  # no stand-in bases either
    chosen = select_target(resolve({"target": "auto"}, environ={}), OURS)
    assert isinstance(chosen, LocalTarget)
    assert asked == ["python:3.12-slim", "node:20-slim"], asked  # the ARG defaults of our Dockerfiles
    assert "python:3.12-slim, node:20-slim" in chosen.chosen_because
    assert "scripts/build-base-images.sh" in chosen.chosen_because


def test_auto_keeps_docker_where_stand_ins_take_the_bases_place_unless_official_is_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("fixtures.targets.select._cluster_problem", lambda kind, settings: "no cluster")
    monkeypatch.setattr(images, "daemon_problem", lambda: None)
    monkeypatch.setattr(images, "base_build_args", lambda mode: {})
    monkeypatch.setattr(images, "unreachable", lambda bases: list(bases))
    monkeypatch.setattr(images.Images, "_can_stand_in", lambda self, image: True)
    assert isinstance(select_target(resolve({"target": "auto"}, environ={}), OURS), DockerTarget)
    official = resolve({"target": "auto", "base_images": "official"}, environ={})
    assert isinstance(select_target(official, OURS), LocalTarget)  # the images as written, and none can be had


def test_the_bases_a_build_pulls_are_its_from_lines_with_the_build_args(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        "ARG NODE_IMAGE=node:20-slim\nARG NODE_RUNTIME_IMAGE=${NODE_IMAGE}\nFROM ${NODE_IMAGE} AS deps\n"
        "FROM deps AS build\nFROM nginx:alpine\nFROM ${NODE_RUNTIME_IMAGE}\nFROM scratch\n"
    )
    spec = images.ImageSpec("frontend", "x", dockerfile, tmp_path)
    assert images.bases_to_pull(spec, {}) == ["node:20-slim", "nginx:alpine"]
    local = {"NODE_IMAGE": "local/node:20", "NODE_RUNTIME_IMAGE": "local/node:20-runtime"}
    assert images.bases_to_pull(spec, local) == ["local/node:20", "nginx:alpine", "local/node:20-runtime"]


@pytest.mark.skipif(images.daemon_problem() is not None, reason="needs a Docker daemon (make test starts one in CI)")
def test_an_image_no_registry_serves_is_unreachable_and_one_the_daemon_has_is_not() -> None:
    have = images.LOCAL_BASES["PYTHON_IMAGE"]
    wanted = ["todo-harness-nowhere/base:1", *([have] if images.image_exists(have) else [])]
    assert images.unreachable(wanted) == ["todo-harness-nowhere/base:1"]


def test_docker_target_is_chosen_when_asked() -> None:
    target = select_target(resolve({"target": "docker"}, environ={}), OURS)
    assert isinstance(target, DockerTarget)
    assert "docker" in target.capabilities and "cluster" not in target.capabilities


@pytest.mark.parametrize("target", ["minikube", "kind", "kube"])
def test_cluster_targets_are_chosen_when_asked(target: str) -> None:
    chosen = select_target(resolve({"target": target}, environ={}), OURS)
    assert isinstance(chosen, ClusterTarget) and chosen.kind == target
    assert {"cluster", "docker", "browser"} <= chosen.capabilities
    assert resolve({"target": target}, environ={}).gate_for(chosen.kind) is True


def test_auto_prefers_a_running_minikube(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("fixtures.targets.select.shutil.which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr("fixtures.targets.select._cluster_problem", lambda kind, settings: None)
    chosen = select_target(resolve({"target": "auto"}, environ={}), OURS)
    assert isinstance(chosen, ClusterTarget) and chosen.kind == "minikube"


def test_a_missing_cluster_fails_the_deployment_with_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("fixtures.cluster.shutil.which", lambda name: None)
    chosen = select_target(resolve({"target": "minikube"}, environ={}), OURS)
    with pytest.raises(TargetError, match="minikube is not installed"):
        chosen.deploy()


def test_base_url_selects_the_existing_deployment() -> None:
    target = select_target(
        resolve({"base_url": "http://127.0.0.1:3000/", "api_url": "http://127.0.0.1:8000"}, environ={}), OURS
    )
    assert isinstance(target, ExistingTarget)
    assert (target.frontend_url, target.backend_url) == ("http://127.0.0.1:3000", "http://127.0.0.1:8000")


def test_at_base_url_the_run_directory_is_the_repository_when_it_holds_the_app_s_profile(tmp_path: Path) -> None:
    urls = {"base_url": "http://127.0.0.1:3000/", "api_url": "http://127.0.0.1:8000"}
    team = tmp_path / "team"
    team.mkdir()
    (team / "todo-harness.yaml").write_text("name: team\n")
    found = select_target(resolve(urls, environ={}, cwd=team), OURS)
    assert "repository" in found.capabilities  # a team's run from its own repository reads its guides
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    named = resolve(urls | {"app": str(team / "todo-harness.yaml")}, environ={}, cwd=elsewhere)
    assert "repository" not in select_target(named, OURS).capabilities  # whose files these are is unknown


def test_tree_digest_follows_contents(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "page.tsx").write_text("one")
    (tmp_path / "package.json").write_text("{}")
    first = tree_digest(tmp_path, ("package.json", "app", "missing"))
    assert tree_digest(tmp_path, ("package.json", "app", "missing")) == first
    (tmp_path / "app" / "page.tsx").write_text("two")
    assert tree_digest(tmp_path, ("package.json", "app", "missing")) != first


def test_find_browser_prefers_configured_then_playwright(tmp_path: Path) -> None:
    chrome = tmp_path / "chrome"
    chrome.write_text("")
    assert find_browser(chrome, None) == (str(chrome), f"--browser-path {chrome}")
    assert find_browser(None, str(chrome)) == (None, "Playwright's own Chromium")
    with pytest.raises(LookupError, match="does not exist"):
        find_browser(tmp_path / "nope", None)


def test_find_browser_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("fixtures.browser.SYSTEM_CHROMIUM", (str(tmp_path / "no-chromium"),))
    with pytest.raises(LookupError, match="apt-get install chromium"):
        find_browser(None, str(tmp_path / "no-playwright-browser"))


def test_auto_takes_the_local_cluster_when_it_is_up_and_no_minikube_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("fixtures.targets.select.shutil.which", lambda name: None if name == "minikube" else name)
    monkeypatch.setattr(
        "fixtures.targets.select._cluster_problem", lambda kind, settings: None if kind == "local-cluster" else "no"
    )
    chosen = select_target(resolve({"target": "auto"}, environ={}), OURS)
    assert isinstance(chosen, ClusterTarget) and chosen.kind == "local-cluster"
    assert chosen.cluster.context == "todo-local-cluster"
    # Its in-cluster PostgreSQL comes from the locally built image (no registry gives postgres:16-alpine).
    values = chosen.release_values(chosen.release_of("backend"), {"backend": "todo-backend:latest"})
    assert values["postgresql.image.repository"] == "local/postgres"


@pytest.mark.parametrize("url", ["sqlite:///tmp/todo.db", "mysql://u:p@h/db"])
def test_a_cluster_target_refuses_a_database_the_chart_cannot_take(url: str) -> None:
    with pytest.raises(TargetError, match="in-cluster PostgreSQL"):
        select_target(resolve({"target": "kube", "database_url": url}, environ={}), OURS)


def test_a_cluster_target_takes_a_postgresql_url() -> None:
    url = "postgresql://todo:pw@db.example:5432/todo?sslmode=require"
    chosen = select_target(resolve({"target": "kube", "database_url": url}, environ={}), OURS)
    assert isinstance(chosen, ClusterTarget)
    values = chosen.release_values(chosen.release_of("backend"), {"backend": "todo-backend:latest"})
    assert values["secrets.databaseUrl"] == url and values["image.tag"] == "latest"


def test_node_modules_are_current_only_when_installed_after_the_package_files(tmp_path: Path) -> None:

    for name in ("package.json", "package-lock.json"):
        (tmp_path / name).write_text("{}")
    build = FrontendBuild(tmp_path)
    assert not build.modules_current()  # never installed
    build.modules_stamp.parent.mkdir()
    build.modules_stamp.write_text("{}")
    os.utime(tmp_path / "package-lock.json", (1, 1))
    os.utime(tmp_path / "package.json", (1, 1))
    assert build.modules_current()
    os.utime(tmp_path / "package-lock.json")  # the lockfile changed after the install
    os.utime(build.modules_stamp, (2, 2))
    assert not build.modules_current()


def _collected(expression: str, reports: Path) -> set[str]:
    argv = ["--collect-only", "-q", "-m", expression, "--target", "local", "--no-gate", "--reports-dir", str(reports)]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *argv, "tests/phases"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return {line.split("::")[-1] for line in done.stdout.splitlines() if "::" in line}


def test_a_steps_needs_marker_follows_what_it_needs(tmp_path: Path) -> None:
    """`needs("cluster")` on a phase step adds needs_cluster: `-m "not needs_cluster"` leaves it out."""
    without, only = _collected("not needs_cluster", tmp_path), _collected("needs_cluster", tmp_path)
    for step in ("test_1_4_kubectl_context", "test_4_2_c04_backend_chart_deploys"):  # needs("cluster") steps
        assert step in only and step not in without
    assert "test_3_1_to_3_8_backend_chart_files" in without and "test_3_1_to_3_8_backend_chart_files" not in only


def _url_mode_run(tmp_path: Path, *extra: str, exit_codes: tuple[int, ...] = (0, 5)) -> dict[str, dict[str, str]]:
    """S-07 and the phase 6 steps in URL mode (nothing is deployed; the base URL never answers)."""
    reports = tmp_path / "reports"
    argv = [sys.executable, "-m", "pytest", "tests/phases/test_6_document.py", "-p", "no:cacheprovider"]
    argv += ["--base-url", "http://127.0.0.1:9", "--reports-dir", str(reports), "-o", "addopts=", *extra]
    env = nested_env()
    done = subprocess.run(argv, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode in exit_codes, done.stdout[-2000:] + done.stderr[-2000:]
    completion = json.loads((reports / "completion.json").read_text())
    return {c["id"]: c for c in completion["criteria"]}


def test_url_mode_reads_no_repository_unless_one_is_named(tmp_path: Path) -> None:
    """At --base-url the app's files are unknown: S-07 is NOT RUN (never a PASS on ours) until
    --app-repo names its repository."""
    unnamed = _url_mode_run(tmp_path / "a")["S-07"]
    assert unnamed["status"] == "NOT RUN" and "needs repository" in unnamed["reason"], unnamed
    assert "--app-repo" in unnamed["reason"]
    named = _url_mode_run(tmp_path / "b", "--app-repo", str(REPO_ROOT))["S-07"]
    assert named["status"] == "PASS", named
    # Another team's repository: S-07 reads its guides, never ours (it has none: FAIL, naming the file).
    (tmp_path / "their-app").mkdir()
    (tmp_path / "their-app" / "profile.yaml").write_text("name: theirs\n")
    their_run = ("--app-repo", str(tmp_path / "their-app"), "--app", str(tmp_path / "their-app" / "profile.yaml"))
    theirs = _url_mode_run(tmp_path / "c", *their_run, exit_codes=(1,))["S-07"]
    assert theirs["status"] == "FAIL" and f"is missing from {tmp_path / 'their-app'}" in theirs["reason"], theirs


def test_the_local_target_refuses_another_teams_app_at_session_start(tmp_path: Path) -> None:
    """It runs an app from its sources only as its profile's `local` says: for another app it would
    FAIL C-08 with "no known cause"."""
    (tmp_path / "their-app").mkdir()
    (tmp_path / "their-app" / "profile.yaml").write_text("name: theirs\n")
    argv = [sys.executable, "-m", "pytest", "tests/acceptance/test_mvp.py", "-p", "no:cacheprovider", "-o", "addopts="]
    argv += ["--target", "local", "--app", str(tmp_path / "their-app" / "profile.yaml")]
    argv += ["--app-repo", str(tmp_path / "their-app"), "--reports-dir", str(tmp_path / "reports")]
    done = subprocess.run(argv, cwd=REPO_ROOT, env=nested_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 4, done.stdout[-2000:] + done.stderr[-2000:]  # a usage error, before any test
    assert "does not say how to run it from its sources (local)" in done.stderr, done.stderr
    assert "--target docker" in done.stderr, done.stderr


def test_what_a_profile_does_not_describe_is_not_run_with_the_reason(tmp_path: Path) -> None:
    """A profile without images or releases: the Dockerfile steps and the chart steps are NOT RUN,
    saying what the profile lacks (once a KeyError 'backend' and FAILs about set())."""
    repo = tmp_path / "their-app"
    repo.mkdir()
    (repo / "profile.yaml").write_text("name: theirs\n")
    reports = tmp_path / "reports"
    argv = [sys.executable, "-m", "pytest", "tests/phases/test_2_containerize.py", "tests/phases/test_3_package.py"]
    argv += ["-p", "no:cacheprovider", "-o", "addopts=", "-k", "2_1 or 2_2 or 2_5 or 2_6 or 3_9 or 3_17 or 3_18"]
    argv += ["--base-url", "http://127.0.0.1:9", "--app", str(repo / "profile.yaml"), "--app-repo", str(repo)]
    argv += ["--reports-dir", str(reports), "-rs"]
    done = subprocess.run(argv, cwd=REPO_ROOT, env=nested_env(), capture_output=True, text=True, timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode in (0, 5), output[-3000:]  # nothing failed, nothing errored
    assert "KeyError" not in output and "disagree on kubeVersion" not in output, output[-3000:]
    assert "describes no backend image (images.backend)" in output, output[-3000:]
    assert "names no Helm release (deploy.releases)" in output, output[-3000:]


def test_ai_stub_is_refused_in_url_mode_not_ignored(tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "pytest", "tests/acceptance/test_mvp.py", "-p", "no:cacheprovider", "-o", "addopts="]
    argv += ["--base-url", "http://127.0.0.1:9", "--ai-stub", "--reports-dir", str(tmp_path / "reports")]
    done = subprocess.run(argv, cwd=REPO_ROOT, env=nested_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 4, done.stdout[-2000:] + done.stderr[-2000:]
    assert "--ai-stub answers the AI calls of a backend the harness starts" in done.stderr, done.stderr


def test_the_docker_target_refuses_a_fixed_port_already_taken() -> None:
    """A process already on the profile's fixed port would be taken for the container."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        app = load(REPO_ROOT / "examples" / "tidy-todo" / "todo-harness.yaml", REPO_ROOT / "examples" / "tidy-todo")
        docker = app.deploy.docker.model_copy(
            update={"backend": app.deploy.docker.backend.model_copy(update={"port": port})}
        )
        app = app.model_copy(update={"deploy": app.deploy.model_copy(update={"docker": docker})})
        assert taken_fixed_ports(app) == [f"port {port} (deploy.docker.backend.port) is already taken on 127.0.0.1"]
    assert taken_fixed_ports(app) == []  # free again


def test_step_6_5_reads_another_teams_scripts_without_running_them(tmp_path: Path) -> None:
    """Their scripts are read (usage text, set -e, shellcheck), never run: one without the run bit
    once crashed the step with PermissionError, and running one would run their code here."""
    repo = tmp_path / "their-app"
    (repo / "scripts").mkdir(parents=True)
    ran = tmp_path / "ran"
    usage = 'case "${1:-}" in -h|--help) echo "usage: deploy.sh";; esac'
    (repo / "scripts" / "deploy.sh").write_text(f"#!/usr/bin/env bash\nset -euo pipefail\ntouch {ran}\n{usage}\n")
    (repo / "scripts" / "careless.sh").write_text(f"#!/bin/sh\ntouch {ran}\nkubectl apply -f k8s\n")
    (repo / "profile.yaml").write_text("name: theirs\nscripts: [scripts/deploy.sh, scripts/careless.sh]\n")
    reports = tmp_path / "reports"
    argv = [sys.executable, "-m", "pytest", "tests/phases/test_6_document.py", "-k", "6_5", "-p", "no:cacheprovider"]
    argv += ["-o", "addopts=", "--base-url", "http://127.0.0.1:9", "--app", str(repo / "profile.yaml")]
    argv += ["--app-repo", str(repo), "--reports-dir", str(reports)]
    done = subprocess.run(argv, cwd=REPO_ROOT, env=nested_env(), capture_output=True, text=True, timeout=300)
    output = done.stdout + done.stderr
    assert not ran.exists(), "a script of the judged repository was run"
    assert "PermissionError" not in output, output[-3000:]
    assert "1 failed, 1 passed" in output, output[-3000:]
    assert "careless.sh: no usage text answering --help; no `set -e`" in output, output[-3000:]
