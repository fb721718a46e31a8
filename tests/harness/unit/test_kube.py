"""Pure logic for the cluster targets: readiness, restarts, quantities, usage, URL discovery."""

import pytest

from fixtures import cluster, kube
from fixtures.cluster import minikube_url_strategy


def _pod(phase: str = "Running", ready: tuple[bool, ...] = (True,), restarts: int = 0, **extra: object) -> kube.Pod:
    return {
        "metadata": {"name": "todo-backend-abc", **extra},
        "spec": {"containers": [{"name": f"c{i}"} for i in range(len(ready))]},
        "status": {
            "phase": phase,
            "containerStatuses": [{"name": f"c{i}", "ready": r, "restartCount": restarts} for i, r in enumerate(ready)],
        },
    }


@pytest.mark.parametrize(
    ("pod", "ready", "column"),
    [
        (_pod(), True, "1/1"),
        (_pod(ready=(True, False)), False, "1/2"),
        (_pod(phase="Pending", ready=(False,)), False, "0/1"),
        (_pod(deletionTimestamp="2026-11-26T07:00:00Z"), False, "1/1"),
    ],
)
def test_readiness_is_running_with_every_container_ready(pod: kube.Pod, ready: bool, column: str) -> None:
    assert kube.pod_ready(pod) is ready
    assert kube.ready_column(pod) == column


def test_a_pod_without_container_statuses_is_not_ready() -> None:
    assert kube.pod_ready({"metadata": {}, "status": {"phase": "Running"}}) is False


def test_restarts_are_summed_and_waiting_reasons_named() -> None:
    pod = _pod(ready=(False, True), restarts=2)
    pod["status"]["containerStatuses"][0]["state"] = {"waiting": {"reason": "CrashLoopBackOff"}}
    pod["status"]["initContainerStatuses"] = [{"name": "migrate", "state": {"waiting": {"reason": "ImagePullBackOff"}}}]
    assert kube.restart_count(pod) == 4
    assert kube.waiting_reasons(pod) == ["migrate: ImagePullBackOff", "c0: CrashLoopBackOff"]


@pytest.mark.parametrize(("text", "cores"), [("250m", 0.25), ("1", 1.0), ("1500000n", 0.0015), ("2.5", 2.5)])
def test_cpu_quantities(text: str, cores: float) -> None:
    assert kube.parse_cpu(text) == pytest.approx(cores)


@pytest.mark.parametrize(("text", "size"), [("128Mi", 128 * 2**20), ("1Gi", 2**30), ("500M", 5e8), ("1024", 1024)])
def test_memory_quantities(text: str, size: float) -> None:
    assert kube.parse_memory(text) == size


@pytest.mark.parametrize("bad", ["", "12 cores", "1.5Q"])
def test_bad_quantities_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        kube.parse_memory(bad)


def test_usage_against_limits() -> None:
    pod = {
        "metadata": {"name": "p"},
        "spec": {"containers": [{"resources": {"limits": {"cpu": "500m", "memory": "256Mi"}}}]},
    }
    under = kube.usage(pod, {"containers": [{"usage": {"cpu": "120m", "memory": "100Mi"}}]})
    over = kube.usage(pod, {"containers": [{"usage": {"cpu": "120m", "memory": "300Mi"}}]})
    assert under.within_limits and under.cpu_cores == pytest.approx(0.12)
    assert not over.within_limits
    unlimited = kube.usage(
        {"metadata": {"name": "q"}, "spec": {"containers": [{}]}},
        {"containers": [{"usage": {"cpu": "9", "memory": "9Gi"}}]},
    )
    assert unlimited.cpu_limit is None and unlimited.within_limits


@pytest.mark.parametrize(
    ("driver", "system", "strategy"),
    [
        ("docker", "Darwin", "tunnel"),
        ("docker", "Windows", "tunnel"),
        ("docker", "Linux", "node-ip"),
        ("hyperkit", "Darwin", "node-ip"),
        ("kvm2", "Linux", "node-ip"),
        ("podman", "Darwin", "tunnel"),
    ],
)
def test_minikube_url_discovery_per_driver(driver: str, system: str, strategy: str) -> None:
    assert minikube_url_strategy(driver, system) == strategy


ALL_TOOLS = {"docker": True, "minikube": True, "kubectl": True, "helm": True}


def test_the_cluster_hint_names_what_to_install_and_what_to_run_next() -> None:
    hint = cluster.cluster_hint(ALL_TOOLS | {"minikube": False, "helm": False}, None)
    assert "--target local-cluster" in hint
    assert hint.startswith("install Minikube (https://minikube.sigs.k8s.io/docs/start/), Helm 3 or 4 (https://helm.sh/")
    assert "then run `minikube start --cpus 4 --memory 4096` and `pytest -m mvp --target minikube`" in hint
    assert "kubectl" not in hint and "Docker" not in hint


def test_the_cluster_hint_says_to_start_minikube_when_everything_is_installed() -> None:
    hint = cluster.cluster_hint(ALL_TOOLS, "Minikube is not running")
    start = "run `minikube start --cpus 4 --memory 4096` and `pytest -m mvp --target minikube`"
    assert hint == f"Minikube is not running; {start}"
    assert "--target minikube" in cluster.cluster_hint(ALL_TOOLS, None)


def test_the_cluster_hint_names_the_command_and_the_marks_the_user_ran(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TODO_HARNESS_MAKE", raising=False)
    assert "`pytest -m 'mvp or should' --target minikube`" in cluster.cluster_hint(ALL_TOOLS, "down", "mvp or should")
    monkeypatch.setenv("TODO_HARNESS_MAKE", "mvp")  # as the Makefile's main job sets it
    assert '`make mvp ARGS="--target minikube"`' in cluster.cluster_hint(ALL_TOOLS, "down")
    hint = cluster.cluster_hint(ALL_TOOLS, "down", "mvp or should")
    assert "`make mvp ARGS=\"-m 'mvp or should' --target minikube\"`" in hint, hint


def test_the_installed_tool_s_hint_names_its_commands_not_its_install_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    from fixtures import shipped

    monkeypatch.delenv("TODO_HARNESS_MAKE", raising=False)
    monkeypatch.setattr(shipped, "INSTALLED", True)
    monkeypatch.setattr(shipped, "COMMAND", "todo-harness")
    hint = cluster.cluster_hint(ALL_TOOLS | {"minikube": False}, None)
    assert "as root: todo-harness-local-cluster up, then `todo-harness -m mvp --target local-cluster`" in hint, hint
    assert "_shipped" not in hint and "site-packages" not in hint


def test_the_cluster_hint_names_no_script_or_guide_of_an_app_s_repository() -> None:
    """The same for every app: no script of ours (the app's repository has none), but the harness's
    own local-cluster script where it is."""
    hint = cluster.cluster_hint(ALL_TOOLS | {"minikube": False}, None)
    assert "scripts/setup-minikube.sh" not in hint and "DEPLOYMENT-GUIDE" not in hint, hint
    assert f"as root: {cluster.LOCAL_CLUSTER_SCRIPT} up," in hint and cluster.LOCAL_CLUSTER_SCRIPT.is_absolute()


def test_the_node_port_of_a_service() -> None:
    service = {"spec": {"type": "NodePort", "ports": [{"port": 80}, {"port": 3000, "nodePort": 30081}]}}
    assert kube.node_port(service, 3000) == 30081
    assert kube.node_port(service, 80) is None
    assert kube.node_port({"spec": {"type": "ClusterIP", "ports": [{"port": 3000}]}}, 3000) is None
    assert kube.node_port({}, 3000) is None


def test_an_image_is_listed_as_is_or_qualified_by_a_registry() -> None:
    listed = ["docker.io/library/todo-backend:latest", "registry.k8s.io/pause:3.9", "todo-frontend:t1"]
    assert cluster.image_listed(listed, "todo-backend:latest")
    assert cluster.image_listed(listed, "todo-frontend:t1")
    assert not cluster.image_listed(listed, "todo-frontend:latest")
    assert not cluster.image_listed(["docker.io/library/my-todo-backend:latest"], "todo-backend:latest")
