"""This repository's own app, beyond the plan's checks: the conventions our Dockerfiles, charts,
scripts and guides follow, checked on our files under the plan's step ids (the report lists them
with the plan's own checks of the same steps). Collected only when our app is under test (conftest.py)."""

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from fixtures import images, manifests
from fixtures.evidence import Evidence
from fixtures.helm import Helm
from fixtures.needs import unmet
from fixtures.settings import HarnessSettings
from tests.ours import CHARTS, OURS, REPO_ROOT

pytestmark = [pytest.mark.mvp]

# Files our images cannot do without (beyond what the Dockerfiles COPY): the ignore files keep them in.
NEEDED = {
    "backend": ["pyproject.toml", "uv.lock", "alembic.ini", "app/main.py", "migrations/env.py"],
    "frontend": ["package.json", "package-lock.json", "next.config.ts", "app/layout.tsx", "lib/api.ts"],
}
# The plan's deliverables checklist (7.4), as our charts name the files.
CHECKLIST = {
    "backend": ["templates/deployment.yaml", "templates/service.yaml", "templates/configmap.yaml"]
    + ["templates/secret.yaml", "templates/_helpers.tpl"],
    "frontend": ["templates/deployment.yaml", "templates/service.yaml", "templates/configmap.yaml"]
    + ["templates/_helpers.tpl"],
}
# Secret values fed to the render, which must then appear in no ConfigMap.
SECRET_VALUES = {
    "secrets.secretKey": "render-check-secret-key-0123456789",
    "secrets.openaiApiKey": "sk-render-check-openai",
    "postgresql.password": "render-check-db-password",
}
SPECS = images.specs(OURS, REPO_ROOT)


@pytest.mark.phase2
@pytest.mark.parametrize("name", ["backend", "frontend"])
def test_2_1_and_2_5_our_dockerfiles_take_their_bases_as_build_args_and_check_health(
    name: str, evidence: Evidence
) -> None:
    """Base images as build args (a machine without a registry passes its own), a numeric APP_UID
    (not root), a HEALTHCHECK."""
    dockerfile = SPECS[name].dockerfile
    steps = images.instructions(dockerfile)
    evidence.text(f"{dockerfile.name} ({name})", dockerfile.read_text())
    problems = images.from_problems([args for word, args in steps if word == "FROM"])
    assert not problems, "\n".join(problems)
    assert any(word == "ARG" and re.match(r"\w+_IMAGE=", args) for word, args in steps), "base image as a build arg"
    users = [args for word, args in steps if word == "USER"]
    assert users and re.fullmatch(r"\$\{APP_UID\}(:\$\{APP_UID\})?|\d+(:\d+)?", users[-1]), "numeric non-root USER"
    assert re.search(r"APP_UID=(\d+)", dockerfile.read_text()) and "APP_UID=0" not in dockerfile.read_text()
    assert any(word == "HEALTHCHECK" for word, _ in steps), "a HEALTHCHECK"


@pytest.mark.phase2
@pytest.mark.parametrize("name", ["backend", "frontend"])
def test_2_2_and_2_6_our_build_contexts_keep_what_our_images_need(
    name: str, settings: HarnessSettings, evidence: Evidence
) -> None:
    """What Docker receives holds the files our images need (the plan's 2.2 and 2.6 check the rest,
    the ignore file beside our Dockerfiles in docker/ included)."""
    spec = SPECS[name]
    problem = images.daemon_problem()
    if problem:
        unmet(f"proving the build context needs a Docker daemon: {problem}")
    sent = images.context_files(spec, spec.context, settings.reports_dir / "logs")
    evidence.text(f"build context of {name} (what Docker received)", "\n".join(sorted(sent)))
    missing = [relative for relative in NEEDED[name] if relative not in sent]
    assert not missing, f"the ignore file keeps needed files out: {missing}"


def _undocumented_values(values_file: Path) -> list[str]:
    """Keys of values.yaml that are neither under a comment nor in a documented block.

    Walking up from a key: deeper lines are skipped; a comment, the parent key or a sibling key
    (same block) documents it; a blank line first means it stands undocumented.
    """
    lines = values_file.read_text().splitlines()
    missing = []
    for index, line in enumerate(lines):
        match = re.match(r"^(\s*)([A-Za-z][A-Za-z0-9]*):", line)
        if not match:
            continue
        indent = len(match.group(1))
        documented = False
        for above in reversed(lines[:index]):
            if not above.strip():
                break
            depth = len(above) - len(above.lstrip())
            if depth > indent:
                continue
            documented = above.strip().startswith("#") or depth < indent or bool(re.match(r"\s*[A-Za-z]", above))
            break
        if not documented:
            missing.append(match.group(2))
    return missing


@pytest.mark.phase3
@pytest.mark.parametrize("name", ["backend", "frontend"])
def test_3_1_to_3_16_our_charts_have_the_plans_files_a_schema_notes_a_test_and_documented_values(
    name: str, evidence: Evidence
) -> None:
    chart = CHARTS[name]
    missing = [f for f in CHECKLIST[name] if not (chart / f).is_file()]
    assert not missing, f"{chart.name} lacks {missing}"
    meta = yaml.safe_load((chart / "Chart.yaml").read_text())
    evidence.json(f"{chart.name}/Chart.yaml", meta)
    assert meta["name"] == chart.name and meta["type"] == "application"
    for extra in ("values.schema.json", "templates/NOTES.txt"):
        assert (chart / extra).is_file(), f"{chart.name} lacks {extra}"
    assert list((chart / "templates" / "tests").glob("*.yaml")), f"{chart.name} has no `helm test` pod"
    undocumented = _undocumented_values(chart / "values.yaml")
    assert not undocumented, f"undocumented values in {chart.name}: {undocumented}"


@pytest.mark.phase3
@pytest.mark.needs("helm")
def test_3_18_our_charts_render_hardened_manifests(evidence: Evidence) -> None:
    """Non-root, read-only roots, resources, config checksums, labels, the plan's NodePort 30080,
    no secret in a ConfigMap, and the backend's probes on /livez and /health."""
    client = Helm()
    backend = client.template("todo-backend", CHARTS["backend"], values=SECRET_VALUES)
    frontend = client.template("todo-frontend", CHARTS["frontend"])
    evidence.text(f"helm template todo-backend ({backend.tool})", backend.text)
    evidence.text(f"helm template todo-frontend ({frontend.tool})", frontend.text)
    rendered: list[dict[str, Any]] = backend.objects + frontend.objects
    problems: list[str] = []
    for obj in rendered:
        # The database runs the official image, whose entrypoint writes outside its volume.
        database = obj.get("metadata", {}).get("labels", {}).get("app.kubernetes.io/component") == "database"
        problems += manifests.workload_problems(obj, read_only_root=not database)
        problems += manifests.checksum_problems(obj)
    problems += manifests.node_port_problems(rendered, 30080)  # the plan's (C-09: localhost:30080)
    problems += manifests.configmap_secret_problems(rendered, SECRET_VALUES.values())
    problems += manifests.label_problems(rendered)
    assert not problems, "\n".join(problems)
    api = next(o for o in rendered if o["kind"] == "Deployment" and o["metadata"]["name"] == "todo-backend")
    assert manifests.probe_paths(api) == {
        "startupProbe": "/livez",
        "livenessProbe": "/livez",
        "readinessProbe": "/health",
    }


@pytest.mark.phase4
def test_4_1_our_secrets_file_comes_from_env(tmp_path: Path, evidence: Evidence) -> None:
    """scripts/env_to_values.py turns .env into the charts' secrets values; both files are gitignored."""
    env = tmp_path / ".env"
    env.write_text((REPO_ROOT / ".env.example").read_text() + "SECRET_KEY=from-env-file-0123456789\n")
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "env_to_values.py"), str(env)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    values = json.loads(done.stdout)
    evidence.json("values from .env.example (+ a SECRET_KEY)", {k: sorted(v) for k, v in values.items()})
    assert values["secrets"]["secretKey"] == "from-env-file-0123456789"
    for secret_path in (".env", ".secrets/backend-values.yaml"):
        ignored = subprocess.run(["git", "check-ignore", "-q", secret_path], cwd=REPO_ROOT)
        assert ignored.returncode == 0, f"{secret_path} must be ignored by git (plan risk R-10)"


@pytest.mark.phase6
@pytest.mark.parametrize("script", OURS.scripts)
def test_6_5_our_scripts_answer_help_and_refuse_a_flag_they_lack(script: str, evidence: Evidence) -> None:
    """Run for real (another team's scripts are only read: tests/phases/test_6_document.py): --help
    and a flag no script has; neither may change anything."""
    path = REPO_ROOT / script
    done = subprocess.run([str(path), "--help"], capture_output=True, text=True, timeout=30)
    evidence.text(f"{script} --help", done.stdout + done.stderr)
    assert done.returncode == 0 and "usage" in (done.stdout + done.stderr).lower(), done.stderr
    wrong = subprocess.run([str(path), "--no-such-flag"], capture_output=True, text=True, timeout=30)
    assert wrong.returncode != 0, f"{script} accepted --no-such-flag: {wrong.stdout[-300:]}"


@pytest.mark.phase1
def test_1_6_our_guide_gives_a_fallback_for_every_task_of_each_ai_tool(evidence: Evidence) -> None:
    """docs/AI-TOOLS-GUIDE.md: a section per tool, each a table whose last column is the fallback command."""
    guide = (REPO_ROOT / "docs" / "AI-TOOLS-GUIDE.md").read_text()
    sections = dict(re.findall(r"^## (.+?)\n(.*?)(?=^## |\Z)", guide, re.M | re.S))
    evidence.text("docs/AI-TOOLS-GUIDE.md sections", "\n".join(sections))
    for name in ("Gordon", "kubectl-ai", "kagent"):
        section = next((text for title, text in sections.items() if name.lower() in title.lower()), "")
        assert re.search(r"^\|.*\|\s*fallback\s*\|", section, re.M | re.I), f"{name}: no table with a fallback column"
        rows = [row for row in section.splitlines() if row.startswith("|") and not row.startswith("|---")]
        cells = [re.split(r"(?<!\\)\|", row.strip())[1:-1] for row in rows]
        assert all(row[-1].strip() for row in cells), f"{name}: a task in docs/AI-TOOLS-GUIDE.md has no fallback"
