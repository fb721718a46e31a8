"""This repository's own app as the checks of its files name it (phases 3 and 6 read them only when
it is the app under test; the harness's self-tests use its charts): from its app profile."""

from fixtures.profile import DEFAULT_PROFILE, load
from fixtures.settings import REPO_ROOT

OURS = load(DEFAULT_PROFILE, REPO_ROOT)
# image name -> the chart that runs it ("backend" -> helm-charts/todo-backend)
CHARTS = {image: REPO_ROOT / release.chart for release in OURS.deploy.releases for image in release.images}
