"""Suggested meeting times for a pair or a group: a pure function, no Django.

Given each attendee's working hours (in their own time zone) and busy intervals, propose up
to `count` times of `duration` that

* never overlap anybody's busy time,
* fall wholly inside everybody's working hours on one local working day,
* begin and end at wall-clock times that exist and are unambiguous in every attendee's
  zone (never in the hour skipped when clocks go forward nor in the hour repeated when they
  go back: such a time cannot be written unambiguously in an invitation),
* respect the program's cadence: none before `not_before` (the previous meeting plus half
  the cadence), the ones nearest the target (the previous meeting plus the cadence) first,
* spread out: at most one per day of the organizer (the first attendee), and no two at the
  same local time of day while other times remain.

For a group whose working hours barely overlap (a circle spread from Sydney to Los Angeles)
a `quorum` lets a time through when at least that many attendees can come, the organizer
always among them; each slot then names who cannot (`absent`, attendee indexes), and times
everyone can attend come first, then those missing one person, and so on. Without a quorum
every attendee must be free.

Candidate starts lie on a grid of `step` minutes (UTC-aligned, so whole quarter hours in
every zone whose offset is a multiple of 15 minutes). Busy intervals are merged once and
searched by bisection, so a year of events per calendar costs milliseconds.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

UTC = dt.UTC
Interval = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class WorkingHours:
    """Working time per weekday (Monday = 0) as local (start, end) in `zone`; days missing
    from `days` are not worked. An end at or before the start is refused."""

    zone: str
    days: dict[int, tuple[dt.time, dt.time]] = field(
        default_factory=lambda: {d: (dt.time(9), dt.time(17)) for d in range(5)}
    )

    def __post_init__(self) -> None:
        ZoneInfo(self.zone)  # raises for an unknown zone
        for day, (start, end) in self.days.items():
            if not 0 <= day <= 6:
                raise ValueError(f"weekday {day} is not 0-6")
            if end <= start:
                raise ValueError(f"working hours of weekday {day} end before they start")


@dataclass(frozen=True)
class Attendee:
    hours: WorkingHours
    busy: Sequence[Interval] = ()


@dataclass(frozen=True)
class Slot:
    start: dt.datetime  # aware, UTC
    end: dt.datetime
    absent: tuple[int, ...] = ()  # attendees (by index) who cannot come, with a quorum


def local_time_is_clear(moment: dt.datetime, zone: ZoneInfo) -> bool:
    """Whether `moment`'s wall-clock time in `zone` exists and names one instant only."""
    local = moment.astimezone(zone)
    naive = local.replace(tzinfo=None)
    first = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    return first == second == moment.astimezone(UTC)


def _merged(intervals: Iterable[Interval]) -> tuple[list[dt.datetime], list[dt.datetime]]:
    """Busy time as sorted, non-overlapping (starts, ends) in UTC."""
    spans = sorted((s.astimezone(UTC), e.astimezone(UTC)) for s, e in intervals if e > s)
    starts: list[dt.datetime] = []
    ends: list[dt.datetime] = []
    for start, end in spans:
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def _is_free(
    starts: list[dt.datetime], ends: list[dt.datetime], s: dt.datetime, e: dt.datetime
) -> bool:
    # The last busy interval starting before e must end at or before s.
    i = bisect.bisect_left(starts, e) - 1
    return i < 0 or ends[i] <= s


def _within_hours(hours: WorkingHours, zone: ZoneInfo, s: dt.datetime, e: dt.datetime) -> bool:
    """Whether [s, e) lies inside one local working day's hours of `hours`."""
    local_s, local_e = s.astimezone(zone), e.astimezone(zone)
    window = hours.days.get(local_s.weekday())
    return (
        window is not None
        and local_s.date() == local_e.date()
        and window[0] <= local_s.time()
        and local_e.time() <= window[1]
    )


def _grid_start(moment: dt.datetime, step: dt.timedelta) -> dt.datetime:
    epoch = dt.datetime(2000, 1, 1, tzinfo=UTC)
    offset = (moment.astimezone(UTC) - epoch) % step
    return moment.astimezone(UTC) + ((step - offset) % step)


def suggest_slots(
    attendees: Sequence[Attendee],
    *,
    duration: dt.timedelta,
    window_start: dt.datetime,
    window_end: dt.datetime,
    count: int = 5,
    step: dt.timedelta = dt.timedelta(minutes=15),
    previous: dt.datetime | None = None,
    cadence: dt.timedelta | None = None,
    quorum: int | None = None,
) -> list[Slot]:
    """Up to `count` suggested times, in the order they should be offered (best first)."""
    if not attendees:
        raise ValueError("a meeting needs at least one attendee")
    need = len(attendees) if quorum is None else min(len(attendees), quorum)
    if need < 1:
        raise ValueError("a quorum must be at least one attendee")
    if duration <= dt.timedelta(0) or step <= dt.timedelta(0):
        raise ValueError("duration and step must be positive")
    if window_start.tzinfo is None or window_end.tzinfo is None:
        raise ValueError("the window must be given in aware datetimes")
    zones = [ZoneInfo(a.hours.zone) for a in attendees]
    busy = [_merged(a.busy) for a in attendees]
    first = window_start
    target = window_start
    if previous is not None and cadence is not None:
        first = max(first, previous + cadence / 2)
        target = max(window_start, previous + cadence)
    candidates: list[Slot] = []
    start = _grid_start(first, step)
    last = window_end.astimezone(UTC) - duration
    while start <= last:
        end = start + duration
        absent = _absent(attendees, zones, busy, start, end, len(attendees) - need)
        if absent is not None:
            candidates.append(Slot(start, end, absent))
        start += step
    return _spread(candidates, count, target, zones[0])


def _absent(
    attendees: Sequence[Attendee],
    zones: list[ZoneInfo],
    busy: list[tuple[list[dt.datetime], list[dt.datetime]]],
    start: dt.datetime,
    end: dt.datetime,
    may_miss: int,
) -> tuple[int, ...] | None:
    """Who cannot come to [start, end), or None when the time is not offered: unclear in
    any attendee's zone, the organizer (attendee 0) not free, or more than `may_miss` out."""
    absent: list[int] = []
    for i, (a, zone, spans) in enumerate(zip(attendees, zones, busy, strict=True)):
        if not (_within_hours(a.hours, zone, start, end) and _is_free(*spans, start, end)):
            if i == 0 or len(absent) == may_miss:
                return None
            absent.append(i)
    # Checked last (the costliest test), for every zone, the absent's too: the invitation
    # names the time in each of them.
    for zone in zones:
        if not (local_time_is_clear(start, zone) and local_time_is_clear(end, zone)):
            return None
    return tuple(absent)


def _spread(candidates: list[Slot], count: int, target: dt.datetime, zone: ZoneInfo) -> list[Slot]:
    """Times everyone can come to first (then those missing one person, ...), nearest the
    target first; one per organizer's day; times of day varied while possible."""
    ranked = sorted(
        candidates, key=lambda slot: (len(slot.absent), abs(slot.start - target), slot.start)
    )
    chosen: list[Slot] = []
    days: set[dt.date] = set()
    times: set[dt.time] = set()
    for allow_same_time in (False, True):
        for slot in ranked:
            if len(chosen) == count:
                return chosen
            local = slot.start.astimezone(zone)
            if local.date() in days or (not allow_same_time and local.time() in times):
                continue
            chosen.append(slot)
            days.add(local.date())
            times.add(local.time())
    return chosen
