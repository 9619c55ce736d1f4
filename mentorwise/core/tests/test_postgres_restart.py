"""After a PostgreSQL restart, the next request succeeds (persistent connections + health checks).

A throwaway cluster (initdb into a temporary folder, a free port on 127.0.0.1) so that the
shared server other tests use is never restarted. The app runs under `mentorwise serve`
(gunicorn) with CONN_MAX_AGE=600: Django's test client would not exercise the connection
handling around requests, a real server does.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mentorwise.core.tests.servers import free_port, get, production_env, serve

pytestmark = pytest.mark.slow


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _version(path: str) -> int:
    part = path.split("/")[4]
    return int(part) if part.isdigit() else 0


@contextlib.contextmanager
def throwaway_cluster(tmp: Path) -> Iterator[tuple[int, Callable[[], None]]]:
    """A PostgreSQL cluster on a free port; yields the port and a restart function."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        message = "PostgreSQL server binaries (initdb, pg_ctl) are not installed"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs them (.ci/run): never skip there
        pytest.skip(message)
    # PostgreSQL refuses to run as root: as root, run it as the postgres user.
    as_user: list[str] = []
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
        os.chown(tmp, account.pw_uid, account.pw_gid)
    data, port = tmp / "data", free_port()

    def pg(*args: str) -> None:
        # Output to a file, not a pipe: a started server would hold the pipe open.
        with (tmp / "pg_ctl.out").open("a") as out:
            done = subprocess.run([*as_user, *args], stdout=out, stderr=out, timeout=120)
        output = (tmp / "pg_ctl.out").read_text(errors="replace")
        assert done.returncode == 0, f"{args[0]} failed: {output}"

    pg(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync")
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {tmp} -c fsync=off"
    ctl = [str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(tmp / "pg.log")]
    pg(*ctl, "-w", "start")
    try:
        yield port, lambda: pg(*ctl, "-m", "fast", "-w", "restart")
    finally:
        with contextlib.suppress(subprocess.SubprocessError, AssertionError):
            pg(*ctl, "-m", "immediate", "stop")


@pytest.fixture
def pg_dir() -> Iterator[Path]:
    # Not under pytest's tmp_path: the postgres user cannot enter root's private folder.
    path = Path(tempfile.mkdtemp(prefix="mentorwise-pg-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_next_request_after_a_postgresql_restart_succeeds(pg_dir: Path, tmp_path: Path) -> None:
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    with throwaway_cluster(pg_dir) as (port, restart):
        env = production_env(
            app_dir,
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/postgres",
            CONN_MAX_AGE="600",
        )
        # One worker, one thread: every request reuses the same persistent connection.
        args = ("--workers", "1", "--threads", "1", "--skip-collectstatic")
        with serve(env, app_dir, *args) as server:
            assert [get(server.port, "/health/").status for _ in range(3)] == [200] * 3
            restart()
            after = [get(server.port, "/health/") for _ in range(3)]
            assert [r.status for r in after] == [200, 200, 200], server.log.read_text()
