"""CalDAV (RFC 4791) with the `caldav` client: busy time from a free-busy-query REPORT
(reduced to its FREEBUSY periods), or, from servers that do not answer one, from one
calendar-query REPORT for the window's events asking only for their times (partial
retrieval), reduced to busy intervals at once by `ical_busy` (recurrences expanded over the
window only; all-day events in the person's zone). The meeting is written as a VEVENT whose
UID is the meeting's own (the .ics invitation's).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import caldav
from caldav.lib import error as caldav_error
from icalendar import Calendar, Event, vCalAddress
from lxml import etree

from mentorwise.availability.providers.base import (
    TIMEOUT,
    EventData,
    EventResult,
    Interval,
    ProviderError,
    clip,
    utc,
)
from mentorwise.availability.providers.ical_busy import basic_datetime, busy_from_objects

CALDAV_NS = "urn:ietf:params:xml:ns:caldav"
# No entities, no network, and room for a year of events in one answer.
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def _instant(text: str) -> dt.datetime:
    """A UTC DATE-TIME (19970714T173000Z); sliced, not strptime'd: a year of busy periods
    is thousands of these."""
    if len(text) != 16 or text[8] != "T" or text[15] != "Z":
        raise ValueError(f"not a UTC date-time: {text[:20]!r}")
    return basic_datetime(text, dt.UTC)


def _duration(text: str) -> dt.timedelta:
    """An RFC 5545 DURATION such as PT1H30M or P1DT2H (weeks too)."""
    sign = -1 if text.startswith("-") else 1
    text = text.lstrip("+-").removeprefix("P")
    days_part, _t, time_part = text.partition("T")
    total = dt.timedelta()
    number = ""
    for char in days_part:
        if char.isdigit():
            number += char
        else:
            total += dt.timedelta(days=int(number) * (7 if char == "W" else 1))
            number = ""
    units = {"H": 3600, "M": 60, "S": 1}
    for char in time_part:
        if char.isdigit():
            number += char
        else:
            total += dt.timedelta(seconds=int(number) * units[char])
            number = ""
    return sign * total


def busy_from_vfreebusy(text: str) -> list[Interval]:
    """The busy periods of a VFREEBUSY answer (FBTYPE BUSY, BUSY-TENTATIVE and
    BUSY-UNAVAILABLE; FREE is skipped). Periods are UTC, as RFC 5545 requires for FREEBUSY."""
    out: list[Interval] = []
    # Unfold continuation lines (a line break followed by a space or tab).
    unfolded = text.replace("\r\n ", "").replace("\r\n\t", "").replace("\n ", "")
    for line in unfolded.splitlines():
        if not line.startswith("FREEBUSY"):
            continue
        head, _colon, value = line.partition(":")
        if "FBTYPE=FREE" in head.upper().replace("FBTYPE=FREE-", "FBTYPE=X-"):
            continue
        for period in value.split(","):
            start_text, _slash, end_text = period.strip().partition("/")
            start = _instant(start_text)
            if end_text.startswith(("P", "+P", "-P")):
                end = start + _duration(end_text)
            else:
                end = _instant(end_text)
            out.append((start, end))
    return out


# The properties a calendar-query asks for (RFC 4791 §9.6 partial retrieval): when an event
# is busy and nothing else. A server that ignores this sends whole events; the rest of each
# is skipped unread.
QUERY_PROPERTIES = (
    "UID",
    "DTSTART",
    "DTEND",
    "DURATION",
    "RRULE",
    "RDATE",
    "EXDATE",
    "EXRULE",
    "RECURRENCE-ID",
    "TRANSP",
    "STATUS",
)

# Floating times and all-day events are the person's own; a server compares them with the
# range in UTC (or the calendar's zone), so the query reaches a day further on each side.
QUERY_MARGIN = dt.timedelta(days=1)


def calendar_query(start: dt.datetime, end: dt.datetime, *, partial: bool = True) -> str:
    """A calendar-query REPORT body (RFC 4791 §7.8) for the VEVENTs meeting [start, end),
    each with only the properties in QUERY_PROPERTIES (and the VTIMEZONEs they name)."""
    stamp = "%Y%m%dT%H%M%SZ"
    begin = (utc(start) - QUERY_MARGIN).strftime(stamp)
    finish = (utc(end) + QUERY_MARGIN).strftime(stamp)
    if partial:
        props = "".join(f'<C:prop name="{name}"/>' for name in QUERY_PROPERTIES)
        data = (
            '<C:calendar-data><C:comp name="VCALENDAR">'
            f'<C:comp name="VEVENT">{props}</C:comp>'
            '<C:comp name="VTIMEZONE"><C:allprop/><C:allcomp/></C:comp>'
            "</C:comp></C:calendar-data>"
        )
    else:
        data = "<C:calendar-data/>"
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
        f"<D:prop>{data}</D:prop>"
        '<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">'
        f'<C:time-range start="{begin}" end="{finish}"/>'
        "</C:comp-filter></C:comp-filter></C:filter>"
        "</C:calendar-query>"
    )


def calendar_data(tree: Any) -> list[str]:
    """The iCalendar text of each object in a calendar-query answer (a DAV:multistatus)."""
    return [
        element.text
        for element in tree.iter(f"{{{CALDAV_NS}}}calendar-data")
        if element.text and element.text.strip()
    ]


def busy_from_calendar_query(
    answer: bytes | str, start: dt.datetime, end: dt.datetime, zone: str = "UTC"
) -> list[Interval]:
    """Busy intervals in [start, end) from a calendar-query answer, clipped and sorted."""
    tree = etree.fromstring(answer.encode() if isinstance(answer, str) else answer, _XML_PARSER)
    return _busy_from_tree(tree, start, end, zone)


def _busy_from_tree(tree: Any, start: dt.datetime, end: dt.datetime, zone: str) -> list[Interval]:
    intervals = busy_from_objects(calendar_data(tree), start, end, ZoneInfo(zone))
    return clip(intervals, utc(start), utc(end))


def event_ics(event: EventData, *, cancelled: bool = False) -> str:
    """The meeting as the one VEVENT written to the organizer's calendar."""
    calendar = Calendar()
    calendar.add("prodid", "-//Mentorwise//Calendar write-back//EN")
    calendar.add("version", "2.0")
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", dt.datetime.now(dt.UTC))
    vevent.add("dtstart", utc(event.starts_at))
    vevent.add("dtend", utc(event.ends_at))
    vevent.add("summary", event.title)
    if event.location:
        vevent.add("location", event.location)
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    vevent.add("organizer", vCalAddress(f"mailto:{event.organizer_email}"))
    for address in event.attendee_emails:
        vevent.add("attendee", vCalAddress(f"mailto:{address}"), encode=False)
    calendar.add_component(vevent)
    return str(calendar.to_ical().decode("utf-8"))


class CalDavCalendar:
    """One CalDAV calendar: `url` is the calendar's own URL, or the server's (the
    principal's first calendar is used)."""

    def __init__(self, *, url: str, username: str, password: str) -> None:
        self.url = url
        self.client: Any = caldav.DAVClient(
            url=url, username=username or None, password=password or None, timeout=int(TIMEOUT)
        )
        self._calendar: Any = None

    def _call(self, what: str, call: Any) -> Any:
        try:
            return call()
        except caldav_error.AuthorizationError:
            raise ProviderError(
                "The CalDAV server refused the user name or password.", status=401
            ) from None
        except caldav_error.DAVError as error:
            raise ProviderError(
                f"The CalDAV server refused to {what} ({type(error).__name__})."
            ) from None
        except (OSError, ValueError) as error:
            raise ProviderError(
                f"The CalDAV server could not be reached to {what} ({type(error).__name__})."
            ) from None

    def calendar(self) -> Any:
        """The calendar whose URL was given, else the principal's first one."""
        if self._calendar is None:

            def find() -> Any:
                calendars = self.client.principal().calendars()
                wanted = self.url.rstrip("/")
                for candidate in calendars:
                    if str(candidate.url).rstrip("/") == wanted:
                        return candidate
                if not calendars:
                    raise ProviderError("The CalDAV account has no calendar.")
                return calendars[0]

            self._calendar = self._call("find the calendar", find)
        return self._calendar

    def busy(self, start: dt.datetime, end: dt.datetime, zone: str = "UTC") -> list[Interval]:
        """Busy time in [start, end): the free-busy report's, else (a server that refuses
        it) the events'. `zone` is the person's, for all-day events and floating times."""
        calendar = self.calendar()
        start, end = utc(start), utc(end)
        try:
            answer = calendar.freebusy_request(start, end)
            intervals = busy_from_vfreebusy(str(answer.data))
        except (caldav_error.DAVError, ValueError, AttributeError):
            return self.busy_from_events(start, end, zone)
        return clip(intervals, start, end)

    def busy_from_events(self, start: dt.datetime, end: dt.datetime, zone: str) -> list[Interval]:
        """The fallback: a calendar-query for the window's events, only their times, reduced
        to busy intervals here. A server refusing partial retrieval is asked for whole
        events."""
        url = str(self.calendar().url)

        def query(partial: bool) -> Any:
            response = self.client.report(url, calendar_query(start, end, partial=partial), 1)
            if response.status >= 400:
                raise caldav_error.ReportError(f"status {response.status}")
            if response.tree is None:
                raise ValueError("the answer is not XML")
            return response.tree

        try:
            tree = self._call("read busy time", lambda: query(True))
        except ProviderError as error:
            if error.status == 401:
                raise
            tree = self._call("read busy time", lambda: query(False))
        try:
            return _busy_from_tree(tree, start, end, zone)
        except (ValueError, LookupError, TypeError) as error:
            raise ProviderError(
                f"The CalDAV server's events could not be read ({type(error).__name__})."
            ) from None

    def create_event(self, event: EventData) -> EventResult:
        calendar = self.calendar()
        # A plain PUT at a URL derived from the UID: creating and updating are the same
        # request, and the meeting's own SEQUENCE is kept (the client's save() adds one).
        url = calendar.url.join(quote(event.uid, safe="") + ".ics")
        headers = {"Content-Type": 'text/calendar; charset="utf-8"'}
        response = self._call(
            "save the meeting", lambda: self.client.put(str(url), event_ics(event), headers)
        )
        if response.status not in (200, 201, 204):
            raise ProviderError(
                f"The CalDAV server refused to save the meeting ({response.status})."
            )
        return EventResult(provider_event_id=str(url))

    def update_event(self, provider_event_id: str, event: EventData) -> EventResult:
        # A PUT of the same UID replaces the event (its URL is derived from the UID).
        return self.create_event(event)

    def delete_event(self, provider_event_id: str, event: EventData) -> None:
        calendar = self.calendar()

        def delete() -> None:
            try:
                calendar.event_by_uid(event.uid).delete()
            except caldav_error.NotFoundError:
                return  # already gone: nothing to cancel

        self._call("remove the meeting", delete)
