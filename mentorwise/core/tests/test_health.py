"""/health/: anonymous, says only ok or unavailable; one log line per request."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client


@pytest.mark.django_db
def test_health_is_anonymous_and_reveals_nothing(client: Client) -> None:
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_answers_any_host_over_plain_http(client: Client, settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["mentorwise.example.com"]
    response = client.get("/health/", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    # Every other page still checks the host.
    assert client.get("/login/", HTTP_HOST="10.0.0.7:8000").status_code == 400


@pytest.mark.django_db
def test_health_is_503_when_the_database_is_down(
    client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(self: Any, *args: Any) -> Any:
        raise OperationalError("could not connect to server at 10.9.8.7 as user app")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", broken)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}
    assert b"10.9.8.7" not in response.content
    assert "the database did not answer" in caplog.text


@pytest.mark.django_db
def test_health_refuses_writes(client: Client) -> None:
    assert client.post("/health/").status_code == 405


@pytest.mark.django_db
def test_every_request_is_logged_without_its_query_string(
    client: Client, hr_admin: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(hr_admin)
    with caplog.at_level(logging.INFO, logger="mentorwise.request"):
        client.get("/people/?q=secret-search&token=abc123")
    record = next(r for r in caplog.records if r.name == "mentorwise.request")
    assert (record.method, record.path, record.status) == ("GET", "/people/", 200)
    assert record.user_id == hr_admin.pk and record.duration_ms >= 0
    assert "secret-search" not in caplog.text and "abc123" not in caplog.text


def test_json_log_lines(settings: Any) -> None:
    from django.utils.module_loading import import_string

    config = dict(settings.LOGGING["formatters"]["json"])
    formatter = import_string(config.pop("()"))(**config)
    record = logging.LogRecord(
        "mentorwise.request", logging.INFO, __file__, 1, "GET / 200", (), None
    )
    record.path, record.status, record.user_id = "/", 200, 7
    line = json.loads(formatter.format(record))
    assert line["level"] == "INFO" and line["logger"] == "mentorwise.request"
    assert (line["path"], line["status"], line["user_id"]) == ("/", 200, 7)
    assert "time" in line and line["message"] == "GET / 200"
