"""Pure parts of fixtures/helm.py: history and manifest parsing, values arguments, missing tools."""

import json
import stat
from pathlib import Path

import pytest

from fixtures import helm, helm_sdk
from tests.ours import CHARTS

HISTORY = json.dumps(
    [
        {
            "revision": 2,
            "updated": "2026-11-26T07:00:00Z",
            "status": "deployed",
            "chart": "todo-backend-0.1.0",
            "app_version": "0.1.0",
            "description": "Upgrade complete",
        },
        {
            "revision": 1,
            "updated": "2026-11-26T06:00:00Z",
            "status": "superseded",
            "chart": "todo-backend-0.1.0",
            "app_version": "0.1.0",
            "description": "Install complete",
        },
    ]
)


def test_history_is_parsed_oldest_first() -> None:
    revisions = helm.parse_history(HISTORY)
    assert [(r.revision, r.status) for r in revisions] == [(1, "superseded"), (2, "deployed")]
    assert revisions[1].description == "Upgrade complete"
    assert helm.parse_history("") == []


def test_manifest_stream_drops_empty_documents() -> None:
    text = "---\n# Source: x\n---\napiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n\n---\nkind: ConfigMap\n"
    assert [m["kind"] for m in helm.parse_manifests(text)] == ["Service", "ConfigMap"]


def test_values_reach_helm_in_a_private_file_that_is_removed() -> None:
    values = {"replicaCount": 2, "config.aiProvider": "local", "migrations.enabled": False, "secrets.secretKey": "s3"}
    with helm.Helm._values_file(values) as args:
        assert args[0] == "-f" and len(args) == 2
        path = Path(args[1])
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert json.loads(path.read_text()) == {
            "replicaCount": 2,
            "config": {"aiProvider": "local"},
            "migrations": {"enabled": False},
            "secrets": {"secretKey": "s3"},
        }
    assert not path.exists()
    with helm.Helm._values_file({}) as args:
        assert args == []


@pytest.mark.parametrize(
    ("kind", "version", "major", "named"),
    [
        # recorded `helm version --short` of Helm 3 and Helm 4 CLIs, and of scripts/helm-sdk
        ("cli", "v3.15.1+gc4e37b3", 3, "helm CLI v3.15.1+gc4e37b3"),
        ("cli", "v4.0.1+g12500dd", 4, "helm CLI v4.0.1+g12500dd"),
        ("sdk", "v4.2.3+helm-python-sdk.0.2.2", 4, "Helm v4.2.3 through helm-python-sdk 0.2.2"),
    ],
)
def test_the_helm_in_use_is_named_and_its_major_read(kind: str, version: str, major: int, named: str) -> None:
    assert helm.major_version(version) == major
    assert helm.describe_version(kind, version).startswith(named)
    assert helm.major_version("garbage") is None


def test_without_a_cli_the_sdk_command_stands_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("fixtures.helm.shutil.which", lambda name: None)
    client = helm.Helm()
    assert (client.binary, client.kind) == (str(helm.HELM_SDK), "sdk")
    assert client.version.startswith("v4.") and "helm-python-sdk" in client.version
    assert "through helm-python-sdk" in client.tool


def test_without_helm_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("fixtures.helm.shutil.which", lambda name: None)
    monkeypatch.setattr(helm, "_sdk", lambda: None)
    client = helm.Helm()
    for action in (
        lambda: client.template("todo-backend", CHARTS["backend"]),
        lambda: client.lint(CHARTS["backend"]),
    ):
        with pytest.raises(helm.HelmUnavailable, match=r"helm.sh/docs/intro/install.*charts. extra"):
            action()
    with pytest.raises(helm.HelmUnavailable, match="helm.sh/docs/intro/install"):
        client.history("todo-backend")
    assert client.kind == "none"


def test_dotted_values_nest_as_the_chart_sees_them() -> None:
    nested = helm.nest_values({"image.tag": "v2", "image.pullPolicy": "Never", "replicaCount": 2, "a.b.c": [1]})
    assert nested == {"image": {"tag": "v2", "pullPolicy": "Never"}, "replicaCount": 2, "a": {"b": {"c": [1]}}}
    assert helm.nest_values(None) == {}
    with pytest.raises(ValueError, match="conflicts"):
        helm.nest_values({"image": "x", "image.tag": "v2"})


def test_rendered_files_become_one_manifest_stream() -> None:
    files = {
        "c/templates/service.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n",
        "c/templates/NOTES.txt": "Visit http://...",
        "c/templates/empty.yaml": "\n  \n",
        "c/templates/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
    }
    stream = helm_sdk.rendered_stream(files)
    assert stream.startswith("---\n# Source: c/templates/a.yaml\n")
    assert "NOTES" not in stream and "empty.yaml" not in stream
    assert [o["kind"] for o in helm.parse_manifests(stream)] == ["ConfigMap", "Service"]


# Helm's library is part of the harness's locked environment (the charts group), so these run everywhere
# `make setup` has run; without it they fail rather than skip.
def test_without_the_cli_helms_library_lints_and_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("fixtures.helm.shutil.which", lambda name: None)
    client = helm.Helm(namespace="elsewhere")
    lint = client.lint(CHARTS["frontend"])
    assert lint.ok and "helm-python-sdk" in lint.tool, lint
    rendered = client.template("web", CHARTS["frontend"], values={"service.nodePort": 30999})
    services = [o for o in rendered.objects if o["kind"] == "Service"]
    assert services and services[0]["spec"]["ports"][0]["nodePort"] == 30999
    assert {o["metadata"]["labels"]["app.kubernetes.io/instance"] for o in rendered.objects} == {"web"}


def test_without_the_cli_bad_values_are_refused_by_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("fixtures.helm.shutil.which", lambda name: None)
    with pytest.raises(ValueError, match="nodePort"):
        helm.Helm().template("web", CHARTS["frontend"], values={"service.nodePort": "thirty"})


def test_a_key_twice_in_a_rendered_manifest_is_an_error() -> None:
    import yaml

    from fixtures.helm import parse_manifests

    labels = "    app.kubernetes.io/component: api\n    app.kubernetes.io/component: db\n"
    text = f"kind: Service\nmetadata:\n  labels:\n{labels}"
    with pytest.raises(yaml.YAMLError, match="found the key 'app.kubernetes.io/component' twice"):
        parse_manifests(text)
    assert parse_manifests("kind: A\n---\n---\nkind: B\n") == [{"kind": "A"}, {"kind": "B"}]
