"""Manifest checks on hand-written manifests: each problem is found, a good manifest has none."""

import copy
from collections.abc import Callable
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
    service: dict[str, Any] = {
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"type": "NodePort", "ports": [{"port": 3000, "nodePort": 30080}]},
    }
    assert manifests.node_port_problems([service], 30080) == []
    service["spec"]["ports"][0]["nodePort"] = 31000
    assert manifests.node_port_problems([service], 30080) == ["NodePort Services expose [31000], not 30080"]
    assert manifests.node_port_problems([], 30080) == ["no NodePort Service"]


def test_configmaps_hold_no_secrets() -> None:
    good = {
        "kind": "ConfigMap",
        "metadata": {"name": "cfg"},
        "data": {"LOG_LEVEL": "INFO", "ACCESS_TOKEN_EXPIRE_MINUTES": "60", "TOKEN_ISSUER": "todo"},
    }
    bad_key = {"kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"OPENAI_API_KEY": "x"}}
    bad_value = {"kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"URL": "postgresql://u:s3cret@h/db"}}
    assert manifests.configmap_secret_problems([good], ["s3cret"]) == []
    assert manifests.configmap_secret_problems([bad_key], []) == ["ConfigMap/cfg: key OPENAI_API_KEY looks secret"]
    for key in ("SECRET_KEY", "DB_PASSWORD", "GITHUB_TOKEN", "tls_private_key", "AWS_CREDENTIALS", "PASSWORD_FILE"):
        configmap = {"kind": "ConfigMap", "metadata": {"name": "c"}, "data": {key: ""}}
        found = manifests.configmap_secret_problems([configmap], [])
        assert found == [f"ConfigMap/c: key {key} looks secret"], key
    assert manifests.configmap_secret_problems([bad_value], ["s3cret"]) == [
        "ConfigMap/cfg: key URL holds a secret value"
    ]


def test_labels() -> None:
    unlabelled = {"kind": "Service", "metadata": {"name": "x", "labels": {}}}
    assert manifests.label_problems([GOOD_DEPLOYMENT]) == []
    assert manifests.label_problems([unlabelled]) == ["Service/x: label app.kubernetes.io/part-of is not todo-chatbot"]


def _valid_deployment() -> dict[str, Any]:
    """GOOD_DEPLOYMENT completed into what the API server accepts (apiVersion, selector, image)."""
    deployment = copy.deepcopy(GOOD_DEPLOYMENT)
    labels = {"app.kubernetes.io/name": "todo-backend"}
    deployment["apiVersion"] = "apps/v1"
    deployment["metadata"]["name"] = "api"
    deployment["spec"]["selector"] = {"matchLabels": labels}
    deployment["spec"]["template"]["metadata"]["labels"] = labels
    deployment["spec"]["template"]["spec"]["containers"][0]["image"] = "todo-backend:0.1.0"
    return deployment


def test_schema_validation_accepts_a_valid_deployment() -> None:
    assert manifests.schema_problems([_valid_deployment()], "1.25") == []
    assert manifests.schema_problems([_valid_deployment()], "1.37") == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["spec"].__setitem__("replicas", "two"), "spec.replicas: 'two' is not of type 'integer'"),
        (
            lambda d: d["spec"]["template"]["spec"]["containers"][0].__setitem__("readinessprobe", {}),
            "Additional properties are not allowed ('readinessprobe' was unexpected)",
        ),
        (lambda d: d["spec"].pop("selector"), "'selector' is a required property"),
    ],
    ids=["wrong type", "misspelt field", "missing required field"],
)
def test_schema_validation_names_the_problem(change: Callable[[dict[str, Any]], object], expected: str) -> None:
    deployment = _valid_deployment()
    change(deployment)
    problems = manifests.schema_problems([deployment], "1.30")
    assert len(problems) == 1 and problems[0].startswith("Deployment/api is invalid for Kubernetes 1.30"), problems
    assert expected in problems[0]


def test_schema_validation_rejects_unknown_kinds() -> None:
    unknown = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    (problem,) = manifests.schema_problems([unknown], "1.37")
    assert problem.startswith("Widget/w: ") and "Widget" in problem[len("Widget/w: ") :]


def test_schema_versions_span_what_the_charts_admit() -> None:
    assert manifests.schema_versions(">=1.25.0-0") == ["1.25.0", "1.37.0"]
    assert manifests.schema_versions(">= v1.30") == ["1.30.0", "1.37.0"]
    assert manifests.schema_versions("") == ["1.25.0", "1.37.0"]
    assert manifests.schema_versions(">=1.99") == ["1.37.0"]
