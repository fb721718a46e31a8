"""This repository's own tests of its own app's conventions (beyond the plan's checks, which judge
every app alike from its profile: tests/phases, tests/acceptance), and what the harness's self-tests
(tests/harness) know of this repository. The harness itself finds the app it judges from where it
runs (fixtures/settings.py) and ships none of this. The root conftest.py collects this folder only
when the app under test is this repository's own."""

from pathlib import Path

from fixtures.profile import load
from fixtures.settings import PROFILE_FILE

REPO_ROOT = Path(__file__).resolve().parents[2]
OUR_PROFILE = REPO_ROOT / PROFILE_FILE
OURS = load(OUR_PROFILE, REPO_ROOT)
# image name -> the chart that runs it ("backend" -> helm-charts/todo-backend)
CHARTS = {image: REPO_ROOT / release.chart for release in OURS.deploy.releases for image in release.images}
