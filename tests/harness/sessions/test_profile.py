"""App profiles (fixtures/profile.py): ours loads and is short; a mistake is refused before
anything is deployed, naming the file and the key; JSON paths find what real apps answer with."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from fixtures import profile, profile_ui
from tests.harness.nested import nested_env
from tests.ours import OUR_PROFILE, REPO_ROOT


def test_our_app_is_a_short_profile_over_the_defaults() -> None:
    lines = OUR_PROFILE.read_text().splitlines()
    # 16 lines, the local target's 5 (how our sources run: `local`, which no other app needs) and
    # S-06's 14 (our five scripts in plan order, with the session's values: `deploy_scripts`).
    assert len([line for line in lines if not line.startswith("#")]) <= 35
    ours = profile.load(OUR_PROFILE, REPO_ROOT)
    assert [r.name for r in ours.deploy.releases] == ["todo-backend", "todo-frontend"]
    assert set(ours.images) == {"backend", "frontend"}
    assert ours.api.auth.register_path.endswith("/register")
    # The browser finds our pages, fields and controls itself: the profile names none of them.
    assert ours.ui.pages == profile_ui.Pages() and ours.ui.email is None and ours.ui.task_title is None


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("name: x\napi: {auth: {tokn: [$.token]}}\n", "api.auth.tokn: Extra inputs are not permitted"),
        ("name: x\ndeploy: {frontend_port: thirty}\n", "deploy.frontend_port: Input should be a valid integer"),
        ("name: x\napi: {auth: {kind: oauth}}\n", "api.auth.kind: Input should be 'jwt', 'better-auth' or 'none'"),
        ("name: x\napi: {chat: {reply: [reply]}}\n", "api.chat.reply: Value error, 'reply' is not a JSON path"),
        ("deploy: {}\n", "name: Field required"),
        ("name: x\ndeploy: {releases: [{name: web, chart: charts/nope}]}\n", "deploy.releases.0.chart: charts/nope"),
        ("name: x\nui: {task_opener: '(new task'}\n", "ui.task_opener: Value error, '(new task' is not a regular"),
        ("name: x\nui: {complete: slider}\n", "ui.complete.role: Value error, 'slider' is not one of the roles"),
        ("name: x\nui: {complete: {role: chekbox}}\n", "(did you mean 'checkbox'?)"),
        (
            "name: x\nui: {chat_reply: {css: 'div[[x'}}\n",
            "ui.chat_reply.css: Value error, 'div[[x' is not a CSS selector",
        ),
        ("name: x\nui: {chat_reply: {css: .a, text: b}}\n", "give exactly one of role, label, placeholder, text, css"),
        (
            "name: x\nui: {chat_replies: {css: .a}}\n",
            "ui.chat_replies: Extra inputs are not permitted (did you mean 'chat_reply'?)",
        ),
        (
            "name: x\nui: {pages: {regster: /s}}\n",
            "ui.pages.regster: Extra inputs are not permitted (did you mean 'register'?)",
        ),
        ("name: x\nui: {email: {placeholder: '(x'}}\n", "ui.email.placeholder: Value error, '(x' is not a regular"),
        ("name: x\ndeploy: {docker: {backend: {env: {K: '{secret}'}}}}\n", "K: {secret} is none of"),
        ("name: x\ndeploy: {after_install: [{exec: [migrate]}]}\n", "names the `image` whose container runs it"),
        ("- just\n- a list\n", "an app profile is a mapping"),
        ("name: [unclosed\n", "not YAML"),
    ],
)
def test_a_mistake_names_the_file_and_the_key(tmp_path: Path, text: str, complaint: str) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(text)
    with pytest.raises(profile.ProfileError) as caught:
        profile.load(path, tmp_path)
    assert str(caught.value).startswith(f"{path}: ") and complaint in str(caught.value), str(caught.value)


def test_a_missing_profile_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(profile.ProfileError, match="cannot read the app profile"):
        profile.load(tmp_path / "nope.yaml", tmp_path)


@pytest.mark.parametrize(
    ("body", "paths", "value"),
    [
        ({"access_token": "a", "token": "b"}, ["$.access_token", "$.token"], "a"),
        ({"token": "b"}, ["$.access_token", "$.token"], "b"),
        ({"user": {"id": 7}}, ["$.user.id"], 7),
        ([{"id": 1}], ["$.data", "$"], [{"id": 1}]),
        ({"data": [{"id": 1}, {"id": 2}]}, ["$.data[1].id"], 2),
    ],
)
def test_the_first_json_path_present_wins(body: object, paths: list[str], value: object) -> None:
    assert profile.first_present(body, paths) == value


def test_no_json_path_present_is_a_key_error_naming_them() -> None:
    with pytest.raises(KeyError, match=r"none of \$.reply, \$.response"):
        profile.first_present({"message": "hi"}, ["$.reply", "$.response"])
    with pytest.raises(KeyError):
        profile.json_path({"data": []}, "$.data[0]")


def test_the_commit_of_a_folder_that_is_no_repository_says_so(tmp_path: Path) -> None:
    assert profile.commit_of(tmp_path) == "not a git repository"
    assert len(profile.commit_of(REPO_ROOT).split("+")[0]) == 12
    # The harness's own reports in the repository are no change of the app's.
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(
        [
            "git",
            "-C",
            str(tmp_path),
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "x",
        ],
        check=True,
    )
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "completion.json").write_text("{}")
    assert "+changes" not in profile.commit_of(tmp_path, tmp_path / "reports")
    assert profile.commit_of(tmp_path).endswith("+changes")


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("name: team\nui: {colour: blue}\n", "ui.colour: Extra inputs are not permitted"),
        ("name: team\ndeploy: {backend_port: eighty}\n", "deploy.backend_port: Input should be a valid integer"),
        ("name: team\ndeploy: {releases: [{name: web, chart: charts/web}]}\n", "deploy.releases.0.chart: charts/web"),
    ],
)
def test_a_profile_mistake_stops_the_session_before_anything_is_built(
    tmp_path: Path, text: str, complaint: str
) -> None:
    bad = tmp_path / "team.yaml"
    bad.write_text(text)
    argv = [sys.executable, "-m", "pytest", "tests/acceptance", "--target", "docker", "-p", "no:cacheprovider"]
    argv += ["--app", str(bad), "--app-repo", str(tmp_path), "--reports-dir", str(tmp_path / "reports")]
    env = nested_env()
    done = subprocess.run(argv, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 4, done.stdout[-2000:] + done.stderr[-2000:]  # pytest's usage error
    assert f"{bad}: " in done.stderr and complaint in done.stderr, done.stderr
    assert not (tmp_path / "reports" / "logs").exists()  # nothing was built or started


# What only our app's profile may name: its routes, labels, chart paths and values keys.
OURS = profile.load(OUR_PROFILE, REPO_ROOT)
OUR_NAMES = {
    *(path for _key, path in profile.repo_paths(OURS) if "/" in path),  # Dockerfiles, charts
    *(release.name for release in OURS.deploy.releases),
    *(key for release in OURS.deploy.releases for key in (*release.set, *release.from_env.values())),
    *(key for release in OURS.deploy.releases for key in release.no_registry_set),
    OURS.ui.session_cookie or "",
    (OURS.ui.after_register or "").split("{")[0].strip(),
    # Routes and labels of our app that the harness once had written in (now in its profile's defaults).
    "/api/auth/",
    "/api/tasks",
    "/api/chat",
    "/healthz",
    "helm-charts/",
    "Create your account",
    '"Log in"',
    "My tasks",
    "Add a task",
    "[data-role=error]",
} - {""}


def test_the_harness_names_nothing_of_our_app_outside_its_profile() -> None:
    found = []
    for path in sorted([*(REPO_ROOT / "fixtures").rglob("*.py"), *(REPO_ROOT / "tests" / "acceptance").glob("*.py")]):
        text = path.read_text()
        found += [f"{path.relative_to(REPO_ROOT)}: {name}" for name in sorted(OUR_NAMES) if name in text]
    assert not found, "\n".join(found)
    assert len(OUR_NAMES) > 15, OUR_NAMES  # the list is real: paths, releases, values keys, routes, labels


def test_health_expect_and_docs_replace_the_defaults_whole(tmp_path: Path) -> None:
    """A mapping merges into the defaults key by key, except what a profile must be able to replace:
    an app whose health answer has no `status`, guides of the team's own names (S-07)."""
    (tmp_path / "team.yaml").write_text(
        "name: team\napi: {health: {path: /, expect: {}}}\ndocs: {docs/GUIDE.md: [helm install]}\n"
    )
    team = profile.load(tmp_path / "team.yaml", tmp_path)
    assert team.api.health.expect == {} and team.api.health.path == "/"
    assert team.docs == {"docs/GUIDE.md": ["helm install"]}
    # Everything else still merges: the defaults' auth stays under a profile that names one key.
    (tmp_path / "other.yaml").write_text("name: other\napi: {auth: {login: /signin}}\n")
    other = profile.load(tmp_path / "other.yaml", tmp_path)
    assert other.api.auth.login == "/signin" and other.api.auth.register_path == "/api/auth/register"
    assert "docs/TROUBLESHOOTING.md" in other.docs


def test_older_profiles_plain_ui_strings_still_mean_what_they_meant(tmp_path: Path) -> None:
    (tmp_path / "old.yaml").write_text(
        "name: old\nui: {task_title: '^task title', send_button: '^ask$', complete: 'button:^mark done$',"
        " chat_reply: .msg.bot, task_list: '^tasks$', terms: '^i accept'}\n"
    )
    ui = profile.load(tmp_path / "old.yaml", tmp_path).ui
    assert ui.task_title == profile_ui.Find(label="^task title")
    assert ui.send_button == profile_ui.Find(role="button", name="^ask$")
    assert ui.complete == profile_ui.Find(role="button", name="^mark done$")
    assert ui.chat_reply == profile_ui.Find(css=".msg.bot")
    assert ui.task_list == profile_ui.Find(role="list", name="^tasks$")
    assert ui.terms == profile_ui.Find(role="checkbox", name="^i accept")


def test_the_profile_schema_for_editors_is_the_models_and_takes_our_profiles(tmp_path: Path) -> None:
    import json

    import jsonschema

    schema = profile.user_schema()
    committed = json.loads(profile.SCHEMA.read_text())
    assert committed == schema, "apps/profile.schema.json is stale: write profile.user_schema() to it"
    validator = jsonschema.Draft202012Validator(schema)
    for path in (REPO_ROOT / "todo-harness.yaml", REPO_ROOT / "examples" / "tidy-todo" / "todo-harness.yaml"):
        assert not list(validator.iter_errors(yaml.safe_load(path.read_text()))), path
        assert f"$schema={os.path.relpath(profile.SCHEMA, path.parent)}" in path.read_text().splitlines()[0]
    assert list(validator.iter_errors({"name": "x", "uii": {}}))  # an unknown key, as load() refuses it
    later = tmp_path / "later.yaml"
    later.write_text("version: 2\nname: later\n")
    assert list(validator.iter_errors({"name": "later", "version": 2}))
    with pytest.raises(profile.ProfileError, match=r"later.yaml: version: Input should be 1"):
        profile.load(later, tmp_path)
