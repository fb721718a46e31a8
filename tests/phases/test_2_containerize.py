"""Plan phase 2, CONTAINERIZE: steps 2.1 to 2.9, in plan order."""

import fnmatch
import re
import shutil
from pathlib import Path

import httpx
import pytest

from fixtures import images
from fixtures.cluster import image_listed
from fixtures.evidence import Evidence
from fixtures.images import Images
from fixtures.needs import unmet
from fixtures.profile_model import Profile
from fixtures.settings import HarnessSettings
from fixtures.targets import ClusterTarget, Deployment

pytestmark = [pytest.mark.phase2, pytest.mark.mvp]

# Never in a build context, whatever the image: secrets, virtualenvs, dependencies, VCS, tests.
FORBIDDEN = {
    ".env": "SECRET=do-not-ship\n",
    ".env.local": "SECRET=x\n",
    ".git/HEAD": "ref: refs/heads/main\n",
    ".venv/bin/python": "",
    "venv/pyvenv.cfg": "",
    "node_modules/left-pad/index.js": "",
    "tests/test_secret.py": "",
    "app/__pycache__/x.cpython-311.pyc": "",
}
# Folders that must not appear at all (not even empty).
FORBIDDEN_TOP_LEVEL = {".git", ".venv", "venv", "node_modules", "tests", ".next"}
# Dependency manifests: copied (and installed) before any source, so that a change to the sources
# keeps the dependency layer.
DEPENDENCY_FILE = re.compile(
    r"(^|/)(pyproject\.toml|uv\.lock|poetry\.lock|requirements[\w.-]*\.txt|Pipfile(\.lock)?"
    r"|package(-lock)?\.json|pnpm-lock\.yaml|yarn\.lock|go\.(mod|sum))$"
)


def _check_dockerfile(image_set: Images, name: str, evidence: Evidence) -> None:
    """The plan's multi-stage Dockerfile, hardened: non-root, exec-form CMD, dependencies before
    sources, no secrets."""
    dockerfile = image_set.specs[name].dockerfile
    steps = images.instructions(dockerfile)
    evidence.text(f"{dockerfile.name} ({name})", dockerfile.read_text())
    froms = [args for word, args in steps if word == "FROM"]
    assert len(froms) >= 2, "multi-stage: a build stage and a runtime stage"
    users = [args for word, args in steps if word == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), "the image runs as a non-root USER"
    cmd = [args for word, args in steps if word in ("CMD", "ENTRYPOINT")]
    assert cmd and cmd[-1].startswith("["), "exec-form CMD"
    copies = [args for word, args in steps if word == "COPY" and "--from" not in args]
    first = copies[0] if copies else ""
    assert any(DEPENDENCY_FILE.search(source) for source in images.copy_sources(first)), (
        f"the dependency manifest is copied (and dependencies installed) before any source; first COPY: {first!r}"
    )
    assert not any("SECRET" in args or "API_KEY" in args for word, args in steps if word in ("ENV", "ARG")), (
        "no secrets"
    )


def _check_ignore_file(
    image_set: Images, name: str, settings: HarnessSettings, tmp_path: Path, evidence: Evidence
) -> None:
    """The build context Docker really receives keeps secrets, virtualenvs, dependencies, VCS and
    tests out, and keeps in everything the Dockerfile copies."""
    spec = image_set.specs[name]
    try:  # reported here; for another app it never stops the build (fixtures/images.py: check_context)
        images.check_ignore_file(spec)
    except images.ImageError as exc:
        pytest.fail(f"Docker does not read this ignore file: {exc}", pytrace=False)
    problem = images.daemon_problem()
    if problem:
        unmet(f"proving the ignore file needs a Docker daemon: {problem}")
    # A copy of the real context plus every kind of file that must never be sent.
    context = tmp_path / name
    shutil.copytree(spec.context, context, ignore=shutil.ignore_patterns("node_modules", ".next", ".venv*", "*.db"))
    for relative, content in FORBIDDEN.items():
        (context / relative).parent.mkdir(parents=True, exist_ok=True)
        (context / relative).write_text(content)
    sent = images.context_files(spec, context, settings.reports_dir / "logs")
    evidence.text(f"build context of {name} (what Docker received)", "\n".join(sorted(sent)))
    top_level = {path.split("/")[0] for path in sent}
    leaked = [relative for relative in FORBIDDEN if relative in sent]
    leaked += sorted(top_level & FORBIDDEN_TOP_LEVEL)
    assert not leaked, f"the ignore file let these into the build context: {leaked}"
    copied = [
        source.removeprefix("./").rstrip("/")
        for word, args in images.instructions(spec.dockerfile)
        if word in ("COPY", "ADD") and "--from" not in args
        for source in images.copy_sources(args)
    ]
    missing = [
        source
        for source in copied
        if source not in ("", ".")
        and not any(fnmatch.fnmatch(path, source) or path.startswith(source + "/") for path in sent)
    ]
    assert not missing, f"the ignore file keeps needed files out: {missing}"


def _check_runs(deployment: Deployment, name: str, app: Profile, evidence: Evidence) -> None:
    if name == "backend":
        url = f"{deployment.backend_url}{app.api.health.path}"
    else:
        url = f"{deployment.frontend_url}{app.ui.pages.login or '/'}"
    response = httpx.get(url, timeout=10, follow_redirects=True)
    evidence.text(f"GET {url}", f"{response.status_code}\n{response.text[:500]}")
    assert response.status_code == 200


def _check_image_contents(image_set: Images, name: str, evidence: Evidence) -> None:
    result = image_set.get(name)
    assert result.ok, f"{result.tag} did not build: {result.log_path}"
    files = images.image_files(result.tag)
    app_files = [f for f in files if f.startswith("/app/")]
    evidence.text(f"files under /app in {result.tag}", "\n".join(sorted(app_files)[:400]))
    for bad in ("/app/.env", "/app/tests", "/app/.git", "/app/.venv"):
        assert not any(f == bad or f.startswith(bad + "/") for f in files), f"{bad} is in the image"


@pytest.mark.needs("repository", profile="images.backend")
def test_2_1_backend_dockerfile_is_multistage_and_hardened(image_set: Images, evidence: Evidence) -> None:
    _check_dockerfile(image_set, "backend", evidence)


@pytest.mark.needs("repository", profile="images.backend")
def test_2_2_backend_dockerignore_keeps_junk_out(
    image_set: Images, settings: HarnessSettings, tmp_path: Path, evidence: Evidence
) -> None:
    _check_ignore_file(image_set, "backend", settings, tmp_path, evidence)


@pytest.mark.needs("docker", profile="images.backend")
def test_2_3_build_backend_image(image_set: Images, evidence: Evidence) -> None:
    _check_image_contents(image_set, "backend", evidence)


# The image running as a plain container: the docker target (on a cluster, C-06/C-07 and 4.3 show it).
@pytest.mark.needs("docker", kind="docker")
def test_2_4_backend_image_runs_healthy(
    backend_deployment: Deployment, app_profile: Profile, evidence: Evidence
) -> None:
    _check_runs(backend_deployment, "backend", app_profile, evidence)


@pytest.mark.needs("repository", profile="images.frontend")
def test_2_5_frontend_dockerfile_is_multistage_and_hardened(image_set: Images, evidence: Evidence) -> None:
    _check_dockerfile(image_set, "frontend", evidence)


@pytest.mark.needs("repository", profile="images.frontend")
def test_2_6_frontend_dockerignore_keeps_junk_out(
    image_set: Images, settings: HarnessSettings, tmp_path: Path, evidence: Evidence
) -> None:
    _check_ignore_file(image_set, "frontend", settings, tmp_path, evidence)


@pytest.mark.needs("docker", profile="images.frontend")
def test_2_7_build_frontend_image(image_set: Images, evidence: Evidence) -> None:
    _check_image_contents(image_set, "frontend", evidence)


@pytest.mark.needs("docker", kind="docker")
def test_2_8_frontend_image_serves(frontend_deployment: Deployment, app_profile: Profile, evidence: Evidence) -> None:
    _check_runs(frontend_deployment, "frontend", app_profile, evidence)


# Step 2.9 is criterion C-03: one check with both ids (`minikube image ls`, or the node's own list).
@pytest.mark.criterion("C-03")
def test_2_9_c03_images_in_the_cluster(
    cluster_target: ClusterTarget, deployment: Deployment, image_set: Images, evidence: Evidence
) -> None:
    cluster = cluster_target.cluster
    listed = cluster.image_list()
    evidence.text(f"{cluster.kind} image list", "\n".join(listed))
    for name in ("backend", "frontend"):
        tag = image_set.get(name).tag
        assert image_listed(listed, tag), f"{tag} is not in the cluster's images"
