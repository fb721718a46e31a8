"""Criteria only a cluster can prove: C-03..C-07, S-03..S-05, N-02, N-03.

On other targets each is NOT RUN with the reason (skipped before any fixture runs); on a cluster
target the deployment fixture has installed both charts with Helm before these run.
"""

import threading
import time
from typing import Any

import httpx
import pytest

from fixtures import proc
from fixtures.cluster import image_listed
from fixtures.evidence import Evidence
from fixtures.helm import CHARTS
from fixtures.images import Images
from fixtures.targets import (
    BACKEND_RELEASE,
    FRONTEND_RELEASE,
    SELECTORS,
    ClusterTarget,
    Deployment,
    Target,
    http_ok,
)

# Plan S-03: pods Ready within this many seconds of their install.
READY_WITHIN_S = 90


def _cluster(target: Target) -> ClusterTarget:
    assert isinstance(target, ClusterTarget), f"target {target.kind} is not a cluster target"
    return target


@pytest.mark.criterion("C-03")
def test_c03_images_are_in_the_cluster(
    target: Target, deployment: Deployment, image_set: Images, evidence: Evidence
) -> None:
    cluster = _cluster(target).cluster
    listed = cluster.image_list()
    evidence.text(f"{cluster.kind} image list", "\n".join(listed))
    for name in ("backend", "frontend"):
        tag = image_set.get(name).tag
        assert image_listed(listed, tag), f"{tag} is not in the cluster's images"


def _install_ok(target: Target, release: str, evidence: Evidence) -> None:
    record = _cluster(target).record
    outcome = record.installs.get(release, "not attempted")
    evidence.json(f"helm upgrade --install {release}", {"outcome": outcome})
    # "ok": installed by this session (exit code 0); an existing release was deployed before it.
    assert outcome == "ok" or outcome.startswith("existing release"), outcome
    history = _cluster(target).helm.history(release)
    evidence.json(f"helm history {release}", [r.__dict__ for r in history])
    assert history and history[-1].status == "deployed"


@pytest.mark.criterion("C-04")
def test_c04_backend_chart_deploys(target: Target, deployment: Deployment, evidence: Evidence) -> None:
    _install_ok(target, BACKEND_RELEASE, evidence)


@pytest.mark.criterion("C-05")
def test_c05_frontend_chart_deploys(target: Target, deployment: Deployment, evidence: Evidence) -> None:
    _install_ok(target, FRONTEND_RELEASE, evidence)


def _pods_running(target: Target, release: str, evidence: Evidence) -> None:
    kube = _cluster(target).kube
    pods = kube.describe(SELECTORS[release])
    evidence.json(f"kubectl get pods ({release})", pods)
    assert pods, f"no pods for {release}"
    for pod in pods:
        assert pod["phase"] == "Running" and pod["ready"] == "1/1", pod


@pytest.mark.criterion("C-06")
def test_c06_backend_pods_running(target: Target, deployment: Deployment, evidence: Evidence) -> None:
    _pods_running(target, BACKEND_RELEASE, evidence)


@pytest.mark.criterion("C-07")
def test_c07_frontend_pods_running(target: Target, deployment: Deployment, evidence: Evidence) -> None:
    _pods_running(target, FRONTEND_RELEASE, evidence)


@pytest.mark.criterion("S-03")
def test_s03_pods_ready_within_90_seconds(target: Target, deployment: Deployment, evidence: Evidence) -> None:
    ready = _cluster(target).record.ready_s
    evidence.json("seconds from helm install to Ready", ready)
    untimed = [r for r in (BACKEND_RELEASE, FRONTEND_RELEASE) if r not in ready]
    if untimed:
        pytest.skip(f"{', '.join(untimed)} existed before this session, so their start-up was not timed")
    for release in (BACKEND_RELEASE, FRONTEND_RELEASE):
        assert ready[release] <= READY_WITHIN_S, f"{release} took {ready[release]:.0f} s"


class _Traffic:
    """Requests to the app on a loop in a thread, counting the failed ones (N-02)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.sent = 0
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(timeout=5) as client:
            while not self._stop.is_set() and self.sent < 20_000:
                self.sent += 1
                try:
                    response = client.get(self.url)
                    if response.status_code >= 500:
                        self.failures.append(f"HTTP {response.status_code}")
                except httpx.HTTPError as exc:
                    self.failures.append(type(exc).__name__)
                time.sleep(0.05)

    def __enter__(self) -> "_Traffic":
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def _upgrade_log_level(cluster: ClusterTarget, level: str) -> None:
    # --reuse-values: the release keeps its own values (secrets included); only the log level changes.
    cluster.helm.upgrade_install(
        BACKEND_RELEASE, CHARTS["backend"], values={"config.logLevel": level}, reuse_values=True
    )
    cluster.kube.wait_ready(SELECTORS[BACKEND_RELEASE], timeout=180)


def _healthy(backend_url: str) -> None:
    """/health answers 200 after a roll (the port-forward follows the new pod within a second or two)."""
    proc.wait_for(lambda: http_ok(f"{backend_url}/health"), name="backend /health after the roll", timeout=30)


def _restore(cluster: ClusterTarget, revision: int) -> None:
    cluster.helm.rollback(BACKEND_RELEASE, revision)
    cluster.kube.wait_ready(SELECTORS[BACKEND_RELEASE], timeout=180)


@pytest.mark.criterion("S-04")
@pytest.mark.criterion("N-02")
def test_s04_n02_helm_upgrade_rolls_pods_without_downtime(
    target: Target, deployment: Deployment, evidence: Evidence
) -> None:
    cluster = _cluster(target)
    before = {p["name"] for p in cluster.kube.describe(SELECTORS[BACKEND_RELEASE])}
    original = cluster.helm.history(BACKEND_RELEASE)[-1].revision
    try:
        # Through the frontend's proxy: the path users take, across the backend's rolling update.
        with _Traffic(f"{deployment.frontend_url}/api/auth/me") as traffic:
            _upgrade_log_level(cluster, "DEBUG")
            time.sleep(2)
        after = {p["name"] for p in cluster.kube.describe(SELECTORS[BACKEND_RELEASE])}
        history = cluster.helm.history(BACKEND_RELEASE)
        evidence.json(
            "upgrade",
            {
                "pods_before": sorted(before),
                "pods_after": sorted(after),
                "requests": traffic.sent,
                "failures": traffic.failures,
                "history": [r.__dict__ for r in history],
            },
        )
        assert history[-1].revision == original + 1 and history[-1].status == "deployed"
        assert before.isdisjoint(after), "the changed ConfigMap did not roll the pods"
        assert cluster.helm.get_values(BACKEND_RELEASE)["config"]["logLevel"] == "DEBUG"
        _healthy(deployment.backend_url)
        assert traffic.sent > 10 and not traffic.failures, f"{len(traffic.failures)} of {traffic.sent} requests failed"
    finally:
        _restore(cluster, original)  # the release ends as it began (its history keeps the trip)


@pytest.mark.criterion("S-05")
def test_s05_helm_rollback_restores_the_previous_revision(
    target: Target, deployment: Deployment, evidence: Evidence
) -> None:
    cluster = _cluster(target)
    original = cluster.helm.history(BACKEND_RELEASE)[-1]
    original_values = cluster.helm.get_values(BACKEND_RELEASE)
    _upgrade_log_level(cluster, "WARNING")
    upgraded = cluster.helm.history(BACKEND_RELEASE)[-1]
    assert cluster.helm.get_values(BACKEND_RELEASE) != original_values
    _restore(cluster, original.revision)
    after = cluster.helm.history(BACKEND_RELEASE)
    evidence.json("helm history after rollback", [r.__dict__ for r in after])
    assert after[-1].revision == upgraded.revision + 1
    assert after[-1].status == "deployed" and f"Rollback to {original.revision}" in after[-1].description
    assert cluster.helm.get_values(BACKEND_RELEASE) == original_values
    _healthy(deployment.backend_url)


@pytest.mark.criterion("N-03")
def test_n03_resource_limits_are_respected(target: Target, deployment: Deployment, evidence: Evidence) -> None:
    kube = _cluster(target).kube
    usages = [u for selector in SELECTORS.values() for u in kube.top(selector)]
    evidence.json("kubectl top pods (with limits)", [u.__dict__ for u in usages])
    assert usages, "no metrics: is metrics-server enabled (minikube addons enable metrics-server)?"
    for entry in usages:
        assert entry.cpu_limit is not None and entry.memory_limit is not None, f"{entry.pod} has no limits"
        assert entry.within_limits, f"{entry.pod} uses more than its limits"
