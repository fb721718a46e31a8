"""Pure parts of fixtures/images.py: base-image selection and the ignore-file copy check."""

import shutil
from pathlib import Path

import pytest

from fixtures import images, proc
from fixtures.images import LOCAL_BASES, ImageError, ImageSpec
from fixtures.profile import load
from tests.ours import OURS


def test_official_bases_need_no_build_args() -> None:
    assert images.base_build_args("official") == {}


@pytest.mark.parametrize(("present", "expected"), [(set(LOCAL_BASES.values()), LOCAL_BASES), (set(), {})])
def test_auto_uses_local_bases_only_when_all_exist(
    monkeypatch: pytest.MonkeyPatch, present: set[str], expected: dict[str, str]
) -> None:
    monkeypatch.setattr(images, "image_exists", lambda tag: tag in present)
    assert images.base_build_args("auto") == expected


def test_local_bases_missing_says_how_to_build_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "image_exists", lambda tag: tag == LOCAL_BASES["PYTHON_IMAGE"])
    with pytest.raises(ImageError, match="scripts/build-base-images.sh"):
        images.base_build_args("local")


def _spec(tmp_path: Path) -> ImageSpec:
    (tmp_path / "docker" / "app").mkdir(parents=True)
    (tmp_path / "app").mkdir()
    (tmp_path / "docker" / "app" / ".dockerignore").write_text("*\n!src/\n")
    return ImageSpec("app", "todo-app", tmp_path / "docker" / "app" / "Dockerfile", tmp_path / "app")


def test_a_differing_or_linked_ignore_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # messages show paths relative to where the harness runs
    spec = _spec(tmp_path)
    with pytest.raises(ImageError, match="must be an exact copy"):
        images.check_ignore_file(spec)  # missing
    (spec.context / ".dockerignore").write_text("*\n")
    with pytest.raises(ImageError, match="cp docker/app/.dockerignore app/.dockerignore"):
        images.check_ignore_file(spec)  # differs
    (spec.context / ".dockerignore").unlink()
    assert spec.ignore_file is not None
    (spec.context / ".dockerignore").symlink_to(spec.ignore_file)
    with pytest.raises(ImageError, match="not a link"):
        images.check_ignore_file(spec)
    (spec.context / ".dockerignore").unlink()
    shutil.copy(spec.ignore_file, spec.context / ".dockerignore")
    images.check_ignore_file(spec)


def test_no_build_reuses_by_tag_and_says_when_the_size_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    from fixtures.settings import resolve

    monkeypatch.setattr(images, "image_exists", lambda tag: tag.startswith("todo-backend"))
    monkeypatch.setattr(images, "image_size", lambda tag: 123_000_000)
    image_set = images.Images(resolve({"no_build": True, "image_tag": "v1"}, environ={}), OURS)
    backend, frontend = image_set.get("backend"), image_set.get("frontend")
    assert (backend.tag, backend.reused, backend.size_bytes) == ("todo-backend:v1", True, 123_000_000)
    assert (frontend.tag, frontend.reused, frontend.size_bytes) == ("todo-frontend:v1", True, None)


@pytest.mark.parametrize(
    ("froms", "bad"),
    [
        (["${PYTHON_IMAGE} AS build", "${PYTHON_IMAGE}"], []),
        (["--platform=$BUILDPLATFORM ${NODE_IMAGE} AS deps", "deps AS build", "${NODE_IMAGE}"], []),
        (["python:3.12 AS build", "${PYTHON_IMAGE}"], ["python:3.12 AS build"]),
        (["${PYTHON_IMAGE} AS build", "python:3.12-slim"], ["python:3.12-slim"]),
        (["${PYTHON_IMAGE}", "builder AS x"], ["builder AS x"]),  # a stage that does not exist (yet)
    ],
)
def test_each_stage_starts_from_a_build_arg_or_an_earlier_stage(froms: list[str], bad: list[str]) -> None:
    problems = images.from_problems(froms)
    assert len(problems) == len(bad) and all(p.startswith(f"FROM {b}: ") for p, b in zip(problems, bad, strict=True))


def _other_app(tmp_path: Path, dockerfile: str, base_images: str = "auto") -> images.Images:
    """Another team's app whose Dockerfile sits outside its context, its ignore file beside it (the
    layout our own app keeps in step by copying; this team's guide builds it as it is)."""
    from fixtures.settings import resolve

    repo = tmp_path / "repo"
    (repo / "docker" / "web").mkdir(parents=True)
    (repo / "web").mkdir()
    (repo / "docker" / "web" / "Dockerfile").write_text(dockerfile)
    (repo / "docker" / "web" / ".dockerignore").write_text("*\n!hello.txt\n")
    (repo / "web" / "hello.txt").write_text("hello\n")
    profile = tmp_path / "other.yaml"
    web = "{context: web, dockerfile: docker/web/Dockerfile, repository: other-web}"
    profile.write_text(f"name: other\nimages:\n  web: {web}\n")
    options = {"app": str(profile), "app_repo": str(repo), "reports_dir": str(tmp_path / "out")}
    settings = resolve(options | {"base_images": base_images, "image_tag": "harness-selftest"}, environ={})
    return images.Images(settings, load(profile, repo))


def _daemon() -> None:
    problem = images.daemon_problem()
    if problem:
        pytest.skip(f"building an image needs a Docker daemon: {problem}")


def test_another_apps_build_is_not_stopped_by_our_ignore_file_convention(tmp_path: Path) -> None:
    _daemon()
    image_set = _other_app(tmp_path, "FROM scratch\nCOPY hello.txt /hello.txt\n")
    spec = image_set.specs["web"]
    with pytest.raises(ImageError, match="must be an exact copy"):  # our convention, which steps 2.2/2.6 report
        images.check_ignore_file(spec)
    result = image_set.get("web")
    try:
        assert result.ok, result.log_tail()
    finally:
        proc.run([images.docker_cli(), "rmi", "-f", result.tag], timeout=60, check=False)


def test_a_base_image_that_cannot_be_pulled_is_named_with_the_fix(tmp_path: Path) -> None:
    from fixtures.diagnosis import Symptoms, diagnose

    _daemon()
    image_set = _other_app(tmp_path, "FROM todo-harness-selftest/never-published:1\nCOPY hello.txt /\n")
    result = image_set.get("web")
    assert not result.ok
    failure = result.failure()
    assert "the base image todo-harness-selftest/never-published:1 (" in failure, failure
    assert "could not be pulled" in failure and "ARG BASE_IMAGE" in failure, failure
    found = diagnose(Symptoms(target="docker", failure=failure))
    assert [d.rule for d in found][:1] == ["base-image-unpullable"], found
    assert "build arg" in found[0].remedy


def test_local_base_images_name_an_official_image_they_have_no_stand_in_for(tmp_path: Path) -> None:
    _daemon()
    image_set = _other_app(tmp_path, "FROM ruby:3.3-slim\nCOPY hello.txt /\n", base_images="local")
    with pytest.raises(ImageError, match=r"--base-images local cannot stand in for ruby:3.3-slim \(.*Dockerfile\)"):
        image_set.get("web")


def test_a_dockerfile_s_from_lines_name_the_stand_ins_and_nothing_else() -> None:
    from fixtures.dropins import family_of, rewrite

    text = "FROM --platform=linux/amd64 node:20-alpine AS deps\nRUN npm ci\nFROM deps AS build\nFROM python:3.11-slim\n"
    assert rewrite(text, {"node:20-alpine": "sha256:n", "python:3.11-slim": "sha256:p"}) == (
        "FROM --platform=linux/amd64 sha256:n AS deps\nRUN npm ci\nFROM deps AS build\nFROM sha256:p\n"
    )
    named = ["python:3.12-slim", "docker.io/library/python:3.11", "node:18-alpine", "node:20-bookworm-slim", "node:lts"]
    named += ["nginx:alpine", "nginx", "postgres:16-alpine", "docker.io/library/postgres:15"]
    assert [getattr(family_of(image), "name", None) for image in named] == [
        *["python", "python", "node", "node", "node", "nginx", "nginx", "postgres", "postgres"]
    ]
    assert family_of("pythonista:1") is None and family_of("nginxinc/nginx-unprivileged") is None
    assert family_of("redis:7") is None


@pytest.mark.parametrize(
    ("dockerfile", "pulled"),
    [
        ("ARG PYTHON_IMAGE\nFROM ${PYTHON_IMAGE} AS build\nFROM build\n", []),
        (
            "FROM python:3.11-slim AS build\nFROM --platform=linux/amd64 node:20 AS web\nFROM build\n",
            ["python:3.11-slim", "node:20"],
        ),
        ("FROM scratch\n", []),
    ],
)
def test_the_bases_a_dockerfile_pulls_as_written(tmp_path: Path, dockerfile: str, pulled: list[str]) -> None:
    (tmp_path / "Dockerfile").write_text(dockerfile)
    assert ImageSpec("x", "x", tmp_path / "Dockerfile", tmp_path).pulled_bases == pulled


@pytest.mark.parametrize(
    ("log", "said"),
    [
        (
            "Step 3/9 : COPY missing/ /app/\nCOPY failed: file not found in build context or excluded by "
            ".dockerignore: stat missing/: file does not exist\n",
            "a file the Dockerfile copies is not in the build context: COPY failed: file not found",
        ),
        (
            '#12 4.1 ERROR: failed to calculate checksum of ref x::y: "/src": not found\n',
            "a file the Dockerfile copies is not in the build context: ERROR: failed to calculate checksum",
        ),
        (
            "\x1b[91m> Build error occurred\n[Error: getaddrinfo ENOTFOUND fonts.googleapis.com] {\n"
            "`next/font` error:\nFailed to fetch `Inter` from Google Fonts.\n",
            "the build fetches from the network, which this machine cannot reach: [Error: getaddrinfo ENOTFOUND",
        ),
        (
            "\x1b[91m/bin/sh: 1: pip: not found\n\x1b[0mThe command '/bin/sh -c pip install -r r.txt' returned a "
            "non-zero code: 127\n",
            "a program the step runs is not in the base image: /bin/sh: 1: pip: not found",
        ),
        (
            "npm error code ERESOLVE\nnpm error ERESOLVE unable to resolve dependency tree\n",
            "a package did not install: npm error code ERESOLVE",
        ),
        (
            "The command '/bin/sh -c make' returned a non-zero code: 2\n",
            "a step failed: The command '/bin/sh -c make' returned a non-zero code: 2",
        ),
    ],
)
def test_a_failed_build_names_its_cause_from_the_log(log: str, said: str) -> None:
    found = images.build_error(log)
    assert found is not None and found.startswith(said), found


def test_a_build_log_with_no_error_names_no_cause() -> None:
    assert images.build_error("Step 1/2 : FROM scratch\nStep 2/2 : COPY a /a\nSuccessfully built 1234\n") is None
