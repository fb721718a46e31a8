"""`todo-harness init` (fixtures/discover.py): a profile found from a repository, checked against the
hand-written profile of examples/tidy-todo (an app unlike ours) and this repository's own."""

from pathlib import Path

import pytest
import yaml

from fixtures import cohort, discover, profile
from tests.ours import REPO_ROOT

TIDY = REPO_ROOT / "examples" / "tidy-todo"


def test_the_found_profile_of_tidy_todo_agrees_with_its_hand_written_one(tmp_path: Path) -> None:
    text = discover.render(discover.discover(TIDY))
    (tmp_path / "found.yaml").write_text(text)
    found = profile.load(tmp_path / "found.yaml", TIDY)
    written = profile.load(TIDY / "todo-harness.yaml", TIDY)
    for part in ("health", "auth", "tasks", "chat"):
        assert part in found.stated_api, text
    assert found.api.health.path == written.api.health.path and found.api.health.expect == written.api.health.expect
    assert (found.api.auth.register_path, found.api.auth.login) == (
        written.api.auth.register_path,
        written.api.auth.login,
    )
    assert (found.api.tasks.path, found.api.chat.path) == (written.api.tasks.path, written.api.chat.path)
    for key in ("namespace", "chart_creates_namespace", "frontend_service", "node_port_key", "backend_service"):
        assert getattr(found.deploy, key) == getattr(written.deploy, key), key
    assert found.deploy.browser_api == written.deploy.browser_api
    assert found.deploy.before_install == written.deploy.before_install  # the Secret its pods read
    assert found.deploy.ai_key_needed_at_start == written.deploy.ai_key_needed_at_start
    assert found.deploy.docker.backend.port == written.deploy.docker.backend.port
    assert [r.chart for r in found.deploy.releases] == [r.chart for r in written.deploy.releases]
    assert {n: (i.context, i.dockerfile) for n, i in found.images.items()} == {
        n: (i.context, i.dockerfile) for n, i in written.images.items()
    }
    # Every key's line says where it was found.
    keyed = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    keyed = [line for line in keyed if not line.rstrip().endswith(":")]  # a mapping's own line
    assert keyed and all("  # " in line for line in keyed), text


def test_our_own_repository_s_images_are_built_from_the_folders_their_copies_read() -> None:
    found = discover.discover(REPO_ROOT)
    images = found.value("images.backend"), found.value("images.frontend")
    assert images == (
        {"context": "backend", "dockerfile": "docker/backend/Dockerfile"},
        {"context": "frontend", "dockerfile": "docker/frontend/Dockerfile"},
    )
    releases = found.value("deploy.releases")
    assert [r["chart"] for r in releases] == ["helm-charts/todo-backend", "helm-charts/todo-frontend"]
    assert found.value("deploy.backend_service") == "todo-backend"  # not its database's Service
    assert found.value("deploy.ai_key_env") is None  # its settings read OPENAI_API_KEY among others


def test_init_keeps_a_profile_that_exists(tmp_path: Path) -> None:
    (tmp_path / "todo-harness.yaml").write_text("name: kept\n")
    with pytest.raises(FileExistsError, match="--force"):
        discover.write(tmp_path)
    target, _ = discover.write(tmp_path, force=True)
    assert yaml.safe_load(target.read_text())["name"] == discover.slug(tmp_path.name)


def test_a_cohort_list_is_yaml_or_lines_and_a_bad_item_is_named(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("# teams\nteam-one\nhttps://example.invalid/x/team-two.git  team-two.yaml\n")
    teams = cohort.read_list(tmp_path / "a.txt")
    assert [(t.name, t.profile) for t in teams] == [("team-one", None), ("team-two", "team-two.yaml")]
    assert teams[0].repo == str(tmp_path / "team-one")
    (tmp_path / "b.yaml").write_text("- {repo: x, colour: red}\n")
    with pytest.raises(cohort.CohortError, match="item 1: unknown key colour"):
        cohort.read_list(tmp_path / "b.yaml")
    (tmp_path / "c.yaml").write_text("")
    with pytest.raises(cohort.CohortError, match="names no team"):
        cohort.read_list(tmp_path / "c.yaml")
    assert cohort.fixed_ports("docker: {backend: {port: 30081}}\nbrowser_api: http://127.0.0.1:30081\n") == {30081}
    assert cohort.own_namespace("deploy: {namespace: tidy, chart_creates_namespace: true}") == "tidy"
    assert cohort.own_namespace("name: a\n") is None


@pytest.mark.parametrize(
    ("dockerfile", "port"),
    [
        ('CMD ["uvicorn", "src.main:app", "--host", "0.0.0.0", "--port", "7860"]', 7860),
        ("CMD uvicorn app.main:app --host 0.0.0.0 --port=8080", 8080),
        ('CMD ["sh", "-c", "uvicorn main:app --port ${PORT:-8000}"]', None),
        ('CMD ["gunicorn", "-b", "0.0.0.0:5000", "app:app"]', 5000),
        ('CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]', 8000),
        ('CMD ["npx", "serve", "-s", "build", "-l", "3000"]', 3000),
        ('CMD ["npm", "start"]', None),
        ('ENTRYPOINT ["/app/entrypoint.sh"]', None),
    ],
)
def test_the_port_a_cmd_fixes(dockerfile: str, port: int | None) -> None:
    assert discover.fixed_port(f"FROM python:3.11-slim\n{dockerfile}\n") == port


def test_a_settings_class_s_fields_without_defaults_are_needed() -> None:
    text = (
        "from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    database_url: str\n"
        "    better_auth_secret: str\n    debug: bool = False\n    sentry_dsn: str | None\n"
        "class Other:\n    token: str\n"
    )
    assert discover.settings_fields(text) == ["DATABASE_URL", "BETTER_AUTH_SECRET"]


def test_a_vite_app_s_router_paths_are_its_pages(tmp_path: Path) -> None:
    (tmp_path / "web" / "src").mkdir(parents=True)
    (tmp_path / "web" / "Dockerfile").write_text("FROM node:20-alpine\nCOPY . .\nRUN npm ci && npm run build\n")
    (tmp_path / "web" / "src" / "App.tsx").write_text(
        'import { Route } from "react-router-dom";\n<Route path="/sign-up" element={<Up/>} />\n'
        '<Route path="/sign-in" element={<In/>} />\n<Route path="/todos" element={<Todos/>} />\n'
    )
    found = discover.discover(tmp_path)
    assert [found.value(f"ui.pages.{page}") for page in ("register", "login", "tasks")] == [
        "/sign-up",
        "/sign-in",
        "/todos",
    ]
