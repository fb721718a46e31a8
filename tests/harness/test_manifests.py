"""Manifest checks on hand-written manifests: each problem is found, a good manifest has none."""

import copy
from typing import Any

import pytest

from fixtures import manifests

GOOD_CONTAINER: dict[str, Any] = {
    "name": "api",
    "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "1", "memory": "512Mi"}},
    "securityContext": {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
    },
    "livenessProbe": {"httpGet": {"path": "/livez", "port": "http"}},
    "readinessProbe": {"httpGet": {"path": "/health", "port": "http"}},
}
GOOD_DEPLOYMENT: dict[str, Any] = {
    "kind": "Deployment",
    "metadata": {"name": "todo-backend", "labels": {"app.kubernetes.io/part-of": "todo-chatbot"}},
    "spec": {
        "template": {
            "metadata": {"annotations": {"checksum/config": "abc"}},
            "spec": {"securityContext": {"runAsNonRoot": True, "runAsUser": 10001}, "containers": [GOOD_CONTAINER]},
        }
    },
}


def _deployment(change: Any) -> dict[str, Any]:
    deployment = copy.deepcopy(GOOD_DEPLOYMENT)
    change(deployment["spec"]["template"]["spec"])
    return deployment


def test_a_hardened_deployment_has_no_problems() -> None:
    assert manifests.workload_problems(GOOD_DEPLOYMENT) == []
    assert manifests.checksum_problems(GOOD_DEPLOYMENT) == []
    assert manifests.probe_paths(GOOD_DEPLOYMENT) == {"livenessProbe": "/livez", "readinessProbe": "/health"}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda s: s["containers"][0]["resources"].pop("limits"), "no limits.cpu"),
        (lambda s: s["containers"][0].pop("readinessProbe"), "no readinessProbe"),
        (lambda s: s["securityContext"].update(runAsNonRoot=False), "runAsNonRoot is not set"),
        (lambda s: s["securityContext"].update(runAsUser=0), "runAsUser must be a non-zero number"),
        (
            lambda s: s["containers"][0]["securityContext"].update(allowPrivilegeEscalation=True),
            "allowPrivilegeEscalation",
        ),
        (lambda s: s["containers"][0]["securityContext"]["capabilities"].update(drop=[]), "do not drop ALL"),
        (lambda s: s["containers"][0]["securityContext"].pop("readOnlyRootFilesystem"), "root filesystem is writable"),
        (lambda s: s.update(initContainers=[{"name": "migrate"}]), "container migrate: no requests.cpu"),
    ],
)
def test_each_weakness_is_reported(change: Any, problem: str) -> None:
    found = manifests.workload_problems(_deployment(change))
    assert any(problem in p for p in found), found


def test_missing_checksum_is_reported() -> None:
    deployment = copy.deepcopy(GOOD_DEPLOYMENT)
    deployment["spec"]["template"]["metadata"]["annotations"] = {}
    assert manifests.checksum_problems(deployment) == ["Deployment/todo-backend: no checksum/config annotation"]


def test_node_port() -> None:
    service = {
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"type": "NodePort", "ports": [{"port": 3000, "nodePort": 30080}]},
    }
    assert manifests.node_port_problems([service]) == []
    service["spec"]["ports"][0]["nodePort"] = 31000
    assert manifests.node_port_problems([service]) == ["NodePort Services expose [31000], not 30080"]
    assert manifests.node_port_problems([]) == ["no NodePort Service"]


def test_configmaps_hold_no_secrets() -> None:
    good = {"kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"LOG_LEVEL": "INFO"}}
    bad_key = {"kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"OPENAI_API_KEY": "x"}}
    bad_value = {"kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"URL": "postgresql://u:s3cret@h/db"}}
    assert manifests.configmap_secret_problems([good], ["s3cret"]) == []
    assert manifests.configmap_secret_problems([bad_key], []) == ["ConfigMap/cfg: key OPENAI_API_KEY looks secret"]
    assert manifests.configmap_secret_problems([bad_value], ["s3cret"]) == [
        "ConfigMap/cfg: key URL holds a secret value"
    ]


def test_labels() -> None:
    unlabelled = {"kind": "Service", "metadata": {"name": "x", "labels": {}}}
    assert manifests.label_problems([GOOD_DEPLOYMENT]) == []
    assert manifests.label_problems([unlabelled]) == ["Service/x: label app.kubernetes.io/part-of is not todo-chatbot"]
