"""`mentorwise demo` serves errors as production does: never Django's technical pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mentorwise.demo.management.commands import demo as demo_command

pytestmark = pytest.mark.django_db


class FakeWorker:
    pid = 0

    def terminate(self) -> None:
        return None

    def wait(self, timeout: float) -> None:
        return None


def test_the_demo_serves_the_products_error_pages(
    settings: Any, monkeypatch: pytest.MonkeyPatch, mentee: Any
) -> None:
    settings.DEBUG = True  # the development default `mentorwise demo` starts with
    client = Client(raise_request_exception=False)
    client.force_login(mentee)
    # Without the demo's switch, DEBUG answers with the technical page listing the URLconf.
    assert "Using the URLconf" in client.get("/no-such-page/").content.decode()

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("secret internals")

    answers: dict[str, Any] = {}

    def runserver(name: str, *args: Any, **kwargs: Any) -> None:
        assert name == "runserver"
        answers["404"] = client.get("/no-such-page/")
        with monkeypatch.context() as patched:
            patched.setattr("mentorwise.views.participant_home", broken)
            answers["500"] = client.get("/")
        answers["api"] = client.get("/api/no-such-operation")

    started: dict[str, Any] = {}

    def worker(*args: Any, **kwargs: Any) -> FakeWorker:
        started.update(kwargs)
        return FakeWorker()

    monkeypatch.delenv("MENTORWISE_BASE_URL", raising=False)
    monkeypatch.setattr(demo_command.subprocess, "Popen", worker)
    monkeypatch.setattr(demo_command, "call_command", runserver)
    command = demo_command.Command()
    command.verbosity = 1
    command._serve("127.0.0.1:8121")

    for status in ("404", "500"):
        html = answers[status].content.decode()
        assert answers[status].status_code == int(status)
        assert f"Error {status}" in html and 'class="brand"' in html
        for leak in ("Using the URLconf", "Traceback", "secret internals", "settings.py"):
            assert leak not in html
    assert answers["api"].json()["code"] == "not_found"
    # The worker's e-mails link to the address the demo serves on.
    assert started["env"]["MENTORWISE_BASE_URL"] == "http://127.0.0.1:8121"
