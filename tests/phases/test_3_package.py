"""Plan phase 3, PACKAGE: the charts' files (3.1-3.8, 3.10-3.16), lint (3.9, 3.17) and the
rendered manifests (3.18), in plan order, on the app's own charts (the profile's releases, in
--app-repo): what each chart holds, and what its render makes, as the plan's steps name them.
This repository's own chart conventions are its own tests (tests/ours)."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from fixtures import manifests
from fixtures.evidence import Evidence
from fixtures.helm import Helm
from fixtures.needs import unmet
from fixtures.profile_model import PLACEHOLDERS, Profile, Release, fill_values
from fixtures.settings import HarnessSettings

pytestmark = [pytest.mark.phase3, pytest.mark.mvp]

# What each chart's render must make, by the plan's steps: a Deployment (3.4, 3.13), a Service
# (3.5; the frontend's a NodePort, 3.14), a ConfigMap (3.6, 3.15) and, for the backend, a Secret (3.7).
PLAN_KINDS = {
    "backend": ("Deployment", "Service", "ConfigMap", "Secret"),
    "frontend": ("Deployment", "Service", "ConfigMap"),
}


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


def _release(app: Profile, image: str) -> Release:
    """The release that runs `image` (the tests need(profile="deploy.releases"))."""
    release = app.release_of(image)
    assert release is not None, f"no release of the app profile runs the {image} image"
    return release


def _check_chart(app: Profile, repo: Path, image: str, evidence: Evidence) -> None:
    """The chart that runs `image` has its metadata (Chart.yaml), its defaults (values.yaml) and
    template helpers (a .tpl file), and its render makes what the plan's templates make."""
    release = _release(app, image)
    chart = repo / release.chart
    missing = [name for name in ("Chart.yaml", "values.yaml") if not (chart / name).is_file()]
    assert not missing, f"{release.chart} lacks {missing}"
    meta = yaml.safe_load((chart / "Chart.yaml").read_text()) or {}
    evidence.json(f"{release.chart}/Chart.yaml", meta)
    assert meta.get("apiVersion") == "v2", f"{release.chart}/Chart.yaml: apiVersion {meta.get('apiVersion')!r}, not v2"
    assert list(chart.rglob("*.tpl")), f"{release.chart} has no template helpers (templates/_helpers.tpl)"
    rendered = Helm().template(release.name, chart, values=_render_values(release, repo)).objects
    kinds = sorted({str(o.get("kind")) for o in rendered})
    evidence.json(
        f"what {release.chart} renders", [f"{o.get('kind')}/{o.get('metadata', {}).get('name')}" for o in rendered]
    )
    lacking = ", ".join(kind for kind in PLAN_KINDS[image] if kind not in kinds)
    assert not lacking, f"{release.chart} renders no {lacking} (the plan's {image} templates); it renders {kinds}"
    if image == "frontend":
        services = [o for o in rendered if o.get("kind") == "Service"]
        assert any(o.get("spec", {}).get("type") == "NodePort" for o in services), (
            f"{release.chart} renders no NodePort Service (plan 3.14)"
        )


def _lint(app: Profile, repo: Path, image: str, evidence: Evidence) -> None:
    """`helm lint --strict` of the chart that runs `image`, with its release's values."""
    release = _release(app, image)
    chart = repo / release.chart
    result = Helm().lint(chart, values=_render_values(release, repo))
    evidence.text(f"lint {chart.name} ({result.tool})", result.output)
    assert result.ok, f"{chart.name} does not lint clean with {result.tool}:\n{result.output[-2000:]}"


@pytest.mark.needs("repository", "helm", profile="deploy.releases")
def test_3_1_to_3_8_backend_chart_files(app_profile: Profile, settings: HarnessSettings, evidence: Evidence) -> None:
    _check_chart(app_profile, settings.app_repo, "backend", evidence)


@pytest.mark.needs("repository", "helm", profile="deploy.releases")
def test_3_9_backend_chart_lints_clean(app_profile: Profile, settings: HarnessSettings, evidence: Evidence) -> None:
    _lint(app_profile, settings.app_repo, "backend", evidence)


@pytest.mark.needs("repository", "helm", profile="deploy.releases")
def test_3_10_to_3_16_frontend_chart_files(app_profile: Profile, settings: HarnessSettings, evidence: Evidence) -> None:
    _check_chart(app_profile, settings.app_repo, "frontend", evidence)


@pytest.mark.needs("repository", "helm", profile="deploy.releases")
def test_3_17_frontend_chart_lints_clean(app_profile: Profile, settings: HarnessSettings, evidence: Evidence) -> None:
    _lint(app_profile, settings.app_repo, "frontend", evidence)


@pytest.mark.needs("repository", "helm", profile="deploy.releases")
def test_3_18_charts_render_valid_manifests(
    app_profile: Profile, settings: HarnessSettings, evidence: Evidence
) -> None:
    """`helm template` of every release: objects valid for the oldest and the newest Kubernetes whose
    schemas are installed that the charts admit."""
    charts = _app_charts(app_profile, settings.app_repo)
    client = Helm()
    rendered = [
        obj
        for name, (release, chart) in charts.items()
        for obj in client.template(name, chart, values=_render_values(release, settings.app_repo)).objects
    ]
    versions = manifests.schema_versions(_kube_version_floor([chart for _release, chart in charts.values()]))
    problems = [problem for version in versions for problem in manifests.schema_problems(rendered, version)]
    evidence.json(
        "rendered objects checked",
        {"objects": [f"{o['kind']}/{o['metadata']['name']}" for o in rendered], "kubernetes schemas": versions},
    )
    assert not problems, "\n".join(problems)


@pytest.mark.needs("repository", "helm", profile="deploy.releases")
def test_3_18_charts_render_valid_for_the_oldest_kubernetes_they_admit(
    app_profile: Profile, settings: HarnessSettings, evidence: Evidence
) -> None:
    """kubeVersion ">=1.20.0-0": the renders must be valid for 1.20, whose schemas kubernetes-validate
    no longer ships; its OpenAPI document comes from Debian's source package of v1.20.2, kept by
    scripts/dev/build-kubernetes.sh beside the binaries."""
    charts = _app_charts(app_profile, settings.app_repo)
    constraint = _kube_version_floor([chart for _release, chart in charts.values()])
    floor = re.search(r">=\s*v?(\d+\.\d+)", constraint)
    if not floor:  # a chart that says nothing of its oldest Kubernetes is not held to ours (real apps' charts)
        said = f"kubeVersion {constraint!r} names no lower bound" if constraint else "declare no kubeVersion"
        unmet(f"the charts {said}: there is no oldest Kubernetes they admit to check the render against")
    document_path = manifests.oldest_openapi_document()
    if floor.group(1) != document_path.parent.name.lstrip("v").rsplit(".", 1)[0]:
        pytest.fail(
            f"the charts admit Kubernetes {floor.group(1)}, but the OpenAPI document at hand is of {document_path}"
        )
    if not document_path.is_file():
        unmet(
            f"Kubernetes {floor.group(1)}'s OpenAPI document is not on this machine ({document_path})",
            "scripts/dev/build-kubernetes.sh keeps it (from Debian's source package)",
        )
    client = Helm()
    rendered = [
        obj
        for name, (release, chart) in charts.items()
        for obj in client.template(name, chart, values=_render_values(release, settings.app_repo)).objects
    ]
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
