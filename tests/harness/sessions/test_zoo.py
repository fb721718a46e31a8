"""The browser driver on the shapes real teams' apps have (tests/harness/zoo.py), with no `ui` key
in the profile: a real harness session in URL mode, real Chromium, against a zoo server in this
process. Every shape is judged PASS on C-08..C-14 and step 5.7; each defect is judged FAIL on the
criterion it breaks, with the cause in the FAIL line."""

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixtures import proc
from tests.harness import zoo
from tests.harness.nested import nested_env
from tests.ours import REPO_ROOT

# A profile that names nothing of the zoo's pages: the API is the common case, the UI is found.
PROFILE = "name: zoo\n"


@pytest.fixture
def zoo_server(request: pytest.FixtureRequest) -> Iterator[str]:
    flags: dict[str, str] = request.param
    server = zoo.serve(proc.free_port(), flags)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def judge(url: str, tmp_path: Path, select: str, profile: str = PROFILE) -> tuple[dict[str, dict[str, object]], str]:
    """Run the harness on the zoo; (verdicts by criterion id and step, the terminal's output)."""
    (tmp_path / "zoo.yaml").write_text(profile)
    reports = tmp_path / "reports"
    argv = [sys.executable, "-m", "pytest", "tests/acceptance/test_mvp.py", "tests/phases/test_5_validate.py"]
    argv += ["-p", "no:cacheprovider", "-k", select, "--base-url", url, "--api-url", url]
    argv += ["--app", str(tmp_path / "zoo.yaml"), "--app-repo", str(tmp_path), "--reports-dir", str(reports)]
    argv += ["-o", "addopts=", "--junitxml", str(reports / "junit.xml")]
    done = subprocess.run(argv, cwd=REPO_ROOT, env=nested_env(), capture_output=True, text=True, timeout=600)
    output = done.stdout + done.stderr
    completion = json.loads((reports / "completion.json").read_text())
    verdicts = {c["id"]: c for c in completion["criteria"]}
    junit = (reports / "junit.xml").read_text()
    for step, name in (("5.6", "test_5_6_a_task_can_be_completed"), ("5.7", "test_5_7_the_chat_acts_on_a_request")):
        case = junit.split(name, 1)[1].split("</testcase>", 1)[0] if name in junit else ""
        verdicts[step] = {"status": "NOT RUN" if not case else "FAIL" if "<failure" in case else "PASS"}
    return verdicts, output


ALL = "test_c08 or test_c09 or test_c10 or test_c11 or test_c12 or test_c13 or test_c14 or test_5_6 or test_5_7"
SHAPES = [
    pytest.param(
        {"list": "divs", "add": "link", "fields": "placeholders", "chat": "panel", "complete": "button"},
        id="divs-addlink-placeholders-chatpanel-donebutton",
    ),
    pytest.param(
        {"list": "table", "add": "inline", "fields": "labels", "chat": "page", "complete": "checkbox"},
        id="table-inline-labels-chatpage-checkbox",
    ),
    pytest.param(
        {"list": "cards", "add": "inline", "fields": "placeholders", "chat": "page", "complete": "button"},
        id="cards-inline-placeholders-chatpage-donebutton",
    ),
    # Shapes of apps unlike ours: a cookie session whose JSON auth routes are Better Auth's (no token
    # for the API's checks), a custom checkbox; an auth rate limit, a required field nothing labels,
    # refusals in the app's own words, a chat that streams its reply.
    pytest.param(
        {"auth": "cookie", "list": "ul", "chat": "panel", "complete": "hidden"},
        id="cookie-session-hidden-checkbox",
    ),
    pytest.param(
        {"ratelimit": "2", "name": "unlabelled", "refusals": "plain", "chat": "sse", "complete": "checkbox"},
        id="ratelimit-unlabelled-name-plain-refusals-sse-chat",
    ),
    # The backend's own auth routes answer, but the UI keeps its accounts elsewhere (a
    # backend-for-frontend): an account the API made cannot log in through the pages.
    pytest.param(
        {"accounts": "apart", "list": "cards", "add": "link", "chat": "panel", "complete": "checkbox"},
        id="accounts-apart-from-the-api",
    ),
    # No task form at all: tasks are made by asking the chat (the driver asks it, no key needed).
    pytest.param({"add": "chat", "list": "ul", "chat": "panel", "complete": "checkbox"}, id="tasks-only-by-chat"),
]


@pytest.mark.parametrize("zoo_server", SHAPES, indirect=True)
def test_every_shape_is_judged_right_with_no_ui_keys(zoo_server: str, tmp_path: Path) -> None:
    verdicts, output = judge(zoo_server, tmp_path, ALL)
    wanted = ["C-08", "C-09", "C-10", "C-11", "C-12", "C-13", "C-14", "5.6", "5.7"]
    got = {c: verdicts[c]["status"] for c in wanted}
    assert got == dict.fromkeys(wanted, "PASS"), output[-6000:]


DEFECTS = [
    pytest.param({"bounce": "1"}, "test_c11", "C-11", "asks to log in again", id="login-bounces-back"),
    pytest.param({"leaky": "1"}, "test_c13", "C-13", "sees the first account's tasks", id="list-shows-others-tasks"),
    pytest.param({"reply": "empty", "chat": "panel"}, "test_c14", "C-14", "no reply appeared", id="empty-reply"),
    pytest.param({"reply": "echo", "chat": "page"}, "test_c14", "C-14", "no reply appeared", id="echoed-reply"),
    pytest.param({"reply": "error", "chat": "panel"}, "test_c14", "C-14", "the reply is an error", id="error-reply"),
    pytest.param({"ratelimit": "0"}, "test_c10", "C-10", "rate limit", id="rate-limited-sign-up"),
    pytest.param(
        {"ratelimit": "0", "name": "unlabelled"},
        "test_c11",
        "C-11",
        "because no account could be made",
        id="no-account",
    ),
]


@pytest.mark.parametrize(("zoo_server", "select", "criterion", "cause"), DEFECTS, indirect=["zoo_server"])
def test_each_defect_fails_its_criterion_naming_the_cause(
    zoo_server: str, select: str, criterion: str, cause: str, tmp_path: Path
) -> None:
    verdicts, output = judge(zoo_server, tmp_path, select)
    verdict = verdicts[criterion]
    assert verdict["status"] == "FAIL", output[-6000:]
    assert cause in str(verdict["reason"]), verdict["reason"]


# Keys as a profile for an older harness wrote them, for pages since changed: a plain-text button
# name for the task form's opener, a label for the chat box, one login button for both the way in
# and the form's submit, a way in since renamed. None matches the zoo; each helps where it can and
# blocks nothing.
STALE = """name: zoo
ui: {task_opener: "^New task$", chat_input: "Your message", login_button: "^Log in now$", complete: "checkbox:Finish",
     login_link: "^Members only$"}
"""


@pytest.mark.parametrize(
    "zoo_server", [{"list": "divs", "add": "link", "chat": "panel", "complete": "button"}], indirect=True
)
def test_stale_profile_keys_help_never_block_and_are_named_for_deletion(zoo_server: str, tmp_path: Path) -> None:
    verdicts, output = judge(zoo_server, tmp_path, ALL, STALE)
    wanted = ["C-09", "C-10", "C-11", "C-12", "C-13", "C-14", "5.6", "5.7"]
    assert {c: verdicts[c]["status"] for c in wanted} == dict.fromkeys(wanted, "PASS"), output[-6000:]
    said = [p.read_text() for p in (tmp_path / "reports" / "evidence").rglob("*found-nothing.txt")]
    for key in ("task_opener", "chat_input", "login_button", "login_link"):
        assert any(f"Delete ui.{key} from the profile" in text for text in said), key


# The ways in (the landing page's links) and the forms' submits are keys of their own.
WAYS = """name: zoo
ui: {register_link: "^Become a member$", login_link: "^Members' entrance$", login_button: "^Sign in$"}
"""


@pytest.mark.parametrize("zoo_server", [{"ways": "odd"}], indirect=True)
def test_the_ways_in_are_keys_apart_from_the_forms_submits(zoo_server: str, tmp_path: Path) -> None:
    verdicts, output = judge(zoo_server, tmp_path, "test_c09 or test_c10 or test_c11", WAYS)
    wanted = ["C-09", "C-10", "C-11"]
    assert {c: verdicts[c]["status"] for c in wanted} == dict.fromkeys(wanted, "PASS"), output[-6000:]
    said = [p.read_text() for p in (tmp_path / "reports" / "evidence").rglob("*found-nothing.txt")]
    assert not said, said
