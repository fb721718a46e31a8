"""Plan phase 6, DOCUMENT: the guides (6.1-6.4, which are criterion S-07) are complete, and the
scripts (6.5) explain themselves."""

import re
import subprocess

import pytest

from fixtures.evidence import Evidence
from fixtures.settings import REPO_ROOT

pytestmark = [pytest.mark.phase6, pytest.mark.mvp, pytest.mark.needs("repository")]

SCRIPTS = [
    "setup-minikube.sh",
    "build-images.sh",
    "build-base-images.sh",
    "deploy.sh",
    "undeploy.sh",
    "validate.sh",
    "dev/local-cluster.sh",
]

# Each guide and what it must cover (plan phase 6), as headings or key phrases.
DOCS = {
    "docs/DEPLOYMENT-GUIDE.md": [
        "Prerequisites",
        "setup-minikube.sh",
        "build-images.sh",
        "deploy.sh",
        "validate.sh",
        "helm upgrade",
        "helm rollback",
        "30080",
        ".env",
    ],
    "docs/TROUBLESHOOTING.md": [
        "CrashLoopBackOff",
        "Pending",
        "ImagePullBackOff",
        "minikube service",
        "SECRET_KEY",
        "kubectl logs",
        "kubectl describe",
    ],
    "docs/AI-TOOLS-GUIDE.md": ["Gordon", "kubectl-ai", "kagent", "fallback"],
    "README.md": ["make mvp", "make test", "report.html", "completion.json"],
}


@pytest.mark.criterion("S-07")
@pytest.mark.parametrize("doc", DOCS)
def test_6_1_to_6_4_s07_guides_are_complete(doc: str, evidence: Evidence) -> None:
    path = REPO_ROOT / doc
    assert path.is_file(), f"{doc} is missing"
    text = path.read_text()
    assert text.startswith("# "), f"{doc} has no title"
    missing = [phrase for phrase in DOCS[doc] if phrase not in text]
    assert not missing, f"{doc} does not cover {missing}"
    # Every relative link points at a file that exists.
    broken = [link for link in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text) if not (path.parent / link).exists()]
    assert not broken, f"{doc} links to missing files: {broken}"
    evidence.text(f"{doc} headings", "\n".join(re.findall(r"^#+ .*$", text, re.M)))


@pytest.mark.parametrize("script", SCRIPTS)
def test_6_5_scripts_explain_themselves_and_refuse_bad_arguments(script: str, evidence: Evidence) -> None:
    path = REPO_ROOT / "scripts" / script
    done = subprocess.run([str(path), "--help"], capture_output=True, text=True, timeout=30)
    evidence.text(f"{script} --help", done.stdout + done.stderr)
    assert done.returncode == 0 and done.stdout.startswith("usage: scripts/"), done.stderr
    wrong = subprocess.run([str(path), "--no-such-flag"], capture_output=True, text=True, timeout=30)
    assert wrong.returncode != 0 and "unknown argument" in wrong.stderr
