"""The README's sample of the terminal's verdicts is what `make mvp` prints: a real session of our
app on the local target, as the Makefile's main job runs it, must print every line of the sample
("..." stands for lines left out; the reader's paths, commit and reports folder may differ)."""

import fnmatch
import re
import subprocess
import sys
from pathlib import Path

from tests.harness.nested import nested_env
from tests.ours import REPO_ROOT


def _sample() -> list[str]:
    readme = (REPO_ROOT / "README.md").read_text()
    block = readme.split("```\n============================= Phase IV completion", 1)[1].split("```", 1)[0]
    lines = ["*Phase IV completion*", *block.splitlines()[1:]]
    patterns = []
    for line in lines:
        if not line.strip() or line.strip() == "...":
            continue
        pattern = re.sub(r"[\[\]]", lambda m: f"[{m.group(0)}]", line)  # fnmatch's brackets, literally
        pattern = pattern.replace("/home/you/todo-chatbot", "*")
        pattern = re.sub(r" at [0-9a-f]{12}", " at *", pattern)
        patterns.append(pattern.replace("reports/", "*/"))
    return patterns


def test_the_readme_sample_output_is_what_make_mvp_prints(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    argv = [sys.executable, "-m", "pytest", "-m", "mvp", "--target", "local", "-p", "no:cacheprovider"]
    argv += ["--reports-dir", str(reports)]
    env = nested_env() | {"TODO_HARNESS_MAKE": "mvp"}  # as the Makefile's mvp runs it
    done = subprocess.run(argv, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=900)
    printed = done.stdout.splitlines()
    missing = [p for p in _sample() if not any(fnmatch.fnmatchcase(line, p) for line in printed)]
    assert not missing, "README lines not printed by the run:\n" + "\n".join(missing) + "\n\n" + done.stdout[-4000:]
