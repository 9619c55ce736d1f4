"""Start `mentorwise serve` (gunicorn) in a subprocess for tests, and talk HTTP to it."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Booting Django under gunicorn takes a few seconds, far more on a loaded CI machine.
START_TIMEOUT = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


def get(port: int, path: str, headers: dict[str, str] | None = None) -> Response:
    """One GET without following redirects (http.client never follows them)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return Response(
            response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        )
    finally:
        connection.close()


@dataclass
class Server:
    port: int
    log: Path
    process: subprocess.Popen[bytes]


@contextlib.contextmanager
def serve(env: dict[str, str], tmp: Path, *args: str) -> Iterator[Server]:
    """Run `mentorwise serve` on a free port until the block ends; waits for /health/."""
    port = free_port()
    log = tmp / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "mentorwise", "serve", "--bind", f"127.0.0.1:{port}", *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: gunicorn and its workers
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise AssertionError(f"server exited: {log.read_text(errors='replace')}")
            with contextlib.suppress(OSError):
                get(port, "/health/")
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"server did not start: {log.read_text(errors='replace')}")
            time.sleep(0.5)
        yield Server(port, log, process)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def production_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a production start: DEBUG off, a secret key, its own data folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DATABASE_URL"))}
    env.update(
        {
            "DEBUG": "false",
            # Fixed (the same across restarts) and strong: production refuses weak keys.
            "SECRET_KEY": "Wo6bp1yPyh10ztnOvHfyH77lnTNAelxppmEQZqmDGuTpSQKLNkQ5JKBA6sgj",
            "MENTORWISE_DATA_DIR": str(data_dir),
            "DJANGO_SETTINGS_MODULE": "mentorwise.settings",
        }
    )
    env.update(extra)
    return env
