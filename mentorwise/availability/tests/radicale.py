"""A real Radicale CalDAV server on loopback for tests: a subprocess on a free port with its
own storage directory and an htpasswd file, stopped after the session."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Radicale:
    url: str
    users: dict[str, str]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    root: Path = tmp_path_factory.mktemp("radicale")
    users = {
        "ana": "ana-caldav-secret-1",
        "marta": "marta-caldav-secret-2",
        "mentor": "mentor-caldav-secret-3",
    }
    (root / "users").write_text("".join(f"{u}:{p}\n" for u, p in users.items()))
    port = _free_port()
    (root / "config").write_text(
        "[server]\n"
        f"hosts = 127.0.0.1:{port}\n"
        "[auth]\ntype = htpasswd\n"
        f"htpasswd_filename = {root / 'users'}\n"
        "htpasswd_encryption = plain\n"
        "[storage]\n"
        f"filesystem_folder = {root / 'storage'}\n"
        "[rights]\ntype = owner_only\n"
        "[logging]\nlevel = warning\n"
    )
    log = (root / "log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(root / "config")],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError((root / "log").read_text()) from None
            time.sleep(0.1)
    try:
        yield Radicale(f"http://127.0.0.1:{port}/", users)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
