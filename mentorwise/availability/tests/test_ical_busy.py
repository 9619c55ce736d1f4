"""Busy time from events (the CalDAV fallback's reader), checked against
`recurring_ical_events` on random calendars and case by case where the RFC decides."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from dateutil import rrule as dateutil_rrule
from icalendar import Calendar

from mentorwise.availability.providers.caldav_calendar import busy_from_calendar_query
from mentorwise.availability.providers.ical_busy import busy_from_ics
from mentorwise.availability.tests.random_calendars import random_calendar, vtimezone

UTC = dt.UTC
Interval = tuple[dt.datetime, dt.datetime]


def _merged(intervals: list[Interval], lo: dt.datetime, hi: dt.datetime) -> list[Interval]:
    """Busy time as a free-busy report gives it: cut to the window, overlaps merged."""
    out: list[Interval] = []
    for start, end in sorted((max(s, lo), min(e, hi)) for s, e in intervals):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _oracle(text: str, lo: dt.datetime, hi: dt.datetime, zone: str) -> list[Interval]:
    """Busy time by `recurring_ical_events` (icalendar's own parsing and expansion)."""
    person = ZoneInfo(zone)

    def instant(moment: dt.date) -> dt.datetime:
        if not isinstance(moment, dt.datetime):
            moment = dt.datetime.combine(moment, dt.time())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=person)
        return moment.astimezone(UTC)

    out = []
    margin = dt.timedelta(days=3)
    for event in recurring_ical_events.of(Calendar.from_ical(text)).between(
        lo - margin, hi + margin
    ):
        if str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
            continue
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        start = event["DTSTART"].dt
        end = event["DTEND"].dt if "DTEND" in event else start + event["DURATION"].dt
        out.append((instant(start), instant(end)))
    return out


@pytest.mark.parametrize("seed", range(60))
def test_busy_time_agrees_with_recurring_ical_events(seed: int) -> None:
    generated = random_calendar(seed)
    lo, hi = generated.start, generated.end
    for uid, text in generated.objects:
        ours = busy_from_ics(text, lo, hi, ZoneInfo(generated.zone))
        assert _merged(ours, lo, hi) == _merged(_oracle(text, lo, hi, generated.zone), lo, hi), uid


def _ics(*events: str, zones: tuple[str, ...] = ()) -> str:
    body = "".join(f"BEGIN:VEVENT\r\nUID:x@t\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    timezones = "".join(vtimezone(z) + "\r\n" for z in zones)
    return (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n{timezones}{body}END:VCALENDAR\r\n"
    )


def _at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=UTC)


MARCH = (_at(2026, 3, 1), _at(2026, 4, 1))


def _busy(text: str, zone: str = "UTC", window: tuple[dt.datetime, dt.datetime] = MARCH) -> list:
    return _merged(busy_from_ics(text, *window, ZoneInfo(zone)), *window)


def test_all_day_events_and_floating_times_are_the_persons_own() -> None:
    all_day = _ics("DTSTART;VALUE=DATE:20260310\r\nDTEND;VALUE=DATE:20260311")
    assert _busy(all_day, "Europe/Berlin") == [(_at(2026, 3, 9, 23), _at(2026, 3, 10, 23))]
    assert _busy(all_day, "America/New_York") == [(_at(2026, 3, 10, 4), _at(2026, 3, 11, 4))]
    floating = _ics("DTSTART:20260310T090000\r\nDTEND:20260310T100000")
    assert _busy(floating, "Asia/Kolkata") == [(_at(2026, 3, 10, 3, 30), _at(2026, 3, 10, 4, 30))]


def test_transparent_cancelled_and_overridden_instances() -> None:
    series = "DTSTART:20260302T090000Z\r\nDTEND:20260302T100000Z\r\nRRULE:FREQ=DAILY;COUNT=3"
    assert _busy(_ics(series + "\r\nTRANSP:TRANSPARENT")) == []
    assert _busy(_ics(series + "\r\nSTATUS:CANCELLED")) == []
    text = _ics(
        series + "\r\nEXDATE:20260302T090000Z",
        # The second instance is cancelled, the third moved to the afternoon.
        "RECURRENCE-ID:20260303T090000Z\r\nDTSTART:20260303T090000Z\r\n"
        "DTEND:20260303T100000Z\r\nSTATUS:CANCELLED",
        "RECURRENCE-ID:20260304T090000Z\r\nDTSTART:20260304T150000Z\r\nDTEND:20260304T160000Z",
    )
    assert _busy(text) == [(_at(2026, 3, 4, 15), _at(2026, 3, 4, 16))]
    # A free series with one busy instance.
    text = _ics(
        series + "\r\nTRANSP:TRANSPARENT",
        "RECURRENCE-ID:20260303T090000Z\r\nDTSTART:20260303T090000Z\r\nDTEND:20260303T100000Z",
    )
    assert _busy(text) == [(_at(2026, 3, 3, 9), _at(2026, 3, 3, 10))]


def test_an_override_moved_into_the_window_from_outside_it() -> None:
    text = _ics(
        "DTSTART:20260202T090000Z\r\nDTEND:20260202T100000Z\r\nRRULE:FREQ=WEEKLY;COUNT=2",
        "RECURRENCE-ID:20260209T090000Z\r\nDTSTART:20260305T090000Z\r\nDTEND:20260305T093000Z",
    )
    assert _busy(text) == [(_at(2026, 3, 5, 9), _at(2026, 3, 5, 9, 30))]


def test_a_weekly_meeting_keeps_its_wall_clock_time_over_the_clock_change() -> None:
    text = _ics(
        "DTSTART;TZID=Europe/Berlin:20260316T100000\r\nDTEND;TZID=Europe/Berlin:20260316T103000\r\n"
        "RRULE:FREQ=WEEKLY;UNTIL=20260331T000000Z",
        zones=("Europe/Berlin",),
    )
    assert _busy(text) == [
        (_at(2026, 3, 16, 9), _at(2026, 3, 16, 9, 30)),
        (_at(2026, 3, 23, 9), _at(2026, 3, 23, 9, 30)),
        (_at(2026, 3, 30, 8), _at(2026, 3, 30, 8, 30)),  # CEST from 29 March
    ]


def test_zones_known_by_windows_name_or_only_by_their_vtimezone() -> None:
    windows = _ics(
        "DTSTART;TZID=W. Europe Standard Time:20260310T100000\r\n"
        "DTEND;TZID=W. Europe Standard Time:20260310T110000"
    )
    assert _busy(windows) == [(_at(2026, 3, 10, 9), _at(2026, 3, 10, 10))]
    custom = _ics(
        'DTSTART;TZID="Custom/Central European":20260330T100000\r\n'
        'DTEND;TZID="Custom/Central European":20260330T110000',
        zones=("Custom/Central European",),
    )
    assert _busy(custom) == [(_at(2026, 3, 30, 8), _at(2026, 3, 30, 9))]
    unknown = _ics("DTSTART;TZID=Nowhere:20260310T100000\r\nDTEND;TZID=Nowhere:20260310T110000")
    with pytest.raises(ValueError, match="Nowhere"):
        _busy(unknown)


def test_count_includes_a_dtstart_the_rule_would_not_make() -> None:
    # RFC 5545 3.3.10: DTSTART always counts as the first of COUNT occurrences. Tuesday,
    # then the rule's Mondays: three in all.
    text = _ics("DTSTART:20260303T090000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3")
    assert [s for s, _e in _busy(text)] == [
        _at(2026, 3, 3, 9),
        _at(2026, 3, 9, 9),
        _at(2026, 3, 16, 9),
    ]


def test_this_and_future_moves_every_later_instance() -> None:
    text = _ics(
        "DTSTART:20260302T090000Z\r\nDTEND:20260302T100000Z\r\nRRULE:FREQ=WEEKLY;COUNT=4",
        "RECURRENCE-ID;RANGE=THISANDFUTURE:20260316T090000Z\r\n"
        "DTSTART:20260316T140000Z\r\nDTEND:20260316T143000Z",
    )
    assert _busy(text) == [
        (_at(2026, 3, 2, 9), _at(2026, 3, 2, 10)),
        (_at(2026, 3, 9, 9), _at(2026, 3, 9, 10)),
        (_at(2026, 3, 16, 14), _at(2026, 3, 16, 14, 30)),
        (_at(2026, 3, 23, 14), _at(2026, 3, 23, 14, 30)),
    ]


@pytest.mark.parametrize(
    "rule", ["FREQ=DAILY;INTERVAL=3", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH", "FREQ=DAILY"]
)
def test_a_series_of_many_years_is_expanded_over_the_window_only(rule: str) -> None:
    """Started in 1999: the periods before the window are skipped whole, and the
    instances in it are those of the whole series."""
    text = _ics(
        "DTSTART;TZID=Europe/Berlin:19990104T080000\r\n"
        f"DTEND;TZID=Europe/Berlin:19990104T081500\r\nRRULE:{rule}",
        zones=("Europe/Berlin",),
    )
    berlin = ZoneInfo("Europe/Berlin")
    every = dateutil_rrule.rrulestr(rule, dtstart=dt.datetime(1999, 1, 4, 8))
    expected = [
        (
            m.replace(tzinfo=berlin).astimezone(UTC),
            (m + dt.timedelta(minutes=15)).replace(tzinfo=berlin).astimezone(UTC),
        )
        for m in every.between(dt.datetime(2026, 2, 28), dt.datetime(2026, 4, 2))  # type: ignore[union-attr]
    ]
    assert _busy(text) == _merged(expected, *MARCH)


def test_a_calendar_query_answer_is_read_whole_and_clipped() -> None:
    objects = [
        _ics("DTSTART:20260310T090000Z\r\nDTEND:20260310T100000Z\r\nSUMMARY:A & B <private>"),
        _ics("DTSTART:20260228T230000Z\r\nDTEND:20260301T010000Z"),
        _ics("DTSTART:20260501T090000Z\r\nDTEND:20260501T100000Z"),
    ]
    escaped = [o.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for o in objects]
    answer = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<D:multistatus xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
        + "".join(
            f"<D:response><D:href>/c/{n}.ics</D:href><D:propstat><D:prop>"
            f"<C:calendar-data>{text}</C:calendar-data></D:prop>"
            "<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>"
            for n, text in enumerate(escaped)
        )
        + "</D:multistatus>"
    )
    assert busy_from_calendar_query(answer.encode(), *MARCH, "Europe/Berlin") == [
        (_at(2026, 3, 1), _at(2026, 3, 1, 1)),
        (_at(2026, 3, 10, 9), _at(2026, 3, 10, 10)),
    ]
