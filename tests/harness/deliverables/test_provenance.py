"""Every part comes from a package registry (Debian's packages, PyPI, npm) by package name: the
repository holds no archive, no downloaded binary and no vendored third-party source tree, and no
script, Makefile line, Dockerfile or CI step reads the developers' shared folder or downloads
anything but those registries' packages.

The GitHub workflow (.github/workflows/phase-iv.yml) is left out of the download rule on purpose:
it is a workflow for users to copy onto GitHub's runners, where Minikube and Helm come from their
own setup actions, as the plan's users run them.
"""

import re
import subprocess
from pathlib import Path

import pytest

from tests.ours import REPO_ROOT

ARCHIVE = re.compile(r"\.(tar(\.\w+)?|tgz|tbz2?|txz|zip|jar|whl|deb|rpm|7z)$", re.I)
# Folder names that hold someone else's code copied in.
VENDORED = {"vendor", "third_party", "third-party", "node_modules", "site-packages", "_vendor", "external"}
# The shared folder of the developers, however a path reaches it (the pattern is split so that this
# file does not match itself).
SHARED = re.compile(r"\.\./" + r"shared\b|shared/" + r"k8s|k8s-" + r"offline")
# Commands that fetch something from a network address, in the files that run on our machines.
FETCH = [
    (re.compile(r"\b(curl|wget)\b(?![^\n]*\b(127\.0\.0\.1|localhost)\b)"), "curl/wget to an outside address"),
    (re.compile(r"\bgit\s+(clone|fetch|submodule)\b"), "git clone/fetch"),
    (re.compile(r"\bgo\s+(get|install)\b"), "go get/install (the Go module proxy)"),
    (re.compile(r"^\s*ADD\s+https?://", re.M | re.I), "Dockerfile ADD of a URL"),
    (re.compile(r"\bpip3?\s+install\b[^\n]*(git\+|https?://)"), "pip install from a URL"),
    (re.compile(r"\b(npm|npx)\s+(install|i|add)\b[^\n]*(https?://|git[+:])"), "npm install from a URL"),
    (re.compile(r"\bapt-get\b[^\n]*\bsource\b[^\n]*(https?://)"), "apt-get source from a URL"),
]


def tracked() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout
    return [REPO_ROOT / name for name in out.split("\0") if name and (REPO_ROOT / name).is_file()]


def run_on_our_machines(path: Path, root: Path) -> bool:
    """Scripts, the Makefile, Dockerfiles and CI: what runs on a developer's or CI's machine."""
    relative = path.relative_to(root).as_posix()
    return (
        relative == "Makefile"
        or relative.startswith((".ci/", "scripts/", "docker/"))
        or path.name == "Dockerfile"
        or path.suffix == ".sh"
    )


def archive_problems(paths: list[Path], root: Path = REPO_ROOT) -> list[str]:
    problems = []
    for path in paths:
        relative = path.relative_to(root)
        if ARCHIVE.search(path.name):
            problems.append(f"{relative}: an archive")
        elif VENDORED & set(relative.parts[:-1]):
            problems.append(f"{relative}: in a vendored folder ({', '.join(VENDORED & set(relative.parts))})")
        elif path.read_bytes()[:4] in (b"\x7fELF", b"MZ\x90\x00") or path.read_bytes()[:4] == b"\xcf\xfa\xed\xfe":
            problems.append(f"{relative}: a compiled binary")
    return problems


def reference_problems(paths: list[Path], root: Path = REPO_ROOT) -> list[str]:
    problems = []
    for path in paths:
        if path == Path(__file__):
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        relative = path.relative_to(root)
        for number, line in enumerate(text.splitlines(), 1):
            if SHARED.search(line):
                problems.append(f"{relative}:{number}: refers to the developers' shared folder: {line.strip()}")
        if not run_on_our_machines(path, root):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith("#"):
                continue
            for pattern, what in FETCH:
                if pattern.search(line):
                    problems.append(f"{relative}:{number}: {what}: {line.strip()}")
    return problems


def test_the_repository_holds_no_archive_binary_or_vendored_tree() -> None:
    problems = archive_problems(tracked())
    assert not problems, "\n".join(problems)


def test_nothing_reads_the_shared_folder_or_downloads_outside_the_registries() -> None:
    problems = reference_problems(tracked())
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("name", "content", "complaint"),
    [
        ("k8s.tar.gz", b"x", "an archive"),
        ("helm.zip", b"x", "an archive"),
        ("vendor/github.com/x/y.go", b"package y\n", "vendored folder"),
        ("tools/helm", b"\x7fELF\x02\x01", "a compiled binary"),
    ],
)
def test_the_archive_rule_catches_each_kind(tmp_path: Path, name: str, content: bytes, complaint: str) -> None:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    assert any(complaint in p for p in archive_problems([path], tmp_path))


@pytest.mark.parametrize(
    ("line", "complaint"),
    [
        ("bash ../" + "shared/k8s/build.sh", "shared folder"),
        ("KUBE=~/.cache/k8s-" + "offline/bin", "shared folder"),
        ("curl -fsSL https://example.org/helm.tar.gz | tar xz", "curl/wget"),
        ("git clone https://example.org/kubernetes", "git clone"),
        ("GOFLAGS= go install example.org/helm@v3", "go get/install"),
        ("pip install git+https://example.org/x", "pip install from a URL"),
    ],
)
def test_the_reference_rule_catches_each_kind(tmp_path: Path, line: str, complaint: str) -> None:
    (tmp_path / "scripts").mkdir()
    path = tmp_path / "scripts" / "probe.sh"
    path.write_text(f"#!/bin/sh\n{line}\n")
    assert any(complaint in p for p in reference_problems([path], tmp_path)), reference_problems([path], tmp_path)
    # A health check on this machine is no download; a doc may name a download, a script may not.
    path.write_text("curl -fsS http://127.0.0.1:8000/health\n")
    assert reference_problems([path], tmp_path) == []
