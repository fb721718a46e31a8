"""Plan phase 1, PREPARE: steps 1.1 to 1.7, in plan order. Cluster steps run on cluster targets."""

import re
import shutil
import subprocess

import pytest

from fixtures import images, proc, usage
from fixtures.evidence import Evidence
from fixtures.helm import INSTALL_HINT, major_version
from fixtures.profile_model import Profile
from fixtures.settings import HarnessSettings
from fixtures.targets import ClusterTarget, Deployment

# Phase steps are part of every tier's run: the criteria rest on them (see README, "Phases").
pytestmark = [pytest.mark.phase1, pytest.mark.mvp]

AI_TOOLS = {
    "gordon": ["docker", "ai", "--help"],
    "kubectl-ai": ["kubectl-ai", "--help"],
    "kagent": ["kagent", "--help"],
}


@pytest.mark.needs("docker")
def test_1_1_docker_is_running(evidence: Evidence) -> None:
    problem = images.daemon_problem()
    evidence.text("docker info", problem or "the daemon answers")
    assert problem is None, problem


@pytest.mark.needs("cluster", kind="minikube")
def test_1_2_minikube_is_running(cluster_target: ClusterTarget) -> None:
    cluster = cluster_target.cluster
    assert cluster.detect() is None, cluster.detect()


@pytest.mark.needs("cluster", kind="minikube")
def test_1_3_minikube_docker_env(evidence: Evidence) -> None:
    done = proc.run(["minikube", "docker-env"], timeout=60)
    evidence.text("minikube docker-env", done.stdout)
    assert "DOCKER_HOST" in done.stdout


@pytest.mark.needs("cluster")
def test_1_4_kubectl_context(cluster_target: ClusterTarget, settings: HarnessSettings, evidence: Evidence) -> None:
    cluster = cluster_target.cluster
    current = proc.run(["kubectl", "config", "current-context"], timeout=30).stdout.strip()
    evidence.text("kubectl config current-context", current)
    expected = settings.kube_context or cluster.context
    if expected is not None:
        assert current == expected, f"kubectl's context is {current}, the target uses {expected}"
    # The context kubectl uses answers, as the cluster the target deployed to.
    ready = proc.run(["kubectl", "--context", current, "get", "--raw", "/readyz"], timeout=30, check=False)
    evidence.text(f"kubectl --context {current} get --raw /readyz", ready.stdout + ready.stderr)
    assert ready.returncode == 0 and ready.stdout.strip() == "ok", f"context {current} does not answer"


@pytest.mark.needs("cluster")
def test_1_5_helm_is_installed(cluster_target: ClusterTarget, evidence: Evidence) -> None:
    helm = cluster_target.helm
    assert helm.binary is not None, INSTALL_HINT
    evidence.text("helm version --short", f"{helm.version}\n{helm.tool}")
    # Helm 3 and Helm 4 both install the charts (Helm 4: server-side apply, kstatus waits).
    assert major_version(helm.version) in (3, 4), f"Helm 3 or 4 is needed, found {helm.version!r}"


@pytest.mark.needs("repository", profile="docs.ai_tools_guide")
def test_1_6_ai_tools_inventory(app_profile: Profile, settings: HarnessSettings, evidence: Evidence) -> None:
    """Which of the plan's AI tools are here. They are optional (plan risk R-05): an absent tool is
    no failure, but the app's AI tools guide must name it and say what is done without it."""
    inventory = {}
    for name, argv in AI_TOOLS.items():
        if shutil.which(argv[0]) is None:
            inventory[name] = "not installed"
            continue
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        if name == "gordon" and done.returncode == 0 and not usage.gordon_answers(done.stdout + done.stderr):
            inventory[name] = "not installed (docker has no `ai` plugin)"
            continue
        inventory[name] = "available" if done.returncode == 0 else f"installed, but `{' '.join(argv)}` fails"
    # The guide: the one of the profile's guides (S-07) that must cover every tool.
    guide = app_profile.ai_tools_guide()
    assert guide is not None  # needs(profile="docs.ai_tools_guide")
    evidence.json(f"AI tools (plan 1.6; fallbacks in {guide})", inventory)
    path = settings.app_repo / guide
    absent = [name for name, status in inventory.items() if status != "available"]
    assert path.is_file(), f"{guide} (the profile's AI tools guide) is missing from {settings.app_repo}" + (
        f": {', '.join(absent)} not available here, and no fallback is documented" if absent else ""
    )
    text = path.read_text()
    for name, status in inventory.items():
        if status == "available":
            continue
        assert name.lower() in text.lower(), f"{name} is {status}, and {guide} does not name it"
    if absent:
        assert re.search(r"fallback|without|instead|manual|plain (command|kubectl|docker|helm)", text, re.I), (
            f"{', '.join(absent)} not available here, and {guide} says nothing of what to do without them"
        )


@pytest.mark.needs("cluster")
def test_1_7_namespace_exists(
    cluster_target: ClusterTarget, deployment: Deployment, settings: HarnessSettings, evidence: Evidence
) -> None:
    kube = cluster_target.kube
    namespace = kube.core.read_namespace(settings.namespace)
    evidence.text(f"namespace {settings.namespace}", f"phase {namespace.status.phase}")
    assert namespace.status.phase == "Active", f"namespace {settings.namespace} is {namespace.status.phase}"
    # The app went there, not into a namespace of its own making.
    for image in ("backend", "frontend"):
        assert cluster_target.pods_of(image), f"no pod runs the {image} image in namespace {settings.namespace}"
