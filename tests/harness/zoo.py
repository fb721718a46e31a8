"""A zoo of Todo Chatbot UI shapes, for the browser driver's self-tests: one small server (the
standard library only) whose pages take the shapes real teams' apps have, chosen by flags, and
whose API is the common case of apps/defaults.yaml. Run: python -m tests.harness.zoo PORT FLAG...

Flags (each a shape; a run combines them):
  list=ul|divs|table|cards    how the task list is built
  add=inline|link|chat        the task form on the task page, an "ADD" link to its own page, or
                              none at all: tasks are made only by asking the chat
  fields=labels|placeholders  the forms' inputs labelled, or only with placeholders
  chat=page|panel             a server-rendered chat page behind a nav link, or a script-driven
                              panel on the task page whose replies are unlabelled divs
  complete=checkbox|button|hidden
                              a checkbox in the row, a "Done" button, or a checkbox hidden behind
                              a styled box in its label (display: none, as custom checkboxes are)
  auth=cookie                 a cookie session only, Better Auth's way: the JSON auth routes are
                              /api/auth/sign-up/email and /api/auth/sign-in/email (the common
                              case's /api/auth/register and /login answer 404), and /api/tasks takes
                              the session cookie alone (a bearer token is refused)
  ratelimit=N                 at most N sign-ups in 10 s: then 429 with Retry-After (form and JSON)
  name=unlabelled             the sign-up form's required name field has a caption that is not its
                              label, no placeholder, no name, no id
  refusals=plain              the refusals say "Signup failed" and "Could not sign you in"
  chat=sse                    the panel's replies stream in as server-sent events
  accounts=apart              the JSON auth routes keep accounts of their own, apart from the
                              forms' (a backend whose own routes answer while the UI's accounts
                              live in its frontend's route handlers)
  ways=odd                    the landing page's ways in are worded as no driver guesses them
                              ("Become a member", "Members' entrance"): a profile names them
and the defects the harness must catch, each alone:
  bounce   the session the login hands out is refused; the task page's script returns to the login
  leaky    the task list shows every user's tasks
  reply=empty|echo|error      the chat answers nothing, the message back, or an apology
"""

import html
import json
import re
import secrets
import sys
import threading
import time
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

COOKIE = "zoo_session"


class Zoo:
    def __init__(self, flags: dict[str, str]) -> None:
        self.flags = flags
        self.users: dict[str, dict[str, Any]] = {}  # email -> {password, id}
        self.api_users: dict[str, dict[str, Any]] = {}  # the JSON routes' own, with accounts=apart
        self.tokens: dict[str, str] = {}  # token -> email
        self.tasks: list[dict[str, Any]] = []
        self.chats: dict[str, list[tuple[str, str]]] = {}  # email -> [(who, text)]
        self.lock = threading.Lock()
        self.signups: list[float] = []  # when each sign-up came (ratelimit)

    def limited(self) -> bool:
        """Whether a sign-up now goes over the rate limit (the app's auth library's)."""
        limit = self.flag("ratelimit")
        if not limit:
            return False
        now = time.monotonic()
        with self.lock:
            self.signups = [t for t in self.signups if now - t < 10]
            if len(self.signups) >= int(limit):
                return True
            self.signups.append(now)
        return False

    def flag(self, name: str, default: str = "") -> str:
        return self.flags.get(name, default)

    def user_tasks(self, email: str) -> list[dict[str, Any]]:
        if "leaky" in self.flags:
            return list(self.tasks)
        return [t for t in self.tasks if t["owner"] == email]

    def add(self, email: str, title: str, description: str = "") -> dict[str, Any]:
        with self.lock:
            task = {"id": len(self.tasks) + 1, "title": title, "description": description, "completed": False}
            self.tasks.append({**task, "owner": email})
        return task

    def answer(self, email: str, message: str) -> str:
        wanted = re.search(r"add a task called (.+)", message, re.IGNORECASE)
        if wanted:
            self.add(email, wanted.group(1).strip())
        kind = self.flag("reply")
        if kind == "empty":
            return ""
        if kind == "echo":
            return message
        if kind == "error":
            return "Sorry, something went wrong. Please try again later."
        if wanted:
            return f"Okay! “{wanted.group(1).strip()}” is on your list now."
        return f"You have {len(self.user_tasks(email))} task(s)."


# A script-driven chat panel: the message box and its log; each shape's script then sends and shows.
PANEL = (
    '<aside><div id="log"></div><form id="chat"><input id="say" placeholder="Type a message">'
    '<button type="submit" aria-label="Send">➤</button></form></aside><script>'
    "document.getElementById('chat').onsubmit = async e => { e.preventDefault();"
    " const say = document.getElementById('say'), log = document.getElementById('log');"
    " const mine = document.createElement('div'); mine.textContent = say.value; log.append(mine);"
)


def page(title: str, body: str, nav: bool = False) -> str:
    links = '<nav><a href="/board">Board</a> <a href="/assistant">Assistant</a></nav>' if nav else ""
    return f"<!doctype html><html><head><title>{title}</title></head><body>{links}{body}</body></html>"


def field(zoo: Zoo, name: str, words: str, kind: str = "text") -> str:
    if zoo.flag("fields") == "placeholders":
        return f'<div><input name="{name}" type="{kind}" placeholder="{words}" required></div>'
    return (
        f'<div><label for="f-{name}">{words}</label> <input id="f-{name}" name="{name}" type="{kind}" required></div>'
    )


class Handler(BaseHTTPRequestHandler):
    zoo: Zoo

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        sys.stderr.write("zoo: " + format % args + "\n")

    # ---------------------------------------------------------------- plumbing

    def send(self, status: int, body: str, kind: str = "text/html", headers: dict[str, str] | None = None) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("content-type", f"{kind}; charset=utf-8")
        self.send_header("content-length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def json(self, status: int, body: Any) -> None:
        self.send(status, json.dumps(body), "application/json")

    def redirect(self, where: str, cookie: str | None = None) -> None:
        headers = {"location": where}
        if cookie is not None:
            headers["set-cookie"] = f"{COOKIE}={cookie}; Path=/; HttpOnly"
        self.send(303, "", headers=headers)

    def body(self) -> dict[str, str]:
        raw = self.rfile.read(int(self.headers.get("content-length") or 0)).decode()
        if "json" in (self.headers.get("content-type") or ""):
            return {k: str(v) for k, v in json.loads(raw or "{}").items()}
        return {k: v[0] for k, v in parse_qs(raw).items()}

    def who(self) -> str | None:
        """The signed-in user: by bearer token, or by session cookie (refused when `bounce`)."""
        auth = self.headers.get("authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None
        if self.zoo.flag("auth") == "cookie":
            token = None  # a session cookie alone
        if token is None:
            cookie = SimpleCookie(self.headers.get("cookie", ""))
            token = cookie[COOKIE].value if COOKIE in cookie else None
            if token and "bounce" in self.zoo.flags:
                return None
        return self.zoo.tokens.get(token or "")

    # ---------------------------------------------------------------- routes

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        path = urlparse(self.path).path
        zoo = self.zoo
        if path == "/health":
            return self.json(200, {"status": "ok"})
        if path == "/api/tasks":
            email = self.who()
            if email is None:
                return self.json(401, {"detail": "not signed in"})
            return self.json(200, {"data": [self.public(t) for t in zoo.user_tasks(email)]})
        if path == "/":
            join, enter = ("Become a member", "Members' entrance") if zoo.flag("ways") else ("Sign up free", "Sign in")
            return self.send(
                200, page("Zoo", f'<h1>Zoo Todo</h1><p><a href="/join">{join}</a> or <a href="/enter">{enter}</a></p>')
            )
        if path == "/join":
            if zoo.flag("name") == "unlabelled":  # a caption nothing ties to the input
                name = '<div><span class="caption">Full name</span><input type="text" required></div>'
            else:
                name = field(zoo, "name", "Your name")
            form = name + field(zoo, "email", "Email", "email")
            form += field(zoo, "password", "Password", "password") + field(zoo, "again", "Repeat password", "password")
            taken = "Signup failed" if zoo.flag("refusals") == "plain" else "That email is already registered."
            problem = f"<p>{taken}</p>" if "taken" in self.path else ""
            problem += "<p>Too many requests, try again in a few seconds.</p>" if "slow" in self.path else ""
            return self.send(
                200,
                page(
                    "Join",
                    f'{problem}<form method="post" action="/join">{form}'
                    '<button type="submit">Create my account</button></form>',
                ),
            )
        if path == "/enter":
            form = field(zoo, "email", "Email", "email") + field(zoo, "password", "Password", "password")
            bad = "Could not sign you in" if zoo.flag("refusals") == "plain" else "Invalid email or password."
            problem = f"<p>{bad}</p>" if "bad" in self.path else ""
            return self.send(
                200,
                page(
                    "Enter",
                    f'{problem}<form method="post" action="/enter">{form}<button type="submit">Sign in</button></form>',
                ),
            )
        email = self.who()
        if email is None and path in ("/board", "/board/new", "/assistant"):
            if "bounce" in zoo.flags and path == "/board":  # a shell whose script finds the session refused
                script = "<script>fetch('/api/tasks').then(r => { if (r.status === 401) location = '/enter' })</script>"
                return self.send(200, page("Board", "<h1>Board</h1><p>Loading…</p>" + script))
            return self.redirect("/enter")
        if path == "/board":
            return self.send(200, page("Board", self.board(email or ""), nav=True))
        if path == "/board/new":
            form = field(zoo, "title", "Task name") + field(zoo, "notes", "Notes")
            return self.send(
                200,
                page(
                    "New",
                    f'<form method="post" action="/board/new">{form}<button type="submit">Save</button></form>',
                    nav=True,
                ),
            )
        if path == "/assistant":
            log = "".join(
                f'<div class="{who}">{html.escape(text)}</div>' for who, text in zoo.chats.get(email or "", [])
            )
            form = field(zoo, "message", "Ask me anything")
            return self.send(
                200,
                page(
                    "Assistant",
                    f"<section><h2>Assistant</h2><div>{log}</div>"
                    f'<form method="post" action="/assistant">{form}'
                    '<button type="submit">Go</button></form></section>',
                    nav=True,
                ),
            )
        return self.send(404, page("Not found", "<p>Not found</p>"))

    def board(self, email: str) -> str:
        zoo = self.zoo
        tasks = zoo.user_tasks(email)
        shape = zoo.flag("list", "ul")

        def control(task: dict[str, Any]) -> str:
            if zoo.flag("complete", "checkbox") == "button":
                label = "Reopen" if task["completed"] else "Done"
                return (
                    f'<form method="post" action="/board/{task["id"]}/toggle" style="display:inline">'
                    f'<button type="submit">{label}</button></form>'
                )
            checked = " checked" if task["completed"] else ""
            if zoo.flag("complete") == "hidden":  # the input hidden, a styled box in its label shows it
                return (
                    f'<form method="post" action="/board/{task["id"]}/toggle" style="display:inline">'
                    f'<label class="tick"><input type="checkbox" style="display:none"{checked} '
                    'onchange="this.form.submit()"><span style="display:inline-block;width:14px;height:14px;'
                    'border:1px solid #333"></span></label></form>'
                )
            return (
                f'<form method="post" action="/board/{task["id"]}/toggle" style="display:inline">'
                f'<input type="checkbox"{checked} onchange="this.form.submit()"></form>'
            )

        def title(task: dict[str, Any]) -> str:
            return html.escape(task["title"])

        if shape == "table":
            rows = "".join(
                f"<tr><td>{control(t)}</td><td>{title(t)}</td><td>{html.escape(t['description'])}</td></tr>"
                for t in tasks
            )
            listing = (
                f"<table><thead><tr><th></th><th>Task</th><th>Notes</th></tr></thead><tbody>{rows}</tbody></table>"
            )
        elif shape == "divs":
            listing = (
                "<div>"
                + "".join(f'<div class="row"><span>{title(t)}</span> {control(t)}</div>' for t in tasks)
                + "</div>"
            )
        elif shape == "cards":
            listing = "".join(
                f'<article class="card"><h3>{title(t)}</h3><div>{control(t)}</div></article>' for t in tasks
            )
        else:
            listing = "<ul>" + "".join(f"<li>{control(t)} {title(t)}</li>" for t in tasks) + "</ul>"
        if zoo.flag("add", "inline") == "link":
            adding = '<p><a href="/board/new">ADD</a></p>'
        elif zoo.flag("add") == "chat":
            adding = "<p>Ask the assistant to add, finish or list your tasks.</p>"
        else:
            adding = (
                f'<form method="post" action="/board/new">{field(zoo, "title", "What needs doing?")}'
                '<button type="submit" aria-label="Add">+</button></form>'
            )
        chat = ""
        if zoo.flag("chat") == "sse":
            chat = (
                PANEL + " const r = await fetch('/api/chat/stream', {method: 'POST', headers: {'content-type':"
                " 'application/json', accept: 'text/event-stream'}, body: JSON.stringify({message: say.value})});"
                " say.value = ''; const theirs = document.createElement('div'); log.append(theirs);"
                " const reader = r.body.getReader(), words = new TextDecoder(); let rest = '';"
                " for (;;) { const {done, value} = await reader.read(); if (done) break;"
                " rest += words.decode(value, {stream: true}); const events = rest.split('\\n\\n');"
                " rest = events.pop(); for (const ev of events) { const data = ev.replace(/^data: /, '');"
                " if (data === '[DONE]') continue; theirs.textContent += JSON.parse(data).content; } } };</script>"
            )
        if zoo.flag("chat", "page") == "panel":
            chat = (
                PANEL
                + " const r = await fetch('/api/chat', {method: 'POST', headers: {'content-type': 'application/json'},"
                " body: JSON.stringify({message: say.value})}); say.value = '';"
                " const theirs = document.createElement('div'); theirs.textContent = (await r.json()).reply;"
                " log.append(theirs); };</script>"
            )
        return f"<h1>Board</h1>{adding}{listing}{chat}"

    @staticmethod
    def public(task: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in task.items() if k != "owner"}

    def do_POST(self) -> None:  # noqa: N802 - the base class's name
        path = urlparse(self.path).path
        zoo = self.zoo
        body = self.body()
        cookie_auth = zoo.flag("auth") == "cookie"
        if cookie_auth and path in ("/api/auth/register", "/api/auth/login"):
            return self.json(404, {"detail": "not found"})
        path = {"/api/auth/sign-up/email": "/api/auth/register", "/api/auth/sign-in/email": "/api/auth/login"}.get(
            path, path
        )
        if path in ("/api/auth/register", "/join") and zoo.limited():
            if path == "/join":
                return self.redirect("/join?slow")
            return self.send(429, '{"message": "Too many requests"}', "application/json", {"retry-after": "3"})
        users = zoo.api_users if zoo.flag("accounts") == "apart" and path.startswith("/api/") else zoo.users
        if path in ("/api/auth/register", "/join"):
            email, password = body.get("email", ""), body.get("password", "")
            if email in users:
                if path == "/join":
                    return self.redirect("/join?taken")
                return self.json(409, {"detail": "email already registered"})
            users[email] = {"password": password, "id": len(users) + 1}
            if path == "/join":
                return self.redirect("/enter?welcome")
            return self.json(201, {"user": {"id": users[email]["id"], "email": email}})
        if path in ("/api/auth/login", "/enter"):
            email = body.get("email", "")
            user = users.get(email)
            if user is None or user["password"] != body.get("password"):
                if path == "/enter":
                    return self.redirect("/enter?bad")
                return self.json(401, {"detail": "invalid email or password"})
            token = secrets.token_urlsafe(16)
            zoo.tokens[token] = email
            if path == "/enter":
                return self.redirect("/board", cookie=token)
            if cookie_auth:  # a session cookie, no token in the body
                body_out = json.dumps({"user": {"id": user["id"]}})
                cookie = f"{COOKIE}={token}; Path=/; HttpOnly"
                return self.send(200, body_out, "application/json", {"set-cookie": cookie})
            return self.json(200, {"access_token": token, "user": {"id": user["id"]}})
        signed_in = self.who()
        if signed_in is None:
            return self.json(401, {"detail": "not signed in"})
        email = signed_in
        if path == "/api/tasks":
            return self.json(201, zoo.add(email, body.get("title", ""), body.get("description", "")))
        if path == "/api/chat":
            return self.json(200, {"reply": zoo.answer(email, body.get("message", ""))})
        if path == "/api/chat/stream":  # server-sent events, a few words at a time
            words = zoo.answer(email, body.get("message", "")).split(" ")
            events = "".join(f"data: {json.dumps({'content': w + ' '})}\n\n" for w in words) + "data: [DONE]\n\n"
            return self.send(200, events, "text/event-stream")
        if path == "/board/new":
            zoo.add(email, body.get("title", ""), body.get("notes", ""))
            return self.redirect("/board")
        toggle = re.fullmatch(r"/board/(\d+)/toggle", path)
        if toggle:
            for task in zoo.tasks:
                if task["id"] == int(toggle.group(1)) and task["owner"] == email:
                    task["completed"] = not task["completed"]
            return self.redirect("/board")
        if path == "/assistant":
            message = body.get("message", "")
            reply = zoo.answer(email, message)
            zoo.chats.setdefault(email, []).extend([("me", message), ("bot", reply)])
            return self.redirect("/assistant")
        return self.json(404, {"detail": "not found"})

    def do_PATCH(self) -> None:  # noqa: N802 - the base class's name
        self.json(405, {"detail": "not here"})


def serve(port: int, flags: dict[str, str]) -> ThreadingHTTPServer:
    handler = type("ZooHandler", (Handler,), {"zoo": Zoo(flags)})
    return ThreadingHTTPServer(("127.0.0.1", port), handler)


def parse_flags(words: list[str]) -> dict[str, str]:
    return {word.partition("=")[0]: word.partition("=")[2] or "1" for word in words}


if __name__ == "__main__":
    serve(int(sys.argv[1]), parse_flags(sys.argv[2:])).serve_forever()
