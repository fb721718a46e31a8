"""scripts/helm-sdk (fixtures/helm_sdk.py): helm's command line over Helm v4's Go SDK.

The pure parts run everywhere; the release lifecycle runs against the real local cluster (marker
live_cluster, make test-cluster), once through the SDK calls directly and once as the harness's
Helm wrapper drives any helm CLI, with scripts/helm-sdk standing in for it.
"""

import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixtures import helm_sdk, proc
from fixtures.helm import HELM_SDK, Helm
from fixtures.kube import Kube
from tests.ours import CHARTS

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.mark.parametrize(("text", "seconds"), [("300s", 300), ("5m", 300), ("1m30s", 90), ("1h", 3600), ("1.5s", 1)])
def test_go_durations_become_seconds(text: str, seconds: int) -> None:
    assert helm_sdk.parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["5", "five minutes", "5m junk", ""])
def test_a_bad_duration_is_refused_with_examples(text: str) -> None:
    with pytest.raises(Exception, match="invalid duration"):
        helm_sdk.parse_duration(text)


def test_values_files_then_sets_layer_as_helm_layers_them(tmp_path: Path) -> None:
    first = tmp_path / "a.yaml"
    first.write_text("image: {repository: todo-backend, tag: v1}\nconfig: {logLevel: INFO}\n")
    second = tmp_path / "b.yaml"
    second.write_text("image: {tag: v2}\n")
    values = helm_sdk.user_values(
        [str(first), str(second)],
        [("set", "replicaCount=2,config.logLevel=DEBUG"), ("set-string", "image.tag=3"), ("set-json", 'x={"y":[1]}')],
    )
    assert values == {
        "image": {"repository": "todo-backend", "tag": "3"},
        "config": {"logLevel": "DEBUG"},
        "replicaCount": 2,
        "x": {"y": [1]},
    }


def test_unknown_subcommands_and_flags_are_refused_by_name() -> None:
    for argv, complaint in ((["repo", "add"], "invalid choice: 'repo'"), (["history", "x", "--bogus"], "--bogus")):
        done = subprocess.run([str(HELM_SDK), *argv], capture_output=True, text=True, timeout=60)
        assert done.returncode == 1 and complaint in done.stderr, done.stderr
        assert "runs only the helm subcommands this project uses" in done.stderr


def test_version_names_helm_and_the_binding() -> None:
    done = subprocess.run([str(HELM_SDK), "version", "--short"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert done.stdout.strip() == helm_sdk.version()
    assert done.stdout.startswith("v4.") and "+helm-python-sdk." in done.stdout


def test_template_renders_as_the_harness_renders_through_the_sdk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A `helm` on PATH that is this command (S-06 puts one there for an app's scripts) must serve
    a harness that renders through the CLI: once a nested run's 3.x steps failed on "invalid choice:
    'template'"."""
    (tmp_path / "helm").symlink_to(HELM_SDK)
    values = {"secrets.secretKey": "k" * 40}
    through_sdk = Helm(namespace="ns-x")
    assert through_sdk.kind == "sdk"
    expected = through_sdk.template("todo-backend", CHARTS["backend"], values=values).objects
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    as_cli = Helm(namespace="ns-x")
    assert as_cli.kind == "cli"
    rendered = as_cli.template("todo-backend", CHARTS["backend"], values=values)
    # The same objects (their generated passwords and the checksums over them differ run to run).
    assert [(o["kind"], o["metadata"]["name"]) for o in rendered.objects] == [
        (o["kind"], o["metadata"]["name"]) for o in expected
    ]
    assert any(o["kind"] == "Secret" for o in rendered.objects) and rendered.tool == "helm CLI"


# ---- the real cluster


@pytest.fixture
def scratch_namespace() -> Iterator[str]:
    name = f"helm-sdk-{uuid.uuid4().hex[:6]}"
    yield name
    subprocess.run(
        ["kubectl", "--context", "todo-local-cluster", "delete", "namespace", name, "--wait=false"],
        capture_output=True,
        timeout=120,
    )


FRONTEND = {"image": {"repository": "local/pause-stand-in", "tag": "none"}, "service": {"type": "ClusterIP"}}


@pytest.mark.live_cluster
def test_the_sdk_runs_a_release_lifecycle_directly(scratch_namespace: str) -> None:
    """install, upgrade, history with descriptions, get values, rollback, status, uninstall:
    Helm's SDK calls as helm-sdk makes them, without waiting on pods (no image is needed)."""
    import helm_python

    with helm_python.Config(namespace=scratch_namespace, kube_context="todo-local-cluster") as config:
        config.install(str(CHARTS["frontend"]), "web", FRONTEND, namespace=scratch_namespace, create_namespace=True)
        config.upgrade(str(CHARTS["frontend"]), "web", FRONTEND | {"replicaCount": 2}, namespace=scratch_namespace)
        assert config.get_values("web")["replicaCount"] == 2
        config.rollback("web", version=1)
        rows = helm_sdk.history_rows(config, "web")
        assert [(r["revision"], r["status"]) for r in rows] == [(1, "superseded"), (2, "superseded"), (3, "deployed")]
        # The SDK's history() has no description: get_all gives it.
        assert rows[0]["description"] == "Install complete" and rows[2]["description"] == "Rollback to 1"
        assert rows[0]["chart"].startswith("todo-frontend-")
        assert "replicaCount" not in (config.get_values("web") or {})
        config.uninstall("web")
        with pytest.raises(helm_python.HelmNotFoundError):
            config.status("web")


@pytest.mark.live_cluster
def test_the_harness_drives_helm_sdk_as_it_drives_a_helm_cli(
    scratch_namespace: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The CLI path of fixtures/helm.py, with scripts/helm-sdk as `helm` on PATH: upgrade --install
    with a values file and --wait (kstatus), history, get values, rollback, test hooks, uninstall."""
    (tmp_path / "helm").symlink_to(HELM_SDK)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    client = Helm(namespace=scratch_namespace, kube_context="todo-local-cluster")
    assert client.kind == "cli" and client.tool.startswith("helm CLI v4.") and "helm-python-sdk" in client.version
    backend = {
        "image.repository": "todo-backend",
        "image.tag": "latest",
        "image.pullPolicy": "IfNotPresent",
        "postgresql.image.repository": "local/postgres",
        "postgresql.image.tag": "15-bookworm",
        "secrets.secretKey": "k" * 40,
    }
    client.upgrade_install("todo-backend", CHARTS["backend"], values=backend, timeout_s=240)
    pods = Kube(scratch_namespace, "todo-local-cluster").pods("app.kubernetes.io/component=api")
    assert pods and all(c["ready"] for p in pods for c in p["status"]["containerStatuses"]), (
        "--wait returned before the pods were Ready"
    )
    client.upgrade_install(
        "todo-backend", CHARTS["backend"], values={"config.logLevel": "DEBUG"}, timeout_s=240, reuse_values=True
    )
    assert client.get_values("todo-backend")["config"]["logLevel"] == "DEBUG"
    assert client.get_values("todo-backend")["secrets"]["secretKey"] == "k" * 40  # reused
    client.rollback("todo-backend", 1, timeout_s=240)
    history = client.history("todo-backend")
    assert [r.description for r in history] == ["Install complete", "Upgrade complete", "Rollback to 1"]
    tested = proc.run([str(HELM_SDK), "test", "todo-backend", *client.scope(), "--logs"], timeout=300).stdout
    assert "TEST SUITE: passed" in tested
    status = json.loads(
        proc.run([str(HELM_SDK), "status", "todo-backend", *client.scope(), "-o", "json"], timeout=60).stdout
    )
    assert status["info"]["status"] == "deployed"
    client.uninstall("todo-backend")
    done = subprocess.run([str(HELM_SDK), "status", "todo-backend", *client.scope()], capture_output=True, text=True)
    assert done.returncode == 1 and done.stderr.startswith("Error: ")
