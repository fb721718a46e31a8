"""The real-cluster machinery: the DNS/volume agent of scripts/dev/local-cluster.sh, the kubelet
summary as pod metrics (N-03 without metrics-server), the one `needs` rule, the configs and flags the
script writes for each server version, and (marker live_cluster, run by make test-cluster) what the
running cluster's parts really got."""

import importlib.util
import json
import os
import socket
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from fixtures.kube import summary_metrics, usage
from tests.ours import REPO_ROOT


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
    pytester.makeconftest('pytest_plugins = ["fixtures.harness"]')
    pytester.makepyfile(test_needs=NEEDS_SUITE)
    result = pytester.runpytest_inprocess(
        "-p",
        "no:playwright",
        "-p",
        "no:cacheprovider",
        f"--reports-dir={pytester.path / 'out'}",
        "--target=local",
        f"--app-repo={REPO_ROOT}",
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


# ---- scripts/dev/local-cluster.sh follows the server version it is given (render: nothing started)

LOCAL_CLUSTER = REPO_ROOT / "scripts" / "dev" / "local-cluster.sh"
# What `--help` says of the insecure port where a component still has it (1.20's scheduler and
# controller-manager); newer ones have no such line.
INSECURE_PORT_HELP = "      --port int     The port on which to serve unsecured, unauthenticated access.\n"


def _fake_binaries(folder: Path, version: str, *, insecure_port: bool) -> Path:
    """Stand-ins for the five server binaries: each answers --version and --help as the real
    ones of `version` do, and nothing else."""
    folder.mkdir(parents=True, exist_ok=True)
    help_text = "Usage:\n" + (INSECURE_PORT_HELP if insecure_port else "") + "      --secure-port int\n"
    for name in ("kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy"):
        script = folder / name
        script.write_text(
            "#!/bin/sh\n"
            f'case "$1" in --version) echo "Kubernetes {version}" ;; --help) printf "%s" "{help_text}" ;; '
            "*) exit 2 ;; esac\n"
        )
        script.chmod(0o755)
    return folder


def _render(tmp_path: Path, version: str, *, insecure_port: bool) -> tuple[dict[str, str], dict[str, Any]]:
    bins = _fake_binaries(tmp_path / "bin", version, insecure_port=insecure_port)
    state = tmp_path / "state"
    done = subprocess.run(
        [str(LOCAL_CLUSTER), "render"],
        env={**os.environ, "KUBE_BIN_DIR": str(bins), "TODO_CLUSTER_DIR": str(state)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(": ", 1) for line in done.stdout.splitlines())
    return lines, yaml.safe_load((state / "kubelet.yaml").read_text())


def test_kubelet_1_20_gets_the_remote_runtime_as_flags_and_no_cloud_metadata(tmp_path: Path) -> None:
    lines, config = _render(tmp_path, "v1.20.2", insecure_port=True)
    assert lines["version"] == "1.20"
    kubelet = lines["kubelet"].split()
    # Without these two flags kubelet 1.20 falls back to Docker's dockershim where a dockerd runs.
    assert "--container-runtime=remote" in kubelet
    assert f"--container-runtime-endpoint=unix://{tmp_path}/state/run/containerd.sock" in kubelet
    # Its in-tree credential provider asks the cloud metadata address at start unless told not to.
    assert kubelet[:2] == ["env", "AWS_EC2_METADATA_DISABLED=true"]
    # Fields 1.20 does not know are left out (it would ignore them with a mere warning).
    assert "containerRuntimeEndpoint" not in config and "failCgroupV1" not in config
    # The deprecated unauthenticated HTTP ports on all interfaces are closed.
    assert lines["kube-scheduler"].split()[-1] == "--port=0"
    assert lines["kube-controller-manager"].split()[-1] == "--port=0"


def test_kubelet_1_36_gets_the_runtime_in_its_config_and_cgroup_v1_allowed(tmp_path: Path) -> None:
    lines, config = _render(tmp_path, "v1.36.2", insecure_port=False)
    assert lines["version"] == "1.36"
    kubelet = lines["kubelet"].split()
    assert not [arg for arg in kubelet if arg.startswith("--container-runtime")]
    assert config["containerRuntimeEndpoint"] == f"unix://{tmp_path}/state/run/containerd.sock"
    assert config["failCgroupV1"] is False
    assert "--port=0" not in lines["kube-scheduler"] and "--port=0" not in lines["kube-controller-manager"]
    assert "AWS_EC2_METADATA_DISABLED=true" in kubelet  # harmless where there is no provider


def test_binaries_older_than_1_20_are_refused_by_name(tmp_path: Path) -> None:
    bins = _fake_binaries(tmp_path / "bin", "v1.19.16", insecure_port=True)
    done = subprocess.run(
        [str(LOCAL_CLUSTER), "render"],
        env={**os.environ, "KUBE_BIN_DIR": str(bins), "TODO_CLUSTER_DIR": str(tmp_path / "state")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and "v1.19.16 is older than 1.20" in done.stderr


# ---- the running local cluster (make test-cluster): what its parts really got

CLUSTER_DIR = Path(os.environ.get("TODO_CLUSTER_DIR", "/var/lib/todo-local-cluster"))


def _running(part: str) -> int:
    pid_file = CLUSTER_DIR / "pids" / f"{part}.pid"
    if not pid_file.exists():
        pytest.fail(f"the local cluster is not up ({pid_file} is missing): make test-cluster starts it")
    return int(pid_file.read_text())


@pytest.mark.live_cluster
def test_the_running_kubelet_never_asks_the_cloud_metadata_address() -> None:
    environ = Path(f"/proc/{_running('kubelet')}/environ").read_bytes().split(b"\0")
    assert b"AWS_EC2_METADATA_DISABLED=true" in environ


@pytest.mark.live_cluster
def test_the_node_runs_on_the_clusters_containerd_not_docker() -> None:
    _running("kubelet")
    done = subprocess.run(
        ["kubectl", "--context", "todo-local-cluster", "get", "nodes", "-o", "json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    runtimes = {n["status"]["nodeInfo"]["containerRuntimeVersion"] for n in json.loads(done.stdout)["items"]}
    assert runtimes and all(r.startswith("containerd://") for r in runtimes), runtimes


@pytest.mark.live_cluster
def test_scheduler_and_controller_manager_open_no_unauthenticated_port() -> None:
    for part, port in (("kube-scheduler", 10251), ("kube-controller-manager", 10252)):
        cmdline = Path(f"/proc/{_running(part)}/cmdline").read_bytes().split(b"\0")
        version = subprocess.run([cmdline[0].decode(), "--version"], capture_output=True, text=True).stdout
        if "v1.20." in version or "v1.21." in version or "v1.22." in version:
            assert b"--port=0" in cmdline, f"{part} {version.strip()} runs without --port=0"
        with socket.socket() as probe:
            probe.settimeout(1)
            assert probe.connect_ex(("127.0.0.1", port)) != 0, f"{part} answers on its insecure port {port}"
