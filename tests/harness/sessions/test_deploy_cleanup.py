"""A deploy that fails in a way nobody planned for (a timeout, an HTTP or docker error, Ctrl-C)
still leaves nothing behind: fixtures/targets/session.py's deploy_or_undo tears the target down
before the exception goes on. Real processes on the local target; on the real cluster (marker
live_cluster), real releases and a real port-forward."""

from pathlib import Path
from typing import Any

import pytest

from fixtures import images, proc, scripts
from fixtures.cluster import LocalCluster
from fixtures.kube import Kube
from fixtures.profile_model import Release
from fixtures.settings import resolve
from fixtures.targets.cluster import ClusterTarget
from fixtures.targets.local import LocalTarget
from fixtures.targets.session import deploy_or_undo
from tests.ours import OURS


class Injected(Exception):
    """An exception type no target handles."""


@pytest.mark.parametrize("interruption", [Injected("injected"), KeyboardInterrupt()], ids=["exception", "ctrl-c"])
def test_a_local_deploy_that_breaks_leaves_no_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, interruption: BaseException
) -> None:
    target = LocalTarget(resolve({"target": "local", "reports_dir": str(tmp_path)}, environ={}), OURS)
    real = target._start_and_wait

    def start(name: str, *args: Any, **kwargs: Any) -> float:
        if name == "frontend":  # the backend runs by now
            raise interruption
        return real(name, *args, **kwargs)

    monkeypatch.setattr(target, "_start_and_wait", start)
    bundled: list[bool] = []
    with pytest.raises(type(interruption)):
        deploy_or_undo(target, lambda: bundled.append(True))
    assert [p.name for p in target.processes] == ["backend"]
    assert not any(p.running() for p in target.processes), "the backend outlived the failed deploy"
    assert bundled == ([True] if isinstance(interruption, Exception) else [])


@pytest.mark.live_cluster
def test_a_cluster_deploy_that_breaks_leaves_no_release_or_port_forward(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    namespace = "todo-cleanup-check"
    settings = resolve(
        {"target": "local-cluster", "reports_dir": str(tmp_path), "namespace": namespace, "no_build": True},
        environ={},
    )
    cluster = LocalCluster(tmp_path / "logs")
    target = ClusterTarget(settings, images.Images(settings, OURS), cluster)
    real_wait_for = proc.wait_for
    forwards: list[Any] = []

    def wait_for(condition: Any, *, name: str, **kwargs: Any) -> float:
        if name == "frontend reachable from this machine":  # both releases and the port-forward exist now
            forwards.extend(cluster.background)
            raise TimeoutError("injected")
        return real_wait_for(condition, name=name, **kwargs)

    monkeypatch.setattr("fixtures.targets.cluster.proc.wait_for", wait_for)
    kube = Kube(namespace, cluster.context)
    # Beside the session's own deployment, whose frontend holds the chart's default NodePort.
    real_install = target._install
    free = scripts.free_node_port(kube.used_node_ports())

    def install(release: Release, values: dict[str, Any], images_run: list[str]) -> None:
        extra = {"service.nodePort": free} if "frontend" in release.images else {}
        real_install(release, values | extra, images_run)

    monkeypatch.setattr(target, "_install", install)
    try:
        with pytest.raises(TimeoutError):
            deploy_or_undo(target, lambda: None)
        releases = [release.name for release in target.releases]
        assert target.record.created == releases and len(releases) == 2
        assert all(target._history(release) == [] for release in releases)
        assert forwards, "the injection came before the backend's port-forward started"
        assert not [p for p in forwards if p.running()], "a port-forward outlived the failed deploy"
    finally:
        if kube.namespace_exists():
            kube.delete_namespace()
