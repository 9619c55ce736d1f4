"""Calendars across apps: suggested times on a relationship (who may ask, what is shown, DST
across zones, busy time from a real Radicale server), and the write-back of booked meetings
with the same UID as the e-mailed .ics (Radicale; Graph through its fake), never failing a
booking and never carrying anything private."""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from typing import Any

import caldav
import pytest
import time_machine
from django.core import mail
from django.test import Client
from icalendar import Calendar

from conftest import api_client, page_client
from mentorwise.availability import services as availability
from mentorwise.availability.models import CalendarConnection, CalendarEvent, EventState
from mentorwise.availability.providers import http as provider_http
from mentorwise.availability.tests.fakes import install
from mentorwise.availability.tests.radicale import radicale
from mentorwise.core.models import AuditEntry
from mentorwise.relationships import inputs
from mentorwise.relationships.models import Meeting, MeetingStatus, Relationship
from mentorwise.relationships.services.meetings import (
    meeting_cancel,
    meeting_reschedule,
    meeting_schedule,
    private_note_write,
)
from mentorwise.relationships.tests.factories import started_relationship

__all__ = ["radicale"]
UTC = dt.UTC
BERLIN, NEW_YORK = zoneinfo.ZoneInfo("Europe/Berlin"), zoneinfo.ZoneInfo("America/New_York")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_waits(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.MENTORWISE_ALLOW_PLAIN_HTTP = True
    monkeypatch.setattr(provider_http, "sleep", lambda _s: None)


@pytest.fixture
def relationship(mentee: Any, mentor: Any) -> Relationship:
    """Ana (mentee, Berlin) and Marta (mentor, New York)."""
    mentor.person.time_zone = "America/New_York"
    mentor.person.save(update_fields=["time_zone"])
    return started_relationship(mentee, mentor)


def _mentor_calendar(radicale: Any, mentor: Any) -> Any:
    """Marta's CalDAV calendar on Radicale, connected to Mentorwise; busy every weekday
    13:00-14:00 UTC in March and April 2026."""
    client = caldav.DAVClient(
        url=radicale.url, username="mentor", password=radicale.users["mentor"], timeout=10
    )
    calendar = client.principal().make_calendar(name=f"work-{mentor.pk}")
    calendar.save_event(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:busy-{mentor.pk}@t\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART:20260302T130000Z\r\nDTEND:20260302T140000Z\r\n"
        "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20260501T000000Z\r\n"
        "SUMMARY:Confidential restructuring\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    availability.caldav_connect(
        actor=mentor,
        data=availability.CalDavInput(str(calendar.url), "mentor", radicale.users["mentor"]),
    )
    return calendar


def _inside_hours(moment: dt.datetime, end: dt.datetime, zone: zoneinfo.ZoneInfo) -> bool:
    local_start, local_end = moment.astimezone(zone), end.astimezone(zone)
    return (
        local_start.weekday() < 5
        and local_start.date() == local_end.date()
        and dt.time(9) <= local_start.time()
        and local_end.time() <= dt.time(17)
    )


# Suggested times --------------------------------------------------------------------------


@time_machine.travel(dt.datetime(2026, 3, 4, 12, 0, tzinfo=UTC), tick=False)
def test_suggested_times_avoid_busy_time_across_zones_and_a_dst_change(
    relationship: Relationship, mentee: Any, mentor: Any, radicale: Any
) -> None:
    _mentor_calendar(radicale, mentor)
    answer = api_client(mentee).get(f"/api/relationships/{relationship.pk}/suggested-times")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["your_zone"] == "Europe/Berlin" and body["their_zone"] == "America/New_York"
    times = [
        (dt.datetime.fromisoformat(t["starts_at"]), dt.datetime.fromisoformat(t["ends_at"]), t)
        for t in body["times"]
    ]
    assert len(times) == 5
    crossed = False
    for start, end, shown in times:
        # An independent check of every rule (zoneinfo, not the slot finder's code).
        assert _inside_hours(start, end, BERLIN) and _inside_hours(start, end, NEW_YORK)
        day = start.date()
        busy = dt.datetime.combine(day, dt.time(13), tzinfo=UTC)
        assert end <= busy or start >= busy + dt.timedelta(hours=1), start
        assert start >= dt.datetime(2026, 3, 4, 14, tzinfo=UTC)
        # Each time in the viewer's zone and the other's, the zone named (DST-aware).
        assert shown["yours"].endswith("CET")
        us_summer = start >= dt.datetime(2026, 3, 8, 7, tzinfo=UTC)
        assert shown["theirs"].endswith("EDT" if us_summer else "EST")
        crossed |= us_summer
    assert crossed, "the five suggestions should reach past the US clock change"
    calendars = {c["is_you"]: c for c in body["calendars"]}
    assert calendars[True]["calendar"] == ""  # Ana: working hours only
    assert calendars[False]["calendar"] == "CalDAV" and calendars[False]["error"] == ""
    assert "Confidential" not in answer.content.decode()


@time_machine.travel(dt.datetime(2026, 3, 4, 12, 0, tzinfo=UTC), tick=False)
def test_the_page_and_partial_name_zones_and_say_who_has_no_calendar(
    relationship: Relationship, mentee: Any
) -> None:
    client = page_client(mentee)
    url = f"/relationships/{relationship.pk}/suggested-times/"
    detail = client.get(f"/relationships/{relationship.pk}/").content.decode()
    assert url in detail and 'hx-target="#suggested-times"' in detail
    page = client.get(url)
    partial = client.get(url, HTTP_HX_REQUEST="true")
    for response in (page, partial):
        assert response.status_code == 200
        text = response.content.decode()
        assert "working hours only (no calendar connected)" in text
        assert "CET" in text and "EST" in text
    assert "<html" in page.content.decode() and "<html" not in partial.content.decode()
    # Picking a time fills the schedule form (nothing is booked).
    pick = re.search(r'hx-get="([^"]*pick=[^"]*)"', partial.content.decode())
    assert pick is not None
    form = client.get(pick.group(1).replace("&amp;", "&"), HTTP_HX_REQUEST="true")
    assert form.status_code == 200
    assert 'id="schedule-form"' in form.content.decode()
    assert re.search(r'name="starts_at"[^>]*value="2026-03-\d\dT\d\d:\d\d"', form.content.decode())
    assert not Meeting.objects.exists()


def test_only_the_pair_may_ask_for_suggested_times(
    relationship: Relationship,
    hr_admin: Any,
    program_manager: Any,
    other_mentee: Any,
    outsider: Any,
) -> None:
    url = f"/relationships/{relationship.pk}/suggested-times/"
    api = f"/api/relationships/{relationship.pk}/suggested-times"
    # Overseers know the relationship exists: 403; everyone else: 404; nobody sees times.
    for user, status in (
        (hr_admin, 403),
        (program_manager, 403),
        (other_mentee, 404),
        (outsider, 404),
    ):
        client = page_client(user)
        for response in (
            client.get(url),
            client.get(url, HTTP_HX_REQUEST="true"),
            client.get(url + "?pick=2026-03-05T14:00:00%2B00:00", HTTP_HX_REQUEST="true"),
            api_client(user).get(api),
        ):
            assert response.status_code == status, (user, response.status_code)
            assert "Times that suit" not in response.content.decode()
    assert Client().get(url).status_code == 302
    assert Client().get(api).status_code == 401


# Write-back ---------------------------------------------------------------------------


def _ics_uid(message: Any) -> str:
    _name, content, _type = message.attachments[0]
    return str(next(iter(Calendar.from_ical(content).walk("VEVENT")))["UID"])


def test_booking_writes_the_meeting_to_caldav_with_the_ics_uid_then_moves_and_removes_it(
    relationship: Relationship,
    mentor: Any,
    radicale: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    calendar = _mentor_calendar(radicale, mentor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = page_client(mentor).post(
            f"/relationships/{relationship.pk}/meetings/",
            {"starts_at": "2027-09-01T10:00", "duration_minutes": "45"},
        )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert {_ics_uid(m) for m in mail.outbox} == {meeting.uid}
    stored = next(iter(Calendar.from_ical(calendar.event_by_uid(meeting.uid).data).walk("VEVENT")))
    assert str(stored["UID"]) == meeting.uid
    assert stored["DTSTART"].dt == meeting.starts_at
    assert CalendarEvent.objects.get(uid=meeting.uid).state == EventState.CREATED

    with django_capture_on_commit_callbacks(execute=True):
        meeting_reschedule(
            actor=mentor,
            meeting=meeting,
            data=inputs.MeetingMove(starts_at=meeting.starts_at + dt.timedelta(days=1)),
        )
    meeting.refresh_from_db()
    stored = next(iter(Calendar.from_ical(calendar.event_by_uid(meeting.uid).data).walk("VEVENT")))
    assert stored["DTSTART"].dt == meeting.starts_at and int(stored["SEQUENCE"]) == 1

    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(actor=mentor, meeting=meeting)
    with pytest.raises(caldav.lib.error.NotFoundError):
        calendar.event_by_uid(meeting.uid)
    assert CalendarEvent.objects.get(uid=meeting.uid).state == EventState.CANCELLED


def test_a_teams_link_reaches_both_people_and_nothing_private_reaches_graph(
    relationship: Relationship,
    mentee: Any,
    mentor: Any,
    httpserver: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    microsoft, _google = install(httpserver, settings)
    start = availability.oauth_consent_start(
        actor=mentee, provider="microsoft", redirect_uri="http://testserver/cb/"
    )
    availability.oauth_consent_finish(
        actor=mentee,
        provider="microsoft",
        code=microsoft.give_code(start.url),
        state=start.state,
        expected=start,
        redirect_uri="http://testserver/cb/",
    )
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_schedule(
            actor=mentee,
            relationship=relationship,
            data=inputs.MeetingSchedule(starts_at=dt.datetime(2027, 9, 1, 8, tzinfo=UTC)),
        )
        private_note_write(actor=mentee, meeting=meeting, text="PRIVATE-NOTE-MARK")
    meeting.refresh_from_db()
    assert meeting.location.startswith("https://teams.example/")
    for user in (mentee, mentor):
        assert (
            meeting.location
            in page_client(user).get(f"/relationships/{relationship.pk}/").content.decode()
        )
    with django_capture_on_commit_callbacks(execute=True):
        meeting_reschedule(
            actor=mentor,
            meeting=meeting,
            data=inputs.MeetingMove(starts_at=meeting.starts_at + dt.timedelta(hours=2)),
        )
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(actor=mentee, meeting=meeting)
    methods = [seen[0] for seen in microsoft.seen]
    assert methods == ["POST", "PATCH", "DELETE"]
    sent = json.dumps([seen[2] for seen in microsoft.seen])
    assert "PRIVATE-NOTE-MARK" not in sent
    assert microsoft.seen[0][2]["transactionId"] == meeting.uid
    # The organizer is Ana (she booked): the event is hers, Marta is the attendee.
    assert CalendarEvent.objects.get().organizer == mentee.person


def test_a_calendar_failure_never_fails_the_booking_and_the_organizer_sees_it(
    relationship: Relationship,
    mentee: Any,
    httpserver: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    microsoft, _google = install(httpserver, settings)
    start = availability.oauth_consent_start(
        actor=mentee, provider="microsoft", redirect_uri="http://testserver/cb/"
    )
    availability.oauth_consent_finish(
        actor=mentee,
        provider="microsoft",
        code=microsoft.give_code(start.url),
        state=start.state,
        expected=start,
        redirect_uri="http://testserver/cb/",
    )
    microsoft.throttle = 100
    with django_capture_on_commit_callbacks(execute=True):
        response = page_client(mentee).post(
            f"/relationships/{relationship.pk}/meetings/", {"starts_at": "2027-09-01T10:00"}
        )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.status == MeetingStatus.SCHEDULED and meeting.location == ""
    record = CalendarEvent.objects.get(uid=meeting.uid)
    assert record.state == EventState.FAILED
    page = page_client(mentee).get("/account/calendar/").content.decode()
    assert "Calendar update failed" in page and "429" in page


# Secrets ------------------------------------------------------------------------------


def test_calendar_secrets_appear_in_no_page_audit_row_or_api_answer(
    relationship: Relationship, mentor: Any, hr_admin: Any, radicale: Any, caplog: Any
) -> None:
    _mentor_calendar(radicale, mentor)
    secret = radicale.users["mentor"]
    stored = CalendarConnection.objects.values_list("secret_sealed", flat=True).get()
    assert secret not in stored
    responses = [
        page_client(mentor).get("/account/calendar/"),
        page_client(hr_admin).get("/people/calendars/"),
        api_client(mentor).get(f"/api/relationships/{relationship.pk}/suggested-times"),
        page_client(hr_admin).get("/audit/"),
    ]
    for response in responses:
        assert response.status_code == 200
        assert secret not in response.content.decode()
    assert secret not in json.dumps(list(AuditEntry.objects.values_list("data", flat=True)))
    assert secret not in caplog.text
    connection = CalendarConnection.objects.get()
    test = page_client(mentor).post(f"/account/calendar/{connection.pk}/test/", follow=True)
    assert "it can be read" in test.content.decode()


def test_a_person_and_an_hr_admin_may_disconnect_nobody_else(
    mentor: Any, hr_admin: Any, other_mentee: Any, radicale: Any
) -> None:
    _mentor_calendar(radicale, mentor)
    connection = CalendarConnection.objects.get()
    url = f"/account/calendar/{connection.pk}/disconnect/"
    assert page_client(other_mentee).post(url).status_code == 404
    assert page_client(hr_admin).post(url).status_code == 302
    connection.refresh_from_db()
    assert connection.status == "revoked" and connection.secret_sealed == ""


def test_only_hr_admins_reach_the_organisation_consent_page(
    hr_admin: Any, program_manager: Any, mentee: Any
) -> None:
    assert page_client(program_manager).get("/people/calendars/").status_code == 404
    assert page_client(mentee).get("/people/calendars/").status_code == 404
    answer = page_client(hr_admin).post(
        "/people/calendars/",
        {
            "provider": "microsoft",
            "tenant": "contoso",
            "client_id": "app",
            "secret": "org-client-secret-987",
        },
    )
    assert answer.status_code == 302
    page = page_client(hr_admin).get("/people/calendars/").content.decode()
    assert "contoso" in page and "org-client-secret-987" not in page
    mine = page_client(mentee).get("/account/calendar/").content.decode()
    assert "for everyone" in mine


def test_working_hours_are_the_persons_own(mentee: Any) -> None:
    client = page_client(mentee)
    data = {"time_zone": "Asia/Kolkata", "day_0_start": "10:00", "day_0_end": "18:30"}
    assert client.post("/account/calendar/", data).status_code == 302
    hours = availability.working_hours_of(mentee.person)
    assert hours.zone == "Asia/Kolkata" and hours.days == {0: (dt.time(10), dt.time(18, 30))}
    bad = client.post(
        "/account/calendar/",
        {"time_zone": "Mars/Olympus", "day_1_start": "12:00", "day_1_end": "09:00"},
    )
    assert bad.status_code == 422
    assert availability.working_hours_of(mentee.person).zone == "Asia/Kolkata"


def test_the_events_fallback_reads_all_day_events_in_the_persons_zone(
    radicale: Any, mentor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server refusing the free-busy report: the events are read instead, and an all-day
    event is the whole of that day where the person works (New York, already on EDT)."""
    mentor.person.time_zone = "America/New_York"
    mentor.person.save(update_fields=["time_zone"])
    calendar = _mentor_calendar(radicale, mentor)
    calendar.save_event(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\n"
        "UID:offsite@t\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20260310\r\n"
        "DTEND;VALUE=DATE:20260311\r\nSUMMARY:Offsite\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )

    def refused(*_args: Any) -> Any:
        raise caldav.lib.error.ReportError("free-busy-query not supported")

    monkeypatch.setattr(caldav.Calendar, "freebusy_request", refused)
    busy = availability.busy_of(
        mentor.person, dt.datetime(2026, 3, 9, tzinfo=UTC), dt.datetime(2026, 3, 12, tzinfo=UTC)
    )
    assert busy.error == ""
    assert list(busy.intervals) == [
        (dt.datetime(2026, 3, 9, 13, tzinfo=UTC), dt.datetime(2026, 3, 9, 14, tzinfo=UTC)),
        (dt.datetime(2026, 3, 10, 4, tzinfo=UTC), dt.datetime(2026, 3, 11, 4, tzinfo=UTC)),
        (dt.datetime(2026, 3, 10, 13, tzinfo=UTC), dt.datetime(2026, 3, 10, 14, tzinfo=UTC)),
        (dt.datetime(2026, 3, 11, 13, tzinfo=UTC), dt.datetime(2026, 3, 11, 14, tzinfo=UTC)),
    ]
