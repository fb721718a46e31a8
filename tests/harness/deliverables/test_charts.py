"""The charts' templates under the value combinations users deploy, rendered by Helm itself (the helm
CLI, or Helm's Go library where there is none) and checked object by object: what `helm install`
would send to the API server for each choice, without a cluster."""

from typing import Any

import pytest

from fixtures import manifests
from fixtures.helm import Helm
from tests.ours import CHARTS

SECRET_KEY = "chart-test-secret-key-0123456789abcdef"


def render(chart: str, values: dict[str, Any] | None = None, release: str | None = None) -> list[dict[str, Any]]:
    name = release or f"todo-{chart}"
    objects = Helm(namespace="todo-chatbot").template(name, CHARTS[chart], values=values).objects
    # Whatever the values, every object must be one the API server accepts.
    problems = [p for version in ("1.25", "1.37") for p in manifests.schema_problems(objects, version)]
    assert not problems, "\n".join(problems)
    return objects


def only(objects: list[dict[str, Any]], kind: str, name: str | None = None) -> dict[str, Any]:
    found = [o for o in objects if o["kind"] == kind and (name is None or o["metadata"]["name"] == name)]
    assert len(found) == 1, f"expected one {kind} {name or ''}, found {[o['metadata']['name'] for o in found]}"
    return found[0]


def kinds(objects: list[dict[str, Any]]) -> list[str]:
    return sorted(o["kind"] for o in objects)


def pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = workload["spec"]["template"]["spec"]
    return spec


def test_backend_defaults_bring_their_own_postgresql() -> None:
    objects = render("backend", {"secrets.secretKey": SECRET_KEY})
    assert kinds(objects) == [
        "ConfigMap",
        "Deployment",
        "Pod",
        "Secret",
        "Service",
        "Service",
        "ServiceAccount",
        "StatefulSet",
    ]
    secret = only(objects, "Secret")["stringData"]
    password = secret["POSTGRES_PASSWORD"]
    assert len(password) >= 24, "a generated database password must be long"
    assert secret["DATABASE_URL"] == f"postgresql://todo:{password}@todo-backend-postgresql:5432/todo"
    assert secret["SECRET_KEY"] == SECRET_KEY
    database = only(objects, "StatefulSet")
    env = {e["name"]: e for e in pod_spec(database)["containers"][0]["env"]}
    assert env["POSTGRES_PASSWORD"]["valueFrom"]["secretKeyRef"] == {"name": "todo-backend", "key": "POSTGRES_PASSWORD"}
    only(objects, "Service", "todo-backend-postgresql")
    api = only(objects, "Deployment", "todo-backend")
    assert [c["name"] for c in pod_spec(api)["initContainers"]] == ["migrate"]
    assert only(objects, "Service", "todo-backend")["spec"]["type"] == "ClusterIP"


def test_backend_generates_a_secret_key_when_none_is_given() -> None:
    first = only(render("backend"), "Secret")["stringData"]["SECRET_KEY"]
    second = only(render("backend"), "Secret")["stringData"]["SECRET_KEY"]
    assert len(first) >= 32 and first != second, "each install gets its own random key"


def test_backend_with_an_external_database_runs_none_of_its_own() -> None:
    url = "postgresql://neon:pw@ep-example.neon.tech/todo?sslmode=require"
    objects = render("backend", {"secrets.databaseUrl": url})
    assert "StatefulSet" not in kinds(objects)
    assert not [o for o in objects if o["metadata"]["name"].endswith("-postgresql")]
    secret = only(objects, "Secret")["stringData"]
    assert secret["DATABASE_URL"] == url and "POSTGRES_PASSWORD" not in secret


def test_backend_with_an_existing_secret_renders_none() -> None:
    objects = render("backend", {"secrets.existingSecret": "todo-secrets"})
    assert "Secret" not in kinds(objects) and "StatefulSet" not in kinds(objects)
    api = only(objects, "Deployment")
    for container in [*pod_spec(api)["initContainers"], *pod_spec(api)["containers"]]:
        assert {"secretRef": {"name": "todo-secrets"}} in container["envFrom"], container["name"]
    assert "checksum/secret" not in api["spec"]["template"]["metadata"]["annotations"]


def test_backend_image_and_pull_policy_come_from_values() -> None:
    values = {"image.repository": "registry.local/todo-backend", "image.tag": "1.2.3", "image.pullPolicy": "Never"}
    api = only(render("backend", values), "Deployment")
    for container in [*pod_spec(api)["initContainers"], *pod_spec(api)["containers"]]:
        assert container["image"] == "registry.local/todo-backend:1.2.3"
        assert container["imagePullPolicy"] == "Never"


def test_backend_without_migrations_has_no_init_container() -> None:
    api = only(render("backend", {"migrations.enabled": False}), "Deployment")
    assert "initContainers" not in pod_spec(api)


def test_a_config_change_rolls_the_pods_and_nothing_else_does() -> None:
    """S-04 depends on this: `helm upgrade` with a changed setting must change the pod template."""

    def annotations(values: dict[str, Any]) -> dict[str, str]:
        api = only(render("backend", {"secrets.secretKey": SECRET_KEY, **values}), "Deployment")
        found: dict[str, str] = api["spec"]["template"]["metadata"]["annotations"]
        return found

    before = annotations({})
    assert annotations({})["checksum/config"] == before["checksum/config"]
    assert annotations({"config.logLevel": "DEBUG"})["checksum/config"] != before["checksum/config"]
    configmap = only(render("backend", {"config.logLevel": "DEBUG"}), "ConfigMap")
    assert configmap["data"]["LOG_LEVEL"] == "DEBUG"


def test_frontend_defaults_to_a_nodeport_and_the_backend_service() -> None:
    objects = render("frontend")
    assert kinds(objects) == ["ConfigMap", "Deployment", "Pod", "Service"]
    assert only(objects, "Service")["spec"]["type"] == "NodePort"  # on 30080: step 3.18
    assert only(objects, "ConfigMap")["data"]["BACKEND_URL"] == "http://todo-backend:8000"


def test_frontend_backend_url_and_service_type_are_configurable() -> None:
    objects = render("frontend", {"backendUrl": "http://api.example:8000", "service.type": "ClusterIP"})
    assert only(objects, "ConfigMap")["data"]["BACKEND_URL"] == "http://api.example:8000"
    service = only(objects, "Service")["spec"]
    assert service["type"] == "ClusterIP" and "nodePort" not in service["ports"][0]


@pytest.mark.parametrize(
    ("chart", "values", "complaint"),
    [
        ("backend", {"replicaCount": -1}, "replicaCount"),
        ("backend", {"image.pullPolicy": "Sometimes"}, "pullPolicy"),
        ("backend", {"config.aiProvider": "gemini"}, "aiProvider"),
        ("frontend", {"service.nodePort": 80}, "nodePort"),
        ("frontend", {"image.repository": ""}, "repository"),
    ],
)
def test_the_values_schema_refuses_bad_values(chart: str, values: dict[str, Any], complaint: str) -> None:
    with pytest.raises((ValueError, RuntimeError), match=complaint):
        Helm().template(f"todo-{chart}", CHARTS[chart], values=values)


@pytest.mark.parametrize("chart", ["backend", "frontend"])
def test_stopping_pods_drain_before_they_stop(chart: str) -> None:
    """N-02: a pod leaving a rolling update sleeps in preStop while the Service drops it."""
    container = pod_spec(only(render(chart), "Deployment"))["containers"][0]
    assert container["lifecycle"]["preStop"]["exec"]["command"] == ["sleep", "5"]
    container = pod_spec(only(render(chart, {"preStopSleepSeconds": 0}), "Deployment"))["containers"][0]
    assert "lifecycle" not in container


@pytest.mark.parametrize("chart", ["backend", "frontend"])
def test_the_version_label_says_which_image_runs(chart: str) -> None:
    values: dict[str, Any] = {"image.tag": "1.4.2+build.7"}
    if chart == "backend":
        values["secrets.secretKey"] = SECRET_KEY
    workload = only(render(chart, values), "Deployment")
    for labels in (workload["metadata"]["labels"], workload["spec"]["template"]["metadata"]["labels"]):
        assert labels["app.kubernetes.io/version"] == "1.4.2_build.7"  # a label value has no '+'
    assert pod_spec(workload)["containers"][0]["image"].endswith(":1.4.2+build.7")


def test_the_secret_outlives_an_uninstall_with_the_database_volume() -> None:
    secret = only(render("backend", {"secrets.secretKey": SECRET_KEY}), "Secret")
    assert secret["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"


@pytest.mark.parametrize("chart", ["backend", "frontend"])
def test_numeric_quantities_render_as_strings_for_server_side_apply(chart: str) -> None:
    """`--set resources.requests.cpu=2` gives a number; server-side apply (Helm 4) on Kubernetes 1.20
    refuses a number where a quantity goes ("expected string"), so the charts write strings."""
    values = {"resources.requests.cpu": 2, "resources.limits.cpu": 2.5, "resources.limits.memory": 536870912}
    objects = render(chart, values | ({"secrets.secretKey": SECRET_KEY} if chart == "backend" else {}))
    containers = [
        c
        for o in objects
        if o["kind"] == "Deployment"
        for c in o["spec"]["template"]["spec"].get("initContainers", []) + o["spec"]["template"]["spec"]["containers"]
    ]
    assert containers
    for container in containers:
        assert container["resources"]["requests"]["cpu"] == "2"
        assert container["resources"]["limits"] == {"cpu": "2.5", "memory": "536870912"}
