"""Suggested times benchmark: a pair (and a group of five) with a year of calendar events each.

Usage::

    python bench/slots.py [--events 2500] [--weeks 4] [--reps 7]

A second table times the whole path from what a CalDAV server answers to the suggestions:
each calendar's year of events as the free-busy REPORT answer (one FREEBUSY line per
event, as Radicale writes it) parsed by the CalDAV provider's own parser, and as the
events fallback (a calendar-query answer of every VEVENT, parsed with icalendar and reduced
to busy intervals by the provider's code), then the pair's suggestions.

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


def vevents(busy: list[tuple[dt.datetime, dt.datetime]]) -> str:
    """Every event as a VEVENT (what a calendar-query REPORT carries), with a summary."""
    stamp = "%Y%m%dT%H%M%SZ"
    out = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN"]
    for n, (s, e) in enumerate(busy):
        out += [
            "BEGIN:VEVENT",
            f"UID:event-{n}@bench",
            "DTSTAMP:20260101T000000Z",
            f"DTSTART:{s.strftime(stamp)}",
            f"DTEND:{e.strftime(stamp)}",
            f"SUMMARY:Meeting {n}",
            "END:VEVENT",
        ]
    out += ["END:VCALENDAR", ""]
    return "\r\n".join(out)


def provider_path(args: argparse.Namespace) -> None:
    """Parse what the server answers, then suggest: the real provider code, timed."""
    from icalendar import Calendar as ICalendar

    from mentorwise.availability.providers.caldav_calendar import (
        busy_from_events,
        busy_from_vfreebusy,
    )

    rng = random.Random(11)
    zones = ["Europe/Berlin", "America/New_York"]
    # Whole seconds: iCalendar times carry no fractions.
    raw = [
        [
            (s.replace(microsecond=0), e.replace(microsecond=0))
            for s, e in calendar(rng, args.events, i)
        ]
        for i in range(2)
    ]
    answers = {
        "free-busy REPORT": [vfreebusy(b) for b in raw],
        "events (calendar-query) fallback": [vevents(b) for b in raw],
    }

    def parse(kind: str, text: str) -> list[tuple[dt.datetime, dt.datetime]]:
        if kind == "free-busy REPORT":
            return busy_from_vfreebusy(text)
        return busy_from_events(list(ICalendar.from_ical(text).walk("VEVENT")))

    print()
    print(
        f"Through the CalDAV provider's parsing: a pair, {args.events:,} events per calendar "
        f"over a year, median of {args.reps}"
    )
    print()
    print("| server answer | parse both (ms) | suggest (ms) | total (ms) | under 200 ms |")
    print("|---|---:|---:|---:|---|")
    for kind, texts in answers.items():
        parse_times, suggest_times = [], []
        for _ in range(args.reps):
            begin = time.perf_counter()
            busy = [parse(kind, text) for text in texts]
            parsed = time.perf_counter()
            assert [sorted(b) for b in busy] == [sorted(b) for b in raw], kind
            group = [Attendee(WorkingHours(z), b) for z, b in zip(zones, busy, strict=True)]
            suggest_times.append(run(group, args.weeks))
            parse_times.append(parsed - begin)
        p, q = statistics.median(parse_times), statistics.median(suggest_times)
        print(
            f"| {kind} | {p * 1000:.1f} | {q * 1000:.1f} | {(p + q) * 1000:.1f} "
            f"| {'yes' if p + q < 0.2 else 'no'} |"
        )


if __name__ == "__main__":
    main()
