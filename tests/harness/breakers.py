"""A pytest plugin that breaks our running app in the browser's traffic, the way real defects do,
for self-tests that check the harness FAILs each (tests/harness/sessions/test_breakers.py). Loaded into a
nested harness session with `-p tests.harness.breakers`; HARNESS_BREAK says which defect each
criterion's test meets, e.g. "c11=tokens,c13=leaky,c14=empty-reply":

  tokens       every token the login hands out is refused: the API answers 401 to the page
  leaky        the task list the page is given holds every task any account's page was shown
  empty-reply  the chat's answer arrives with an empty reply (the tools still ran)
and four defects of the tasks that must fail C-12 or C-13 and leave C-11 (the session) PASS:
  unstored     a new task is answered 201 but never reaches the backend
  empty-list   the task list the page is given is always empty
  title-cut    a new task's title reaches the backend cut to its first 5 characters
  unrendered   the page does not show its task list (our frontend's list is hidden)
Defects joined with "+" meet the same test together (c11=unstored+empty-list).
"""

import json
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Route

# Every task a listing showed, by browser context (one account each): what a leaky list adds to
# the listings of every other account.
_SEEN: dict[int, dict[str, dict[str, Any]]] = {}


def _items(body: Any) -> list[dict[str, Any]] | None:
    if isinstance(body, list):
        return body
    if isinstance(body, dict):
        return next((v for v in body.values() if isinstance(v, list)), None)
    return None


def _refuse(route: Route) -> None:
    if route.request.url.split("?")[0].endswith(("/auth/login", "/auth/register")):
        route.fallback()
        return
    route.fulfill(status=401, json={"detail": "Not authenticated"})


def _leaker(context: BrowserContext) -> Callable[[Route], None]:
    mine = _SEEN.setdefault(id(context), {})

    def leak(route: Route) -> None:
        response = route.fetch()
        body = response.json() if route.request.method == "GET" and response.ok else None
        items = _items(body)
        if items is None:
            route.fulfill(response=response)
            return
        mine.update({str(t.get("id")): t for t in items})
        items.extend(t for other, seen in _SEEN.items() if other != id(context) for t in seen.values())
        route.fulfill(response=response, json=body)

    return leak


def _empty_reply(route: Route) -> None:
    response = route.fetch()
    body = response.json() if response.ok else None
    if isinstance(body, dict) and "reply" in body:
        body["reply"] = ""
        route.fulfill(response=response, json=body)
    else:
        route.fulfill(response=response)


def _is_new_task(route: Route) -> bool:
    return route.request.method == "POST" and route.request.url.split("?")[0].rstrip("/").endswith("/api/tasks")


def _unstored(route: Route) -> None:
    if not _is_new_task(route):
        route.fallback()
        return
    sent = route.request.post_data_json or {}
    route.fulfill(status=201, json={"id": 999_999, "completed": False, **sent})


def _empty_list(route: Route) -> None:
    if route.request.method != "GET":
        route.fallback()
        return
    response = route.fetch()
    body = response.json() if response.ok else None
    items = _items(body)
    if items is None:
        route.fulfill(response=response)
        return
    items.clear()
    route.fulfill(response=response, json=body)


def _title_cut(route: Route) -> None:
    if not _is_new_task(route):
        route.fallback()
        return
    sent = dict(route.request.post_data_json or {})
    sent["title"] = str(sent.get("title", ""))[:5]
    route.fallback(post_data=json.dumps(sent))


Handler = Callable[[Route], None]
BREAKS: dict[str, tuple[str, Callable[[BrowserContext], Handler]]] = {
    "tokens": ("**/api/**", lambda _context: _refuse),
    "leaky": ("**/api/tasks*", _leaker),
    "empty-reply": ("**/api/chat*", lambda _context: _empty_reply),
    "unstored": ("**/api/tasks*", lambda _context: _unstored),
    "empty-list": ("**/api/tasks*", lambda _context: _empty_list),
    "title-cut": ("**/api/tasks*", lambda _context: _title_cut),
}
# Defects put into the page itself rather than its traffic: a style that hides our task list.
PAGE_BREAKS = {"unrendered": "ul.task-list { display: none !important; }"}


@pytest.fixture(autouse=True)
def _break_the_app(request: pytest.FixtureRequest) -> Iterator[None]:
    wanted = dict(part.split("=", 1) for part in os.environ.get("HARNESS_BREAK", "").split(",") if "=" in part)
    defect = next((d for test, d in wanted.items() if f"test_{test}_" in request.node.name), None)
    if defect is None or "browser" not in request.fixturenames and "page" not in request.fixturenames:
        yield
        return
    browser: Browser = request.getfixturevalue("browser")
    plain = browser.new_context

    def broken(**kwargs: Any) -> BrowserContext:  # every context of this test, the second account's too
        context = plain(**kwargs)
        for each in defect.split("+"):
            if each in PAGE_BREAKS:
                style = json.dumps(PAGE_BREAKS[each])
                context.add_init_script(
                    "document.addEventListener('DOMContentLoaded', () => { const s = document.createElement('style');"
                    f" s.textContent = {style}; document.head.append(s); }});"
                )
            else:
                glob, handler_of = BREAKS[each]
                context.route(glob, handler_of(context))
        return context

    browser.new_context = broken  # type: ignore[method-assign]
    try:
        yield
    finally:
        browser.new_context = plain  # type: ignore[method-assign]
