"""Busy time from iCalendar events, for CalDAV servers that refuse the free-busy report.

A calendar-query answer holds one iCalendar object per event (a recurring event's master
with its overrides). Each is read line by line for the few properties that decide when a
person is busy (DTSTART, DTEND, DURATION, RRULE, RDATE, EXDATE, RECURRENCE-ID, TRANSP,
STATUS); every other property (summary, description, attendees, alarms) is skipped
unread. Recurring events are expanded only over the window asked for. What comes out is
the busy intervals in UTC, as a free-busy report gives them (RFC 4791 §7.10):

* TRANSP:TRANSPARENT and STATUS:CANCELLED instances are not busy (an override decides
  for its own instance);
* EXDATE removes instances, RDATE adds them (a PERIOD with its own end), an override
  (RECURRENCE-ID) replaces its instance wherever it moved, RANGE=THISANDFUTURE shifts that
  and every later instance;
* times with a TZID are wall-clock times of that zone (an IANA name, a Windows name, else
  the VTIMEZONE sent with the event); a time a clock change skips is read with the offset
  before the change (RFC 5545 §3.3.5);
* all-day events and floating times are the person's own days and times, in `zone`.

Nothing is kept: the text is reduced to intervals and dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from dateutil import rrule as dateutil_rrule

UTC = dt.UTC
Interval = tuple[dt.datetime, dt.datetime]
Moment = dt.datetime | dt.date  # aware datetime (its zone's wall clock), or an all-day date

# The properties read; every other line of an event is skipped.
WANTED = frozenset(
    {"DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"}
    | {"TRANSP", "STATUS", "EXRULE", "UID"}
)

# At most this many occurrences of one rule are walked before the window (a rule every
# minute for years would otherwise be walked to the end).
MAX_OCCURRENCES = 200_000


def basic_datetime(text: str, zone: dt.tzinfo) -> dt.datetime:
    """An iCalendar DATE-TIME in its basic form (19970714T173000, a trailing Z allowed) as
    a wall-clock time of `zone`; sliced, not strptime'd: a year of events is thousands."""
    return dt.datetime(
        int(text[0:4]),
        int(text[4:6]),
        int(text[6:8]),
        int(text[9:11]),
        int(text[11:13]),
        int(text[13:15]),
        tzinfo=zone,
    )


@dataclass
class _Event:
    """The busy-relevant properties of one VEVENT, as text until needed."""

    props: dict[str, tuple[dict[str, str], str]] = field(default_factory=dict)
    rrules: list[str] = field(default_factory=list)
    exrules: list[str] = field(default_factory=list)
    rdates: list[tuple[dict[str, str], str]] = field(default_factory=list)
    exdates: list[tuple[dict[str, str], str]] = field(default_factory=list)

    def value(self, name: str) -> str:
        found = self.props.get(name)
        return found[1].strip().upper() if found else ""

    def is_busy(self) -> bool:
        return self.value("TRANSP") != "TRANSPARENT" and self.value("STATUS") != "CANCELLED"


def _split(line: str) -> tuple[str, dict[str, str], str]:
    """A content line's name, parameters and value (parameter values may be quoted)."""
    colon = line.find(":")
    semi = line.find(";")
    if colon < 0:
        raise ValueError(f"not an iCalendar content line: {line[:40]!r}")
    if semi < 0 or semi > colon:
        return line[:colon].upper(), {}, line[colon + 1 :]
    name = line[:semi].upper()
    params: dict[str, str] = {}
    i, n = semi, len(line)
    while i < n and line[i] == ";":
        eq = line.find("=", i)
        if eq < 0:
            raise ValueError(f"a parameter without a value: {line[:40]!r}")
        key = line[i + 1 : eq].upper()
        j = eq + 1
        if j < n and line[j] == '"':
            close = line.find('"', j + 1)
            if close < 0:
                raise ValueError(f"an unclosed quote: {line[:40]!r}")
            params[key] = line[j + 1 : close]
            i = close + 1
        else:
            k = j
            while k < n and line[k] not in ";:":
                k += 1
            params[key] = line[j:k]
            i = k
    if i >= n or line[i] != ":":
        raise ValueError(f"not an iCalendar content line: {line[:40]!r}")
    return name, params, line[i + 1 :]


# The lines that matter, found by the regular expression engine (every other line of an
# event, however long, is skipped without a Python step): component boundaries and the
# properties in WANTED.
_LINES = re.compile(
    r"^(?:(BEGIN|END):([A-Za-z0-9-]+)[ \t]*"
    r"|(DTSTART|DTEND|DURATION|RRULE|RDATE|EXDATE|EXRULE|RECURRENCE-ID|TRANSP|STATUS|UID)"
    r"([;:].*?))\r?$",
    re.MULTILINE | re.IGNORECASE,
)
_TZID = re.compile(r"^TZID[;:].*?\r?$", re.MULTILINE | re.IGNORECASE)


def _read(text: str) -> tuple[list[_Event], dict[str, str]]:
    """The VEVENTs of one iCalendar object, and its VTIMEZONEs' text by TZID."""
    text = _unfold(text)
    events: list[_Event] = []
    zones: dict[str, str] = {}
    event: _Event | None = None
    nested = 0  # depth inside a VEVENT's own components (VALARM), or inside a VTIMEZONE
    zone_start = -1
    for match in _LINES.finditer(text):
        boundary, component, name, rest = match.groups()
        if zone_start >= 0:  # inside a VTIMEZONE: only its end matters
            if boundary and component.upper() == "VTIMEZONE" and boundary.upper() == "END":
                block = text[zone_start : match.end()]
                found = _TZID.search(block)
                if found:
                    zones[_split(found.group().rstrip("\r"))[2].strip()] = block
                zone_start = -1
            continue
        if boundary:
            begin = boundary.upper() == "BEGIN"
            kind = component.upper()
            if event is None:
                if begin and kind == "VEVENT":
                    event = _Event()
                elif begin and kind == "VTIMEZONE":
                    zone_start = match.start()
            elif begin:
                nested += 1
            elif nested:
                nested -= 1
            else:
                events.append(event)
                event = None
            continue
        if event is None or nested:
            continue
        params: dict[str, str]
        if rest[0] == ":":
            name, params, value = name.upper(), {}, rest[1:]
        else:
            name, params, value = _split(name + rest)
        if name == "RRULE":
            event.rrules.append(value)
        elif name == "EXRULE":
            event.exrules.append(value)
        elif name == "RDATE":
            event.rdates.append((params, value))
        elif name == "EXDATE":
            event.exdates.append((params, value))
        else:
            event.props[name] = (params, value)
    return events, zones


def _unfold(text: str) -> str:
    if "\n " in text or "\n\t" in text:
        return (
            text.replace("\r\n ", "").replace("\r\n\t", "").replace("\n ", "").replace("\n\t", "")
        )
    return text


@lru_cache(maxsize=512)
def _named_zone(tzid: str) -> dt.tzinfo | None:
    """The zone an IANA or Windows name (or a vendor-prefixed IANA name) stands for."""
    try:
        return ZoneInfo(tzid)
    except (ValueError, OSError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        pass
    import warnings

    from icalendar.timezone import tzp

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found: dt.tzinfo | None = tzp.timezone(tzid)
    return found


@lru_cache(maxsize=64)
def _defined_zone(definition: str) -> dt.tzinfo:
    """A zone from its VTIMEZONE (a name no database knows)."""
    from icalendar import Calendar

    wrapped = f"BEGIN:VCALENDAR\r\n{definition}\r\nEND:VCALENDAR\r\n"
    component: Any = Calendar.from_ical(wrapped).walk("VTIMEZONE")[0]
    zone: dt.tzinfo = component.to_tz(lookup_tzid=False)
    return zone


class _Reader:
    """Turns property values into moments, with the zones of one iCalendar object."""

    def __init__(self, zones: dict[str, str], person: dt.tzinfo) -> None:
        self.zones = zones
        self.person = person

    def zone(self, tzid: str) -> dt.tzinfo:
        found = _named_zone(tzid)
        if found is not None:
            return found
        definition = self.zones.get(tzid)
        if definition is None:
            raise ValueError(f"time zone {tzid[:60]!r} is neither known nor defined")
        return _defined_zone(definition)

    def moments(self, params: dict[str, str], value: str) -> list[Moment]:
        return [self.moment(params, part) for part in value.split(",") if part.strip()]

    def moment(self, params: dict[str, str], value: str) -> Moment:
        text = value.strip()
        if params.get("VALUE", "").upper() == "DATE" or len(text) == 8:
            return dt.date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
        if len(text) < 15 or text[8] != "T":
            raise ValueError(f"not a DATE-TIME: {text[:20]!r}")
        if text.endswith("Z"):
            zone: dt.tzinfo = UTC
        elif "TZID" in params:
            zone = self.zone(params["TZID"])
        else:
            zone = self.person  # floating: the person's own wall clock
        return basic_datetime(text, zone)

    def instant(self, moment: Moment) -> dt.datetime:
        """A moment in UTC: an all-day date is its midnight in the person's zone."""
        if isinstance(moment, dt.datetime):
            return moment.astimezone(UTC)
        return dt.datetime.combine(moment, dt.time(), tzinfo=self.person).astimezone(UTC)


def _parse_duration(text: str) -> tuple[int, int]:
    """An RFC 5545 DURATION as (nominal days, exact seconds): P1W2DT3H is (9, 10800)."""
    text = text.strip().upper()
    sign = -1 if text.startswith("-") else 1
    text = text.lstrip("+-")
    if not text.startswith("P"):
        raise ValueError(f"not a DURATION: {text[:20]!r}")
    days_part, _t, time_part = text[1:].partition("T")
    days = seconds = 0
    number = ""
    for char in days_part:
        if char.isdigit():
            number += char
        elif number:
            days += int(number) * (7 if char == "W" else 1)
            number = ""
        else:
            raise ValueError(f"not a DURATION: {text[:20]!r}")
    units = {"H": 3600, "M": 60, "S": 1}
    for char in time_part:
        if char.isdigit():
            number += char
        elif number and char in units:
            seconds += int(number) * units[char]
            number = ""
        else:
            raise ValueError(f"not a DURATION: {text[:20]!r}")
    return sign * days, sign * seconds


@dataclass(frozen=True)
class _Length:
    """How long each instance of an event lasts, added to an instance's start on its own
    wall clock: 09:00-10:00 in Berlin is 09:00-10:00 on every day of the series, and an
    instance spanning a clock change ends at the same wall-clock time as the others (as
    Python's arithmetic of aware times does, and with it Radicale's free-busy report and
    `recurring_ical_events`). All-day events last whole days of the person's zone."""

    delta: dt.timedelta = dt.timedelta(0)

    def end(self, start: Moment, reader: _Reader) -> dt.datetime:
        if isinstance(start, dt.datetime):
            return (start + self.delta).astimezone(UTC)
        days = dt.timedelta(days=self.delta.days)
        return reader.instant(start + days) + (self.delta - days)


def _length(event: _Event, start: Moment, reader: _Reader) -> _Length:
    if "DTEND" in event.props:
        finish = reader.moment(*event.props["DTEND"])
        if isinstance(start, dt.datetime) and isinstance(finish, dt.datetime):
            # Same zone: the wall-clock difference; different zones: the exact one.
            return _Length(finish - start)
        if not isinstance(start, dt.datetime) and not isinstance(finish, dt.datetime):
            return _Length(dt.timedelta(days=(finish - start).days))
        return _Length(reader.instant(finish) - reader.instant(start))
    if "DURATION" in event.props:
        days, seconds = _parse_duration(event.props["DURATION"][1])
        return _Length(dt.timedelta(days=days, seconds=seconds))
    return _Length(dt.timedelta(days=0 if isinstance(start, dt.datetime) else 1))


def _key(moment: Moment) -> dt.datetime | dt.date:
    """What identifies an instance (RECURRENCE-ID, EXDATE): its UTC instant, or its date."""
    return moment.astimezone(UTC) if isinstance(moment, dt.datetime) else moment


def _until_local(rule: str, start: Moment) -> str:
    """The rule with a UTC UNTIL written in the start's wall clock (dateutil expands naive
    times and refuses a UTC UNTIL with them)."""
    parts = rule.strip().split(";")
    for n, part in enumerate(parts):
        name, _eq, value = part.partition("=")
        if name.strip().upper() != "UNTIL":
            continue
        value = value.strip()
        if value.upper().endswith("Z") and len(value) >= 16:
            until = dt.datetime(
                int(value[0:4]),
                int(value[4:6]),
                int(value[6:8]),
                int(value[9:11]),
                int(value[11:13]),
                int(value[13:15]),
                tzinfo=UTC,
            )
            if isinstance(start, dt.datetime):
                local = until.astimezone(start.tzinfo).replace(tzinfo=None)
            else:
                local = until.replace(tzinfo=None)
            parts[n] = "UNTIL=" + local.strftime("%Y%m%dT%H%M%S")
        elif len(value) == 8 and isinstance(start, dt.datetime):
            # A DATE until with timed instances: through the end of that day.
            parts[n] = f"UNTIL={value}T235959"
    return ";".join(parts)


def _rule_fields(rule: str) -> dict[str, str]:
    out = {}
    for part in rule.strip().split(";"):
        name, _eq, value = part.partition("=")
        out[name.strip().upper()] = value.strip().upper()
    return out


def _walk_start(rule: str, first: dt.datetime, after: dt.datetime) -> dt.datetime:
    """A later start for expanding `rule` that yields the same occurrences from `after` on:
    whole periods of a DAILY or WEEKLY rule without COUNT are skipped (its occurrences repeat
    every INTERVAL periods, and moving the start by whole periods keeps its weekday and time
    of day, which are all dateutil takes from it for these), so a daily meeting of many
    years costs only the window."""
    fields = _rule_fields(rule)
    if "COUNT" in fields or "BYSETPOS" in fields or fields.get("FREQ") not in ("DAILY", "WEEKLY"):
        return first
    period = int(fields.get("INTERVAL") or "1") * (7 if fields["FREQ"] == "WEEKLY" else 1)
    skip = (after - first).days // period - 1
    if skip <= 0:
        return first
    return first + dt.timedelta(days=skip * period)


def _occurrences(
    event: _Event, start: Moment, after: dt.datetime, before: dt.datetime
) -> Iterator[Moment]:
    """The rule-made starts of a recurring event from `after` to `before` (naive wall-clock
    bounds in the start's zone), in the start's zone (DTSTART itself is not among them)."""
    is_date = not isinstance(start, dt.datetime)
    naive_start = (
        dt.datetime.combine(start, dt.time())
        if not isinstance(start, dt.datetime)
        else start.replace(tzinfo=None)
    )
    rules = dateutil_rrule.rruleset()
    for text in event.rrules:
        rule_text = _until_local(text, start)
        first = _walk_start(rule_text, naive_start, after)
        rule = _rrule(rule_text, first)
        count = _rule_fields(rule_text).get("COUNT")
        if count and next(iter(rule), None) != naive_start:
            # DTSTART counts as the first of COUNT occurrences even when the rule would
            # not make it (RFC 5545 §3.3.10).
            rule = rule.replace(count=max(int(count) - 1, 0))
        rules.rrule(rule)
    for text in event.exrules:
        rules.exrule(_rrule(_until_local(text, start), naive_start))
    zone = None if is_date else start.tzinfo  # type: ignore[union-attr]
    for n, naive in enumerate(rules):
        if naive > before or n > MAX_OCCURRENCES:
            break
        if naive < after:
            continue
        yield naive.date() if is_date else naive.replace(tzinfo=zone)


def _rrule(text: str, dtstart: dt.datetime) -> dateutil_rrule.rrule:
    rule = dateutil_rrule.rrulestr(text, dtstart=dtstart, ignoretz=True)
    if not isinstance(rule, dateutil_rrule.rrule):
        raise ValueError(f"not one recurrence rule: {text[:60]!r}")
    return rule


def _expanded(
    event: _Event,
    reader: _Reader,
    lo: dt.datetime,
    hi: dt.datetime,
    removed: set[dt.datetime | dt.date],
) -> Iterator[tuple[Moment, dt.datetime, dt.datetime]]:
    """(original start, busy start, busy end) of each instance of a master that meets
    [lo, hi), except those in `removed` (EXDATEs and overridden instances)."""
    params, value = event.props["DTSTART"]
    start = reader.moment(params, value)
    length = _length(event, start, reader)
    for ex_params, ex_value in event.exdates:
        for moment in reader.moments(ex_params, ex_value):
            removed.add(_key(moment))
    seen: set[dt.datetime | dt.date] = set()

    def emit(
        moment: Moment, end: dt.datetime | None = None
    ) -> Iterator[tuple[Moment, dt.datetime, dt.datetime]]:
        key = _key(moment)
        if key in seen or key in removed:
            return
        seen.add(key)
        begin = reader.instant(moment)
        finish = end if end is not None else length.end(moment, reader)
        if begin < hi and finish > lo:
            yield moment, begin, finish

    yield from emit(start)  # DTSTART is always the first instance
    for rd_params, rd_value in event.rdates:
        for part in rd_value.split(","):
            if not part.strip():
                continue
            if rd_params.get("VALUE", "").upper() == "PERIOD" or "/" in part:
                first_text, _slash, second_text = part.partition("/")
                moment = reader.moment(rd_params, first_text)
                if second_text.strip().upper().lstrip("+-").startswith("P"):
                    days, seconds = _parse_duration(second_text)
                    length_ = _Length(dt.timedelta(days=days, seconds=seconds))
                    finish = length_.end(moment, reader)
                else:
                    finish = reader.instant(reader.moment(rd_params, second_text))
                yield from emit(moment, finish)
            else:
                yield from emit(reader.moment(rd_params, part))
    if event.rrules:
        tz = start.tzinfo if isinstance(start, dt.datetime) else reader.person
        margin = abs(length.delta) + dt.timedelta(days=2)
        after = (lo - margin).astimezone(tz).replace(tzinfo=None)
        before = (hi + dt.timedelta(days=2)).astimezone(tz).replace(tzinfo=None)
        for moment in _occurrences(event, start, after, before):
            yield from emit(moment)


# Words that send an object down the full path (a false alarm, in a description, only costs
# time).
_NOT_SIMPLE = ("RRULE", "RDATE", "EXRULE", "RECURRENCE-ID", "TZID")


@lru_cache(maxsize=8)
def _utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _simple(text: str, lo: dt.datetime, hi: dt.datetime) -> list[Interval] | None:
    """[] for the commonest object, one event at UTC times that does not recur, when it lies
    outside the window, found with string searches only (a server ignoring the time range
    sends a year of them); None for any other object, read in full."""
    upper = text.upper()
    if upper.count("BEGIN:VEVENT") != 1 or any(word in upper for word in _NOT_SIMPLE):
        return None
    at = upper.find("\nDTSTART:") + 9  # an event's own: a VALARM has no DTSTART
    start = upper[at : at + 16]
    if at < 9 or start[15:] != "Z" or upper[at + 16 : at + 17] not in ("\r", "\n"):
        return None
    if start >= _utc_text(hi):
        return []  # starts after the window
    at = upper.find("\nDTEND:") + 7
    end = upper[at : at + 16]
    ended = at >= 7 and end[15:] == "Z" and upper[at + 16 : at + 17] in ("\r", "\n")
    if ended and end <= _utc_text(lo):
        return []  # ended before it
    return None


def busy_from_ics(
    text: str, start: dt.datetime, end: dt.datetime, zone: dt.tzinfo = UTC
) -> list[Interval]:
    """The busy intervals, in UTC, that one iCalendar object's events put in [start, end)
    (not clipped: an interval may begin before `start` or end after `end`). `zone` is the
    person's, for all-day events and floating times."""
    lo, hi = start.astimezone(UTC), end.astimezone(UTC)
    simple = _simple(text, lo, hi)
    if simple is not None:
        return simple
    events, zones = _read(text)
    reader = _Reader(zones, zone)
    out: list[Interval] = []
    if len(events) == 1:
        event = events[0]
        if "DTSTART" not in event.props:
            return out
        if not (event.rrules or event.rdates or "RECURRENCE-ID" in event.props):
            # The common case: one event, no recurrence.
            if event.is_busy():
                moment = reader.moment(*event.props["DTSTART"])
                begin = reader.instant(moment)
                if begin < hi:
                    finish = _length(event, moment, reader).end(moment, reader)
                    if finish > lo:
                        out.append((begin, finish))
            return out
    by_uid: dict[str, list[_Event]] = {}
    for event in events:
        if "DTSTART" in event.props:
            by_uid.setdefault(event.value("UID"), []).append(event)
    for group in by_uid.values():
        out.extend(_series_busy(group, reader, lo, hi))
    return [(s, e) for s, e in out if s < hi and e > lo]


def _series_busy(
    events: list[_Event], reader: _Reader, lo: dt.datetime, hi: dt.datetime
) -> Iterator[Interval]:
    """The busy intervals of one event's components: its master(s) and overrides."""
    single: dict[dt.datetime | dt.date, _Event] = {}
    future: list[tuple[Moment, _Event]] = []
    masters = []
    for event in events:
        if "RECURRENCE-ID" not in event.props:
            masters.append(event)
            continue
        params, value = event.props["RECURRENCE-ID"]
        original = reader.moment(params, value)
        if params.get("RANGE", "").upper() == "THISANDFUTURE":
            future.append((original, event))
        else:
            single[_key(original)] = event
    future.sort(key=lambda item: reader.instant(item[0]))
    for master in masters:
        if not (master.rrules or master.rdates):
            if master.is_busy():
                moment = reader.moment(*master.props["DTSTART"])
                finish = _length(master, moment, reader).end(moment, reader)
                yield reader.instant(moment), finish
            continue
        # A THISANDFUTURE override may move instances from outside the window into it.
        widest_lo, widest_hi = lo, hi
        for original, event in future:
            shift = reader.instant(reader.moment(*event.props["DTSTART"])) - reader.instant(
                original
            )
            widest_lo, widest_hi = min(widest_lo, lo - abs(shift)), max(widest_hi, hi + abs(shift))
        for original, begin, finish in _expanded(master, reader, widest_lo, widest_hi, set(single)):
            owner = master
            for since, event in future:
                if reader.instant(original) >= reader.instant(since):
                    # This and later instances: moved as the override moved its own, and
                    # as long as it is.
                    owner = event
                    new_start = reader.moment(*event.props["DTSTART"])
                    shift = reader.instant(new_start) - reader.instant(since)
                    moved = _shifted(original, shift)
                    begin = reader.instant(moved)
                    finish = _length(event, new_start, reader).end(moved, reader)
            if owner.is_busy():
                yield begin, finish
    for event in single.values():
        if event.is_busy():
            moment = reader.moment(*event.props["DTSTART"])
            finish = _length(event, moment, reader).end(moment, reader)
            yield reader.instant(moment), finish


def _shifted(moment: Moment, shift: dt.timedelta) -> Moment:
    if isinstance(moment, dt.datetime):
        return (moment.astimezone(UTC) + shift).astimezone(moment.tzinfo)
    return moment + dt.timedelta(days=shift.days)


def busy_from_objects(
    texts: Iterable[str], start: dt.datetime, end: dt.datetime, zone: dt.tzinfo = UTC
) -> list[Interval]:
    """The busy intervals of many iCalendar objects (a calendar-query answer's)."""
    out: list[Interval] = []
    for text in texts:
        out.extend(busy_from_ics(text, start, end, zone))
    return out
