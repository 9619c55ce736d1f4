"""The slot finder against brute force: every suggestion checked minute by minute in each
attendee's zone, local times checked for existence and ambiguity by enumerating the UTC
instants around them, and completeness and the first choice checked against every grid
start. Zones include the DST-heavy ones (30-minute DST at Lord Howe, +5:45, +12:45)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentorwise.availability.slots import Attendee, Slot, WorkingHours, suggest_slots

UTC = dt.UTC
ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "America/Sao_Paulo",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "Asia/Tokyo",
    "UTC",
]
STEP = dt.timedelta(minutes=15)


def clear(moment: dt.datetime, zone: ZoneInfo) -> bool:
    """Brute force: the wall-clock time of `moment` is shown by exactly one UTC minute."""
    wall = moment.astimezone(zone).replace(tzinfo=None)
    base = moment.astimezone(UTC).replace(second=0, microsecond=0)
    hits = 0
    for minutes in range(-26 * 60, 26 * 60 + 1):
        if (base + dt.timedelta(minutes=minutes)).astimezone(zone).replace(tzinfo=None) == wall:
            hits += 1
    return hits == 1


def valid(slot: Slot, attendees: list[Attendee], *, deep: bool = True) -> bool:
    for a in attendees:
        zone = ZoneInfo(a.hours.zone)
        day = slot.start.astimezone(zone).date()
        window = a.hours.days.get(day.weekday())
        if window is None:
            return False
        t = slot.start
        while t < slot.end:  # every 5 minutes inside working hours of the start's day
            local = t.astimezone(zone)
            if local.date() != day or not window[0] <= local.time() < window[1]:
                return False
            t += dt.timedelta(minutes=5)
        local_end = slot.end.astimezone(zone)
        if local_end.date() != day or local_end.time() > window[1]:
            return False
        for s, e in a.busy:
            if s < slot.end and slot.start < e:
                return False
        if deep and not (clear(slot.start, zone) and clear(slot.end, zone)):
            return False
    return True


def all_grid_slots(
    attendees: list[Attendee], start: dt.datetime, end: dt.datetime, duration: dt.timedelta
) -> list[Slot]:
    epoch = dt.datetime(2000, 1, 1, tzinfo=UTC)
    t = start + (-(start - epoch)) % STEP
    out = []
    while t + duration <= end:
        slot = Slot(t, t + duration)
        if valid(slot, attendees, deep=False) and all(
            _quick_clear(slot, ZoneInfo(a.hours.zone)) for a in attendees
        ):
            out.append(slot)
        t += STEP
    return out


def _quick_clear(slot: Slot, zone: ZoneInfo) -> bool:
    # Offsets an hour either side differ only around a transition: then use brute force.
    for moment in (slot.start, slot.end):
        before = (moment - dt.timedelta(hours=3)).astimezone(zone).utcoffset()
        after = (moment + dt.timedelta(hours=3)).astimezone(zone).utcoffset()
        if before != after and not clear(moment, zone):
            return False
    return True


@st.composite
def hours(draw: st.DrawFn) -> WorkingHours:
    zone = draw(st.sampled_from(ZONES))
    start = draw(st.integers(0, 20))
    length = draw(st.integers(2, 23 - start))
    days = draw(st.sets(st.integers(0, 6), min_size=1))
    window = (dt.time(start), dt.time(start + length) if start + length < 24 else dt.time(23, 59))
    return WorkingHours(zone=zone, days=dict.fromkeys(days, window))


# Windows around this year's DST changes (both hemispheres) and an ordinary week.
STARTS = [
    dt.datetime(2026, 3, 27, tzinfo=UTC),
    dt.datetime(2026, 4, 3, tzinfo=UTC),
    dt.datetime(2026, 9, 25, tzinfo=UTC),
    dt.datetime(2026, 10, 23, tzinfo=UTC),
    dt.datetime(2026, 10, 31, tzinfo=UTC),
    dt.datetime(2026, 6, 8, tzinfo=UTC),
]


@st.composite
def problems(draw: st.DrawFn) -> tuple[list[Attendee], dt.datetime, dt.datetime, dt.timedelta, int]:
    start = draw(st.sampled_from(STARTS)) + dt.timedelta(minutes=draw(st.integers(0, 23 * 60)))
    end = start + dt.timedelta(hours=draw(st.integers(12, 96)))
    attendees = []
    for _ in range(draw(st.integers(1, 3))):
        busy = []
        for _ in range(draw(st.integers(0, 12))):
            s = start + dt.timedelta(
                minutes=draw(st.integers(-120, int((end - start).total_seconds() // 60)))
            )
            busy.append((s, s + dt.timedelta(minutes=draw(st.integers(5, 240)))))
        attendees.append(Attendee(hours=draw(hours()), busy=busy))
    duration = dt.timedelta(minutes=draw(st.sampled_from([15, 30, 45, 60, 90])))
    return attendees, start, end, duration, draw(st.integers(1, 6))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_suggestion_is_valid_and_as_many_as_the_days_allow(problem) -> None:  # type: ignore[no-untyped-def]
    attendees, start, end, duration, count = problem
    found = suggest_slots(
        attendees, duration=duration, window_start=start, window_end=end, count=count
    )
    assert len(found) <= count
    for slot in found:
        assert slot.end - slot.start == duration
        assert start <= slot.start and slot.end <= end
        assert valid(slot, attendees), slot
    organizer = ZoneInfo(attendees[0].hours.zone)
    days = [s.start.astimezone(organizer).date() for s in found]
    assert len(days) == len(set(days)), "at most one suggestion per organizer's day"
    possible = all_grid_slots(attendees, start, end, duration)
    possible_days = {s.start.astimezone(organizer).date() for s in possible}
    assert len(found) == min(count, len(possible_days))
    if possible:
        best = min(possible, key=lambda s: (abs(s.start - start), s.start))
        assert found[0] == best


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.integers(2, 4), st.integers(1, 5))
def test_a_quorum_names_who_cannot_come_and_puts_full_attendance_first(  # type: ignore[no-untyped-def]
    problem, extra: int, quorum: int
) -> None:
    attendees, start, end, duration, count = problem
    attendees = attendees + [attendees[-1]] * (extra - 1)  # groups of up to 6
    found = suggest_slots(
        attendees,
        duration=duration,
        window_start=start,
        window_end=end,
        count=count,
        quorum=quorum,
    )
    need = min(quorum, len(attendees))

    def out(slot: Slot) -> tuple[int, ...]:
        # Brute force: who is outside their hours or busy, attendee by attendee.
        return tuple(i for i, a in enumerate(attendees) if not valid(slot, [a], deep=False))

    def offered(slot: Slot) -> bool:
        zones = [ZoneInfo(a.hours.zone) for a in attendees]
        missing = out(slot)
        return (
            0 not in missing
            and len(attendees) - len(missing) >= need
            and all(_quick_clear(slot, zone) for zone in zones)
        )

    for slot in found:
        assert slot.absent == out(Slot(slot.start, slot.end)), slot
        assert 0 not in slot.absent and len(attendees) - len(slot.absent) >= need
        assert valid(Slot(slot.start, slot.end), [attendees[0]])
        assert all(
            clear(slot.start, ZoneInfo(a.hours.zone)) and clear(slot.end, ZoneInfo(a.hours.zone))
            for a in attendees
        )
    epoch = dt.datetime(2000, 1, 1, tzinfo=UTC)
    t = start + (-(start - epoch)) % STEP
    grid = []
    while t + duration <= end:
        grid.append(Slot(t, t + duration))
        t += STEP
    possible = [slot for slot in grid if offered(slot)]
    assert bool(found) == bool(possible)
    if possible:
        fewest = min(len(out(slot)) for slot in possible)
        assert len(found[0].absent) == fewest, "the best attended time comes first"
    if quorum >= len(attendees):  # a quorum of everyone is no quorum
        plain = suggest_slots(
            attendees, duration=duration, window_start=start, window_end=end, count=count
        )
        assert [(s.start, s.absent) for s in found] == [(s.start, ()) for s in plain]


def test_the_repeated_hour_of_a_fall_back_is_never_offered() -> None:
    """Berlin falls back at 03:00 CEST on 25 October 2026: 02:00-03:00 happens twice."""
    berlin = WorkingHours("Europe/Berlin", {6: (dt.time(0), dt.time(6))})  # Sunday night
    start = dt.datetime(2026, 10, 24, 23, 30, tzinfo=UTC)  # 01:30 CEST
    found = suggest_slots(
        [Attendee(berlin)],
        duration=dt.timedelta(minutes=30),
        window_start=start,
        window_end=start + dt.timedelta(hours=6),
    )
    # 01:30-02:00 ends at an ambiguous 02:00; everything up to 03:00 CET is ambiguous too.
    assert found[0].start == dt.datetime(2026, 10, 25, 2, tzinfo=UTC)  # 03:00 CET


def test_cadence_sets_the_earliest_day_and_the_first_choice() -> None:
    ny = WorkingHours("America/New_York", {d: (dt.time(9), dt.time(17)) for d in range(7)})
    previous = dt.datetime(2026, 6, 1, 14, tzinfo=UTC)
    found = suggest_slots(
        [Attendee(ny), Attendee(WorkingHours("Europe/Berlin", ny.days))],
        duration=dt.timedelta(minutes=30),
        window_start=previous,
        window_end=previous + dt.timedelta(days=30),
        previous=previous,
        cadence=dt.timedelta(days=14),
    )
    assert abs(found[0].start - (previous + dt.timedelta(days=14))) < dt.timedelta(days=1)
    # Only days 5 and 8 after the last meeting are free: day 5 is too soon for a fortnightly
    # cadence (before half of it), day 8 is offered.
    free_days = {5, 8}
    busy = [
        (previous + dt.timedelta(days=d - 1), previous + dt.timedelta(days=d))
        for d in range(1, 31)
        if d not in free_days
    ]
    found = suggest_slots(
        [Attendee(ny, busy)],
        duration=dt.timedelta(minutes=30),
        window_start=previous,
        window_end=previous + dt.timedelta(days=30),
        previous=previous,
        cadence=dt.timedelta(days=14),
    )
    assert found and all(
        previous + dt.timedelta(days=7) <= s.start < previous + dt.timedelta(days=8) for s in found
    )


def test_a_group_with_no_common_working_time_gets_nothing() -> None:
    tokyo = WorkingHours("Asia/Tokyo", {d: (dt.time(9), dt.time(12)) for d in range(5)})
    ny = WorkingHours("America/New_York", {d: (dt.time(9), dt.time(12)) for d in range(5)})
    start = dt.datetime(2026, 6, 8, tzinfo=UTC)
    assert (
        suggest_slots(
            [Attendee(tokyo), Attendee(ny)],
            duration=dt.timedelta(minutes=30),
            window_start=start,
            window_end=start + dt.timedelta(days=14),
        )
        == []
    )


@pytest.mark.parametrize(
    "bad", [{"zone": "Mars/Olympus"}, {"days": {0: (dt.time(17), dt.time(9))}}]
)
def test_impossible_working_hours_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises((ValueError, KeyError)):
        WorkingHours(**{"zone": "UTC", **bad})  # type: ignore[arg-type]
