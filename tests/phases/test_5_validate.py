"""Plan phase 5, VALIDATE. The user flows 5.2-5.5 and 5.7's answer are criteria C-10..C-14 (which
also show 5.1, the frontend's calls to the backend succeeding), upgrade and rollback (5.10, 5.11)
are S-04 and S-05, resources (5.9) is N-03. Here: 5.6 (completing a task) and 5.7 (the chat acts
on a request), which the criteria do not ask, and 5.8, the logs hold no errors, judged last, on
every target. Our own app's proxy and logout are this repository's own tests (tests/ours)."""

import re
import secrets

import pytest
from playwright.sync_api import Page, expect

from fixtures.accounts import Accounts
from fixtures.api import Account, TodoApi
from fixtures.evidence import Evidence
from fixtures.needs import unmet
from fixtures.profile_model import Profile
from fixtures.targets import Deployment, Target
from fixtures.ui_pages import AppUi, TasksPage

pytestmark = [pytest.mark.phase5, pytest.mark.mvp]

# A line of the backend's log that shows a failure: an ERROR or CRITICAL record, a traceback, an
# unhandled error, a 5xx answer in an access line (uvicorn's or ours).
CRITICAL = re.compile(
    r"Traceback|\b(CRITICAL|ERROR|FATAL)\b|unhandled error|\" 5\d\d\b| 5\d\d \d+(\.\d+)?ms$|HTTP/1\.[01]\" 5\d\d", re.M
)


def _log_in(app_ui: AppUi, api: TodoApi, accounts: Accounts) -> tuple[TasksPage, Account]:
    """Logged in as the session's account (fixtures/accounts.py), at its task list."""
    account = accounts.get(0, api, app_ui.register_elsewhere)
    return app_ui.log_in(account.email, account.password), account


@pytest.mark.needs("browser")
def test_5_6_a_task_can_be_completed(
    app_page: Page, app_ui: AppUi, evidence: Evidence, api: TodoApi, app_profile: Profile, accounts: Accounts
) -> None:
    """Its row's control marks a task done: the control shows it, the app's filters (where the
    profile names them) put it in its place, and the API agrees."""
    ui = app_profile.ui
    tasks, account = _log_in(app_ui, api, accounts)
    first, second = f"Water plants {secrets.token_hex(3)}", f"Pay rent {secrets.token_hex(3)}"
    for title in (first, second):
        if api.contract.tasks.path and api.contract.tasks.create and "tasks" in api.stated and account.token:
            api.create_task(account, title)
        else:
            evidence.text(f"task {title!r} made", tasks.make_task(title))
            expect(tasks.task(title)).to_be_visible()
    app_page.reload()
    tasks.open_list()
    _control, checkable = tasks.toggle_complete(first, [first, second])
    if checkable:
        assert tasks.shows_checked(first, [first, second]), f"the checkbox of {first!r} is not ticked after a click"
    if ui.filters:  # the app's filters show each task in its place
        tasks.show("Completed")
        expect(tasks.task(first)).to_be_visible()
        expect(tasks.scope().get_by_text(second).locator("visible=true")).to_have_count(0)
        tasks.show("Pending")
        expect(tasks.task(second)).to_be_visible()
        expect(tasks.scope().get_by_text(first).locator("visible=true")).to_have_count(0)
    evidence.png("one task completed", app_page.screenshot(full_page=True))
    # The API agrees, where it can say (the toggle's request may still be on its way).
    wanted = {first: True, second: False}
    for _ in range(20):
        stored = api.stored(account, [first, second])
        if stored is None or None in stored.values() or stored == wanted:
            break
        app_page.wait_for_timeout(250)
    if stored is not None and None not in stored.values():
        assert stored == wanted, f"the API says {stored}"


@pytest.mark.needs("browser")
def test_5_7_the_chat_acts_on_a_request(
    app_page: Page, app_ui: AppUi, evidence: Evidence, api: TodoApi, app_profile: Profile, accounts: Accounts
) -> None:
    """The plan's chatbot is the app's agent: asked to add a task, the task exists afterwards (C-14
    judges only that it answers)."""
    tasks, account = _log_in(app_ui, api, accounts)
    chat = app_ui.chat()
    chat.open_chat()
    title = f"walk the dog {secrets.token_hex(3)}"
    reply = chat.send(f"add a task called {title}")
    evidence.text("the assistant's reply", reply.text or "(none)")
    if app_profile.ui.pages.chat:
        tasks.open(app_profile.ui.pages.tasks or "/")
    else:
        app_page.reload()
    in_api = bool(api.stored(account, [title]))
    evidence.png("after asking the chat to add a task", app_page.screenshot(full_page=True))
    assert tasks.shows(title, timeout=10) or in_api, (
        f"asked to add the task {title!r}, the chat answered {reply.text[:200]!r} and the task is neither on the "
        "task page nor in the API's list"
    )


@pytest.mark.at_session_end  # after every flow of the session has made its requests
def test_5_8_backend_logs_hold_no_critical_errors(
    target: Target, backend_deployment: Deployment, evidence: Evidence
) -> None:
    logs = target.backend_log()
    if logs is None:
        unmet(f"the backend's logs of target {target.kind} are not reachable from here")
    critical = CRITICAL.findall(logs)
    lines = [line for line in logs.splitlines() if CRITICAL.search(line)]
    evidence.text("backend log lines flagged", "\n".join(lines[:50]) or "none")
    assert logs.strip(), "the backend logged nothing at all"
    shown = "\n".join(line[:200] for line in lines[:8])
    assert not critical, f"{len(lines)} error line(s) in the backend's log after the session's flows:\n{shown}"
