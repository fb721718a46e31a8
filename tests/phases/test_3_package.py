"""Plan phase 3, PACKAGE: the charts' files (3.1-3.8, 3.10-3.16), lint (3.9, 3.17) and the
rendered manifests (3.18), in plan order."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from fixtures import manifests
from fixtures.evidence import Evidence
from fixtures.helm import Helm, HelmUnavailable
from tests.ours import CHARTS

pytestmark = [pytest.mark.phase3, pytest.mark.mvp, pytest.mark.needs("own_app")]

# The plan's deliverables checklist (7.4), chart by chart.
CHECKLIST = {
    "backend": [
        "Chart.yaml",
        "values.yaml",
        "templates/deployment.yaml",
        "templates/service.yaml",
        "templates/configmap.yaml",
        "templates/secret.yaml",
        "templates/_helpers.tpl",
    ],
    "frontend": [
        "Chart.yaml",
        "values.yaml",
        "templates/deployment.yaml",
        "templates/service.yaml",
        "templates/configmap.yaml",
        "templates/_helpers.tpl",
    ],
}
# Secret values fed to the render, which must then appear in no ConfigMap.
SECRET_VALUES = {
    "secrets.secretKey": "render-check-secret-key-0123456789",
    "secrets.openaiApiKey": "sk-render-check-openai",
    "postgresql.password": "render-check-db-password",
}


def _undocumented_values(values_file: Path) -> list[str]:
    """Keys of values.yaml that are neither under a comment nor in a documented block.

    Walking up from a key: deeper lines are skipped; a comment, the parent key or a sibling key
    (same block) documents it; a blank line first means it stands undocumented.
    """
    lines = values_file.read_text().splitlines()
    missing = []
    for index, line in enumerate(lines):
        match = re.match(r"^(\s*)([A-Za-z][A-Za-z0-9]*):", line)
        if not match:
            continue
        indent = len(match.group(1))
        documented = False
        for above in reversed(lines[:index]):
            if not above.strip():
                break
            depth = len(above) - len(above.lstrip())
            if depth > indent:
                continue
            documented = above.strip().startswith("#") or depth < indent or bool(re.match(r"\s*[A-Za-z]", above))
            break
        if not documented:
            missing.append(match.group(2))
    return missing


def _check_files(name: str, evidence: Evidence) -> None:
    chart = CHARTS[name]
    missing = [f for f in CHECKLIST[name] if not (chart / f).is_file()]
    assert not missing, f"{chart.name} lacks {missing}"
    meta = yaml.safe_load((chart / "Chart.yaml").read_text())
    evidence.json(f"{chart.name}/Chart.yaml", meta)
    assert meta["apiVersion"] == "v2" and meta["name"] == chart.name and meta["type"] == "application"
    for extra in ("values.schema.json", "templates/NOTES.txt"):
        assert (chart / extra).is_file(), f"{chart.name} lacks {extra}"
    assert list((chart / "templates" / "tests").glob("*.yaml")), f"{chart.name} has no `helm test` pod"
    undocumented = _undocumented_values(chart / "values.yaml")
    assert not undocumented, f"undocumented values in {chart.name}: {undocumented}"


def _lint(name: str, evidence: Evidence) -> None:
    try:
        result = Helm().lint(CHARTS[name])
    except HelmUnavailable as exc:
        pytest.skip(str(exc))
    evidence.text(f"lint {CHARTS[name].name} ({result.tool})", result.output)
    assert result.ok, f"{CHARTS[name].name} does not lint clean with {result.tool}:\n{result.output[-2000:]}"


def test_3_1_to_3_8_backend_chart_files(evidence: Evidence) -> None:
    _check_files("backend", evidence)


def test_3_9_backend_chart_lints_clean(evidence: Evidence) -> None:
    _lint("backend", evidence)


def test_3_10_to_3_16_frontend_chart_files(evidence: Evidence) -> None:
    _check_files("frontend", evidence)  # the NodePort (30080) is checked on the render, in 3.18


def test_3_17_frontend_chart_lints_clean(evidence: Evidence) -> None:
    _lint("frontend", evidence)


def test_3_18_charts_render_valid_hardened_manifests(evidence: Evidence) -> None:
    client = Helm()
    try:
        backend = client.template("todo-backend", CHARTS["backend"], values=SECRET_VALUES)
        frontend = client.template("todo-frontend", CHARTS["frontend"])
    except HelmUnavailable as exc:
        pytest.skip(str(exc))
    evidence.text(f"helm template todo-backend ({backend.tool})", backend.text)
    evidence.text(f"helm template todo-frontend ({frontend.tool})", frontend.text)
    rendered: list[dict[str, Any]] = backend.objects + frontend.objects
    problems: list[str] = []
    versions = manifests.schema_versions(_kube_version_floor())
    for version in versions:
        problems += manifests.schema_problems(rendered, version)
    for obj in rendered:
        # The database runs the official image, whose entrypoint writes outside its volume.
        database = obj.get("metadata", {}).get("labels", {}).get("app.kubernetes.io/component") == "database"
        problems += manifests.workload_problems(obj, read_only_root=not database)
        problems += manifests.checksum_problems(obj)
    problems += manifests.node_port_problems(rendered, 30080)  # the plan's (C-09: localhost:30080)
    problems += manifests.configmap_secret_problems(rendered, SECRET_VALUES.values())
    problems += manifests.label_problems(rendered)
    evidence.json(
        "rendered objects checked",
        {"objects": [f"{o['kind']}/{o['metadata']['name']}" for o in rendered], "kubernetes schemas": versions},
    )
    assert not problems, "\n".join(problems)
    api = next(o for o in rendered if o["kind"] == "Deployment" and o["metadata"]["name"] == "todo-backend")
    assert manifests.probe_paths(api) == {
        "startupProbe": "/livez",
        "livenessProbe": "/livez",
        "readinessProbe": "/health",
    }


def test_3_18_charts_render_valid_for_the_oldest_kubernetes_they_admit(evidence: Evidence) -> None:
    """kubeVersion ">=1.20.0-0": the renders must be valid for 1.20, whose schemas kubernetes-validate
    no longer ships; its OpenAPI document comes from Debian's source package of v1.20.2, kept by
    scripts/dev/build-kubernetes.sh beside the binaries."""
    floor = re.search(r">=\s*v?(\d+\.\d+)", _kube_version_floor())
    assert floor, f"the charts' kubeVersion {_kube_version_floor()!r} names no lower bound"
    document_path = manifests.oldest_openapi_document()
    if floor.group(1) != document_path.parent.name.lstrip("v").rsplit(".", 1)[0]:
        pytest.fail(
            f"the charts admit Kubernetes {floor.group(1)}, but the OpenAPI document at hand is of {document_path}"
        )
    if not document_path.is_file():
        pytest.skip(
            f"Kubernetes {floor.group(1)}'s OpenAPI document is not on this machine ({document_path}); "
            "scripts/dev/build-kubernetes.sh keeps it (from Debian's source package)"
        )
    client = Helm()
    try:
        rendered = [
            *client.template("todo-backend", CHARTS["backend"], values=SECRET_VALUES).objects,
            *client.template("todo-frontend", CHARTS["frontend"]).objects,
        ]
    except HelmUnavailable as exc:
        pytest.skip(str(exc))
    label = document_path.parent.name
    problems = manifests.openapi_problems(rendered, json.loads(document_path.read_text()), label)
    evidence.json(
        f"rendered objects checked against Kubernetes {label}'s OpenAPI document",
        {"objects": [f"{o['kind']}/{o['metadata']['name']}" for o in rendered], "document": str(document_path)},
    )
    assert not problems, "\n".join(problems)


def _kube_version_floor() -> str:
    """The charts' shared `kubeVersion` constraint; the two charts must agree on it."""
    charts = [yaml.safe_load((chart / "Chart.yaml").read_text()) for chart in CHARTS.values()]
    constraints = {chart.get("kubeVersion", "") for chart in charts}
    assert len(constraints) == 1, f"the charts disagree on kubeVersion: {constraints}"
    return str(constraints.pop())
