"""Should-have criteria S-06 (the scripts, run on a cluster) and S-07 (the documentation).

Every script's --help is checked everywhere as plan step 6.5 (tests/phases/test_6_document.py).
S-03, S-04 and S-05 need a cluster and come with the cluster targets.
"""

import re

import pytest

from fixtures.evidence import Evidence
from fixtures.settings import REPO_ROOT
from fixtures.targets import Target

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


@pytest.mark.criterion("S-06")
def test_s06_scripts_deploy_and_undeploy_on_a_cluster(target: Target) -> None:
    # S-06 needs a cluster (the autouse needs-check skips it elsewhere); no target offers one yet.
    raise AssertionError(f"target {target.kind} offers a cluster, but S-06's full run is not implemented")


@pytest.mark.criterion("S-07")
@pytest.mark.parametrize("doc", sorted(DOCS))
def test_s07_documentation_is_complete(doc: str, evidence: Evidence) -> None:
    path = REPO_ROOT / doc
    assert path.is_file(), f"{doc} is missing"
    text = path.read_text()
    missing = [phrase for phrase in DOCS[doc] if phrase not in text]
    assert not missing, f"{doc} does not cover {missing}"
    # Every relative link points at a file that exists.
    broken = [link for link in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text) if not (path.parent / link).exists()]
    assert not broken, f"{doc} links to missing files: {broken}"
    evidence.text(f"{doc} headings", "\n".join(re.findall(r"^#+ .*$", text, re.M)))
