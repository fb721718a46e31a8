"""Criteria only a cluster can prove beyond phase 4's: S-03..S-05, N-02, N-03 (C-03 is step 2.9,
C-04..C-07 are steps 4.2, 4.3, 4.5 and 4.6, in tests/phases).

On other targets each is NOT RUN with the reason (skipped before any fixture runs); on a cluster
target the deployment fixture has installed the app's releases with Helm before these run. They
need only the app profile's image and chart names: an upgrade gives the backend's release its
own image under a second tag, which changes the pods' spec and nothing else.
"""

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from fixtures import proc
from fixtures.evidence import Evidence
from fixtures.needs import unmet
from fixtures.profile_model import Profile
from fixtures.targets import ClusterTarget, Deployment, http_ok

# Plan S-03: pods Ready within this many seconds of their install.
READY_WITHIN_S = 90


@pytest.mark.criterion("S-03")
def test_s03_pods_ready_within_90_seconds(
    cluster_target: ClusterTarget, deployment: Deployment, evidence: Evidence
) -> None:
    ready = cluster_target.record.ready_s
    evidence.json("seconds from helm install to Ready", ready)
    releases = [release.name for release in cluster_target.releases]
    untimed = [r for r in releases if r not in ready]
    if untimed:
        unmet(f"{', '.join(untimed)} existed before this session, so their start-up was not timed")
    for release in releases:
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


def _second_tag(cluster: ClusterTarget) -> str:
    tag = cluster.second_tag("backend")
    if tag is None:
        unmet(
            f"the {cluster.kind} target cannot give its nodes another tag of the backend image", "pass --image-registry"
        )
    return tag


def _healthy(backend_url: str, app: Profile) -> None:
    """The health path answers 200 after a roll (the port-forward follows the new pod within a second or two)."""
    proc.wait_for(
        lambda: http_ok(f"{backend_url}{app.api.health.path}"), name="backend health after the roll", timeout=30
    )


def _browser_api(deployment: Deployment, app: Profile) -> str:
    """A URL the way the browser reaches the backend: through the frontend (which proxies the API),
    or at the address a frontend has baked in (deploy.browser_api)."""
    if app.deploy.browser_api:
        return f"{app.deploy.browser_api.rstrip('/')}{app.api.health.path}"
    return f"{deployment.frontend_url}{app.api.auth.login}"  # a GET: the backend's refusal, never a 5xx


@dataclass
class Roll:
    """What a `helm upgrade` of the backend's release did, measured once and then undone."""

    revision_before: int
    history: list[Any]
    pods_before: set[str]
    pods_after: set[str]
    values_after: dict[str, Any]
    traffic: dict[str, Any] = field(default_factory=dict)
    healthy_after: str = ""


@pytest.fixture(scope="session")
def backend_roll(cluster_target: ClusterTarget, deployment: Deployment, app_profile: Profile) -> Roll:
    """The backend's release upgraded to its image's second tag under traffic, then rolled back
    (the release ends as it began; its history keeps the trip). S-04 and N-02 judge the record."""
    cluster = cluster_target
    release = cluster.release_of("backend").name
    tag = _second_tag(cluster)
    before = {p["metadata"]["name"] for p in cluster.pods_of("backend")}
    original = cluster.helm.history(release)[-1].revision
    try:
        with _Traffic(_browser_api(deployment, app_profile)) as traffic:
            cluster.upgrade_image("backend", tag)
            time.sleep(2)
        record = Roll(
            revision_before=original,
            history=cluster.helm.history(release),
            pods_before=before,
            pods_after={p["metadata"]["name"] for p in cluster.pods_of("backend")},
            values_after=cluster.helm.get_values(release),
            traffic={"url": traffic.url, "requests": traffic.sent, "failures": traffic.failures},
        )
        try:
            _healthy(deployment.backend_url, app_profile)
        except proc.WaitTimeout as exc:
            record.healthy_after = str(exc)
        return record
    finally:
        cluster.helm.rollback(release, original)
        cluster.wait_image_ready("backend", timeout=180)


@pytest.mark.criterion("S-04")
def test_s04_helm_upgrade_rolls_the_pods(cluster_target: ClusterTarget, backend_roll: Roll, evidence: Evidence) -> None:
    roll = backend_roll
    evidence.json(
        "upgrade",
        {
            "pods_before": sorted(roll.pods_before),
            "pods_after": sorted(roll.pods_after),
            "history": [r.__dict__ for r in roll.history],
        },
    )
    assert roll.history[-1].revision == roll.revision_before + 1 and roll.history[-1].status == "deployed"
    assert roll.pods_before.isdisjoint(roll.pods_after), "the upgrade did not roll the backend's pods"
    release = cluster_target.release_of("backend")
    tag = cluster_target.second_tag("backend") or ""
    wanted = cluster_target.image_values(release, "backend", tag)
    for key, value in wanted.items():
        found: Any = roll.values_after
        for part in key.split("."):
            found = found.get(part) if isinstance(found, dict) else None
        assert found == value, f"after the upgrade {key} is {found!r}, not {value!r}"
    assert not roll.healthy_after, roll.healthy_after


@pytest.mark.criterion("N-02")
def test_n02_upgrade_without_downtime(backend_roll: Roll, evidence: Evidence) -> None:
    traffic = backend_roll.traffic
    evidence.json("requests during the upgrade", traffic)
    assert traffic["requests"] > 10, traffic
    assert not traffic["failures"], f"{len(traffic['failures'])} of {traffic['requests']} requests failed"


@pytest.mark.criterion("S-05")
def test_s05_helm_rollback_restores_the_previous_revision(
    cluster_target: ClusterTarget, deployment: Deployment, evidence: Evidence, app_profile: Profile
) -> None:
    cluster = cluster_target
    release = cluster.release_of("backend").name
    tag = _second_tag(cluster)
    original = cluster.helm.history(release)[-1]
    original_values = cluster.helm.get_values(release)
    cluster.upgrade_image("backend", tag)
    upgraded = cluster.helm.history(release)[-1]
    assert cluster.helm.get_values(release) != original_values
    cluster.helm.rollback(release, original.revision)
    cluster.wait_image_ready("backend", timeout=180)
    after = cluster.helm.history(release)
    evidence.json("helm history after rollback", [r.__dict__ for r in after])
    assert after[-1].revision == upgraded.revision + 1
    assert after[-1].status == "deployed" and f"Rollback to {original.revision}" in after[-1].description
    assert cluster.helm.get_values(release) == original_values
    _healthy(deployment.backend_url, app_profile)


@pytest.mark.criterion("N-03")
def test_n03_resource_limits_are_respected(
    cluster_target: ClusterTarget, deployment: Deployment, evidence: Evidence
) -> None:
    kube = cluster_target.kube
    app_pods = {p["metadata"]["name"] for image in ("backend", "frontend") for p in cluster_target.pods_of(image)}
    source, found = kube.top("")
    usages = [u for u in found if u.pod in app_pods]
    evidence.json(f"pod usage from {source} (with limits)", [u.__dict__ for u in usages])
    assert usages, f"{source} reported no usage for the app's pods"
    for entry in usages:
        assert entry.cpu_limit is not None and entry.memory_limit is not None, f"{entry.pod} has no limits"
        assert entry.within_limits, f"{entry.pod} uses more than its limits"
