"""The rule table on recorded API objects and outputs: each known cause is named with its risk and
remedy, and an unknown one is not guessed. Every cluster rule is also injected live in
test_faults.py (the local target's in test_local_faults.py); what only recordings can show is here
alone: an image a registry refuses (no registry is reachable here) and Helm 3's wording where it
differs from Helm 4's (no registry ships a Helm 3 binary)."""

from pathlib import Path
from typing import Any

import pytest

from fixtures.bundle import _redact_manifest, redact
from fixtures.diagnosis import Symptoms, diagnose


def _pod(
    name: str, *, waiting: str = "", message: str = "", terminated: str = "", init: bool = False
) -> dict[str, Any]:
    status: dict[str, Any] = {"name": "api", "ready": False, "restartCount": 3, "state": {}, "lastState": {}}
    if waiting:
        status["state"] = {"waiting": {"reason": waiting, "message": message}}
    if terminated:
        status["lastState"] = {"terminated": {"reason": terminated, "exitCode": 137}}
    key = "initContainerStatuses" if init else "containerStatuses"
    return {
        "metadata": {"name": name},
        "spec": {"containers": [{"name": "api", "image": "todo-backend:broken"}]},
        "status": {"phase": "Pending", key: [status], "conditions": [{"type": "Ready", "status": "False"}]},
    }


def _event(reason: str, message: str, obj: str = "Pod/todo-backend-1") -> dict[str, str]:
    return {"time": "2026-11-26T10:00:00Z", "type": "Warning", "reason": reason, "object": obj, "message": message}


CASES: list[tuple[str, Symptoms, str, str]] = [
    (
        "ErrImageNeverPull on a local tag",
        Symptoms(pods=[_pod("b-1", waiting="ErrImageNeverPull", message='Container image "todo-backend:broken"')]),
        "R-02",
        "minikube image load todo-backend:broken",
    ),
    (
        "ImagePullBackOff from a registry",
        Symptoms(pods=[_pod("b-1", waiting="ImagePullBackOff")]),
        "R-02",
        "minikube image load",
    ),
    (
        "Pending: Insufficient cpu",
        Symptoms(events=[_event("FailedScheduling", "0/1 nodes are available: 1 Insufficient cpu.")]),
        "R-11",
        "resources.requests.cpu",
    ),
    (
        "Pending: Insufficient memory",
        Symptoms(events=[_event("FailedScheduling", "0/1 nodes are available: 1 Insufficient memory.")]),
        "R-11",
        "resources.requests.memory",
    ),
    (
        "CreateContainerConfigError",
        Symptoms(
            pods=[
                _pod(
                    "b-1",
                    waiting="CreateContainerConfigError",
                    message="couldn't find key SECRET_KEY in Secret todo-chatbot/todo-backend",
                )
            ]
        ),
        "R-07",
        "Secret",
    ),
    (
        "OOMKilled",
        Symptoms(pods=[_pod("b-1", waiting="CrashLoopBackOff", terminated="OOMKilled")]),
        "R-01",
        "resources.limits.memory",
    ),
    (
        "CrashLoopBackOff with a configuration error",
        Symptoms(
            pods=[_pod("b-1", waiting="CrashLoopBackOff")],
            logs={"b-1/api (previous)": "todo-backend: invalid configuration: secret_key: too short"},
        ),
        "R-07",
        "Secret",
    ),
    (
        "CrashLoopBackOff, other",
        Symptoms(pods=[_pod("b-1", waiting="CrashLoopBackOff")], logs={"b-1/api": "Segmentation fault"}),
        "R-08",
        "--previous",
    ),
    (
        "readiness probe failing",
        Symptoms(events=[_event("Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 404")]),
        "R-08",
        "health and liveness paths",
    ),
    (
        "NodePort out of range",
        Symptoms(
            helm_errors=[
                'helm upgrade todo-frontend: Error: Service "todo-frontend" is invalid: spec.ports[0].nodePort: '
                "Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767"
            ]
        ),
        "R-09",
        "30000-32767",
    ),
    (
        # Helm 3's schema refusal (recorded from helm v3.15.1)
        "NodePort under the range, Helm 3's words",
        Symptoms(
            helm_errors=[
                "Error: values don't meet the specifications of the schema(s) in the following chart(s):\n"
                "todo-frontend:\n- service.nodePort: Must be greater than or equal to 30000\n"
            ]
        ),
        "R-09",
        "30000-32767",
    ),
    (
        # Helm 4's (recorded from Helm v4.2.3 through scripts/helm-sdk)
        "NodePort over the range, Helm 4's words",
        Symptoms(
            helm_errors=[
                "Error: values don't meet the specifications of the schema(s) in the following chart(s):\n"
                "todo-frontend:\n- at '/service/nodePort': maximum: got 40,000, want 32,767\n"
            ]
        ),
        "R-09",
        "30000-32767",
    ),
    (
        "NodePort taken",
        Symptoms(helm_errors=["spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated"]),
        "R-09",
        "free port",
    ),
    (
        "helm operation in progress",
        Symptoms(helm_errors=["Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress"]),
        "R-09",
        "helm rollback",
    ),
    (
        "immutable selector",
        Symptoms(
            helm_errors=[
                'Error: UPGRADE FAILED: cannot patch "todo-backend" with kind Deployment: Deployment.apps '
                '"todo-backend" is invalid: spec.selector: Invalid value: ...: field is immutable'
            ]
        ),
        "R-09",
        "uninstall",
    ),
    (
        "frontend cannot reach a running backend",
        Symptoms(
            probes={
                "frontend /api -> backend": '502 {"detail":"The API server cannot be reached right now"}',
                "backend /health": '200 {"status":"ok"}',
            }
        ),
        "R-03",
        "backend URL",
    ),
    (
        "backend Service without endpoints",
        Symptoms(pods=[_pod("b-1")], endpoints={"todo-backend": 0, "todo-frontend": 1}),
        "R-03",
        "kubectl get endpoints",
    ),
    (
        "AI provider unreachable",
        Symptoms(failure="chat answered 503: Could not reach the AI provider (openai); check the network"),
        "R-04",
        "egress",
    ),
    (
        "port in use (local)",
        Symptoms(logs={"backend": "ERROR: [Errno 98] error while attempting to bind: address already in use"}),
        "R-09",
        "ss -ltnp",
    ),
    (
        "container exited (docker)",
        Symptoms(processes=[{"name": "backend", "running": False, "exit_code": 3}], logs={"backend": "refusing"}),
        "R-09",
        "backend's whole log",
    ),
    (
        "the app's auth rate limit",
        Symptoms(failure='AssertionError: registration failed: HTTP 429 {"message":"Too many requests"}'),
        "app",
        "rate limit",
    ),
]


@pytest.mark.parametrize(("symptoms", "risk", "remedy"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_known_cause_is_named_with_its_risk_and_remedy(symptoms: Symptoms, risk: str, remedy: str) -> None:
    found = diagnose(symptoms)
    assert found, "no rule fired"
    assert found[0].risk == risk, found[0]
    assert remedy in found[0].remedy, found[0].remedy


def test_an_unknown_failure_gets_no_guess() -> None:
    symptoms = Symptoms(
        failure="AssertionError: Page URL expected to be '/tasks$'",
        pods=[_pod("b-1") | {"status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}}],
        probes={"frontend /api -> backend": '401 {"detail":"Not authenticated"}', "backend /health": "200 ok"},
        endpoints={"todo-backend": 1},
    )
    assert diagnose(symptoms) == []


def test_the_table_covers_every_cause_the_issue_names() -> None:
    rules = {d.rule for _, symptoms, _, _ in CASES for d in diagnose(symptoms)}
    assert rules >= {
        "image-not-available",
        "insufficient-resources",
        "crash-loop",
        "create-container-config-error",
        "probe-failing",
        "oom-killed",
        "frontend-cannot-reach-backend",
        "backend-service-no-endpoints",
        "ai-provider-unreachable",
        "node-port-rejected",
        "helm-operation-in-progress",
        "selector-immutable",
        "port-in-use",
        "process-exited",
    }


def test_bundles_never_hold_secret_values() -> None:
    values = {"secrets": {"secretKey": "s3cr3t", "openaiApiKey": "sk-1"}, "image": {"tag": "1.0"}, "token": "t"}
    assert redact(values) == {"secrets": "<redacted>", "image": {"tag": "1.0"}, "token": "<redacted>"}
    manifest = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  LOG_LEVEL: INFO\n---\n"
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: todo-backend\ntype: Opaque\n"
        "data:\n  SECRET_KEY: czNjcjN0\nstringData:\n  DATABASE_URL: postgresql://u:pw@db/x\n"
    )
    scrubbed = _redact_manifest(manifest)
    assert "czNjcjN0" not in scrubbed and "pw@db" not in scrubbed
    assert "LOG_LEVEL: INFO" in scrubbed and "name: todo-backend" in scrubbed


def test_a_probe_that_failed_while_the_pod_started_is_not_a_cause() -> None:
    ready = _pod("b-1") | {"status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}}
    event = _event("Unhealthy", "Startup probe failed: connect: connection refused", obj="Pod/b-1")
    assert diagnose(Symptoms(pods=[ready], events=[event])) == []
    assert [d.rule for d in diagnose(Symptoms(pods=[_pod("b-1")], events=[event]))] == ["probe-failing"]


def test_a_bundle_holds_the_harness_s_last_api_exchanges(tmp_path: Path) -> None:
    from fixtures.bundle import Bundle, recent_exchanges
    from fixtures.journal import Journal

    journal = Journal()
    journal.exchanges.append(
        {"request": "POST http://127.0.0.1:1/api/auth/login", "body": {"password": "***"}, "status": 502}
    )
    bundle = Bundle(tmp_path / "b")
    recent_exchanges(bundle, tmp_path, journal.exchanges)
    saved = (tmp_path / "b" / "last-api-exchanges.json").read_text()
    assert "api/auth/login" in saved and "***" in saved
    assert bundle.files == ["b/last-api-exchanges.json"]


@pytest.mark.parametrize(
    ("target", "words"), [("minikube", "backend URL to the backend Service"), ("local", "where the frontend runs")]
)
def test_the_r03_remedy_speaks_of_where_the_app_runs(target: str, words: str) -> None:
    probes = {
        "frontend /api -> backend": '502 {"detail":"The API server cannot be reached right now"}',
        "backend /health": "200 ok",
    }
    (found,) = diagnose(Symptoms(target=target, probes=probes))
    assert found.risk == "R-03" and words in found.remedy


def test_events_of_a_pod_that_is_gone_are_not_a_cause() -> None:
    """From a CI run: a rolling update replaced the pod whose startup probe had failed at boot."""
    new_pod = _pod("b-new") | {"status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}}
    stale = _event("Unhealthy", "Startup probe failed: connect: connection refused", obj="Pod/b-old")
    assert diagnose(Symptoms(pods=[new_pod], events=[stale])) == []
