"""This repository and its own app, for this repository's own tests (tests/harness) and nothing
else: the harness itself finds the app it judges from where it runs (fixtures/settings.py)."""

from pathlib import Path

from fixtures.profile import load
from fixtures.settings import PROFILE_FILE

REPO_ROOT = Path(__file__).resolve().parents[1]
OUR_PROFILE = REPO_ROOT / PROFILE_FILE
OURS = load(OUR_PROFILE, REPO_ROOT)
# image name -> the chart that runs it ("backend" -> helm-charts/todo-backend)
CHARTS = {image: REPO_ROOT / release.chart for release in OURS.deploy.releases for image in release.images}
