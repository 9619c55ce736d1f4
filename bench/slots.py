"""Suggested times benchmark: a pair (and a group of five) with a year of calendar events each.

Usage::

    python bench/slots.py [--events 2500] [--weeks 4] [--reps 7]

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


if __name__ == "__main__":
    main()
