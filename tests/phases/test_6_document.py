"""Plan phase 6, DOCUMENT: the guides (6.1-6.4) exist and the scripts (6.5) explain themselves.

How complete the guides are is criterion S-07 (tests/acceptance/test_should.py).
"""

import subprocess

import pytest

from fixtures.evidence import Evidence
from fixtures.settings import REPO_ROOT

pytestmark = [pytest.mark.phase6, pytest.mark.mvp]

SCRIPTS = ["setup-minikube.sh", "build-images.sh", "build-base-images.sh", "deploy.sh", "undeploy.sh", "validate.sh"]


@pytest.mark.parametrize(
    "doc", ["docs/DEPLOYMENT-GUIDE.md", "docs/TROUBLESHOOTING.md", "docs/AI-TOOLS-GUIDE.md", "README.md"]
)
def test_6_1_to_6_4_guides_exist(doc: str) -> None:
    path = REPO_ROOT / doc
    assert path.is_file(), f"{doc} is missing"
    assert path.read_text().startswith("# "), f"{doc} has no title"


@pytest.mark.parametrize("script", SCRIPTS)
def test_6_5_scripts_explain_themselves_and_refuse_bad_arguments(script: str, evidence: Evidence) -> None:
    path = REPO_ROOT / "scripts" / script
    done = subprocess.run([str(path), "--help"], capture_output=True, text=True, timeout=30)
    evidence.text(f"{script} --help", done.stdout + done.stderr)
    assert done.returncode == 0 and done.stdout.startswith("usage: scripts/"), done.stderr
    wrong = subprocess.run([str(path), "--no-such-flag"], capture_output=True, text=True, timeout=30)
    assert wrong.returncode != 0 and "unknown argument" in wrong.stderr
