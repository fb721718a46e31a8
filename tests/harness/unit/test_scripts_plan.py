"""S-06's pure parts (fixtures/scripts.py): which of a profile's deployment scripts run, with which
arguments, on each kind of cluster, the NodePort it picks, the environment the scripts get, and how
a verify run is judged. The scripts themselves run for real only on a cluster."""

import stat
from pathlib import Path

import pytest

from fixtures import scripts
from fixtures.profile import ProfileError, load
from fixtures.profile_model import PLACEHOLDERS, Profile
from tests.ours import OURS, REPO_ROOT

VALUES = dict.fromkeys(PLACEHOLDERS, "") | {
    "namespace": "todo-chatbot-s06",
    "tag": "t1",
    "node_port": "30081",
    "env_file": "/tmp/s06/.env",
    "reports_dir": "/tmp/s06/reports",
    "base_images": "local",
}
TIDY = load(REPO_ROOT / "examples" / "tidy-todo" / "todo-harness.yaml", REPO_ROOT / "examples" / "tidy-todo")


def _plan(kind: str, app: Profile = OURS, **values: str) -> list[scripts.ScriptStep]:
    assert app.deploy_scripts is not None
    return scripts.plan(app.deploy_scripts, kind, VALUES | {"target": kind} | values)


def test_on_minikube_our_profile_runs_every_script_in_plan_order() -> None:
    steps = _plan("minikube")
    assert [(s.argv[0], s.then) for s in steps] == [
        ("scripts/setup-minikube.sh", scripts.SET_UP),
        ("scripts/build-images.sh", scripts.BUILT),
        ("scripts/deploy.sh", scripts.DEPLOYED),
        ("scripts/validate.sh", scripts.VERIFIED),
        ("scripts/undeploy.sh", scripts.KEPT),
        ("scripts/deploy.sh", scripts.REDEPLOYED),
        ("scripts/undeploy.sh", scripts.PURGED),
    ]
    build, deploy, validate, uninstall, redeploy, purge = steps[1:]
    assert uninstall.argv == ("scripts/undeploy.sh",) and redeploy.argv == deploy.argv, "the reinstall keeps the values"
    assert build.argv == ("scripts/build-images.sh", "--tag", "t1")
    assert deploy.argv[1:] == (
        "--env-file",
        "/tmp/s06/.env",
        "--tag",
        "t1",
        "--timeout",
        "5m",
        "--frontend-set",
        "service.nodePort=30081",
    )

    assert validate.argv[1:6] == ("--target", "minikube", "--no-build", "--no-gate", "--")
    pytest_args = validate.argv[6:]
    assert pytest_args[pytest_args.index("--namespace") + 1] == "todo-chatbot-s06"
    assert pytest_args[pytest_args.index("--reports-dir") + 1] == "/tmp/s06/reports"
    assert pytest_args[pytest_args.index("-m") + 1] == "mvp"
    assert purge.argv == ("scripts/undeploy.sh", "--purge")
    assert all((REPO_ROOT / s.argv[0]).is_file() for s in steps), "every planned script exists"


@pytest.mark.parametrize("kind", ["kind", "kube", "local-cluster"])
def test_other_clusters_skip_the_minikube_setup(kind: str) -> None:
    steps = _plan(kind)
    assert [s.argv[0] for s in steps][:3] == ["scripts/build-images.sh", "scripts/deploy.sh", "scripts/validate.sh"]
    assert steps[2].argv[1:3] == ("--target", kind)


def test_an_app_with_a_deploy_and_an_undeploy_script_runs_just_those() -> None:
    steps = _plan("local-cluster", TIDY)
    assert [(s.argv, s.then) for s in steps] == [
        (("scripts/deploy.sh",), scripts.DEPLOYED),
        (("scripts/undeploy.sh",), scripts.REMOVED),
    ]


def test_a_word_that_fills_to_nothing_is_left_out() -> None:
    assert scripts.fill_argv(["run.sh", "{image_registry}", "--tag={tag}"], VALUES) == ("run.sh", "--tag=t1")


def test_a_command_with_a_placeholder_the_harness_lacks_is_refused(tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text("name: x\ndeploy_scripts: {deploy: [d.sh, '{tga}'], undeploy: [u.sh], env: {}}\n")
    with pytest.raises(ProfileError, match=r"deploy_scripts.deploy: .*\[1\]: \{tga\} is none of"):
        load(profile, tmp_path)


def test_the_node_port_is_one_no_service_uses() -> None:
    assert scripts.free_node_port([30080]) == 30081
    assert scripts.free_node_port([30080, 30081, 30082]) == 30083
    assert scripts.free_node_port(set(range(30081, 32768))) == 30000
    assert scripts.free_node_port([], preferred=32767) == 32767
    with pytest.raises(RuntimeError, match="every NodePort"):
        scripts.free_node_port(range(30000, 32768))


def test_the_scripts_get_the_scratch_namespace_and_a_private_kubeconfig() -> None:
    base = {"PATH": "/usr/bin", "PYTEST_CURRENT_TEST": "x", "HELM_KUBECONTEXT": "prod", "NAMESPACE": "todo-chatbot"}
    env = scripts.script_env("ns-s06", Path("/tmp/k"), Path("/tmp/secrets"), Path("/tmp/usage.jsonl"), base=base)
    assert env["NAMESPACE"] == "ns-s06" and env["KUBECONFIG"] == "/tmp/k" and env["SECRETS_DIR"] == "/tmp/secrets"
    assert env["AI_USAGE_LOG"] == "/tmp/usage.jsonl"
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
    env = scripts.script_env("ns-x", tmp_path / "k", tmp_path / "s", tmp_path / "usage.jsonl")
    ok = scripts.run_step(scripts.ScriptStep(("scripts/slow.sh",), scripts.BUILT), env, tmp_path)
    assert ok.ok and ok.output.strip() == "namespace=ns-x"
    failed = scripts.run_step(scripts.ScriptStep(("scripts/slow.sh", "fail"), scripts.BUILT), env, tmp_path)
    assert failed.exit_code == 3 and not failed.ok
    late = scripts.run_step(scripts.ScriptStep(("scripts/slow.sh", "5"), scripts.BUILT, timeout_s=0.5), env, tmp_path)
    assert late.exit_code == -1 and "timed out after 0.5 s" in late.output
    assert late.summary()["script"] == "scripts/slow.sh 5"
