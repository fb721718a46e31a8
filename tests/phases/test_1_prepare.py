"""Plan phase 1, PREPARE: steps 1.1 to 1.7, in plan order. Cluster steps run on cluster targets."""

import shutil
import subprocess

import pytest

from fixtures import images, proc
from fixtures.evidence import Evidence
from fixtures.settings import HarnessSettings
from fixtures.targets import ClusterTarget, Deployment, Target, require_cluster

pytestmark = pytest.mark.phase1

AI_TOOLS = {
    "gordon": ["docker", "ai", "--help"],
    "kubectl-ai": ["kubectl-ai", "--help"],
    "kagent": ["kagent", "--help"],
}


def _needs_cluster(target: Target, kind: str | None = None) -> ClusterTarget:
    return require_cluster(target, kind=kind)


@pytest.mark.order(110)
def test_1_1_docker_is_running(target: Target, evidence: Evidence) -> None:
    if "docker" not in target.capabilities:
        pytest.skip(f"target {target.kind} runs no containers")
    problem = images.daemon_problem()
    evidence.text("docker info", problem or "the daemon answers")
    assert problem is None, problem


@pytest.mark.order(120)
def test_1_2_minikube_is_running(target: Target) -> None:
    cluster = _needs_cluster(target, "minikube").cluster
    assert cluster.detect() is None, cluster.detect()


@pytest.mark.order(130)
def test_1_3_minikube_docker_env(target: Target, evidence: Evidence) -> None:
    _needs_cluster(target, "minikube")
    done = proc.run(["minikube", "docker-env"], timeout=60)
    evidence.text("minikube docker-env", done.stdout)
    assert "DOCKER_HOST" in done.stdout


@pytest.mark.order(140)
def test_1_4_kubectl_context(target: Target, settings: HarnessSettings, evidence: Evidence) -> None:
    cluster = _needs_cluster(target).cluster
    current = proc.run(["kubectl", "config", "current-context"], timeout=30).stdout.strip()
    evidence.text("kubectl config current-context", current)
    expected = settings.kube_context if cluster.kind == "kube" else cluster.context
    assert expected in (None, current), f"kubectl's context is {current}, the target uses {expected}"


@pytest.mark.order(150)
def test_1_5_helm_is_installed(target: Target, evidence: Evidence) -> None:
    helm = _needs_cluster(target).helm
    assert helm.binary is not None, "install Helm 3 (https://helm.sh/docs/intro/install/)"
    version = proc.run([helm.binary, "version", "--short"], timeout=30).stdout.strip()
    evidence.text("helm version", version)
    assert version.startswith("v3."), f"Helm 3 is needed, found {version}"


@pytest.mark.order(160)
def test_1_6_ai_tools_inventory(evidence: Evidence) -> None:
    """Which of the plan's AI tools are here. Optional tools: absent is fine, never a failure."""
    inventory = {}
    for name, argv in AI_TOOLS.items():
        if shutil.which(argv[0]) is None:
            inventory[name] = "not installed"
            continue
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        inventory[name] = "available" if done.returncode == 0 else f"installed, but `{' '.join(argv)}` fails"
    evidence.json("AI tools (plan 1.6; fallbacks in docs/AI-TOOLS-GUIDE.md)", inventory)
    assert set(inventory) == set(AI_TOOLS)


@pytest.mark.order(170)
def test_1_7_namespace_exists(target: Target, deployment: Deployment, settings: HarnessSettings) -> None:
    cluster = _needs_cluster(target)
    namespaces = [n.metadata.name for n in cluster.kube.core.list_namespace().items]
    assert settings.namespace in namespaces
