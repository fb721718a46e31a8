"""The pure parts of the real-cluster machinery: the DNS/volume agent of scripts/dev/local-cluster.sh,
the kubelet summary as pod metrics (N-03 without metrics-server), and the one `needs` rule."""

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from fixtures.kube import summary_metrics, usage
from fixtures.settings import REPO_ROOT


def _agent() -> ModuleType:
    path = REPO_ROOT / "scripts" / "dev" / "local_cluster_agent.py"
    spec = importlib.util.spec_from_file_location("local_cluster_agent", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _service(name: str, namespace: str, ip: str) -> dict[str, Any]:
    return {"metadata": {"name": name, "namespace": namespace}, "spec": {"clusterIP": ip}}


def test_the_agent_serves_every_service_with_a_cluster_ip_by_its_full_name() -> None:
    lines = _agent().hosts_lines(
        [
            _service("todo-backend", "todo-chatbot", "10.96.0.10"),
            _service("headless", "todo-chatbot", "None"),
            _service("kubernetes", "default", "10.96.0.1"),
        ],
        "cluster.local",
    )
    assert lines == [
        "10.96.0.1 kubernetes.default.svc.cluster.local",
        "10.96.0.10 todo-backend.todo-chatbot.svc.cluster.local",
    ]


def test_the_agent_binds_a_volume_to_exactly_the_claim_it_was_made_for(tmp_path: Path) -> None:
    claim = {
        "metadata": {"name": "data-db-0", "namespace": "todo-chatbot", "uid": "1234"},
        "spec": {"resources": {"requests": {"storage": "1Gi"}}, "accessModes": ["ReadWriteOnce"]},
    }
    volume = _agent().persistent_volume(claim, tmp_path / "pvc-1234", "standard", "todo.local/hostpath")
    assert volume["metadata"]["name"] == "pvc-1234"
    assert volume["spec"]["claimRef"] == {"namespace": "todo-chatbot", "name": "data-db-0", "uid": "1234"}
    assert volume["spec"]["capacity"] == {"storage": "1Gi"}
    assert volume["spec"]["storageClassName"] == "standard"
    assert volume["spec"]["persistentVolumeReclaimPolicy"] == "Delete"
    assert volume["spec"]["hostPath"]["path"] == str(tmp_path / "pvc-1234")


SUMMARY = {
    "pods": [
        {
            "podRef": {"name": "todo-backend-abc", "namespace": "todo-chatbot"},
            "containers": [
                {"name": "api", "cpu": {"usageNanoCores": 5_000_000}, "memory": {"workingSetBytes": 100 * 2**20}},
                # A container that just started has no CPU sample yet: left out, as metrics-server does.
                {"name": "sidecar", "cpu": {}, "memory": {"workingSetBytes": 1}},
            ],
        },
        {"podRef": {"name": "other", "namespace": "kube-system"}, "containers": []},
    ]
}


def test_the_kubelet_summary_becomes_pod_metrics_of_the_namespace() -> None:
    metrics = summary_metrics(SUMMARY, "todo-chatbot")
    assert list(metrics) == ["todo-backend-abc"]
    assert metrics["todo-backend-abc"]["containers"] == [
        {"name": "api", "usage": {"cpu": "5000000n", "memory": str(100 * 2**20)}}
    ]
    pod = {
        "metadata": {"name": "todo-backend-abc"},
        "spec": {"containers": [{"resources": {"limits": {"cpu": "500m", "memory": "512Mi"}}}]},
    }
    used = usage(pod, metrics["todo-backend-abc"])
    assert used.cpu_cores == pytest.approx(0.005) and used.memory_bytes == 100 * 2**20
    assert used.within_limits
    over = usage(
        pod,
        summary_metrics(json.loads(json.dumps(SUMMARY).replace("5000000", "900000000")), "todo-chatbot")[
            "todo-backend-abc"
        ],
    )
    assert not over.within_limits


NEEDS_SUITE = """
import pytest

@pytest.mark.needs("cluster")
def test_on_a_cluster():
    raise AssertionError("must not run on the local target")

@pytest.mark.needs("cluster", kind="minikube")
def test_on_minikube():
    raise AssertionError("must not run on the local target")

@pytest.mark.needs("browser")
def test_in_a_browser():
    pass

@pytest.mark.needs("browser", kind="docker")
def test_on_the_docker_target():
    raise AssertionError("must not run on the local target")
"""


def test_needs_markers_skip_what_the_target_cannot_run_with_the_reason(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        'pytest_plugins = ["fixtures.settings", "fixtures.evidence", "fixtures.report", "fixtures.targets.plugin"]'
    )
    pytester.makepyfile(test_needs=NEEDS_SUITE)
    result = pytester.runpytest_inprocess(
        "-p",
        "no:playwright",
        "-p",
        "no:cacheprovider",
        f"--reports-dir={pytester.path / 'out'}",
        "--target=local",
        "-rs",
    )
    result.assert_outcomes(passed=1, skipped=3)
    result.stdout.fnmatch_lines(
        [
            "*test_on_a_cluster needs cluster; target is local; next: *",
            "*test_on_minikube needs cluster; target is local*",
            "*test_on_the_docker_target needs the docker target; target is local; next: use --target docker*",
        ]
    )
