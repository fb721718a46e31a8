"""Each criterion stands alone: a frontend image that does not build fails what needs the frontend
(C-09, step 2.7) and leaves C-08 and step 2.4 judged on the backend alone, which runs. A real
session on the docker target: our backend's image, a frontend Dockerfile that fails its build."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures import images
from tests.harness.nested import nested_env
from tests.ours import REPO_ROOT

BROKEN = """\
ARG NODE_IMAGE=node:20-bookworm
FROM ${NODE_IMAGE}
RUN echo "the frontend's build fails here" >&2 && exit 3
"""


@pytest.mark.skipif(images.daemon_problem() is not None, reason="needs a Docker daemon (make test starts one in CI)")
def test_a_frontend_that_does_not_build_leaves_c08_and_2_4_to_the_backend(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(BROKEN)
    ours = (REPO_ROOT / "todo-harness.yaml").read_text()
    frontend = "frontend: {context: frontend, dockerfile: docker/frontend/Dockerfile, repository: todo-frontend}"
    assert frontend in ours, "our profile's frontend image line moved: update this test"
    broken = f"frontend: {{context: frontend, dockerfile: {tmp_path / 'Dockerfile'}, repository: unbuilt-frontend}}"
    (tmp_path / "broken.yaml").write_text(ours.replace(frontend, broken).replace("name: todo-chatbot", "name: unbuilt"))
    reports = tmp_path / "reports"
    argv = [sys.executable, "-m", "pytest", "tests/acceptance/test_mvp.py", "tests/phases/test_2_containerize.py"]
    argv += ["-p", "no:cacheprovider", "-o", "addopts=", "--target", "docker", "--reports-dir", str(reports)]
    argv += ["--app", str(tmp_path / "broken.yaml"), "--app-repo", str(REPO_ROOT)]
    argv += ["-k", "test_c08 or test_2_4 or test_c09 or test_2_7", "--junitxml", str(reports / "junit.xml")]
    done = subprocess.run(argv, cwd=REPO_ROOT, env=nested_env(), capture_output=True, text=True, timeout=1200)
    output = done.stdout + done.stderr
    verdicts = {c["id"]: c for c in json.loads((reports / "completion.json").read_text())["criteria"]}
    assert verdicts["C-08"]["status"] == "PASS", output[-4000:]
    assert verdicts["C-09"]["status"] == "FAIL", output[-4000:]
    assert "frontend" in json.dumps(verdicts["C-09"]), verdicts["C-09"]
    junit = (reports / "junit.xml").read_text()
    for step, failed in (("test_2_4_backend_image_runs_healthy", False), ("test_2_7_build_frontend_image", True)):
        case = junit.split(step, 1)[1].split("</testcase>", 1)[0]
        assert ("<failure" in case) is failed, f"{step}: {case[:1500]}"
