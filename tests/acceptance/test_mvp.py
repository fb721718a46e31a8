"""The must-have criteria (plan 7.1) that the app itself proves: C-08 to C-14, on every target.

C-01 and C-02 are in test_images.py; C-03 to C-07 are plan steps 2.9 and 4.2-4.6 (tests/phases).
"""

import re
import secrets

import pytest
from playwright.sync_api import Page, expect

from fixtures.api import Account, TodoApi, random_email, random_password
from fixtures.evidence import Evidence
from fixtures.targets import Deployment
from fixtures.ui import ChatPanel, LoginPage, RegisterPage, TasksPage


def _title(prefix: str) -> str:
    return f"{prefix} {secrets.token_hex(3)}"


def _log_in(page: Page, base_url: str, evidence: Evidence, account: Account) -> TasksPage:
    LoginPage(page, base_url, evidence).login(account.email, account.password)
    tasks = TasksPage(page, base_url, evidence)
    tasks.wait_loaded()
    return tasks


@pytest.mark.criterion("C-08")
def test_c08_backend_health_returns_200(api: TodoApi) -> None:
    response = api.health()
    assert response.status_code == 200, response.text
    problems = api.health_problems(response.json())
    assert not problems, f"{response.text[:300]}: {problems}"


@pytest.mark.criterion("C-09")
def test_c09_frontend_loads_in_browser(app_page: Page, base_url: str, evidence: Evidence) -> None:
    response = app_page.goto(base_url + "/")
    assert response is not None and response.ok, f"home page answered {response and response.status}"
    # Served with the security headers (no framing, no MIME sniffing, a bounded Referer).
    headers = response.all_headers()
    assert "frame-ancestors 'none'" in headers.get("content-security-policy", ""), headers
    assert headers.get("x-content-type-options") == "nosniff" and headers.get("referrer-policy"), headers
    # A visitor without a session lands on the login page, fully rendered.
    expect(app_page).to_have_url(re.compile(r"/login$"))
    expect(app_page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(app_page.get_by_role("button", name="Log in")).to_be_enabled()
    evidence.png("home page (redirected to login)", app_page.screenshot(full_page=True))


@pytest.mark.criterion("C-10")
def test_c10_user_can_register(app_page: Page, base_url: str, evidence: Evidence, api: TodoApi) -> None:
    account = Account(random_email(), random_password())
    RegisterPage(app_page, base_url, evidence).register(account.email, account.password, "Ada")
    expect(app_page).to_have_url(re.compile(r"/login\?registered="))
    expect(app_page.get_by_role("status")).to_contain_text(f"Account created for {account.email}")
    evidence.png("after registration", app_page.screenshot(full_page=True))
    # The account really exists: the backend accepts its credentials.
    assert api.login(account).status_code == 200
    # And a second registration with the same email is refused in words.
    again = RegisterPage(app_page, base_url, evidence)
    again.register(account.email, account.password)
    expect(again.error()).to_contain_text("already exists")


@pytest.mark.criterion("C-11")
def test_c11_user_can_log_in(app_page: Page, base_url: str, evidence: Evidence, api: TodoApi) -> None:
    account = Account(random_email(), random_password())
    assert api.register(account).status_code == 201
    login = LoginPage(app_page, base_url, evidence)
    login.login(account.email, "wrong-password")
    expect(login.error()).to_contain_text("Incorrect email or password")
    login.login(account.email, account.password)
    TasksPage(app_page, base_url, evidence).wait_loaded()
    evidence.png("logged in", app_page.screenshot(full_page=True))
    # The JWT lives in an httpOnly cookie: the session exists, page scripts cannot read it.
    cookies = {c["name"]: c for c in app_page.context.cookies()}
    assert cookies["todo_session"]["httpOnly"] is True
    assert "todo_session" not in app_page.evaluate("document.cookie")


@pytest.mark.criterion("C-12")
def test_c12_user_can_create_a_task(app_page: Page, base_url: str, evidence: Evidence, api: TodoApi) -> None:
    account = api.new_account()
    tasks = _log_in(app_page, base_url, evidence, account)
    title = _title("Buy milk")
    tasks.add_task(title, "two litres")
    expect(tasks.task(title)).to_be_visible()
    evidence.png("task created", app_page.screenshot(full_page=True))
    stored = api.tasks(account)
    assert [(api.title(t), t.get("description"), api.done(t)) for t in stored] == [(title, "two litres", False)]


@pytest.mark.criterion("C-13")
def test_c13_user_can_view_tasks(app_page: Page, base_url: str, evidence: Evidence, api: TodoApi) -> None:
    account = api.new_account()
    first, second = _title("Water plants"), _title("Pay rent")
    api.create_task(account, first)
    api.create_task(account, second)
    tasks = _log_in(app_page, base_url, evidence, account)
    expect(tasks.task_list().get_by_role("listitem")).to_have_count(2)
    assert tasks.titles() == [first, second]
    # Complete one (plan 5.6) and the filters show each in its place.
    tasks.toggle_complete(first)
    expect(tasks.task(first).get_by_role("checkbox")).to_be_checked()
    tasks.show("Completed")
    expect(tasks.task_list().get_by_role("listitem")).to_have_count(1)
    assert tasks.titles() == [first]
    tasks.show("Pending")
    assert tasks.titles() == [second]
    evidence.png("pending filter", app_page.screenshot(full_page=True))
    assert {api.title(t): api.done(t) for t in api.tasks(account)} == {first: True, second: False}


@pytest.mark.criterion("C-14")
def test_c14_chatbot_responds_and_acts(
    app_page: Page, base_url: str, evidence: Evidence, api: TodoApi, deployment: Deployment
) -> None:
    if "ai" in deployment.platform:  # --ai-stub: say where the replies came from
        evidence.text("AI replies", deployment.platform["ai"])
    account = api.new_account()
    tasks = _log_in(app_page, base_url, evidence, account)
    chat = ChatPanel(app_page, base_url, evidence)
    title = _title("walk the dog")
    reply = chat.send(f"add {title}")
    expect(reply).to_contain_text(title)
    # The agent acted: the task it added appears in the list without a reload.
    expect(tasks.task(title)).to_be_visible()
    if "ai" not in deployment.platform:  # the stub is scripted for adding only; an agent lists too
        listing = chat.send("what are my tasks")
        expect(listing).to_contain_text(title)
    evidence.png("chat added a task", app_page.screenshot(full_page=True))
    assert [api.title(t) for t in api.tasks(account)] == [title]
