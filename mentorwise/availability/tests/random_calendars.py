"""Random calendars for checking the CalDAV events fallback against independent readers
(Radicale's own free-busy report, `recurring_ical_events`): single and recurring events
(daily, weekly, monthly; COUNT, UNTIL or endless), EXDATEs, RDATEs, overrides that move,
lengthen, cancel or free an instance, all-day and floating events, transparent, cancelled
and tentative ones, times in several zones (IANA names and a zone known only by its
VTIMEZONE) around the clock changes of spring and autumn."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from dateutil import rrule as dateutil_rrule

UTC = dt.UTC
ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]
# A TZID no zone database knows: only its VTIMEZONE (Berlin's rules) says what it means.
CUSTOM = "Custom/Central European"
STAMP = "%Y%m%dT%H%M%S"
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@dataclass(frozen=True)
class RandomCalendar:
    objects: list[tuple[str, str]]  # (uid, iCalendar text), one event (series) each
    start: dt.datetime  # the window, UTC
    end: dt.datetime
    zone: str  # the person's


def _rules(standard: tuple[str, str, str, str], daylight: tuple[str, str, str, str] | None) -> str:
    """A VTIMEZONE body as calendar clients write it: one yearly rule per observance
    (DTSTART, RRULE, offset from, offset to)."""
    out = []
    for kind, rule in (("STANDARD", standard), ("DAYLIGHT", daylight)):
        if rule is None:
            continue
        start, recurrence, before, after = rule
        out += [f"BEGIN:{kind}", f"DTSTART:{start}"]
        out += [f"RRULE:{recurrence}"] if recurrence else []
        out += [f"TZOFFSETFROM:{before}", f"TZOFFSETTO:{after}", f"END:{kind}"]
    return "\r\n".join(out)


_BERLIN = _rules(
    ("19701025T030000", "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "+0200", "+0100"),
    ("19700329T020000", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "+0100", "+0200"),
)
VTIMEZONES = {
    "Europe/Berlin": _BERLIN,
    CUSTOM: _BERLIN,
    "America/New_York": _rules(
        ("19701101T020000", "FREQ=YEARLY;BYMONTH=11;BYDAY=1SU", "-0400", "-0500"),
        ("19700308T020000", "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "-0500", "-0400"),
    ),
    "Australia/Lord_Howe": _rules(
        ("19700405T020000", "FREQ=YEARLY;BYMONTH=4;BYDAY=1SU", "+1100", "+1030"),
        ("19701004T020000", "FREQ=YEARLY;BYMONTH=10;BYDAY=1SU", "+1030", "+1100"),
    ),
    "Asia/Kolkata": _rules(("19700101T000000", "", "+0530", "+0530"), None),
}


def vtimezone(tzid: str) -> str:
    return f"BEGIN:VTIMEZONE\r\nTZID:{tzid}\r\n{VTIMEZONES[tzid]}\r\nEND:VTIMEZONE"


class _Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.zones: set[str] = set()

    def moment(self, name: str, value: dt.datetime | dt.date, form: str, tzid: str) -> str:
        if form == "date":
            assert isinstance(value, dt.date)
            day = value.date() if isinstance(value, dt.datetime) else value
            return f"{name};VALUE=DATE:{day.strftime('%Y%m%d')}"
        assert isinstance(value, dt.datetime)
        if form == "utc":
            # The naive wall time is read in tzid and written in UTC.
            instant = value.replace(tzinfo=_zone(tzid)).astimezone(UTC)
            return f"{name}:{instant.strftime(STAMP)}Z"
        if form == "floating":
            return f"{name}:{value.strftime(STAMP)}"
        self.zones.add(tzid)
        return f"{name};TZID={tzid}:{value.strftime(STAMP)}"


def _zone(tzid: str) -> dt.tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Berlin" if tzid == CUSTOM else tzid)


def _status(rng: random.Random) -> list[str]:
    roll = rng.random()
    if roll < 0.12:
        return ["TRANSP:TRANSPARENT"]
    if roll < 0.22:
        return ["STATUS:CANCELLED"]
    if roll < 0.32:
        return ["STATUS:TENTATIVE"]
    if roll < 0.4:
        return ["TRANSP:OPAQUE", "STATUS:CONFIRMED"]
    return []


def random_calendar(seed: int, events: int = 24, *, date_overrides: bool = True) -> RandomCalendar:
    rng = random.Random(seed)
    base = rng.choice([dt.datetime(2026, 3, 1), dt.datetime(2026, 10, 12)])
    window_start = base + dt.timedelta(days=rng.randrange(12), hours=rng.randrange(24))
    window_end = window_start + dt.timedelta(days=rng.randrange(10, 43))
    person = rng.choice([*ZONES, "UTC"])
    objects = []
    for n in range(events):
        objects.append(
            (f"ev-{seed}-{n}@test", _one(rng, n, seed, window_start, window_end, date_overrides))
        )
    return RandomCalendar(
        objects,
        window_start.replace(tzinfo=UTC),
        window_end.replace(tzinfo=UTC),
        person,
    )


def _one(
    rng: random.Random, n: int, seed: int, lo: dt.datetime, hi: dt.datetime, date_overrides: bool
) -> str:
    writer = _Writer(rng)
    uid = f"ev-{seed}-{n}@test"
    form = rng.choice(["utc", "tzid", "tzid", "floating", "date"])
    tzid = "UTC" if form == "utc" else rng.choice([*ZONES, CUSTOM])
    recurring = rng.random() < 0.55
    span = (hi - lo).days
    day = lo + dt.timedelta(days=rng.randrange(-45 if recurring else -3, span + 3))
    # Often in the night hours a clock change skips or repeats.
    hour = rng.choice([1, 2, 2, 3, 8, 9, 12, 15, 22, 23])
    start = day.replace(hour=hour, minute=rng.choice([0, 15, 30, 45]), second=0)
    if form == "date":
        start = start.replace(hour=0, minute=0)
    lines = [f"UID:{uid}", "DTSTAMP:20260101T000000Z", writer.moment("DTSTART", start, form, tzid)]
    if form == "date":
        days = rng.choice([1, 1, 2, 3])
        if rng.random() < 0.3:
            lines.append(f"DURATION:P{days}D")
        elif rng.random() < 0.9:
            lines.append(writer.moment("DTEND", start + dt.timedelta(days=days), form, tzid))
        length = dt.timedelta(days=days)
    else:
        minutes = rng.choice([15, 30, 45, 60, 90, 120, 240, 600])
        length = dt.timedelta(minutes=minutes)
        if rng.random() < 0.3:
            lines.append(f"DURATION:PT{minutes // 60}H{minutes % 60}M")
        else:
            lines.append(writer.moment("DTEND", start + length, form, tzid))
    lines += _status(rng)
    lines.append(f"SUMMARY:Private meeting {n}")
    overrides: list[list[str]] = []
    if recurring:
        rule = _rule(rng, form, start, tzid)
        lines.append(f"RRULE:{rule}")
        instances = _instances(rule, start, form, tzid)
        rng.shuffle(instances)
        # Removed instances and changed ones are different instances (a client that
        # deletes an instance drops its override).
        removed, changed = instances[: rng.randrange(0, 4)], instances[4 : 4 + rng.randrange(0, 4)]
        for moment in removed:
            lines.append(writer.moment("EXDATE", moment, form, tzid))
        if rng.random() < 0.25:
            extra = start + dt.timedelta(days=rng.randrange(1, 30), hours=rng.randrange(-3, 4))
            lines.append(writer.moment("RDATE", extra, form, tzid))
        if form == "date" and not date_overrides:
            changed = []
        for moment in changed:
            overrides.append(_override(rng, writer, uid, moment, form, tzid, length))
    components = ["BEGIN:VEVENT", *lines]
    if rng.random() < 0.2:
        components += ["BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT15M", "END:VALARM"]
    components.append("END:VEVENT")
    for override in overrides:
        components += ["BEGIN:VEVENT", *override, "END:VEVENT"]
    zones = [vtimezone(z) for z in sorted(writer.zones)]
    return "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//test//EN",
            *zones,
            *components,
            "END:VCALENDAR",
            "",
        ]
    )


def _rule(rng: random.Random, form: str, start: dt.datetime, tzid: str) -> str:
    kind = rng.choice(["daily", "weekly", "weekly-days", "monthly"])
    parts = {
        "daily": ["FREQ=DAILY", f"INTERVAL={rng.choice([1, 1, 2, 3])}"],
        "weekly": ["FREQ=WEEKLY", f"INTERVAL={rng.choice([1, 2])}"],
        # DTSTART is one of the rule's days: where it is not, implementations differ
        # on whether it counts towards COUNT (RFC 5545 says it does).
        "weekly-days": [
            "FREQ=WEEKLY",
            f"BYDAY={DAYS[start.weekday()]},{DAYS[(start.weekday() + 2) % 7]}",
        ],
        "monthly": ["FREQ=MONTHLY", f"BYMONTHDAY={start.day}"],
    }[kind]
    end = rng.random()
    if end < 0.35:
        parts.append(f"COUNT={rng.randrange(2, 40)}")
    elif end < 0.7:
        until = start + dt.timedelta(days=rng.randrange(5, 90))
        if form == "date":
            parts.append(f"UNTIL={until.strftime('%Y%m%d')}")
        elif form == "floating":
            parts.append(f"UNTIL={until.strftime(STAMP)}")
        else:
            instant = until.replace(tzinfo=_zone(tzid)).astimezone(UTC)
            parts.append(f"UNTIL={instant.strftime(STAMP)}Z")
    return ";".join(parts)


def _instances(rule: str, start: dt.datetime, form: str, tzid: str) -> list[dt.datetime]:
    """Some of the rule's starts (naive wall times in the series' zone), to pick from."""
    text = ";".join(p for p in rule.split(";") if not p.startswith("UNTIL"))
    rule_set = dateutil_rrule.rrulestr(text, dtstart=start, ignoretz=True)
    return list(rule_set[:40])  # type: ignore[index]


def _override(
    rng: random.Random,
    writer: _Writer,
    uid: str,
    original: dt.datetime,
    form: str,
    tzid: str,
    length: dt.timedelta,
) -> list[str]:
    lines = [
        f"UID:{uid}",
        "DTSTAMP:20260101T000000Z",
        writer.moment("RECURRENCE-ID", original, form, tzid),
    ]
    if form == "date":
        moved = original + dt.timedelta(days=rng.randrange(-2, 3))
        lines += [
            writer.moment("DTSTART", moved, form, tzid),
            writer.moment("DTEND", moved + length, form, tzid),
        ]
    else:
        moved = original + dt.timedelta(hours=rng.randrange(-30, 31), minutes=rng.choice([0, 30]))
        new_length = rng.choice([length, length * 2, dt.timedelta(minutes=30)])
        lines += [
            writer.moment("DTSTART", moved, form, tzid),
            writer.moment("DTEND", moved + new_length, form, tzid),
        ]
    lines += _status(rng)
    lines.append("SUMMARY:Moved")
    return lines
