"""What every calendar provider takes and gives."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

Interval = tuple[dt.datetime, dt.datetime]

# Seconds: every request to a calendar gives up after this long.
TIMEOUT = 10.0


class ProviderError(Exception):
    """A calendar could not be read or written. The message names the provider and the
    status, never a secret."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class EventData:
    """The whole of what a calendar event carries: never notes, agenda or anything private."""

    uid: str
    sequence: int
    title: str
    starts_at: dt.datetime  # aware
    ends_at: dt.datetime
    organizer_email: str
    attendee_emails: tuple[str, ...]
    location: str = ""


@dataclass
class EventResult:
    provider_event_id: str = ""
    join_url: str = ""
    extra: dict[str, str] = field(default_factory=dict)


class CalendarProvider(Protocol):
    def busy(self, start: dt.datetime, end: dt.datetime, zone: str = "UTC") -> list[Interval]:
        """Busy intervals in [start, end), UTC. `zone` is the person's IANA zone: where a
        provider reads events itself (the CalDAV events fallback), all-day events and
        floating times are the person's days and times there."""
        ...

    def create_event(self, event: EventData) -> EventResult: ...

    def update_event(self, provider_event_id: str, event: EventData) -> EventResult: ...

    def delete_event(self, provider_event_id: str, event: EventData) -> None: ...


def utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def clip(intervals: list[Interval], start: dt.datetime, end: dt.datetime) -> list[Interval]:
    """Intervals cut to [start, end), empty ones dropped, sorted."""
    out = [(max(s, start), min(e, end)) for s, e in intervals]
    return sorted((s, e) for s, e in out if e > s)
