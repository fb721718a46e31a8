"""Plan phase 3, PACKAGE: the charts' files (3.1-3.8, 3.10-3.16), lint (3.9, 3.17) and the
rendered manifests (3.18), in plan order.

Lint and the render's validity for the oldest Kubernetes the charts admit read the app's own charts
(the profile's releases, in --app-repo); the file checklists and the hardening of the render follow
this repository's own charts and conventions (own_app)."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from fixtures import manifests
from fixtures.evidence import Evidence
from fixtures.helm import Helm, HelmUnavailable
from fixtures.profile import PLACEHOLDERS, Profile, Release, fill_values
from fixtures.settings import HarnessSettings

pytestmark = [pytest.mark.phase3, pytest.mark.mvp]

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


def _app_charts(app: Profile, repo: Path) -> dict[str, tuple[Release, Path]]:
    """Each release of the app: (release, its chart folder in the app's repository)."""
    return {release.name: (release, repo / release.chart) for release in app.deploy.releases}


def _render_values(release: Release, repo: Path) -> dict[str, Any]:
    """A release's values as the cluster target gives them, less what only a deployment knows."""
    values: dict[str, Any] = {}
    for values_file in release.values:
        values |= yaml.safe_load((repo / values_file).read_text()) or {}
    none = dict.fromkeys(PLACEHOLDERS, "")
    return values | fill_values(release.set, none)


@pytest.fixture
def charts(app_profile: Profile, settings: HarnessSettings) -> dict[str, Path]:
    """Image name -> the chart of the release that runs it, in the app's repository."""
    return {image: settings.app_repo / r.chart for r in app_profile.deploy.releases for image in r.images}


def _check_files(chart: Path, name: str, evidence: Evidence) -> None:
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


def _lint(app: Profile, repo: Path, image: str, evidence: Evidence) -> None:
    """`helm lint --strict` of the chart that runs `image`, with its release's values."""
    if not app.deploy.releases:  # nothing to judge: NOT RUN, with what the profile lacks
        pytest.skip("the app profile names no Helm release (deploy.releases): no chart to lint")
    release = app.release_of(image)
    assert release is not None, f"no release of the app profile runs the {image} image"
    chart = repo / release.chart
    try:
        result = Helm().lint(chart, values=_render_values(release, repo))
    except HelmUnavailable as exc:
        pytest.skip(str(exc))
    evidence.text(f"lint {chart.name} ({result.tool})", result.output)
    assert result.ok, f"{chart.name} does not lint clean with {result.tool}:\n{result.output[-2000:]}"


@pytest.mark.needs("own_app")
def test_3_1_to_3_8_backend_chart_files(charts: dict[str, Path], evidence: Evidence) -> None:
    _check_files(charts["backend"], "backend", evidence)


@pytest.mark.needs("repository")
def test_3_9_backend_chart_lints_clean(app_profile: Profile, settings: HarnessSettings, evidence: Evidence) -> None:
    _lint(app_profile, settings.app_repo, "backend", evidence)


@pytest.mark.needs("own_app")
def test_3_10_to_3_16_frontend_chart_files(charts: dict[str, Path], evidence: Evidence) -> None:
    _check_files(charts["frontend"], "frontend", evidence)  # the NodePort (30080) is checked on the render, in 3.18


@pytest.mark.needs("repository")
def test_3_17_frontend_chart_lints_clean(app_profile: Profile, settings: HarnessSettings, evidence: Evidence) -> None:
    _lint(app_profile, settings.app_repo, "frontend", evidence)


@pytest.mark.needs("own_app")
def test_3_18_charts_render_valid_hardened_manifests(charts: dict[str, Path], evidence: Evidence) -> None:
    client = Helm()
    try:
        backend = client.template("todo-backend", charts["backend"], values=SECRET_VALUES)
        frontend = client.template("todo-frontend", charts["frontend"])
    except HelmUnavailable as exc:
        pytest.skip(str(exc))
    evidence.text(f"helm template todo-backend ({backend.tool})", backend.text)
    evidence.text(f"helm template todo-frontend ({frontend.tool})", frontend.text)
    rendered: list[dict[str, Any]] = backend.objects + frontend.objects
    problems: list[str] = []
    versions = manifests.schema_versions(_kube_version_floor(list(charts.values())))
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


@pytest.mark.needs("repository")
def test_3_18_charts_render_valid_for_the_oldest_kubernetes_they_admit(
    app_profile: Profile, settings: HarnessSettings, evidence: Evidence
) -> None:
    """kubeVersion ">=1.20.0-0": the renders must be valid for 1.20, whose schemas kubernetes-validate
    no longer ships; its OpenAPI document comes from Debian's source package of v1.20.2, kept by
    scripts/dev/build-kubernetes.sh beside the binaries."""
    charts = _app_charts(app_profile, settings.app_repo)
    if not charts:
        pytest.skip("the app profile names no Helm release (deploy.releases): no chart to render")
    constraint = _kube_version_floor([chart for _release, chart in charts.values()])
    floor = re.search(r">=\s*v?(\d+\.\d+)", constraint)
    assert floor, f"the charts' kubeVersion {constraint!r} names no lower bound"
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
            obj
            for name, (release, chart) in charts.items()
            for obj in client.template(name, chart, values=_render_values(release, settings.app_repo)).objects
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


def _kube_version_floor(charts: list[Path]) -> str:
    """The charts' shared `kubeVersion` constraint; the charts must agree on it."""
    metas = [yaml.safe_load((chart / "Chart.yaml").read_text()) for chart in charts]
    constraints = {meta.get("kubeVersion", "") for meta in metas}
    assert len(constraints) == 1, f"the charts disagree on kubeVersion: {constraints}"
    return str(constraints.pop())
