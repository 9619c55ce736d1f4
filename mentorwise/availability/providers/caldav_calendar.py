"""CalDAV (RFC 4791) with the `caldav` client: busy time from a free-busy-query REPORT
(reduced to its FREEBUSY periods), or, from servers that do not answer one, from the
expanded events in the range (opaque, not cancelled), reduced to their times at once.
The meeting is written as a VEVENT whose UID is the meeting's own (the .ics invitation's).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

import caldav
from caldav.lib import error as caldav_error
from icalendar import Calendar, Event, vCalAddress

from mentorwise.availability.providers.base import (
    TIMEOUT,
    EventData,
    EventResult,
    Interval,
    ProviderError,
    clip,
    utc,
)


def _instant(text: str) -> dt.datetime:
    """A UTC DATE-TIME (19970714T173000Z); sliced, not strptime'd: a year of busy periods
    is thousands of these."""
    if len(text) != 16 or text[8] != "T" or text[15] != "Z":
        raise ValueError(f"not a UTC date-time: {text[:20]!r}")
    return dt.datetime(
        int(text[0:4]),
        int(text[4:6]),
        int(text[6:8]),
        int(text[9:11]),
        int(text[11:13]),
        int(text[13:15]),
        tzinfo=dt.UTC,
    )


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


def busy_from_events(components: list[Any]) -> list[Interval]:
    """Busy periods of expanded VEVENTs: times only; transparent and cancelled skipped."""
    out: list[Interval] = []
    for event in components:
        if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
            continue
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        start = event.get("DTSTART")
        if start is None:
            continue
        begin = start.dt
        end_prop = event.get("DTEND")
        if end_prop is not None:
            finish = end_prop.dt
        elif event.get("DURATION") is not None:
            finish = begin + event["DURATION"].dt
        else:
            finish = begin + dt.timedelta(days=1 if not isinstance(begin, dt.datetime) else 0)
        if not isinstance(begin, dt.datetime):  # an all-day event: busy the whole day, UTC
            begin = dt.datetime.combine(begin, dt.time(), tzinfo=dt.UTC)
            finish = dt.datetime.combine(finish, dt.time(), tzinfo=dt.UTC)
        if begin.tzinfo is None:  # floating time: read as UTC
            begin, finish = begin.replace(tzinfo=dt.UTC), finish.replace(tzinfo=dt.UTC)
        out.append((utc(begin), utc(finish)))
    return out


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

    def busy(self, start: dt.datetime, end: dt.datetime) -> list[Interval]:
        calendar = self.calendar()
        start, end = utc(start), utc(end)
        try:
            answer = calendar.freebusy_request(start, end)
            intervals = busy_from_vfreebusy(str(answer.data))
        except (caldav_error.DAVError, ValueError, AttributeError):
            found = self._call(
                "read busy time",
                lambda: calendar.search(start=start, end=end, event=True, expand=True),
            )
            components = [
                component for item in found for component in item.icalendar_instance.walk("VEVENT")
            ]
            intervals = busy_from_events(components)
        return clip(intervals, start, end)

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
