"""Should-have criterion S-06: the app's deployment scripts, run for real on a cluster.

Every script's --help is checked everywhere as plan step 6.5, and S-07 (the documentation) is
steps 6.1-6.4, both in tests/phases/test_6_document.py; S-03, S-04 and S-05 are in test_cluster.py.
"""

import json
import re
import secrets
from pathlib import Path

import httpx
import pytest

from fixtures import images, proc, scripts
from fixtures.api import Account, TodoApi
from fixtures.evidence import Evidence
from fixtures.kube import Kube, node_port
from fixtures.profile_model import Profile, fill
from fixtures.targets import ClusterTarget, Deployment, http_ok

SCRATCH_LABEL = ("todo-harness/scratch", "s06")


@pytest.mark.criterion("S-06")
@pytest.mark.needs(profile="deploy_scripts")
def test_s06_scripts_deploy_validate_and_undeploy_on_a_cluster(
    cluster_target: ClusterTarget, deployment: Deployment, evidence: Evidence, tmp_path: Path, app_profile: Profile
) -> None:
    """The app's scripts, as its profile's `deploy_scripts` says (fixtures/scripts.py), run for real
    from its repository into a scratch namespace: after each, what it promises must be so (its
    pods Ready and reachable, a verify run that passes, the data kept over a reinstall, nothing
    left after the undeploy)."""
    assert app_profile.deploy_scripts is not None  # needs(profile="deploy_scripts")
    target, settings = cluster_target, cluster_target.settings
    namespace = f"{settings.namespace}-s06"
    kube = Kube(namespace, target.cluster.context)
    _clear_scratch_namespace(kube, namespace)
    used = kube.used_node_ports()
    web_port = scripts.free_node_port(used)
    # What the backend's release takes where the cluster pulls no image (its no_registry_set).
    stand_ins = target.release_of("backend").no_registry_set if not target.cluster.can_pull else {}
    env_file = tmp_path / ".env"
    env_file.write_text("# S-06: the defaults (generated secrets, in-cluster services)\n")
    values = target.fill_in() | {
        "namespace": namespace,
        "node_port": str(web_port),
        "api_node_port": str(scripts.free_node_port(used | {web_port})),
        "random": secrets.token_urlsafe(32),
        "tag": settings.image_tag,
        "target": target.kind,
        "env_file": str(env_file),
        "reports_dir": str(tmp_path / "reports"),
        "base_images": "local" if images.base_build_args(settings.base_images) else "official",
        "image_registry": settings.image_registry or "",
        "backend_set": " ".join(f"{key}={value}" for key, value in stand_ins.items()),
    }
    kubeconfig = scripts.minified_kubeconfig(target.cluster.context, tmp_path / "kubeconfig")
    env = scripts.script_env(namespace, kubeconfig, tmp_path / "secrets", settings.ai_usage_log)
    env |= {key: fill(value, values) for key, value in app_profile.deploy_scripts.env.items()}
    env["PATH"] = f"{scripts.helm_on_path(tmp_path / 'bin')}:{env.get('PATH', '')}"
    steps = scripts.plan(app_profile.deploy_scripts, target.kind, values)
    evidence.json("S-06 plan", {"namespace": namespace, "node_port": web_port, "steps": [s.argv for s in steps]})
    results: list[scripts.StepResult] = []
    account = Account(f"s06-{secrets.token_hex(4)}@example.com", secrets.token_urlsafe(12))
    try:
        for step in steps:
            result = scripts.run_step(step, env, settings.app_repo)
            results.append(result)
            evidence.text(f"{step.name} (exit {result.exit_code})", result.output[-20000:])
            assert result.ok, f"{step.name} exited with {result.exit_code}:\n{result.output[-3000:]}"
            ran = re.search(r"^== Helm: (.+)$", result.output, re.M)  # our scripts say which Helm they run
            if ran:
                evidence.text(f"Helm that {step.name} ran", ran.group(1))
            _check_step(step, target, kube, app_profile, account, values, evidence)
    finally:
        evidence.json("S-06 script runs", [r.summary() for r in results])
        if not settings.keep and kube.namespace_exists():
            kube.delete_namespace()


def _check_step(
    step: scripts.ScriptStep,
    target: ClusterTarget,
    kube: Kube,
    app: Profile,
    account: Account,
    values: dict[str, str],
    evidence: Evidence,
) -> None:
    """What must be so once the step exited 0."""
    if step.then in (scripts.DEPLOYED, scripts.REDEPLOYED):
        if step.then == scripts.DEPLOYED and kube.namespace_exists():
            _label_scratch_namespace(kube)
        backend = _check_scratch_deployment(target, kube, evidence, app)
        if not app.deploy_scripts or not app.deploy_scripts.keeps_data or app.api.auth.kind == "none":
            return
        api = TodoApi(backend, app.api, evidence)
        try:
            if step.then == scripts.REDEPLOYED:
                # The kept database, and the password it was made with: the account still logs in.
                login = api.login(account)
                assert login.status_code == 200, f"an account made before the reinstall: {login.text[:300]}"
            else:
                made = api.register(account, name="S-06")
                assert made.status_code in (200, 201), made.text
        finally:
            api.close()
    elif step.then == scripts.VERIFIED:
        completion_file = Path(values["reports_dir"]) / "completion.json"
        assert completion_file.is_file(), (
            f"{step.name} wrote no {completion_file} (deploy_scripts.verify: {{reports_dir}})"
        )
        completion = json.loads(completion_file.read_text())
        evidence.json(f"{step.name}: verdicts", {c["id"]: c["status"] for c in completion["criteria"]})
        problems = scripts.nested_run_problems(completion)
        assert not problems, f"{step.name}'s run on the scripts' deployment: {problems}"
    elif step.then in (scripts.KEPT, scripts.REMOVED, scripts.PURGED):
        proc.wait_for(
            lambda: not kube.namespace_exists() or not any(target.pods_of(i, kube) for i in ("backend", "frontend")),
            name=f"the app's pods gone from {kube.namespace} after {step.name}",
            timeout=180,
        )
        if step.then == scripts.PURGED:
            proc.wait_for(
                lambda: not kube.namespace_exists(),
                name=f"namespace {kube.namespace} gone after {step.name}",
                timeout=300,
            )


def _clear_scratch_namespace(kube: Kube, namespace: str) -> None:
    """The scripts make the scratch namespace: a leftover of an earlier S-06 run (it carries the
    harness's label) is removed first, anything else of that name is refused."""
    labels = kube.namespace_labels()
    if labels is None:
        return
    if labels.get(SCRATCH_LABEL[0]) != SCRATCH_LABEL[1]:
        pytest.fail(f"namespace {namespace} exists and is not S-06's scratch namespace; rename or remove it")
    kube.delete_namespace()
    proc.wait_for(lambda: not kube.namespace_exists(), name=f"namespace {namespace} deleted", timeout=300)


def _label_scratch_namespace(kube: Kube) -> None:
    """Mark the namespace the scripts made as S-06's, so that a later run may remove a leftover."""
    kube.label_namespace(dict([SCRATCH_LABEL]))


def _check_scratch_deployment(target: ClusterTarget, kube: Kube, evidence: Evidence, app: Profile) -> str:
    """What a deploy promises: the app's pods Ready, the backend healthy, the frontend answering
    (on its Service's NodePort where it has one). Returns the backend's URL (a port-forward)."""
    for image in ("backend", "frontend"):
        target.wait_image_ready(image, timeout=target.settings.startup_timeout, kube=kube)
    deploy, health_path, login_page = app.deploy, app.api.health.path, app.ui.pages.login or "/"
    web_port = node_port(kube.service(deploy.frontend_service), deploy.frontend_port)
    frontend = target.cluster.service_url(kube.namespace, deploy.frontend_service, deploy.frontend_port, web_port)
    backend = target.cluster.port_forward(kube.namespace, deploy.backend_service, deploy.backend_port)
    proc.wait_for(
        lambda: http_ok(f"{backend}{health_path}"), name="the scripts' backend through its port-forward", timeout=60
    )
    # Ready pods are not yet a Service that routes: until the endpoints reach kube-proxy, a NodePort
    # refuses connections (seen once in CI, after undeploy.sh and deploy.sh again).
    proc.wait_for(lambda: http_ok(f"{frontend}{login_page}"), name="the scripts' frontend", timeout=60)
    health = httpx.get(f"{backend}{health_path}", timeout=10)
    page = httpx.get(f"{frontend}{login_page}", timeout=10, follow_redirects=True)
    evidence.json(
        "scripts' deployment", {"frontend": frontend, health_path: health.json(), login_page: page.status_code}
    )
    assert health.status_code == 200 and page.status_code == 200, (health.status_code, page.status_code)
    return backend
