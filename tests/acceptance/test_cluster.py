"""Criteria only a cluster can prove beyond phase 4's: S-03..S-05, N-02, N-03 (C-03 is step 2.9,
C-04..C-07 are steps 4.2, 4.3, 4.5 and 4.6, in tests/phases).

On other targets each is NOT RUN with the reason (skipped before any fixture runs); on a cluster
target the deployment fixture has installed both charts with Helm before these run.
"""

import threading
import time
from typing import Any

import httpx
import pytest

from fixtures import proc
from fixtures.evidence import Evidence
from fixtures.helm import CHARTS
from fixtures.targets import BACKEND_RELEASE, FRONTEND_RELEASE, SELECTORS, ClusterTarget, Deployment, http_ok

# Plan S-03: pods Ready within this many seconds of their install.
READY_WITHIN_S = 90


@pytest.mark.criterion("S-03")
def test_s03_pods_ready_within_90_seconds(
    cluster_target: ClusterTarget, deployment: Deployment, evidence: Evidence
) -> None:
    ready = cluster_target.record.ready_s
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
    cluster_target: ClusterTarget, deployment: Deployment, evidence: Evidence
) -> None:
    cluster = cluster_target
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
    cluster_target: ClusterTarget, deployment: Deployment, evidence: Evidence
) -> None:
    cluster = cluster_target
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
def test_n03_resource_limits_are_respected(
    cluster_target: ClusterTarget, deployment: Deployment, evidence: Evidence
) -> None:
    kube = cluster_target.kube
    usages = []
    for selector in SELECTORS.values():
        source, found = kube.top(selector)
        usages += found
    evidence.json(f"pod usage from {source} (with limits)", [u.__dict__ for u in usages])
    assert usages, f"{source} reported no usage for the app's pods"
    for entry in usages:
        assert entry.cpu_limit is not None and entry.memory_limit is not None, f"{entry.pod} has no limits"
        assert entry.within_limits, f"{entry.pod} uses more than its limits"
