"""Pure parts of fixtures/images.py: base-image selection and the ignore-file copy check."""

import shutil
from pathlib import Path

import pytest

from fixtures import images
from fixtures.images import LOCAL_BASES, ImageError, ImageSpec


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
    monkeypatch.setattr(images, "REPO_ROOT", tmp_path)
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
    image_set = images.Images(resolve({"no_build": True, "image_tag": "v1"}, environ={}))
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
