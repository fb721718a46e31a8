"""A secret the harness deploys never reaches a report: a real harness session on the real cluster
(marker live_cluster, make test-cluster) whose helm install fails while an AI key with a known value
is among the backend's values, and the value is looked for in everything the session wrote: its
terminal output, report.html, junit.xml, completion.json, the evidence, the failure bundles and
the AI usage log. Helm gets the values in a private file, never on its command line."""

import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.kube import Kube
from tests.harness.nested import nested_env
from tests.ours import REPO_ROOT


@pytest.mark.live_cluster
def test_a_failed_install_shows_no_secret_value_anywhere(tmp_path: Path) -> None:
    leak = f"sk-leak-check-{secrets.token_hex(16)}"
    namespace = f"todo-leak-check-{secrets.token_hex(3)}"
    kube = Kube(namespace, "todo-local-cluster")
    kube.create_namespace({})
    # A ConfigMap of the chart's name that helm does not own: the backend's install fails at once.
    subprocess.run(
        ["kubectl", "--context", "todo-local-cluster", "-n", namespace, "create", "configmap", "todo-backend"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    reports = tmp_path / "reports"
    usage_log = tmp_path / "ai-usage.jsonl"
    argv = [sys.executable, "-m", "pytest", "tests/acceptance/test_mvp.py", "-k", "c08", "-p", "no:cacheprovider"]
    argv += ["--target", "local-cluster", "--namespace", namespace, "--no-gate", "--no-build"]
    argv += ["--reports-dir", str(reports), "--ai-usage-log", str(usage_log), "--junit-xml", str(reports / "junit.xml")]
    argv += ["-o", "addopts=", "--html", str(reports / "report.html"), "--self-contained-html"]
    env = nested_env()
    env["OPENAI_API_KEY"] = leak  # the cluster target hands it to the chart as secrets.openaiApiKey
    try:
        done = subprocess.run(argv, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=900)
    finally:
        if kube.namespace_exists():
            kube.delete_namespace()
    output = done.stdout + done.stderr
    assert done.returncode != 0 and "could not install todo-backend" in output, output[-3000:]
    written = [p for p in reports.rglob("*") if p.is_file()] + [usage_log]
    assert (reports / "bundles").is_dir() and usage_log.is_file(), sorted(str(p) for p in written)
    leaked = [str(p.relative_to(tmp_path)) for p in written if leak in p.read_text(errors="replace")]
    assert leak not in output, "the terminal output shows the secret"
    assert not leaked, f"the secret value is in {leaked}"
