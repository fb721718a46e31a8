"""Should-have criterion S-06: the deployment scripts, run for real on a cluster.

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
from fixtures.kube import Kube
from fixtures.profile import Profile, fill
from fixtures.targets import ClusterTarget, Deployment, http_ok


@pytest.mark.criterion("S-06")
def test_s06_scripts_deploy_validate_and_undeploy_on_a_cluster(
    cluster_target: ClusterTarget, deployment: Deployment, evidence: Evidence, tmp_path: Path, app_profile: Profile
) -> None:
    """Every deployment script run for real, in plan order, into a scratch namespace (see
    fixtures/scripts.py); the deployment they make must be reachable and pass the harness. For
    another team's app: its own scripts, as its profile says (`deploy_scripts`)."""
    target = cluster_target
    settings = target.settings
    if not settings.own_app:  # the one place left that tells our app by its path (issue 22: S-06 next)
        if app_profile.deploy_scripts is None:
            pytest.skip("the app profile says how to run no deployment scripts of the app (deploy_scripts)")
        _run_the_apps_scripts(target, app_profile, tmp_path, evidence)
        return
    namespace = f"{settings.namespace}-s06"
    kube = Kube(namespace, target.cluster.context)
    _claim_scratch_namespace(kube, namespace)
    scratch = scripts.ScratchDeployment(
        kind=target.kind,
        namespace=namespace,
        tag=settings.image_tag,
        node_port=scripts.free_node_port(kube.used_node_ports()),
        env_file=tmp_path / ".env",
        reports_dir=tmp_path / "reports",
        local_bases=bool(images.base_build_args(settings.base_images)),
        image_registry=settings.image_registry,
        backend_values={} if target.cluster.can_pull else target.release_of("backend").no_registry_set,
        repositories={name: spec.repository for name, spec in target.images.specs.items()},
        repository_keys={image: _repository_key(target, image) for image in ("backend", "frontend")},
        node_port_key=app_profile.deploy.node_port_key,
    )
    scratch.env_file.write_text("# S-06: the defaults (generated SECRET_KEY, in-cluster PostgreSQL, local agent)\n")
    kubeconfig = scripts.minified_kubeconfig(target.cluster.context, tmp_path / "kubeconfig")
    env = scripts.script_env(namespace, kubeconfig, tmp_path / "secrets")
    steps = scripts.plan(scratch)
    evidence.json(
        "S-06 plan", {"namespace": namespace, "node_port": scratch.node_port, "steps": [s.argv for s in steps]}
    )
    results: list[scripts.StepResult] = []
    account = Account(f"s06-{secrets.token_hex(4)}@example.com", secrets.token_urlsafe(12))
    try:
        for step in steps:
            result = scripts.run_step(step, env, settings.app_repo)
            results.append(result)
            evidence.text(f"scripts/{step.script} (exit {result.exit_code})", result.output[-20000:])
            assert result.ok, f"scripts/{step.script} exited with {result.exit_code}:\n{result.output[-3000:]}"
            if step.script in ("deploy.sh", "undeploy.sh"):
                # Which Helm the script ran: a helm CLI, or scripts/helm-sdk over Helm's SDK.
                ran = re.search(r"^== Helm: (.+)$", result.output, re.M)
                assert ran, f"scripts/{step.script} did not say which Helm it runs"
                evidence.text(f"Helm that scripts/{step.script} ran", ran.group(1))
            if step.script == "deploy.sh":
                backend = _check_scratch_deployment(target, kube, scratch, evidence, app_profile)
                api = TodoApi(backend, app_profile.api, evidence)
                try:
                    if step.purpose == scripts.REDEPLOY_INSTALL:
                        # The kept database, and the password it was made with: the account still logs in.
                        login = api.login(account)
                        assert login.status_code == 200, f"an account made before the reinstall: {login.text[:300]}"
                    else:
                        made = api.register(account, name="S-06")
                        assert made.status_code in (200, 201), made.text
                finally:
                    api.close()
            elif step.script == "validate.sh":
                completion = json.loads((scratch.reports_dir / "completion.json").read_text())
                evidence.json("validate.sh verdicts", {c["id"]: c["status"] for c in completion["criteria"]})
                problems = scripts.nested_run_problems(completion)
                assert not problems, f"validate.sh's run on the scripts' deployment: {problems}"
        assert not kube.namespace_exists(), f"undeploy.sh --purge left namespace {namespace} behind"
    finally:
        evidence.json("S-06 script runs", [r.summary() for r in results])
        if not settings.keep and kube.namespace_exists():
            purge = scripts.ScriptStep("undeploy.sh", ("--purge",), "clean up after a failure")
            scripts.run_step(purge, env, settings.app_repo)


def _repository_key(target: ClusterTarget, image: str) -> str:
    """The values key that takes the image's repository, in the release that runs it."""
    keys = target.release_of(image).image_values(image, "<repository>", "<tag>")
    return next(key for key, value in keys.items() if value == "<repository>")


def _run_the_apps_scripts(target: ClusterTarget, app: Profile, tmp_path: Path, evidence: Evidence) -> None:
    """Another app's scripts, run for real from its repository: deploy into a scratch namespace
    (which must not exist yet), the app's pods Ready and its backend healthy there, then undeploy,
    after which none of its pods is left."""
    assert app.deploy_scripts is not None
    settings = target.settings
    namespace = f"{settings.namespace}-s06"
    kube = Kube(namespace, target.cluster.context)
    if kube.namespace_exists():
        pytest.fail(f"namespace {namespace} exists already; S-06 deploys the app's scripts there: remove it first")
    used = kube.used_node_ports()
    node_port = scripts.free_node_port(used)
    values = target.fill_in() | {
        "namespace": namespace,
        "node_port": str(node_port),
        "api_node_port": str(scripts.free_node_port(used | {node_port})),
        "random": secrets.token_urlsafe(32),
    }
    kubeconfig = scripts.minified_kubeconfig(target.cluster.context, tmp_path / "kubeconfig")
    env = scripts.script_env(namespace, kubeconfig, tmp_path / "secrets")
    env |= {key: fill(value, values) for key, value in app.deploy_scripts.env.items()}
    env["PATH"] = f"{scripts.helm_on_path(tmp_path / 'bin')}:{env.get('PATH', '')}"
    evidence.json("S-06: the app's scripts", {"namespace": namespace, **app.deploy_scripts.model_dump()})
    try:
        deployed = scripts.run_command(app.deploy_scripts.deploy, env, settings.app_repo, timeout_s=900)
        evidence.text(f"{' '.join(app.deploy_scripts.deploy)} (exit {deployed.returncode})", deployed.output[-20000:])
        assert deployed.returncode == 0, (
            f"the deploy script exited with {deployed.returncode}:\n{deployed.output[-3000:]}"
        )
        for image in ("backend", "frontend"):
            target.wait_image_ready(image, timeout=settings.startup_timeout, kube=kube)
        deploy = app.deploy
        backend = target.cluster.port_forward(namespace, deploy.backend_service, deploy.backend_port)
        proc.wait_for(
            lambda: http_ok(f"{backend}{app.api.health.path}"), name="the scripts' backend, port-forwarded", timeout=60
        )
        undeployed = scripts.run_command(app.deploy_scripts.undeploy, env, settings.app_repo, timeout_s=600)
        evidence.text(
            f"{' '.join(app.deploy_scripts.undeploy)} (exit {undeployed.returncode})", undeployed.output[-20000:]
        )
        assert undeployed.returncode == 0, f"the undeploy script exited with {undeployed.returncode}"
        proc.wait_for(
            lambda: not kube.namespace_exists() or not any(target.pods_of(i, kube) for i in ("backend", "frontend")),
            name=f"the app's pods gone from {namespace} after the undeploy script",
            timeout=180,
        )
    finally:
        if not settings.keep and kube.namespace_exists():
            kube.delete_namespace()


SCRATCH_LABEL = ("todo-harness/scratch", "s06")


def _claim_scratch_namespace(kube: Kube, namespace: str) -> None:
    """Create the scratch namespace with the harness's label; a leftover of an earlier S-06 run
    (it carries the label) is purged first, anything else of that name is refused."""
    labels = kube.namespace_labels()
    if labels is not None:
        if labels.get(SCRATCH_LABEL[0]) != SCRATCH_LABEL[1]:
            pytest.fail(f"namespace {namespace} exists and is not S-06's scratch namespace; rename or remove it")
        kube.delete_namespace()
        proc.wait_for(lambda: not kube.namespace_exists(), name=f"namespace {namespace} deleted", timeout=300)
    kube.create_namespace(dict([SCRATCH_LABEL]))


def _check_scratch_deployment(
    target: ClusterTarget, kube: Kube, scratch: scripts.ScratchDeployment, evidence: Evidence, app: Profile
) -> str:
    """What deploy.sh promises: the app's pods Ready, the frontend on its NodePort, the backend
    healthy. Returns the backend's URL (a port-forward)."""
    for image in ("backend", "frontend"):
        target.wait_image_ready(image, timeout=target.settings.startup_timeout, kube=kube)
    deploy, health_path, login_page = app.deploy, app.api.health.path, app.ui.pages.login or "/"
    frontend = target.cluster.service_url(
        scratch.namespace, deploy.frontend_service, deploy.frontend_port, node_port=scratch.node_port
    )
    backend = target.cluster.port_forward(scratch.namespace, deploy.backend_service, deploy.backend_port)
    proc.wait_for(
        lambda: http_ok(f"{backend}{health_path}"), name="the scripts' backend through its port-forward", timeout=60
    )
    # Ready pods are not yet a Service that routes: until the endpoints reach kube-proxy, a NodePort
    # refuses connections (seen once in CI, after undeploy.sh and deploy.sh again).
    proc.wait_for(lambda: http_ok(f"{frontend}{login_page}"), name="the scripts' frontend on its NodePort", timeout=60)
    health = httpx.get(f"{backend}{health_path}", timeout=10)
    page = httpx.get(f"{frontend}{login_page}", timeout=10, follow_redirects=True)
    evidence.json(
        "scripts' deployment", {"frontend": frontend, health_path: health.json(), login_page: page.status_code}
    )
    assert health.status_code == 200 and page.status_code == 200, (health.status_code, page.status_code)
    return backend
