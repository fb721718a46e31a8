"""Every diagnosis rule that a real cluster can show, proven on one: each test deploys the charts
with one broken value into a namespace of its own, collects a failure bundle from the live API
(fixtures/bundle.py, as a failed criterion would) and asserts the rule, the plan's risk and the
remedy it gives. Runs in `make test-cluster` (marker `faults`), next to the session's deployment.

Every rule of fixtures/diagnosis.py that concerns a cluster is injected here for real, the AI
provider out of reach and an immutable selector included. One cause stays on recorded objects only
(test_diagnosis.py): an image a registry refuses, since no registry is reachable here (a pull fails
the way a missing local image does, which is tested here).
"""

import json
import secrets
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from fixtures import images, proc
from fixtures.bundle import Bundle, collect_cluster
from fixtures.diagnosis import Diagnosis, diagnose
from fixtures.helm import Helm
from fixtures.kube import Kube
from fixtures.targets.base import Deployment
from fixtures.targets.cluster import ClusterTarget
from tests.ours import CHARTS

pytestmark = [pytest.mark.needs("cluster"), pytest.mark.faults]

# A fault shows within this many seconds (a crash loop needs two crashes and a back-off).
SHOWS_WITHIN_S = 150


@dataclass
class Fault:
    """One broken deployment in its own namespace."""

    name: str
    kube: Kube
    helm: Helm
    releases: list[str]
    frontend_url: str = ""


@dataclass
class Lab:
    context: str | None
    backend_image: tuple[str, str]
    frontend_image: tuple[str, str]
    taken_node_port: int
    faults: dict[str, Fault]
    folder: Path


def _image(image_set: images.Images, name: str) -> tuple[str, str]:
    """(repository, tag) of the session's image of `name` (its deployment loaded it into the node)."""
    repository, _, tag = image_set.get(name).tag.rpartition(":")
    return repository, tag


def _namespace(lab_context: str | None, name: str) -> tuple[Kube, Helm]:
    kube = Kube(f"todo-fault-{name}", lab_context)
    if kube.namespace_exists():  # left by an earlier run: start clean
        kube.delete_namespace()
        proc.wait_for(lambda: not kube.namespace_exists(), name=f"namespace {kube.namespace} gone", timeout=120)
    kube.create_namespace({"app.kubernetes.io/part-of": "todo-harness-faults"})
    return kube, Helm(namespace=kube.namespace, kube_context=lab_context)


def _secret(kube: Kube, name: str, data: dict[str, str]) -> None:
    from kubernetes import client

    meta = client.V1ObjectMeta(name=name)
    kube.core.create_namespaced_secret(kube.namespace, client.V1Secret(metadata=meta, string_data=data))


# A secret value every backend release of the lab is given: no bundle may show it.
LAB_SECRET = f"sk-lab-{secrets.token_hex(12)}"


def _backend(lab: Lab, **broken: Any) -> dict[str, Any]:
    """Backend values that work (SQLite on the pod's /tmp, from a Secret the lab makes), plus `broken`,
    plus an AI key the release's values hold (the chart reads the Secret the lab made instead)."""
    repository, tag = lab.backend_image
    values: dict[str, Any] = {
        "image.repository": repository,
        "image.tag": tag,
        "secrets.existingSecret": "fault-env",
        "secrets.openaiApiKey": LAB_SECRET,
        "postgresql.enabled": False,
        "preStopSleepSeconds": 0,
    }
    return values | broken


def _frontend(lab: Lab, **broken: Any) -> dict[str, Any]:
    repository, tag = lab.frontend_image
    values: dict[str, Any] = {
        "image.repository": repository,
        "image.tag": tag,
        "backendUrl": "http://todo-backend:8000",
    }
    return values | broken


def _free_node_port(kube: Kube) -> int:
    used = kube.used_node_ports()
    return next(port for port in range(32767, 30000, -1) if port not in used)


def _install(fault: Fault, chart: str, release: str, values: dict[str, Any]) -> None:
    """`helm upgrade --install` without waiting: the fault is what the test waits for."""
    try:
        fault.helm.upgrade_install(release, CHARTS[chart], values=values, timeout_s=60, wait=False)
    except proc.CommandFailed:
        pass  # a refused install is the fault of some tests; its message is in helm.failures


def _broken_probe(lab: Lab, fault: Fault) -> None:
    """The backend with its readiness probe at a path the app does not serve, as a hand-edited
    manifest would have it: rendered by helm, patched, applied with kubectl."""
    rendered = fault.helm.template("backend", CHARTS["backend"], _backend(lab))
    documents = []
    for document in rendered.objects:
        if document.get("kind") == "Deployment":
            for container in document["spec"]["template"]["spec"]["containers"]:
                container["readinessProbe"]["httpGet"]["path"] = "/no-such-path"
        documents.append(document)
    argv = ["kubectl", *(["--context", lab.context] if lab.context else []), "-n", fault.kube.namespace]
    listing = {"apiVersion": "v1", "kind": "List", "items": [d for d in documents if d]}
    done = subprocess.run(
        [*argv, "apply", "-f", "-"], input=json.dumps(listing), text=True, capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


def _helm_busy(lab: Lab, fault: Fault) -> None:
    """A second upgrade while the first still waits on its pods: helm's release lock refuses it."""
    values = _backend(lab, **{"resources.requests.cpu": "64", "resources.limits.cpu": "64"})
    with Helm._values_file(values) as values_args:
        _hold_and_retry(fault, values, values_args)


def _hold_and_retry(fault: Fault, values: dict[str, Any], values_args: list[str]) -> None:
    argv = [
        fault.helm.cli(),
        "upgrade",
        "--install",
        "backend",
        str(CHARTS["backend"]),
        *fault.helm.scope(),
        "--wait",
        "--timeout",
        "90s",
        *values_args,
    ]
    first = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        proc.wait_for(
            lambda: (
                "pending-install"
                in subprocess.run(
                    [fault.helm.cli(), "status", "backend", *fault.helm.scope()], capture_output=True, text=True
                ).stdout
            ),
            name="the first upgrade holding the release",
            timeout=60,
        )
        _install(fault, "backend", "backend", values)
    finally:
        first.terminate()
        first.wait(timeout=30)


def _selector_changed(lab: Lab, fault: Fault) -> None:
    """An upgrade that renames the chart (nameOverride) but keeps the Deployment's name: its
    selector labels change, which the API server refuses."""
    _install(fault, "backend", "backend", _backend(lab, fullnameOverride="api"))
    _install(fault, "backend", "backend", _backend(lab, fullnameOverride="api", nameOverride="renamed"))


SETUPS: dict[str, Callable[[Lab, Fault], None]] = {
    "image-tag": lambda lab, f: _install(f, "backend", "backend", _backend(lab, **{"image.tag": "no-such-tag"})),
    "cpu": lambda lab, f: _install(
        f, "backend", "backend", _backend(lab, **{"resources.requests.cpu": "64", "resources.limits.cpu": "64"})
    ),
    "probe-path": _broken_probe,
    "secret": lambda lab, f: _install(f, "backend", "backend", _backend(lab, **{"secrets.existingSecret": "nope"})),
    "oom": lambda lab, f: _install(
        f,
        "backend",
        "backend",
        _backend(lab, **{"resources.requests.memory": "16Mi", "resources.limits.memory": "24Mi"}),
    ),
    "bad-config": lambda lab, f: _install(f, "backend", "backend", _backend(lab, **{"secrets.existingSecret": "weak"})),
    "backend-url": lambda lab, f: _install(
        f,
        "frontend",
        "todo-frontend",
        _frontend(lab, backendUrl="http://todo-nowhere:8000", **{"service.nodePort": _free_node_port(f.kube)}),
    ),
    "node-port-range": lambda lab, f: _install(f, "frontend", "frontend", _frontend(lab, **{"service.nodePort": 80})),
    "node-port-taken": lambda lab, f: _install(
        f, "frontend", "frontend", _frontend(lab, **{"service.nodePort": lab.taken_node_port})
    ),
    "helm-busy": _helm_busy,
    "selector": _selector_changed,
    "ai-provider": lambda lab, f: _install(
        f,
        "backend",
        "backend",
        # A provider address inside the pod where nothing listens: the pod cannot reach it.
        _backend(lab, **{"config.aiProvider": "openai", "config.aiBaseUrl": "http://127.0.0.1:9/v1"}),
    ),
}


@pytest.fixture(scope="module")
def lab(
    cluster_target: ClusterTarget,
    deployment: Deployment,
    image_set: images.Images,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Lab]:
    """Every fault deployed at once, each in its namespace (they show in parallel); all removed after."""
    context = cluster_target.cluster.context
    taken = int(deployment.frontend_url.rsplit(":", 1)[-1]) if deployment.frontend_url.count(":") == 2 else 30080
    lab = Lab(
        context,
        _image(image_set, "backend"),
        _image(image_set, "frontend"),
        taken,
        {},
        tmp_path_factory.mktemp("faults"),
    )
    try:
        for name, setup in SETUPS.items():
            kube, helm = _namespace(context, name)
            sqlite = "sqlite:////tmp/todo.db"  # the pod's own /tmp: no database to deploy
            env = {"DATABASE_URL": sqlite, "SECRET_KEY": secrets.token_urlsafe(32)}
            if name == "ai-provider":  # the key is there; the provider is what cannot be reached
                env["OPENAI_API_KEY"] = "sk-test"
            _secret(kube, "fault-env", env)
            _secret(kube, "weak", {"DATABASE_URL": sqlite, "SECRET_KEY": "short"})
            fault = Fault(name, kube, helm, ["backend", "frontend", "todo-frontend"])
            lab.faults[name] = fault
            setup(lab, fault)
        yield lab
    finally:
        for fault in lab.faults.values():
            fault.kube.delete_namespace()  # everything in it goes too; not waited for


def _diagnosed(lab: Lab, name: str, rule: str, probe: str = "", failure: str = "") -> tuple[Diagnosis, Bundle]:
    """Collect bundles of the fault's namespace until `rule` fires (or the time is up)."""
    fault = lab.faults[name]
    deadline = time.monotonic() + SHOWS_WITHIN_S
    while True:
        bundle = Bundle(lab.folder / name)
        collect_cluster(bundle, lab.folder, fault.kube, helm=fault.helm, releases=fault.releases, context=lab.context)
        if probe:
            from fixtures.bundle import probe_http

            probe_http(bundle, lab.folder, probe, "http://127.0.0.1:1", ("/api/tasks", "/health"))
        bundle.symptoms.failure = failure
        found = diagnose(bundle.symptoms)
        match = next((d for d in found if d.rule == rule), None)
        if match is not None:
            return match, bundle
        if time.monotonic() > deadline:
            events = "\n".join(f"{e['reason']}: {e['message']}" for e in bundle.symptoms.events[-10:])
            pytest.fail(f"{name}: rule {rule} never fired; found {found}; events:\n{events}; errors {bundle.errors}")
        time.sleep(3)


@pytest.mark.parametrize(
    ("fault", "rule", "risk", "remedy"),
    [
        ("image-tag", "image-not-available", "R-02", "image load"),
        ("cpu", "insufficient-resources", "R-11", "resources.requests.cpu"),
        ("probe-path", "probe-failing", "R-08", "probe"),
        ("secret", "create-container-config-error", "R-07", "Secret"),
        ("oom", "oom-killed", "R-01", "resources.limits.memory"),
        ("bad-config", "crash-loop", "R-07", "Secret"),
        ("node-port-range", "node-port-rejected", "R-09", "30000-32767"),
        ("node-port-taken", "node-port-rejected", "R-09", "30000-32767"),
        ("helm-busy", "helm-operation-in-progress", "R-09", "helm rollback"),
        ("selector", "selector-immutable", "R-09", "uninstall"),
        ("cpu", "backend-service-no-endpoints", "R-03", "kubectl get endpoints"),
    ],
)
def test_an_injected_fault_is_diagnosed_on_the_real_cluster(
    lab: Lab, fault: str, rule: str, risk: str, remedy: str
) -> None:
    diagnosis, bundle = _diagnosed(lab, fault, rule)
    assert diagnosis.risk == risk and remedy in diagnosis.remedy, diagnosis
    assert any(f.endswith("events.txt") for f in bundle.files), bundle.files
    # helm's values of the release hold LAB_SECRET; the bundle (values, manifests, logs, events) does not.
    leaked = [f for f in bundle.files if LAB_SECRET in (lab.folder / f).read_text(errors="replace")]
    assert not leaked, f"the lab's secret value is in {leaked}"


def test_a_frontend_with_a_wrong_backend_url_is_diagnosed_on_the_real_cluster(lab: Lab) -> None:
    fault = lab.faults["backend-url"]
    port = None
    deadline = time.monotonic() + 60
    while port is None and time.monotonic() < deadline:
        ports = fault.kube.service("todo-frontend")["spec"]["ports"]
        port = ports[0].get("nodePort")
        time.sleep(1)
    frontend = f"http://127.0.0.1:{port}"
    proc.wait_for(lambda: proc.port_open(int(port or 0)), name="the frontend's NodePort", timeout=SHOWS_WITHIN_S)
    diagnosis, _ = _diagnosed(lab, "backend-url", "frontend-cannot-reach-backend", probe=frontend)
    assert diagnosis.risk == "R-03" and "BACKEND_URL" in diagnosis.remedy, diagnosis


def test_a_backend_that_cannot_reach_the_ai_provider_is_diagnosed_on_the_real_cluster(
    lab: Lab, cluster_target: ClusterTarget
) -> None:
    fault = lab.faults["ai-provider"]
    selector = "app.kubernetes.io/instance=backend,app.kubernetes.io/component=api"
    fault.kube.wait_ready(selector, timeout=SHOWS_WITHIN_S)
    url = cluster_target.cluster.port_forward(fault.kube.namespace, "backend-todo-backend", 8000)
    email, password = f"fault-{secrets.token_hex(4)}@example.com", "correct horse battery"
    assert httpx.post(f"{url}/api/auth/register", json={"email": email, "password": password}).status_code == 201
    token = httpx.post(f"{url}/api/auth/login", json={"email": email, "password": password}).json()["access_token"]
    chat = httpx.post(
        f"{url}/api/chat", json={"message": "add buy milk"}, headers={"Authorization": f"Bearer {token}"}, timeout=60
    )
    assert chat.status_code == 503, chat.text
    diagnosis, _ = _diagnosed(lab, "ai-provider", "ai-provider-unreachable", failure=f"chat answered 503: {chat.text}")
    assert diagnosis.risk == "R-04" and "AI_BASE_URL" in diagnosis.remedy, diagnosis
