"""Plan phase 4, DEPLOY: 4.1 (the secrets file) everywhere, 4.2-4.8 on cluster targets."""

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from fixtures.evidence import Evidence
from fixtures.settings import REPO_ROOT
from fixtures.targets import (
    BACKEND_RELEASE,
    FRONTEND_RELEASE,
    SELECTORS,
    ClusterTarget,
    Deployment,
    Target,
    require_cluster,
)

pytestmark = pytest.mark.phase4


def _cluster(target: Target) -> ClusterTarget:
    return require_cluster(target)


@pytest.mark.order(410)
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


@pytest.mark.order(420)
def test_4_2_to_4_6_releases_installed_and_ready(target: Target, deployment: Deployment, evidence: Evidence) -> None:
    cluster = _cluster(target)
    evidence.json("installs", cluster.record.installs)
    for release in (BACKEND_RELEASE, FRONTEND_RELEASE):
        # Installed by this session, or deployed before it (scripts/deploy.sh) and used as it is.
        outcome = cluster.record.installs.get(release, "not attempted")
        assert outcome == "ok" or outcome.startswith("existing release"), f"{release}: {outcome}"
        cluster.kube.wait_ready(SELECTORS[release], timeout=30)


@pytest.mark.order(440)
def test_4_4_backend_health_from_inside_the_cluster(target: Target, deployment: Deployment, evidence: Evidence) -> None:
    cluster = _cluster(target)
    pod = cluster.kube.pods(SELECTORS[BACKEND_RELEASE])[0]["metadata"]["name"]
    code = "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:8000/health').status)"
    output = cluster.kube.exec(pod, ["python3", "-c", code], container="api")
    evidence.text(f"kubectl exec {pod} -- GET /health", output)
    assert output.strip() == "200"


@pytest.mark.order(470)
def test_4_7_and_4_8_frontend_exposed_and_loads(target: Target, deployment: Deployment, evidence: Evidence) -> None:
    _cluster(target)
    response = httpx.get(f"{deployment.frontend_url}/login", timeout=15)
    evidence.text(f"GET {deployment.frontend_url}/login", f"{response.status_code}")
    assert response.status_code == 200 and "Log in" in response.text
