"""One clock on every surface: each reader sees times in their own zone, with the zone named.

Ana (mentee) is in Berlin, Marta (mentor) is moved to New York: one meeting at 09:00 UTC
reads 10:00 CET for Ana and 04:00 EST for Marta on the home page, the relationship page, the
timeline (page and API), the e-mails (one per zone) and the .ics (TZID of the reader).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from mentorwise.accounts.services import api_token_create
from mentorwise.relationships import inputs, services

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def next_winter_morning() -> dt.datetime:
    """09:00 UTC on the first day from two days ahead in December to February (winter time in
    Berlin and New York, so 10:00 CET and 04:00 EST), within three months."""
    day = timezone.now().date() + dt.timedelta(days=2)
    while day.month not in (12, 1, 2):
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)


@pytest.fixture
def pair(relationship, mentee, mentor):
    mentor.person.time_zone = "America/New_York"
    mentor.person.save(update_fields=["time_zone"])
    return relationship


@pytest.fixture
def meeting(pair, mentee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.meeting_schedule(
            actor=mentee,
            relationship=pair,
            data=inputs.MeetingSchedule(starts_at=next_winter_morning()),
        )


def test_relationship_page_shows_each_viewer_their_own_zone(pair, meeting, mentee, mentor):
    ana = client_for(mentee).get(f"/relationships/{pair.pk}/").content.decode()
    marta = client_for(mentor).get(f"/relationships/{pair.pk}/").content.decode()
    assert "10:00 CET" in ana and "Europe/Berlin" in ana and "04:00 EST" not in ana
    assert "04:00 EST" in marta and "America/New_York" in marta and "10:00 CET" not in marta
    # The timeline entry was written by Ana, but Marta reads it in her own zone.
    assert re.search(r"scheduled a meeting for \w{3} \d+ \w{3} \d{4}, 04:00 EST", marta)
    assert re.search(r"scheduled a meeting for \w{3} \d+ \w{3} \d{4}, 10:00 CET", ana)


def test_home_names_the_zone_and_only_the_other_person(pair, meeting, mentee, mentor):
    page = client_for(mentee).get("/").content.decode()
    (line,) = re.findall(r"<strong>Next meeting:</strong>(.*?)·", page, re.S)
    assert "10:00 CET" in line
    assert mentor.person.full_name in line and mentee.person.full_name not in line
    page = client_for(mentor).get("/").content.decode()
    (line,) = re.findall(r"<strong>Next meeting:</strong>(.*?)·", page, re.S)
    assert "04:00 EST" in line
    assert mentee.person.full_name in line and mentor.person.full_name not in line


def test_one_email_per_zone_with_times_and_ics_in_the_recipients_zone(
    pair, meeting, mentee, mentor
):
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    assert set(by_recipient) == {(mentee.person.email,), (mentor.person.email,)}
    for email, zone, time in [
        (mentee.person.email, "Europe/Berlin", "10:00 CET"),
        (mentor.person.email, "America/New_York", "04:00 EST"),
    ]:
        message = by_recipient[(email,)]
        assert time in message.subject and time in message.body and zone in message.body
        calendar = Calendar.from_ical(message.attachments[0][1])
        assert f"DTSTART;TZID={zone}:" in calendar.to_ical().decode()
        assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == [zone]
        (event,) = calendar.walk("VEVENT")
        assert event.decoded("DTSTART") == meeting.starts_at


def test_a_pair_in_one_zone_gets_the_same_email(
    relationship, mentee, mentor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_schedule(
            actor=mentor,
            relationship=relationship,
            data=inputs.MeetingSchedule(starts_at=next_winter_morning()),
        )
    # One e-mail each (the dispatcher delivers per person), alike to the byte.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [mentee.person.email, mentor.person.email]
    )
    first, second = mail.outbox
    assert (first.subject, first.body, first.attachments) == (
        second.subject,
        second.body,
        second.attachments,
    )
    assert "10:00 CET" in first.body


def test_ics_download_is_in_the_readers_zone(pair, meeting, mentor):
    response = client_for(mentor).get(f"/relationships/meetings/{meeting.pk}/meeting.ics")
    text = response.content.decode()
    assert "DTSTART;TZID=America/New_York:" in text and "BEGIN:VTIMEZONE" in text
    _, raw = api_token_create(actor=mentor, name="t", scope="admin")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert (
        "DTSTART;TZID=America/New_York:"
        in api.get(f"/api/meetings/{meeting.pk}/ics").content.decode()
    )


def test_api_timeline_writes_times_in_the_callers_zone(pair, meeting, mentee, mentor):
    for user, time in [(mentee, "10:00 CET"), (mentor, "04:00 EST")]:
        _, raw = api_token_create(actor=user, name="t", scope="admin")
        api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        texts = [e["text"] for e in api.get(f"/api/relationships/{pair.pk}/timeline").json()]
        assert any("scheduled a meeting for" in t and time in t for t in texts), texts
        assert not any("{when}" in t for t in texts)
