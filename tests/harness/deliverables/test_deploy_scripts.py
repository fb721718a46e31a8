"""The deployment scripts' plumbing without a cluster: stand-in `helm`, `kubectl` and `pytest`
executables record how deploy.sh, undeploy.sh and validate.sh call them (the real tools run only
on a cluster, under S-06). What is checked is the scripts' own logic: arguments, the secrets file
made from .env and where it goes, the order of the steps."""

import json
import os
import shlex
import stat
import subprocess
from pathlib import Path

import pytest

from tests.ours import REPO_ROOT

RECORDER = """#!/usr/bin/env bash
printf '%s\\n' "$(basename "$0") $*" >> "$CALLS"
case "$(basename "$0") $1" in
  "helm status") exit 0 ;;
  "kubectl create") echo "kind: Namespace" ;;
  "kubectl apply") cat >/dev/null ;;
esac
exit 0
"""

# Records its arguments as one JSON list per call.
PYTEST_RECORDER = """#!/usr/bin/env bash
python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@" >> "$CALLS"
"""


@pytest.fixture
def tools(tmp_path: Path) -> dict[str, str]:
    """PATH with recording helm and kubectl first; the environment the scripts run with."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("helm", "kubectl"):
        tool = bin_dir / name
        tool.write_text(RECORDER)
        tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    return {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "CALLS": str(tmp_path / "calls"),
        "NAMESPACE": "ns-test",
        "SECRETS_DIR": str(tmp_path / "secrets"),
        "AI_USAGE_LOG": str(tmp_path / "ai-usage.jsonl"),
    }


def run(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(REPO_ROOT / "scripts" / script), *args], env=env, capture_output=True, text=True, timeout=60
    )


def calls(env: dict[str, str]) -> list[list[str]]:
    return [shlex.split(line) for line in Path(env["CALLS"]).read_text().splitlines()]


def test_deploy_turns_env_into_a_private_secrets_file_and_installs_both_charts(
    tools: dict[str, str], tmp_path: Path
) -> None:
    env_file = tmp_path / "my.env"
    env_file.write_text("SECRET_KEY=s3cret-value-for-the-test\nAI_PROVIDER=local\n")
    done = run(
        "deploy.sh",
        "--env-file",
        str(env_file),
        "--tag",
        "t7",
        "--set",
        "replicaCount=2",
        "--frontend-set",
        "service.nodePort=30081",
        env=tools,
    )
    assert done.returncode == 0, done.stderr
    secrets_file = Path(tools["SECRETS_DIR"]) / "backend-values.yaml"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(secrets_file.parent.stat().st_mode) == 0o700
    assert "s3cret-value-for-the-test" in secrets_file.read_text()
    assert "s3cret-value-for-the-test" not in done.stdout + done.stderr, "the secret is never printed"
    helm = [c for c in calls(tools) if c[:2] == ["helm", "upgrade"]]
    backend, frontend = helm
    assert backend[1:5] == ["upgrade", "--install", "todo-backend", str(REPO_ROOT / "helm-charts" / "todo-backend")]
    assert ["-n", "ns-test"] == backend[5:7] and ["-f", str(secrets_file)] == backend[7:9]
    assert "image.tag=t7" in backend and "replicaCount=2" in backend and "--wait" in backend
    assert "service.nodePort=30081" not in backend
    assert frontend[3] == "todo-frontend" and "image.tag=t7" in frontend and "service.nodePort=30081" in frontend
    assert "backendUrl=http://todo-backend:8000" in frontend
    rollouts = [c for c in calls(tools) if c[:2] == ["kubectl", "-n"]]
    assert [c[5] for c in rollouts] == ["deployment/todo-backend", "deployment/todo-frontend"]
    # No AI tool here: every operation is the plain command, and the usage log says so (N-01).
    logged = usage(tools)
    assert [(e["operation"], e["tool"], e["outcome"]) for e in logged] == [
        ("4.2 deploy todo-backend", "manual", "ok"),
        ("4.3 wait for todo-backend", "manual", "ok"),
        ("4.5 deploy todo-frontend", "manual", "ok"),
        ("4.6 wait for todo-frontend", "manual", "ok"),
    ]
    assert logged[0]["command"].startswith("helm upgrade --install todo-backend") and logged[0]["by"] == "script"


def usage(env: dict[str, str]) -> list[dict[str, str]]:
    return [json.loads(line) for line in Path(env["AI_USAGE_LOG"]).read_text().splitlines()]


# kagent that "does" what it is asked (helm history then shows a revision), kubectl-ai that answers.
KAGENT = """#!/usr/bin/env bash
printf '%s\n' "kagent $*" >> "$CALLS"
touch "$STATE/kagent-did-it"
"""
HELM_WITH_HISTORY = """#!/usr/bin/env bash
printf '%s\n' "helm $*" >> "$CALLS"
if [ "$1" = history ]; then
  if [ -e "$STATE/kagent-did-it" ]; then echo '[{"revision": 1}]'; else echo '[]'; fi
fi
exit 0
"""


def test_deploy_asks_the_ai_tools_first_and_keeps_their_work_only_when_it_checks_out(
    tools: dict[str, str], tmp_path: Path
) -> None:
    bin_dir = Path(tools["PATH"].split(":")[0])
    for name, text in (("kagent", KAGENT), ("kubectl-ai", RECORDER), ("helm", HELM_WITH_HISTORY)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    env = {**tools, "STATE": str(tmp_path)}
    done = run("deploy.sh", "--env-file", str(tmp_path / "absent.env"), env=env)
    assert done.returncode == 0, done.stderr
    logged = [(e["operation"], e["tool"], e["outcome"]) for e in usage(env)]
    assert logged == [
        ("4.2 deploy todo-backend", "kagent", "ok"),  # the release got a new revision
        ("4.3 wait for todo-backend", "kubectl-ai", "ok"),
        # kagent said it was done, but the frontend release did not move: the plain command ran.
        ("4.5 deploy todo-frontend", "kagent", "failed; fell back to the plain command"),
        ("4.5 deploy todo-frontend", "manual", "ok"),
        ("4.6 wait for todo-frontend", "kubectl-ai", "ok"),
    ]
    upgrades = [c[3] for c in calls(env) if c[:2] == ["helm", "upgrade"]]
    assert upgrades == ["todo-frontend"], "the backend was left to kagent, the frontend fell back to helm"
    # AI_TOOLS=off: the plain commands only, whatever is installed.
    Path(env["AI_USAGE_LOG"]).unlink()
    done = run("deploy.sh", "--env-file", str(tmp_path / "absent.env"), env={**env, "AI_TOOLS": "off"})
    assert done.returncode == 0, done.stderr
    assert {e["tool"] for e in usage(env)} == {"manual"}


def test_deploy_without_env_file_deploys_the_defaults(tools: dict[str, str], tmp_path: Path) -> None:
    # A secrets file left readable by an older run is made private again.
    old = Path(tools["SECRETS_DIR"]) / "backend-values.yaml"
    old.parent.mkdir()
    old.write_text("secrets: {secretKey: old}\n")
    old.chmod(0o644)
    done = run("deploy.sh", "--env-file", str(tmp_path / "absent.env"), env=tools)
    assert done.returncode == 0, done.stderr
    assert old.read_text().strip() == "{}"
    assert stat.S_IMODE(old.stat().st_mode) == 0o600
    assert "SECRET_KEY is generated" in done.stdout


def test_deploy_takes_the_backend_s_values_and_a_registry_from_the_environment(
    tools: dict[str, str], tmp_path: Path
) -> None:
    """How S-06 (our profile's deploy_scripts) tells it the session's stand-in images and registry."""
    env = tools | {
        "BACKEND_SET": "postgresql.image.repository=local/postgres postgresql.image.tag=15",
        "IMAGE_REGISTRY": "r.io/me/",
    }
    done = run("deploy.sh", "--env-file", str(tmp_path / "absent.env"), env=env)
    assert done.returncode == 0, done.stderr
    backend, frontend = [c for c in calls(tools) if c[:3] == ["helm", "upgrade", "--install"]]
    for value in (
        "postgresql.image.repository=local/postgres",
        "postgresql.image.tag=15",
        "image.repository=r.io/me/todo-backend",
    ):
        assert backend[backend.index(value) - 1] == "--set", backend
    assert "image.repository=r.io/me/todo-frontend" in frontend and "postgresql.image.tag=15" not in frontend


def test_deploy_refuses_an_env_file_with_an_unknown_key(tools: dict[str, str], tmp_path: Path) -> None:
    env_file = tmp_path / "typo.env"
    env_file.write_text("SECRET_KEY=x\nOPENAI_APIKEY=sk-1\n")
    done = run("deploy.sh", "--env-file", str(env_file), env=tools)
    assert done.returncode != 0 and "OPENAI_APIKEY" in done.stderr
    assert not [c for c in calls(tools) if c[:2] == ["helm", "upgrade"]], "nothing is installed after a bad .env"


def test_undeploy_purge_removes_both_releases_then_the_namespace(tools: dict[str, str]) -> None:
    done = run("undeploy.sh", "--purge", env=tools)
    assert done.returncode == 0, done.stderr
    recorded = [c for c in calls(tools) if c[1] in ("uninstall", "delete")]
    assert [e["operation"] for e in usage(tools)] == [
        "uninstall todo-frontend",
        "uninstall todo-backend",
        "delete namespace ns-test",
    ]
    assert [c[:3] for c in recorded] == [
        ["helm", "uninstall", "todo-frontend"],
        ["helm", "uninstall", "todo-backend"],
        ["kubectl", "delete", "namespace"],
    ]
    assert recorded[2][3] == "ns-test"


def test_validate_gates_by_default_and_passes_pytest_arguments_through(tools: dict[str, str], tmp_path: Path) -> None:
    # validate.sh runs `make harness` (a no-op here: the harness is set up) and then .venv/bin/pytest;
    # a copy of the script in a scratch tree with a recording pytest shows the exact command.
    tree = tmp_path / "tree"
    (tree / "scripts").mkdir(parents=True)
    for name in ("validate.sh", "lib.sh"):
        (tree / "scripts" / name).write_text((REPO_ROOT / "scripts" / name).read_text())
    (tree / "scripts" / "validate.sh").chmod(0o755)
    (tree / "Makefile").write_text("harness:\n\t@true\n")
    pytest_stub = tree / ".venv" / "bin" / "pytest"
    pytest_stub.parent.mkdir(parents=True)
    pytest_stub.write_text(PYTEST_RECORDER)
    pytest_stub.chmod(0o755)
    script = str(tree / "scripts" / "validate.sh")
    for argv in ([script], [script, "--target", "kind", "--no-build", "--no-gate", "--", "-m", "mvp", "-x"]):
        done = subprocess.run(argv, env=tools, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    default, custom = (json.loads(line) for line in Path(tools["CALLS"]).read_text().splitlines())
    assert default == ["-m", "mvp or should", "--target", "minikube", "--gate"]
    assert custom == ["-m", "mvp or should", "--target", "kind", "--no-gate", "--no-build", "-m", "mvp", "-x"]


def test_without_a_helm_cli_the_scripts_run_helm_sdk_and_say_so(tools: dict[str, str]) -> None:
    bin_dir = Path(tools["PATH"].split(":", 1)[0])
    (bin_dir / "helm").unlink()
    path = ":".join(p for p in tools["PATH"].split(":") if not (Path(p) / "helm").exists())
    script = f"source {shlex.quote(str(REPO_ROOT / 'scripts' / 'lib.sh'))}; need_helm; helm_tool; helm version --short"
    done = subprocess.run(
        ["bash", "-c", script], env={**tools, "PATH": path}, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    tool, version = done.stdout.strip().splitlines()
    assert tool.startswith("scripts/helm-sdk: Helm v4.") and "through helm-python-sdk" in tool
    assert version.startswith("v4.") and "+helm-python-sdk." in version


def test_with_a_helm_cli_the_scripts_call_it(tools: dict[str, str]) -> None:
    script = f"source {shlex.quote(str(REPO_ROOT / 'scripts' / 'lib.sh'))}; helm_tool; helm status x"
    done = subprocess.run(["bash", "-c", script], env=tools, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("helm CLI"), done.stdout + done.stderr
    assert calls(tools)[-1] == ["helm", "status", "x"]
