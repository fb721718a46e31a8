"""Pure parts of fixtures/helm.py: history and manifest parsing, values arguments, missing tools."""

import json
from pathlib import Path

import pytest

from fixtures import helm

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


def test_values_become_typed_set_json_arguments() -> None:
    args = helm.Helm._values_args({"replicaCount": 2, "config.aiProvider": "local", "migrations.enabled": False})
    assert args == [
        "--set-json",
        "replicaCount=2",
        "--set-json",
        'config.aiProvider="local"',
        "--set-json",
        "migrations.enabled=false",
    ]


def test_without_helm_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(helm.shutil, "which", lambda name: None)
    monkeypatch.setattr(helm, "SDK_PYTHON", tmp_path / "none")
    client = helm.Helm()
    with pytest.raises(helm.HelmUnavailable, match="helm.sh/docs/intro/install"):
        client.template("todo-backend", helm.CHARTS["backend"])
    with pytest.raises(helm.HelmUnavailable, match="make helm-sdk"):
        client.lint(helm.CHARTS["backend"])
