"""The preferences page and API: channels per kind among those that reach the person,
essential kinds never switched off, quiet hours with the zone named."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from mentorwise.accounts.services import api_token_create
from mentorwise.accounts.tests.factories import UserFactory
from mentorwise.core.models import AuditEntry
from mentorwise.messaging.models import ChannelPreference, QuietHours
from mentorwise.messaging.tests.factories import RecordingAdapter
from mentorwise.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana() -> Any:
    return UserFactory(person=PersonFactory(time_zone="America/New_York"))


def _web(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user: Any, scope: str = "admin") -> Client:
    _, raw = api_token_create(actor=user, name="t", scope=scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_page_offers_only_reaching_channels_and_names_the_zone(
    ana: Any, chat: RecordingAdapter
) -> None:
    chat.reach = set()
    page = _web(ana).get("/account/notifications/").content.decode()
    assert 'name="channels-nudge" value="email"' in page
    assert 'value="chat"' not in page
    assert "America/New_York" in page
    chat.reach = {ana.person.pk}
    page = _web(ana).get("/account/notifications/").content.decode()
    assert 'name="channels-nudge" value="chat"' in page


def test_page_saves_channels_and_quiet_hours(ana: Any, chat: RecordingAdapter) -> None:
    form = {f"channels-{k}": "email" for k in ("match_offer", "meeting", "relationship")}
    form |= {"channels-nudge": "chat", "quiet_start": "22:00", "quiet_end": "07:00"}
    response = _web(ana).post("/account/notifications/", form)
    assert response.status_code == 302
    assert ChannelPreference.objects.get(person=ana.person, kind="nudge").channels == ["chat"]
    # Unticked non-essential kinds are off.
    assert ChannelPreference.objects.get(person=ana.person, kind="survey").channels == []
    quiet = QuietHours.objects.get(person=ana.person)
    assert (quiet.start, quiet.end) == (dt.time(22), dt.time(7))
    assert AuditEntry.objects.filter(action="notification_preferences.changed").count() == 1


def test_essential_kinds_cannot_be_switched_off_and_nothing_is_written(ana: Any) -> None:
    response = _web(ana).post("/account/notifications/", {"channels-nudge": "email"}, follow=True)
    assert "cannot be switched off" in response.content.decode()
    assert not ChannelPreference.objects.exists()
    refused = _api(ana).put(
        "/api/me/notification-preferences",
        {"channels": {"match_offer": []}},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "channels.match_offer"
    assert not ChannelPreference.objects.exists()


def test_api_reads_and_writes_own_preferences(ana: Any, chat: RecordingAdapter) -> None:
    api = _api(ana)
    got = api.get("/api/me/notification-preferences").json()
    assert got["offered"] == ["email", "chat"] and got["time_zone"] == "America/New_York"
    kinds = {k["kind"]: k for k in got["kinds"]}
    assert kinds["nudge"]["channels"] == ["email"] and kinds["safety"]["essential"]
    put = api.put(
        "/api/me/notification-preferences",
        {"channels": {"nudge": ["chat", "email"]}, "quiet_start": "21:30", "quiet_end": "06:00"},
        content_type="application/json",
    )
    assert put.status_code == 200
    body = put.json()
    assert {k["kind"]: k["channels"] for k in body["kinds"]}["nudge"] == ["chat", "email"]
    assert (body["quiet_start"], body["quiet_end"]) == ("21:30:00", "06:00:00")


def test_api_refuses_unknown_kinds_channels_and_half_quiet_hours(ana: Any) -> None:
    api = _api(ana)
    for data in (
        {"channels": {"weather": ["email"]}},
        {"channels": {"nudge": ["slack"]}},  # not installed: cannot reach her
        {"channels": {"safety": []}},
        {"quiet_start": "22:00"},
    ):
        response = api.put(
            "/api/me/notification-preferences", data, content_type="application/json"
        )
        assert response.status_code == 422, data
    assert not ChannelPreference.objects.exists() and not QuietHours.objects.exists()


def test_read_token_cannot_change_preferences(ana: Any) -> None:
    response = _api(ana, scope="read").put(
        "/api/me/notification-preferences",
        {"channels": {"nudge": []}},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not ChannelPreference.objects.exists()


def test_login_without_employee_record(db: None) -> None:
    user = UserFactory(person=None)
    assert "no employee record" in _web(user).get("/account/notifications/").content.decode()
    assert _api(user).get("/api/me/notification-preferences").status_code == 404
