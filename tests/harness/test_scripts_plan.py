"""S-06's pure parts (fixtures/scripts.py): which scripts run with which arguments on each kind of
cluster, the NodePort it picks, the environment the scripts get, and how validate.sh's nested
run is judged. The scripts themselves run for real only on a cluster."""

import stat
from pathlib import Path

import pytest

from fixtures import scripts
from tests.ours import REPO_ROOT


def scratch(kind: str, **extra: object) -> scripts.ScratchDeployment:
    values: dict[str, object] = {
        "kind": kind,
        "namespace": "todo-chatbot-s06",
        "tag": "t1",
        "node_port": 30081,
        "env_file": Path("/tmp/s06/.env"),
        "reports_dir": Path("/tmp/s06/reports"),
        "repositories": {"backend": "todo-backend", "frontend": "todo-frontend"},
        "repository_keys": {"backend": "image.repository", "frontend": "image.repository"},
        "node_port_key": "service.nodePort",
    }
    values.update(extra)
    return scripts.ScratchDeployment(**values)  # type: ignore[arg-type]


def test_minikube_runs_every_script_in_plan_order() -> None:
    steps = scripts.plan(scratch("minikube", local_bases=True))
    assert [s.script for s in steps] == [
        "setup-minikube.sh",
        "build-images.sh",
        "deploy.sh",
        "validate.sh",
        "undeploy.sh",
        "deploy.sh",
        "undeploy.sh",
    ]
    build, deploy, validate, uninstall, redeploy, undeploy = steps[1:]
    assert uninstall.args == () and redeploy.args == deploy.args, "the reinstall keeps the data and the values"
    assert build.args == ("--tag", "t1", "--local-bases")
    assert deploy.args == (
        "--env-file",
        "/tmp/s06/.env",
        "--tag",
        "t1",
        "--timeout",
        "5m",
        "--frontend-set",
        "service.nodePort=30081",
    )
    assert validate.args[:5] == ("--target", "minikube", "--no-build", "--no-gate", "--")
    pytest_args = validate.args[5:]
    assert pytest_args[pytest_args.index("--namespace") + 1] == "todo-chatbot-s06"
    assert pytest_args[pytest_args.index("--reports-dir") + 1] == "/tmp/s06/reports"
    assert pytest_args[pytest_args.index("-m") + 1] == "mvp"
    assert undeploy.args == ("--purge",)
    assert all((REPO_ROOT / s.argv[0]).is_file() for s in steps), "every planned script exists"


@pytest.mark.parametrize("kind", ["kind", "kube"])
def test_other_clusters_skip_the_minikube_setup(kind: str) -> None:
    steps = scripts.plan(scratch(kind))
    assert [s.script for s in steps] == [
        "build-images.sh",
        "deploy.sh",
        "validate.sh",
        "undeploy.sh",
        "deploy.sh",
        "undeploy.sh",
    ]
    assert steps[0].args == ("--tag", "t1")
    assert steps[2].args[:2] == ("--target", kind)


def test_a_registry_reaches_both_charts_and_the_nested_run() -> None:
    steps = {s.script: s for s in scripts.plan(scratch("kube", image_registry="ghcr.io/me/"))}
    deploy = steps["deploy.sh"].args
    assert ("--set", "image.repository=ghcr.io/me/todo-backend") == deploy[8:10]
    assert ("--frontend-set", "image.repository=ghcr.io/me/todo-frontend") == deploy[10:12]
    validate = steps["validate.sh"].args
    assert validate[validate.index("--image-registry") + 1] == "ghcr.io/me/"


def test_the_node_port_is_one_no_service_uses() -> None:
    assert scripts.free_node_port([30080]) == 30081
    assert scripts.free_node_port([30080, 30081, 30082]) == 30083
    assert scripts.free_node_port(set(range(30081, 32768))) == 30000
    assert scripts.free_node_port([], preferred=32767) == 32767
    with pytest.raises(RuntimeError, match="every NodePort"):
        scripts.free_node_port(range(30000, 32768))


def test_the_scripts_get_the_scratch_namespace_and_a_private_kubeconfig() -> None:
    base = {"PATH": "/usr/bin", "PYTEST_CURRENT_TEST": "x", "HELM_KUBECONTEXT": "prod", "NAMESPACE": "todo-chatbot"}
    env = scripts.script_env("ns-s06", Path("/tmp/k"), Path("/tmp/secrets"), base=base)
    assert env["NAMESPACE"] == "ns-s06" and env["KUBECONFIG"] == "/tmp/k" and env["SECRETS_DIR"] == "/tmp/secrets"
    assert "PYTEST_CURRENT_TEST" not in env and "HELM_KUBECONTEXT" not in env and env["PATH"] == "/usr/bin"
    assert base["NAMESPACE"] == "todo-chatbot", "the caller's environment is not changed"


def _completion(**statuses: str) -> dict[str, object]:
    verdicts = dict.fromkeys(scripts.MUST_PASS, "PASS") | {"C-01": "NOT RUN", "C-02": "NOT RUN"}
    verdicts |= {cid.replace("_", "-"): status for cid, status in statuses.items()}
    return {"criteria": [{"id": cid, "status": status} for cid, status in verdicts.items()]}


def test_the_nested_run_must_pass_from_the_installs_on() -> None:
    assert scripts.nested_run_problems(_completion()) == []
    assert scripts.nested_run_problems(_completion(C_12="FAIL")) == ["C-12 FAIL", "C-12 is FAIL, not PASS"]
    assert scripts.nested_run_problems(_completion(C_06="NOT RUN")) == ["C-06 is NOT RUN, not PASS"]
    assert scripts.nested_run_problems(_completion(C_01="FAIL")) == ["C-01 FAIL"]
    assert scripts.nested_run_problems({"criteria": []})[0] == "C-04 is missing, not PASS"
    assert scripts.nested_run_problems({}) == ["completion.json has no criteria list"]


def test_a_script_run_keeps_exit_code_and_output(tmp_path: Path) -> None:
    (tmp_path / "scripts").mkdir()
    script = tmp_path / "scripts" / "slow.sh"
    script.write_text(
        '#!/usr/bin/env bash\necho "namespace=$NAMESPACE"\n[ "${1:-}" = fail ] && exit 3\nsleep "${1:-0}"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    env = scripts.script_env("ns-x", tmp_path / "k", tmp_path / "s")
    ok = scripts.run_step(scripts.ScriptStep("slow.sh", (), "echo"), env, tmp_path)
    assert ok.ok and ok.output.strip() == "namespace=ns-x"
    failed = scripts.run_step(scripts.ScriptStep("slow.sh", ("fail",), "fail"), env, tmp_path)
    assert failed.exit_code == 3 and not failed.ok
    late = scripts.run_step(scripts.ScriptStep("slow.sh", ("5",), "time out", timeout_s=0.5), env, tmp_path)
    assert late.exit_code == -1 and "timed out after 0.5 s" in late.output
    assert late.summary()["script"] == "scripts/slow.sh 5"
