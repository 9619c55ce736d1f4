"""CalDAV against a real Radicale server: busy time from its free-busy report (and from
events, the fallback, checked against the report on random calendars), the meeting written
with the same UID, moved, removed."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import caldav
import pytest
from caldav.lib import error as caldav_error
from icalendar import Calendar

from mentorwise.availability.providers.base import EventData, ProviderError
from mentorwise.availability.providers.caldav_calendar import (
    CalDavCalendar,
    busy_from_vfreebusy,
)
from mentorwise.availability.tests.random_calendars import random_calendar

UTC = dt.UTC


def _calendar(radicale: Any, user: str = "ana") -> tuple[str, Any]:
    client = caldav.DAVClient(
        url=radicale.url, username=user, password=radicale.users[user], timeout=10
    )
    calendar = client.principal().make_calendar(name=f"work-{uuid.uuid4().hex[:6]}")
    return str(calendar.url), calendar


def _event(uid: str, body: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n{body}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


@pytest.fixture
def filled(radicale: Any) -> tuple[str, Any]:
    url, calendar = _calendar(radicale)
    calendar.save_event(
        _event("a@t", "DTSTART:20260310T090000Z\r\nDTEND:20260310T100000Z\r\nSUMMARY:Board")
    )
    # Recurring, in a zone: 14:00 Berlin = 13:00 UTC (CET) for three days.
    calendar.save_event(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n"
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
        "END:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:19700329T020000\r\n"
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
        "END:DAYLIGHT\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:b@t\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART;TZID=Europe/Berlin:20260311T140000\r\nDTEND;TZID=Europe/Berlin:20260311T150000\r\n"
        "RRULE:FREQ=DAILY;COUNT=3\r\nSUMMARY:Standup\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    # Transparent (shown as free) and cancelled events are not busy.
    calendar.save_event(
        _event("c@t", "DTSTART:20260312T080000Z\r\nDTEND:20260312T083000Z\r\nTRANSP:TRANSPARENT")
    )
    return url, calendar


EXPECTED = [
    (dt.datetime(2026, 3, 10, 9, tzinfo=UTC), dt.datetime(2026, 3, 10, 10, tzinfo=UTC)),
    (dt.datetime(2026, 3, 11, 13, tzinfo=UTC), dt.datetime(2026, 3, 11, 14, tzinfo=UTC)),
    (dt.datetime(2026, 3, 12, 13, tzinfo=UTC), dt.datetime(2026, 3, 12, 14, tzinfo=UTC)),
    (dt.datetime(2026, 3, 13, 13, tzinfo=UTC), dt.datetime(2026, 3, 13, 14, tzinfo=UTC)),
]


def test_busy_time_comes_from_radicales_free_busy_report(radicale: Any, filled: Any) -> None:
    url, _unused = filled
    provider = CalDavCalendar(url=url, username="ana", password=radicale.users["ana"])
    busy = provider.busy(dt.datetime(2026, 3, 1, tzinfo=UTC), dt.datetime(2026, 4, 1, tzinfo=UTC))
    assert busy == EXPECTED


def _refusing_free_busy(provider: CalDavCalendar, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make the server refuse the free-busy REPORT (as some do), and record the REPORTs
    the provider sends instead."""

    def refused(*_args: Any) -> Any:
        raise caldav_error.ReportError("free-busy-query not supported")

    monkeypatch.setattr(provider.calendar(), "freebusy_request", refused)
    sent: list[str] = []
    report = provider.client.report

    def recording(url: str, body: str, depth: int = 0) -> Any:
        sent.append(body)
        return report(url, body, depth)

    monkeypatch.setattr(provider.client, "report", recording)
    return sent


def test_the_events_fallback_reads_the_same_busy_time(
    radicale: Any, filled: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _unused = filled
    provider = CalDavCalendar(url=url, username="ana", password=radicale.users["ana"])
    sent = _refusing_free_busy(provider, monkeypatch)
    busy = provider.busy(dt.datetime(2026, 3, 1, tzinfo=UTC), dt.datetime(2026, 4, 1, tzinfo=UTC))
    assert busy == EXPECTED
    # One calendar-query for the window (and a day either side), asking for times only.
    assert len(sent) == 1
    assert '<C:time-range start="20260228T000000Z" end="20260402T000000Z"/>' in sent[0]
    assert '<C:prop name="DTSTART"/>' in sent[0]
    assert "SUMMARY" not in sent[0]


def test_a_server_refusing_partial_retrieval_is_asked_for_whole_events(
    radicale: Any, filled: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _unused = filled
    provider = CalDavCalendar(url=url, username="ana", password=radicale.users["ana"])
    sent = _refusing_free_busy(provider, monkeypatch)
    report = provider.client.report

    class Refused:
        status = 501
        tree = None

    def picky(url: str, body: str, depth: int = 0) -> Any:
        if '<C:comp name="VEVENT">' in body:
            sent.append(body)
            return Refused()
        return report(url, body, depth)

    monkeypatch.setattr(provider.client, "report", picky)
    busy = provider.busy(dt.datetime(2026, 3, 1, tzinfo=UTC), dt.datetime(2026, 4, 1, tzinfo=UTC))
    assert busy == EXPECTED
    assert len(sent) == 2 and "<C:calendar-data/>" in sent[1]


def _merged(intervals: list[tuple[dt.datetime, dt.datetime]]) -> list[Any]:
    out: list[list[dt.datetime]] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return out


@pytest.mark.parametrize("seed", range(5))
def test_the_events_fallback_agrees_with_radicales_free_busy_report(
    radicale: Any, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Random calendars (recurring events with EXDATEs, RDATEs and overrides, all-day,
    floating, transparent, cancelled, around clock changes): the busy time the fallback
    derives from the events is the server's own free-busy report's. Radicale reads
    floating and all-day times in UTC, so the person's zone is UTC here."""
    generated = random_calendar(1000 + seed, date_overrides=False)
    url, calendar = _calendar(radicale)
    for uid, text in generated.objects:
        provider_put(calendar, uid, text)
    provider = CalDavCalendar(url=url, username="ana", password=radicale.users["ana"])
    report = provider.busy(generated.start, generated.end)
    _refusing_free_busy(provider, monkeypatch)
    fallback = provider.busy(generated.start, generated.end, "UTC")
    assert report, "the random calendar has busy time in the window"
    assert _merged(fallback) == _merged(report)


def provider_put(calendar: Any, uid: str, text: str) -> None:
    response = calendar.client.put(
        str(calendar.url.join(uid.replace("@", "-") + ".ics")),
        text,
        {"Content-Type": 'text/calendar; charset="utf-8"'},
    )
    assert response.status in (201, 204), response.status


def test_the_server_url_finds_the_first_calendar(radicale: Any) -> None:
    _url, calendar = _calendar(radicale, "marta")
    calendar.save_event(_event("m@t", "DTSTART:20260401T090000Z\r\nDTEND:20260401T093000Z"))
    provider = CalDavCalendar(url=radicale.url, username="marta", password=radicale.users["marta"])
    busy = provider.busy(dt.datetime(2026, 4, 1, tzinfo=UTC), dt.datetime(2026, 4, 2, tzinfo=UTC))
    assert (
        dt.datetime(2026, 4, 1, 9, tzinfo=UTC),
        dt.datetime(2026, 4, 1, 9, 30, tzinfo=UTC),
    ) in busy


def test_a_wrong_password_is_a_provider_error_without_the_password(radicale: Any) -> None:
    provider = CalDavCalendar(url=radicale.url, username="ana", password="wrong-pass-123")
    with pytest.raises(ProviderError) as caught:
        provider.busy(dt.datetime(2026, 4, 1, tzinfo=UTC), dt.datetime(2026, 4, 2, tzinfo=UTC))
    assert "wrong-pass-123" not in caught.value.message


def test_a_meeting_is_written_with_its_uid_moved_and_removed(radicale: Any) -> None:
    url, calendar = _calendar(radicale)
    provider = CalDavCalendar(url=url, username="ana", password=radicale.users["ana"])
    event = EventData(
        uid="meeting-42@mentorwise",
        sequence=0,
        title="Mentorwise: Ana and Marta",
        starts_at=dt.datetime(2026, 5, 4, 9, tzinfo=UTC),
        ends_at=dt.datetime(2026, 5, 4, 10, tzinfo=UTC),
        organizer_email="ana@example.com",
        attendee_emails=("ana@example.com", "marta@example.com"),
    )
    provider.create_event(event)
    stored = Calendar.from_ical(calendar.event_by_uid(event.uid).data)
    vevent = next(iter(stored.walk("VEVENT")))
    assert str(vevent["UID"]) == event.uid
    assert vevent["DTSTART"].dt == event.starts_at

    moved = EventData(
        **{
            **event.__dict__,
            "sequence": 1,
            "starts_at": dt.datetime(2026, 5, 5, 9, tzinfo=UTC),
            "ends_at": dt.datetime(2026, 5, 5, 10, tzinfo=UTC),
        }
    )
    provider.update_event("", moved)
    assert len(calendar.events()) == 1
    vevent = next(iter(Calendar.from_ical(calendar.event_by_uid(event.uid).data).walk("VEVENT")))
    assert vevent["DTSTART"].dt == moved.starts_at
    assert int(vevent["SEQUENCE"]) == 1

    provider.delete_event("", moved)
    assert calendar.events() == []


def test_vfreebusy_parsing_reads_periods_durations_and_skips_free() -> None:
    text = (
        "BEGIN:VFREEBUSY\r\n"
        "FREEBUSY;FBTYPE=BUSY:20260310T090000Z/20260310T100000Z,20260311T090000Z/PT1H30M\r\n"
        "FREEBUSY;FBTYPE=FREE:20260312T090000Z/20260312T100000Z\r\n"
        "FREEBUSY;FBTYPE=BUSY-TENTATIVE:20260313T090000Z/20260313T09\r\n"
        " 3000Z\r\n"
        "FREEBUSY:20260314T090000Z/P1DT1H\r\n"
        "END:VFREEBUSY\r\n"
    )
    assert busy_from_vfreebusy(text) == [
        (dt.datetime(2026, 3, 10, 9, tzinfo=UTC), dt.datetime(2026, 3, 10, 10, tzinfo=UTC)),
        (dt.datetime(2026, 3, 11, 9, tzinfo=UTC), dt.datetime(2026, 3, 11, 10, 30, tzinfo=UTC)),
        (dt.datetime(2026, 3, 13, 9, tzinfo=UTC), dt.datetime(2026, 3, 13, 9, 30, tzinfo=UTC)),
        (dt.datetime(2026, 3, 14, 9, tzinfo=UTC), dt.datetime(2026, 3, 15, 10, tzinfo=UTC)),
    ]
