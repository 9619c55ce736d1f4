"""Suggested times benchmark: a pair (and a group of five) with a year of calendar events each.

Usage::

    python bench/slots.py [--events 2500] [--weeks 4] [--reps 7]

A second table times the whole path from what a CalDAV server answers to the suggestions,
for the window the suggestions are asked for: each calendar's year of events (and a few
weekly meetings in Berlin time, recurring all year) as the free-busy REPORT answer (one
FREEBUSY line per event, as Radicale writes it) parsed by the CalDAV provider's own parser,
and as the events fallback's calendar-query answer (a DAV:multistatus of one iCalendar
object per event) reduced to busy intervals by the provider's code: once as a server
answering the query sends it (the window's events, only their times) and once as a server
that ignores the time range and partial retrieval would (every event of the year, whole,
with its summary and description). Then the pair's suggestions.

Each calendar holds `--events` meetings spread over a year (30-120 minutes, in working hours,
some overlapping); suggestions are asked for the next `--weeks` weeks. The reference is the
same search with a linear scan of every busy interval per candidate (no merging, no
bisection), run in the same process, so the ratio is what the indexing buys. The issue's
target: a pair from two calendars of a year's events under 200 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mentorwise.availability import slots  # noqa: E402
from mentorwise.availability.slots import Attendee, WorkingHours, suggest_slots  # noqa: E402

UTC = dt.UTC
START = dt.datetime(2026, 1, 5, tzinfo=UTC)


def calendar(
    rng: random.Random, events: int, offset_hours: int
) -> list[tuple[dt.datetime, dt.datetime]]:
    out = []
    for _ in range(events):
        day = START + dt.timedelta(days=rng.randrange(365))
        begin = day + dt.timedelta(hours=8 + offset_hours + rng.random() * 9)
        out.append((begin, begin + dt.timedelta(minutes=rng.choice([30, 45, 60, 90, 120]))))
    return out


def _linear_is_free(busy: list[tuple[dt.datetime, dt.datetime]]):  # type: ignore[no-untyped-def]
    def is_free(_starts, _ends, s, e):  # type: ignore[no-untyped-def]
        return all(not (b < e and s < f) for b, f in busy)

    return is_free


def run(attendees: list[Attendee], weeks: int) -> float:
    begin = time.perf_counter()
    suggest_slots(
        attendees,
        duration=dt.timedelta(minutes=45),
        window_start=START + dt.timedelta(days=180),
        window_end=START + dt.timedelta(days=180 + 7 * weeks),
        previous=START + dt.timedelta(days=170),
        cadence=dt.timedelta(days=14),
    )
    return time.perf_counter() - begin


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2500)
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(7)
    zones = [
        "Europe/Berlin",
        "America/New_York",
        "Asia/Kolkata",
        "Europe/London",
        "America/Chicago",
    ]
    people = [
        Attendee(WorkingHours(zone), calendar(rng, args.events, i % 3))
        for i, zone in enumerate(zones)
    ]
    print(
        f"{args.events:,} events per calendar over a year; {args.weeks}-week window; "
        f"median of {args.reps}"
    )
    print()
    print("| attendees | ours (ms) | linear scan reference (ms) | ratio |")
    print("|---:|---:|---:|---:|")
    for group in (people[:2], people):
        ours = statistics.median(run(group, args.weeks) for _ in range(args.reps))
        original = slots._is_free
        try:
            merged_all = [b for a in group for b in a.busy]
            slots._is_free = _linear_is_free(merged_all)  # type: ignore[assignment]
            reference = statistics.median(
                run(group, args.weeks) for _ in range(max(1, args.reps // 3))
            )
        finally:
            slots._is_free = original  # type: ignore[assignment]
        print(
            f"| {len(group)} | {ours * 1000:.1f} | {reference * 1000:.1f} "
            f"| {reference / ours:.1f}× |"
        )
    provider_path(args)


def vfreebusy(busy: list[tuple[dt.datetime, dt.datetime]]) -> str:
    """A free-busy REPORT answer as a CalDAV server writes it (RFC 4791 7.10)."""
    stamp = "%Y%m%dT%H%M%SZ"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN", "BEGIN:VFREEBUSY"]
    lines += [
        f"FREEBUSY;FBTYPE=BUSY:{s.strftime(stamp)}/{e.strftime(stamp)}" for s, e in sorted(busy)
    ]
    lines += ["END:VFREEBUSY", "END:VCALENDAR", ""]
    return "\r\n".join(lines)


WEEKLY = 10  # weekly meetings per calendar, all year, at 08:00-16:00 Berlin time
BERLIN = (
    "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
    "END:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:19700329T020000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
    "END:DAYLIGHT\r\nEND:VTIMEZONE"
)


def weekly_instances(k: int) -> list[tuple[dt.datetime, dt.datetime]]:
    """The UTC times of weekly meeting k, computed here with zoneinfo."""
    from zoneinfo import ZoneInfo

    first = dt.datetime(2026, 1, 5 + k % 5, 8 + k % 8, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    return [
        (
            (first + dt.timedelta(weeks=w)).astimezone(UTC),
            (first + dt.timedelta(weeks=w, minutes=30)).astimezone(UTC),
        )
        for w in range(52)
    ]


def multistatus(objects: list[str]) -> str:
    """A calendar-query answer (RFC 4791 7.8): one response per calendar object."""
    out = ['<?xml version="1.0" encoding="utf-8"?>']
    out.append('<D:multistatus xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">')
    for n, text in enumerate(objects):
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        out.append(
            f"<D:response><D:href>/cal/event-{n}.ics</D:href><D:propstat><D:prop>"
            f'<D:getetag>"{n}"</D:getetag><C:calendar-data>{escaped}</C:calendar-data>'
            "</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>"
        )
    out.append("</D:multistatus>")
    return "".join(out)


def vevents(
    busy: list[tuple[dt.datetime, dt.datetime]],
    window: tuple[dt.datetime, dt.datetime] | None = None,
) -> str:
    """The events as a calendar-query answer. With `window`: as a server answering the
    query sends them (the events meeting the window, only the properties asked for);
    without: every event, whole (summary, description, a reminder)."""
    stamp = "%Y%m%dT%H%M%SZ"
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n"
    objects = []
    for n, (s, e) in enumerate(busy):
        if window is not None and not (s < window[1] and e > window[0]):
            continue
        lines = [
            f"UID:event-{n}@bench",
            f"DTSTART:{s.strftime(stamp)}",
            f"DTEND:{e.strftime(stamp)}",
        ]
        if window is None:
            lines[1:1] = ["DTSTAMP:20260101T000000Z", "SEQUENCE:0"]
            lines += [
                f"SUMMARY:Meeting {n}",
                f"DESCRIPTION:Agenda of meeting {n}: budget\\, hiring and the roadmap",
                "LOCATION:Room 4.12",
                "ORGANIZER;CN=Ana:mailto:ana@example.com",
                "ATTENDEE;PARTSTAT=ACCEPTED:mailto:marta@example.com",
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                "TRIGGER:-PT15M",
                "END:VALARM",
            ]
        objects.append(
            head + "BEGIN:VEVENT\r\n" + "\r\n".join(lines) + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
    local = "%Y%m%dT%H%M%S"
    for k in range(WEEKLY):
        start = dt.datetime(2026, 1, 5 + k % 5, 8 + k % 8, 30, tzinfo=UTC)  # a wall time
        end = start + dt.timedelta(minutes=30)
        lines = [
            f"UID:weekly-{k}@bench",
            f"DTSTART;TZID=Europe/Berlin:{start.strftime(local)}",
            f"DTEND;TZID=Europe/Berlin:{end.strftime(local)}",
            "RRULE:FREQ=WEEKLY;COUNT=52",
        ]
        if window is None:
            lines += [f"SUMMARY:Weekly {k}"]
        objects.append(
            head
            + BERLIN
            + "\r\nBEGIN:VEVENT\r\n"
            + "\r\n".join(lines)
            + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
    return multistatus(objects)


def provider_path(args: argparse.Namespace) -> None:
    """Parse what the server answers, then suggest: the real provider code, timed."""
    from mentorwise.availability.providers.base import clip
    from mentorwise.availability.providers.caldav_calendar import (
        busy_from_calendar_query,
        busy_from_vfreebusy,
    )

    rng = random.Random(11)
    zones = ["Europe/Berlin", "America/New_York"]
    window = (START + dt.timedelta(days=180), START + dt.timedelta(days=180 + 7 * args.weeks))
    # Whole seconds: iCalendar times carry no fractions.
    raw = [
        [
            (s.replace(microsecond=0), e.replace(microsecond=0))
            for s, e in calendar(rng, args.events, i)
        ]
        for i in range(2)
    ]
    weekly = [b for k in range(WEEKLY) for b in weekly_instances(k)]
    expected = [clip(b + weekly, *window) for b in raw]
    answers = {
        "free-busy REPORT": [vfreebusy(b + weekly) for b in raw],
        "events fallback, as a server answers the calendar-query": [
            vevents(b, window) for b in raw
        ],
        "events fallback, every event of the year, whole": [vevents(b) for b in raw],
    }

    def parse(kind: str, text: str, zone: str) -> list[tuple[dt.datetime, dt.datetime]]:
        if kind == "free-busy REPORT":
            return clip(busy_from_vfreebusy(text), *window)
        return busy_from_calendar_query(text.encode(), *window, zone)

    print()
    print(
        f"Through the CalDAV provider's parsing: a pair, {args.events:,} events and {WEEKLY} "
        f"weekly meetings per calendar over a year, median of {args.reps}"
    )
    print()
    print(
        "| server answer | answer per calendar (kB) | parse both (ms) | suggest (ms) "
        "| total (ms) | under 200 ms |"
    )
    print("|---|---:|---:|---:|---:|---|")
    for kind, texts in answers.items():
        parse_times, suggest_times = [], []
        for _ in range(args.reps):
            begin = time.perf_counter()
            busy = [parse(kind, text, zone) for text, zone in zip(texts, zones, strict=True)]
            parsed = time.perf_counter()
            assert busy == expected, kind
            group = [Attendee(WorkingHours(z), b) for z, b in zip(zones, busy, strict=True)]
            suggest_times.append(run(group, args.weeks))
            parse_times.append(parsed - begin)
        p, q = statistics.median(parse_times), statistics.median(suggest_times)
        size = sum(len(t.encode()) for t in texts) / 2 / 1024
        print(
            f"| {kind} | {size:,.0f} | {p * 1000:.1f} | {q * 1000:.1f} | {(p + q) * 1000:.1f} "
            f"| {'yes' if p + q < 0.2 else 'no'} |"
        )


if __name__ == "__main__":
    main()
