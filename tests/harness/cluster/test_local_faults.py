"""The local target's faults, made for real: a backend started on a port something else holds
exits, and its log and state are diagnosed as a port in use (with the process that exited as a
second finding), through the same bundle the local target collects for a failed criterion."""

import os
import secrets
import socket
from pathlib import Path

import pytest

from fixtures import proc
from fixtures.bundle import Bundle
from fixtures.diagnosis import diagnose
from fixtures.targets.local import LocalTarget
from tests.ours import REPO_ROOT

BACKEND_DIR = REPO_ROOT / "backend"


def test_a_backend_on_a_taken_port_is_diagnosed_as_port_in_use(tmp_path: Path) -> None:
    python = BACKEND_DIR / ".venv" / "bin" / "python"
    if not python.exists():
        pytest.fail("needs the backend's virtualenv: run `make backend`")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/todo.db",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "ENVIRONMENT": "production",
    }
    proc.run([str(python), "-m", "app", "migrate"], cwd=BACKEND_DIR, env=env, timeout=120)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        backend = proc.start(
            "backend",
            [str(python), "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port)],
            log_path=tmp_path / "backend.log",
            cwd=BACKEND_DIR,
            env=env,
        )
        proc.wait_for(lambda: not backend.running(), name="the backend to give up", timeout=60)
    target = LocalTarget.__new__(LocalTarget)  # only its collector: nothing deployed by it
    target.processes = [backend]
    bundle = Bundle(tmp_path / "bundle")
    target.collect(bundle, tmp_path, None)
    found = diagnose(bundle.symptoms)
    assert [d.rule for d in found][:1] == ["port-in-use"], found
    assert "process-exited" in [d.rule for d in found]
    assert "ss -ltnp" in found[0].remedy
    assert (tmp_path / "bundle" / "backend.log").is_file()
