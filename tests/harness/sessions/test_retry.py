"""Retries happen for transient causes only (the API server refusing connections while it starts,
an image pull timing out on the network), each is recorded in the report, and a deterministic
failure runs once. The API-server case runs for real: the official client against a server that
starts listening two seconds after the first request."""

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from fixtures import proc
from fixtures.journal import Journal
from fixtures.kube import Kube
from fixtures.retry import retrying, transient_cause
from tests.ours import REPO_ROOT

TRANSIENT = {
    "kubectl while the API server starts": (
        "The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?"
        "\ndial tcp 127.0.0.1:6443: connect: connection refused"
    ),
    "helm while the API server starts": 'Error: Kubernetes cluster unreachable: Get "https://127.0.0.1:6443/version": '
    "dial tcp 127.0.0.1:6443: connect: connection refused",
    "the Python client": "MaxRetryError: HTTPSConnectionPool(host='127.0.0.1', port=6443): Max retries exceeded "
    "(Caused by NewConnectionError(': Failed to establish a new connection: [Errno 111] Connection refused'))",
    "an aggregated API not ready": "the server is currently unable to handle the request",
    "a pull that timed out": 'Failed to pull image "todo-backend:1.0": dial tcp 104.18.1.1:443: i/o timeout',
    "a TLS handshake timeout": "failed to pull and unpack image: net/http: TLS handshake timeout",
}
DETERMINISTIC = {
    "helm's lock": "Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress",
    "a missing image": 'Failed to pull image "todo-backend:nope": not found',
    "helm --wait ran out": "Error: UPGRADE FAILED: context deadline exceeded",
    "a refused value": 'Service "x" is invalid: spec.ports[0].nodePort: provided port is not in the valid range',
    "an immutable selector": "spec.selector: Invalid value: field is immutable",
}


@pytest.mark.parametrize("text", TRANSIENT.values(), ids=TRANSIENT.keys())
def test_transient_causes_are_retried(text: str) -> None:
    assert transient_cause(text) is not None


@pytest.mark.parametrize("text", DETERMINISTIC.values(), ids=DETERMINISTIC.keys())
def test_deterministic_failures_are_not(text: str) -> None:
    assert transient_cause(text) is None


def test_a_deterministic_failure_runs_once() -> None:
    calls = []

    def locked() -> None:
        calls.append(1)
        raise proc.CommandFailed(["helm", "upgrade"], 1, "", DETERMINISTIC["helm's lock"])

    journal = Journal()
    with pytest.raises(proc.CommandFailed):
        retrying("helm upgrade x", locked, delay_s=0, journal=journal)
    assert calls == [1] and journal.retries == []


class _PodList(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        body = json.dumps({"apiVersion": "v1", "kind": "PodList", "metadata": {}, "items": []}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def late_api_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], None]]:
    """A kubeconfig whose API server starts listening two seconds after start() is called."""
    port = proc.free_port()
    kubeconfig = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "late", "cluster": {"server": f"http://127.0.0.1:{port}"}}],
        "users": [{"name": "late", "user": {"token": "t"}}],
        "contexts": [{"name": "late", "context": {"cluster": "late", "user": "late"}}],
        "current-context": "late",
    }
    (tmp_path / "kubeconfig").write_text(json.dumps(kubeconfig))
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "kubeconfig"))
    servers: list[ThreadingHTTPServer] = []

    def start_later() -> None:
        time.sleep(2)
        server = ThreadingHTTPServer(("127.0.0.1", port), _PodList)
        servers.append(server)
        server.serve_forever(poll_interval=0.05)

    yield lambda: threading.Thread(target=start_later, daemon=True).start()
    for server in servers:
        server.shutdown()


def test_the_client_waits_for_an_api_server_that_is_starting(late_api_server: Callable[[], None]) -> None:
    journal = Journal()
    kube = Kube("todo-chatbot", "late", journal)
    late_api_server()
    assert kube.pods("app=x") == []
    retried = [r for r in journal.retries if r.operation == "list pods app=x"]
    assert retried, journal.retries
    assert "API server" in retried[0].cause


SUITE = """
from fixtures import retry

def test_flaky_api(run):
    calls = []

    def starting():
        calls.append(1)
        if len(calls) < 2:
            raise ConnectionRefusedError("[Errno 111] Connection refused")
        return "ok"

    assert retry.retrying("kubectl get pods", starting, delay_s=0, journal=run.journal) == "ok"
"""


def test_each_retry_is_in_the_report(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('pytest_plugins = ["fixtures.harness"]')
    pytester.makepyfile(test_flaky=SUITE)
    out = pytester.path / "out"
    result = pytester.runpytest_inprocess(
        "-p",
        "no:playwright",
        "-p",
        "no:cacheprovider",
        f"--reports-dir={out}",
        "--target=local",
        f"--app-repo={REPO_ROOT}",
        "-m",
        "mvp or not mvp",
    )
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*retried: kubectl get pods (attempt 1 failed: the Kubernetes API server*"])
    retries = json.loads((out / "completion.json").read_text())["retries"]
    assert [(r["operation"], r["attempt"]) for r in retries] == [("kubectl get pods", 1)]
