"""Plan phase 4, DEPLOY: 4.2-4.8 on cluster targets (4.1, how our scripts make the secrets file, is
this repository's own test: tests/ours)."""

import httpx
import pytest
import yaml

from fixtures.evidence import Evidence
from fixtures.profile_model import Profile
from fixtures.targets import ClusterTarget, Deployment

pytestmark = [pytest.mark.phase4, pytest.mark.mvp]


def _install_ok(cluster: ClusterTarget, image: str, evidence: Evidence) -> None:
    """The release that runs `image` is deployed, from the app's own chart (an umbrella chart: one release)."""
    release = cluster.release_of(image)
    # How the session got it: installed now, or an existing release (deployed by its scripts) used as it is.
    evidence.json(f"helm upgrade --install {release.name}", {"outcome": cluster.record.installs.get(release.name, "")})
    history = cluster.helm.history(release.name)
    evidence.json(f"helm history {release.name} ({cluster.helm.tool})", [r.__dict__ for r in history])
    assert history and history[-1].status == "deployed", f"{release.name}: {history[-1:] or 'no release'}"
    # The release runs the app repository's chart, not an older or another one.
    chart = yaml.safe_load((cluster.chart_of(release) / "Chart.yaml").read_text())
    assert history[-1].chart == f"{chart['name']}-{chart['version']}", history[-1]


def _pods_running(cluster: ClusterTarget, image: str, evidence: Evidence) -> None:
    pods = cluster.describe_image_pods(image)
    evidence.json(f"kubectl get pods (running the {image} image)", pods)
    assert pods, f"no pods run the {image} image"
    for pod in pods:
        ready, _, total = pod["ready"].partition("/")
        assert pod["phase"] == "Running" and ready == total, pod


@pytest.mark.criterion("C-04")
def test_4_2_c04_backend_chart_deploys(
    cluster_target: ClusterTarget, deployment: Deployment, evidence: Evidence
) -> None:
    _install_ok(cluster_target, "backend", evidence)


@pytest.mark.criterion("C-06")
def test_4_3_c06_backend_pods_running(
    cluster_target: ClusterTarget, deployment: Deployment, evidence: Evidence
) -> None:
    _pods_running(cluster_target, "backend", evidence)


@pytest.mark.needs("cluster")
def test_4_4_backend_health_from_inside_the_cluster(
    cluster_target: ClusterTarget, deployment: Deployment, evidence: Evidence, app_profile: Profile
) -> None:
    pod = cluster_target.pods_of("backend")[0]
    container = cluster_target.container_of(pod, "backend")
    spec = next(c for c in pod["spec"]["containers"] if c["name"] == container)
    port = (spec.get("ports") or [{}])[0].get("containerPort", app_profile.deploy.backend_port)
    url = f"http://127.0.0.1:{port}{app_profile.api.health.path}"
    code = f"import urllib.request; print(urllib.request.urlopen({url!r}).status)"
    name = pod["metadata"]["name"]
    output = cluster_target.kube.exec(name, ["python3", "-c", code], container=container)
    evidence.text(f"kubectl exec {name} -- GET {url}", output)
    assert output.strip() == "200"
    # And through its Service, from another pod: the chart's `helm test` hook (fails the run if it fails).
    helm, release = cluster_target.helm, cluster_target.release_of("backend").name
    evidence.text(f"helm test {release} ({helm.tool})", helm.test(release))


@pytest.mark.criterion("C-05")
def test_4_5_c05_frontend_chart_deploys(
    cluster_target: ClusterTarget, deployment: Deployment, evidence: Evidence
) -> None:
    _install_ok(cluster_target, "frontend", evidence)


@pytest.mark.criterion("C-07")
def test_4_6_c07_frontend_pods_running(
    cluster_target: ClusterTarget, deployment: Deployment, evidence: Evidence
) -> None:
    _pods_running(cluster_target, "frontend", evidence)


@pytest.mark.needs("cluster")
def test_4_7_and_4_8_frontend_exposed_and_loads(
    cluster_target: ClusterTarget, base_url: str, evidence: Evidence, app_profile: Profile
) -> None:
    login = app_profile.ui.pages.login or "/"  # the landing page, where the profile names no login page
    response = httpx.get(f"{base_url}{login}", timeout=15, follow_redirects=True)
    evidence.text(f"GET {base_url}{login}", f"{response.status_code} {response.url}")
    assert response.status_code == 200 and "<html" in response.text.lower(), response.text[:300]
    # And from inside the cluster, through its Service: the chart's `helm test` hook.
    helm, release = cluster_target.helm, cluster_target.release_of("frontend").name
    evidence.text(f"helm test {release} ({helm.tool})", helm.test(release))
