"""Plan phase 4, DEPLOY: 4.1 (the secrets file) everywhere, 4.2-4.8 on cluster targets."""

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml

from fixtures.evidence import Evidence
from fixtures.helm import CHARTS
from fixtures.settings import REPO_ROOT
from fixtures.targets import BACKEND_RELEASE, FRONTEND_RELEASE, SELECTORS, ClusterTarget, Deployment

pytestmark = [pytest.mark.phase4, pytest.mark.mvp]


def test_4_1_secrets_file_from_env(tmp_path: Path, evidence: Evidence) -> None:
    env = tmp_path / ".env"
    env.write_text((REPO_ROOT / ".env.example").read_text() + "SECRET_KEY=from-env-file-0123456789\n")
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "env_to_values.py"), str(env)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    values = json.loads(done.stdout)
    evidence.json("values from .env.example (+ a SECRET_KEY)", {k: sorted(v) for k, v in values.items()})
    assert values["secrets"]["secretKey"] == "from-env-file-0123456789"
    for secret_path in (".env", ".secrets/backend-values.yaml"):
        ignored = subprocess.run(["git", "check-ignore", "-q", secret_path], cwd=REPO_ROOT)
        assert ignored.returncode == 0, f"{secret_path} must be ignored by git (plan risk R-10)"


CHART_OF = {BACKEND_RELEASE: "backend", FRONTEND_RELEASE: "frontend"}


def _install_ok(cluster: ClusterTarget, release: str, evidence: Evidence) -> None:
    # How the session got it: installed now, or an existing release (scripts/deploy.sh) used as it is.
    evidence.json(f"helm upgrade --install {release}", {"outcome": cluster.record.installs.get(release, "")})
    history = cluster.helm.history(release)
    evidence.json(f"helm history {release} ({cluster.helm.tool})", [r.__dict__ for r in history])
    assert history and history[-1].status == "deployed", f"{release}: {history[-1:] or 'no release'}"
    # The release runs this repository's chart, not an older or another one.
    chart = yaml.safe_load((CHARTS[CHART_OF[release]] / "Chart.yaml").read_text())
    assert history[-1].chart == f"{chart['name']}-{chart['version']}", history[-1]


def _pods_running(cluster: ClusterTarget, release: str, evidence: Evidence) -> None:
    pods = cluster.kube.describe(SELECTORS[release])
    evidence.json(f"kubectl get pods ({release})", pods)
    assert pods, f"no pods for {release}"
    for pod in pods:
        assert pod["phase"] == "Running" and pod["ready"] == "1/1", pod


@pytest.mark.criterion("C-04")
def test_4_2_c04_backend_chart_deploys(
    cluster_target: ClusterTarget, deployment: Deployment, evidence: Evidence
) -> None:
    _install_ok(cluster_target, BACKEND_RELEASE, evidence)


@pytest.mark.criterion("C-06")
def test_4_3_c06_backend_pods_running(
    cluster_target: ClusterTarget, deployment: Deployment, evidence: Evidence
) -> None:
    _pods_running(cluster_target, BACKEND_RELEASE, evidence)


@pytest.mark.needs("cluster")
def test_4_4_backend_health_from_inside_the_cluster(
    cluster_target: ClusterTarget, deployment: Deployment, evidence: Evidence
) -> None:
    pod = cluster_target.kube.pods(SELECTORS[BACKEND_RELEASE])[0]["metadata"]["name"]
    code = "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:8000/health').status)"
    output = cluster_target.kube.exec(pod, ["python3", "-c", code], container="api")
    evidence.text(f"kubectl exec {pod} -- GET /health", output)
    assert output.strip() == "200"
    # And through its Service, from another pod: the chart's `helm test` hook (fails the run if it fails).
    helm = cluster_target.helm
    evidence.text(f"helm test {BACKEND_RELEASE} ({helm.tool})", helm.test(BACKEND_RELEASE))


@pytest.mark.criterion("C-05")
def test_4_5_c05_frontend_chart_deploys(
    cluster_target: ClusterTarget, deployment: Deployment, evidence: Evidence
) -> None:
    _install_ok(cluster_target, FRONTEND_RELEASE, evidence)


@pytest.mark.criterion("C-07")
def test_4_6_c07_frontend_pods_running(
    cluster_target: ClusterTarget, deployment: Deployment, evidence: Evidence
) -> None:
    _pods_running(cluster_target, FRONTEND_RELEASE, evidence)


@pytest.mark.needs("cluster")
def test_4_7_and_4_8_frontend_exposed_and_loads(
    cluster_target: ClusterTarget, base_url: str, evidence: Evidence
) -> None:
    response = httpx.get(f"{base_url}/login", timeout=15)
    evidence.text(f"GET {base_url}/login", f"{response.status_code}")
    assert response.status_code == 200 and "Log in" in response.text
    # And from inside the cluster, through its Service: the chart's `helm test` hook.
    helm = cluster_target.helm
    evidence.text(f"helm test {FRONTEND_RELEASE} ({helm.tool})", helm.test(FRONTEND_RELEASE))
