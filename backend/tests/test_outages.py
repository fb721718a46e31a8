"""A real PostgreSQL of the test's own, frozen (SIGSTOP), resumed and stopped: the app answers
quickly and honestly through it (issue 10, item 3). /livez never waits; requests beyond the pool
are a quick 503, not a hang; everything recovers when the database does."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.api.deps import UserCache
from app.core.db import alembic_config
from app.main import create_app
from tests.conftest import make_settings
from tests.factories import register_and_login


def _bin(name: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not found:
        pytest.skip(f"{name} is not installed (Debian: apt-get install postgresql)")
    return str(found[-1])


class Server:
    """A throwaway PostgreSQL cluster in a temporary directory, on a free port of 127.0.0.1."""

    def __init__(self, root: Path) -> None:
        self.data = root / "data"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        # initdb and postgres refuse to run as root: run them as the postgres user there.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(root, "postgres")
        self._run(_bin("initdb"), "-D", str(self.data), "-U", "todo", "--auth=trust", "-E", "UTF8")
        self.url = f"postgresql://todo@127.0.0.1:{self.port}/postgres"

    def _run(self, *argv: str) -> None:
        done = subprocess.run([*self.as_user, *argv], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"{' '.join(argv)}: {done.stdout}{done.stderr}"

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.data}"
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-l", str(self.data / "log"), "start")

    def stop(self) -> None:
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def pids(self) -> list[int]:
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True).stdout.split()
        return [postmaster, *map(int, children)]

    def signal(self, sig: signal.Signals) -> None:
        for pid in self.pids():
            os.kill(pid, sig)


@pytest.fixture
def server() -> Iterator[Server]:
    # Not under pytest's tmp_path: the postgres user must be able to reach it.
    with tempfile.TemporaryDirectory(prefix="todo-outage-") as root:
        pg = Server(Path(root))
        pg.start()
        yield pg
        if (pg.data / "postmaster.pid").exists():  # still running (the test may have stopped it)
            pg.signal(signal.SIGCONT)
            pg.stop()


def test_a_frozen_then_stopped_database_gives_quick_503s_and_the_app_recovers(server: Server) -> None:
    from alembic import command

    command.upgrade(alembic_config(server.url), "head")
    settings = make_settings(database_url=server.url, db_pool_size=2, db_max_overflow=0, db_pool_timeout=1)
    with TestClient(create_app(settings)) as client, ThreadPoolExecutor(8) as pool:
        user = register_and_login(client)
        assert client.get("/api/tasks", headers=user.headers).status_code == 200

        server.signal(signal.SIGSTOP)  # frozen: connections accepted, nothing answered
        try:
            client.app.state.user_cache = UserCache()  # type: ignore[attr-defined]  # every request needs it

            def timed_get() -> tuple[int, float, str]:
                started = time.monotonic()
                response = client.get("/api/tasks", headers=user.headers)
                return response.status_code, time.monotonic() - started, response.headers.get("retry-after", "")

            requests = [pool.submit(timed_get) for _ in range(4)]
            time.sleep(0.2)
            livez_started = time.monotonic()
            assert client.get("/livez").status_code == 200
            assert time.monotonic() - livez_started < 1
            # Whatever holds a connection waits on the database (a new connection for the
            # connect timeout, 5 s); the requests beyond the pool's two are a 503 within its 1 s.
            answered, waiting = wait(requests, timeout=7)
            results = [f.result() for f in answered]
            assert all(status == 503 and retry for status, _, retry in results), results
            assert sum(1 for _, took, _ in results if took < 2) >= 2, results
        finally:
            server.signal(signal.SIGCONT)  # resumed (also when a check above failed): the waiting requests finish
        statuses = sorted(f.result(timeout=30)[0] for f in waiting)
        assert set(statuses) <= {200, 503}, statuses  # finished once the database answered again
        assert client.get("/api/tasks", headers=user.headers).status_code == 200

        server.stop()  # down: refused at once, 503
        started = time.monotonic()
        down = client.get("/api/tasks", headers=user.headers)
        assert down.status_code == 503 and time.monotonic() - started < 5
        assert client.get("/livez").status_code == 200
        health = client.get("/health")
        assert health.status_code == 503 and health.json()["checks"]["database"].startswith("unreachable")

        server.start()  # back: served again without a restart of the app
        deadline = time.monotonic() + 15
        while client.get("/api/tasks", headers=user.headers).status_code != 200:
            assert time.monotonic() < deadline, "the app did not recover after the database came back"
            time.sleep(0.5)
        assert client.get("/health").status_code == 200


def test_a_statement_stuck_behind_a_lock_is_a_503_within_the_statement_timeout(server: Server) -> None:
    """A migration or a stray session holding a table lock must not hang requests for as long as
    it lasts: the statement timeout ends the wait, and the client hears 503 with Retry-After."""
    import psycopg
    from alembic import command

    command.upgrade(alembic_config(server.url), "head")
    settings = make_settings(database_url=server.url, db_statement_timeout=1)
    with TestClient(create_app(settings)) as client, psycopg.connect(server.url) as locker:
        user = register_and_login(client)
        assert client.get("/api/tasks", headers=user.headers).status_code == 200
        locker.execute("LOCK TABLE task IN ACCESS EXCLUSIVE MODE")  # held until the commit below
        started = time.monotonic()
        blocked = client.get("/api/tasks", headers=user.headers)
        took = time.monotonic() - started
        assert blocked.status_code == 503 and blocked.headers.get("retry-after"), blocked.text
        assert 0.9 < took < 3, f"answered after {took:.1f} s; the statement timeout is 1 s"
        locker.commit()
        assert client.get("/api/tasks", headers=user.headers).status_code == 200
