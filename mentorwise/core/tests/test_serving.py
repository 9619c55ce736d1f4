"""Production serving: gunicorn, hashed compressed static files, health probe, JSON logs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mentorwise.core.tests.servers import get, production_env, serve

pytestmark = pytest.mark.slow


def test_serve_in_production_mode(tmp_path: Path) -> None:
    env = production_env(tmp_path, SECURE_PROXY_SSL_HEADER="true", LOG_FORMAT="json")
    # As docs/deployment.md says: migrate, then start (the login page reads whether SAML is on).
    subprocess.run(
        [sys.executable, "-m", "mentorwise", "migrate", "--no-input"],
        env=env,
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=300,
    )
    # Without --skip-collectstatic: `serve` collects (and compresses) the static files.
    with serve(env, tmp_path, "--workers", "1", "--threads", "2") as server:
        # A load balancer probes by address over plain HTTP: no host check, no redirect.
        health = get(server.port, "/health/", {"Host": "10.0.0.7"})
        assert health.status == 200
        assert json.loads(health.body) == {"status": "ok", "database": "ok"}

        https = {"X-Forwarded-Proto": "https"}
        page = get(server.port, "/login/?next=/&token=SECRET-IN-QUERY", https)
        assert page.status == 200
        css = re.search(rb"/static/mentorwise/mentorwise\.[0-9a-f]{12}\.css", page.body)
        assert css is not None, "the page links the hashed (manifest) file name"

        static = get(server.port, css.group().decode(), {"Accept-Encoding": "gzip", **https})
        assert static.status == 200
        assert static.headers["content-encoding"] == "gzip"
        assert "immutable" in static.headers["cache-control"]

        plain = get(server.port, "/login/")
        assert plain.status == 301 and plain.headers["location"].startswith("https://")
    assert (tmp_path / "static" / "staticfiles.json").exists()

    lines = [json.loads(line) for line in server.log.read_text().splitlines() if "{" in line[:1]]
    requests = [line for line in lines if line.get("logger") == "mentorwise.request"]
    login = next(r for r in requests if r["path"] == "/login/" and r["status"] == 200)
    assert login["method"] == "GET" and login["duration_ms"] > 0 and login["user_id"] is None
    assert "SECRET-IN-QUERY" not in server.log.read_text()


def test_serve_prints_its_gunicorn_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from io import StringIO

    from django.core.management import call_command

    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_TIMEOUT", "45")
    out = StringIO()
    call_command("serve", "--print", "--threads", "8", stdout=out)
    command = out.getvalue()
    assert "gunicorn mentorwise.wsgi:application" in command
    assert "--workers 3" in command and "--threads 8" in command and "--timeout 45" in command
    assert "--worker-class gthread" in command  # more than one thread: threaded workers
    out = StringIO()
    call_command("serve", "--print", stdout=out)
    # By default one request per process at a time: sync workers, which take a request
    # from the shared socket only when free (docs/deployment.md, "Sizing").
    assert "--threads 1 --worker-class sync" in out.getvalue()
    monkeypatch.setenv("WEB_CONCURRENCY", "many")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="WEB_CONCURRENCY"):
        call_command("serve", "--print")


@pytest.mark.parametrize(("cores", "workers"), [(None, 2), (1, 2), (2, 3), (4, 5), (16, 8)])
def test_serve_starts_a_process_per_core_and_one_more(
    cores: int | None, workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mentorwise.core.management.commands import serve

    monkeypatch.setattr(serve.os, "cpu_count", lambda: cores)
    assert serve.default_workers() == workers


def test_serve_preloads_and_warms_the_parent() -> None:
    from io import StringIO
    from unittest.mock import MagicMock, patch

    from django.core.management import call_command

    from mentorwise.core import gunicorn_conf
    from mentorwise.core.warmup import Warmed

    out = StringIO()
    call_command("serve", "--print", stdout=out)
    command = out.getvalue().split()
    assert "--preload" in command
    assert command[command.index("--config") + 1] == "python:mentorwise.core.gunicorn_conf"
    # The hook warms, then freezes what is alive, then logs what it did.
    server = MagicMock()
    calls: list[str] = []
    warmed = Warmed(templates=3, languages=2, failed=())

    def warm() -> Warmed:
        calls.append("warm")
        return warmed

    with (
        patch.object(gunicorn_conf, "warm_process", side_effect=warm),
        patch("gc.freeze", side_effect=lambda: calls.append("freeze")),
    ):
        gunicorn_conf.when_ready(server)
    assert calls == ["warm", "freeze"]
    assert server.log.info.call_args.args[1:3] == (3, 2)
