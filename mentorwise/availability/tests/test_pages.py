"""The calendar pages over HTTP: consent through the browser (PKCE and state kept in the
session, a forged or replayed state refused), CalDAV input errors at their fields, and a
login without a person record."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import make_person, make_user, page_client
from mentorwise.availability.models import CalendarConnection
from mentorwise.availability.tests.fakes import install

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("provider", ["microsoft", "google"])
def test_consent_through_the_browser_connects_the_calendar(
    provider: str, httpserver: Any, settings: Any
) -> None:
    microsoft, google = install(httpserver, settings)
    fake = microsoft if provider == "microsoft" else google
    client = page_client(make_user(make_person()))
    page = client.get("/account/calendar/").content.decode()
    assert f"/account/calendar/connect/{provider}/" in page
    start = client.post(f"/account/calendar/connect/{provider}/")
    assert start.status_code == 302
    location = start["Location"]
    assert "code_challenge=" in location and "state=" in location
    assert f"callback%2F{provider}%2F" in location  # the redirect URI names the provider
    state = dict(p.split("=", 1) for p in location.split("?", 1)[1].split("&"))["state"]
    code = fake.give_code(location)
    done = client.get(f"/account/calendar/callback/{provider}/", {"code": code, "state": state})
    assert done.status_code == 302
    assert CalendarConnection.objects.filter(provider=provider).count() == 1
    # The same answer again (a replay) finds no consent in progress.
    again = client.get(
        f"/account/calendar/callback/{provider}/", {"code": code, "state": state}, follow=True
    )
    assert "not started here" in again.content.decode()
    assert CalendarConnection.objects.count() == 1


def test_a_forged_state_connects_nothing(httpserver: Any, settings: Any) -> None:
    _microsoft, google = install(httpserver, settings)
    client = page_client(make_user(make_person()))
    location = client.post("/account/calendar/connect/google/")["Location"]
    code = google.give_code(location)
    answer = client.get(
        "/account/calendar/callback/google/", {"code": code, "state": "forged"}, follow=True
    )
    assert "not started here" in answer.content.decode()
    assert not CalendarConnection.objects.exists()


def test_caldav_errors_show_at_their_fields_and_nothing_is_written(settings: Any) -> None:
    settings.MENTORWISE_ALLOW_PLAIN_HTTP = False
    client = page_client(make_user(make_person()))
    answer = client.post(
        "/account/calendar/caldav/",
        {"url": "http://calendar.example/dav/", "username": "ana", "password": "pw-123456"},
    )
    assert answer.status_code == 422
    text = answer.content.decode()
    assert "https://" in text and "pw-123456" not in text
    assert not CalendarConnection.objects.exists()


def test_a_login_without_a_person_has_no_calendar_page() -> None:
    client = page_client(make_user(None))
    assert client.get("/account/calendar/").status_code == 404
    assert client.post("/account/calendar/connect/google/").status_code == 404
