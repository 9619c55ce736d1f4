"""A real OpenID Connect provider for the tests: oidc-provider-mock in its own process.

oidc-provider-mock (Flask + authlib) speaks the real protocol: discovery, RS256-signed ID
tokens with its own keys, authorization codes bound to client and redirect URI, nonce,
userinfo. It needs Python >= 3.12 while Mentorwise runs on 3.11, so it lives in its own
virtual environment, built once in the user's cache folder from PyPI with the first
Python 3.12 found (MENTORWISE_TEST_PYTHON312, `python3.12` on PATH, or pyenv's).

On CI (CI=true) a provider that cannot start fails the tests instead of skipping them.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

MOCK_VERSION = "0.4.8"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in {"true", "1"}:
        pytest.fail(f"OIDC test provider unavailable on CI: {reason}", pytrace=False)
    pytest.skip(f"OIDC test provider unavailable: {reason}")


def _python312() -> str | None:
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates = [
        os.environ.get("MENTORWISE_TEST_PYTHON312", ""),
        *sorted(glob.glob(f"{pyenv_root}/versions/3.1[2-9]*/bin/python"), reverse=True),
        shutil.which("python3.12") or "",
    ]
    check = "import sys; sys.exit(sys.version_info < (3, 12))"
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            # A pyenv shim exists but may not run; ask the interpreter itself.
            ok = subprocess.run([candidate, "-c", check], capture_output=True, timeout=60)
            if ok.returncode == 0:
                return candidate
    return None


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mentorwise" / f"oidc-provider-mock-{MOCK_VERSION}"


def provider_executable() -> Path:
    """The oidc-provider-mock command, installing it on first use (one installer at a time)."""
    venv = _cache_dir()
    exe = venv / "bin" / "oidc-provider-mock"
    done = venv / ".installed"
    if done.exists():
        return exe
    python = _python312()
    if python is None:
        _unavailable("no Python >= 3.12 found (set MENTORWISE_TEST_PYTHON312)")
        raise AssertionError  # unreachable: _unavailable raises
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f".{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(venv, ignore_errors=True)
            steps = [
                [python, "-m", "venv", str(venv)],
                [
                    str(venv / "bin" / "python"),
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    f"oidc-provider-mock=={MOCK_VERSION}",
                ],
            ]
            for step in steps:
                result = subprocess.run(step, capture_output=True, text=True, timeout=600)
                if result.returncode != 0:
                    _unavailable(f"{' '.join(step[:4])} failed: {result.stderr[-2000:]}")
            done.write_text(sys.version, encoding="utf-8")
    return exe


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_provider() -> Iterator[str]:
    """Start the provider on a free loopback port (nonce required); yields its issuer URL."""
    exe = provider_executable()
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [str(exe), "--port", str(port), "--host", "127.0.0.1", "--require-nonce", "true"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                _unavailable(f"provider exited: {process.stderr.read()[-2000:]}")  # type: ignore[union-attr]
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                _unavailable("provider did not answer within 60 s")
            time.sleep(0.2)
        yield issuer
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
