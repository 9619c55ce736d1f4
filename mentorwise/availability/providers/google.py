"""Google Calendar (API v3): busy time from `freeBusy`, the meeting as an event with a Google
Meet link (`conferenceData.createRequest` with `conferenceDataVersion=1`), moved with PATCH
and removed with DELETE, on the person's primary calendar.

`events.insert` chooses the event's id and iCalUID: the id it answers is stored against the
meeting's UID (availability.CalendarEvent); the meeting's UID is the conference request id.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from typing import Any

from mentorwise.availability.providers.base import (
    EventData,
    EventResult,
    Interval,
    ProviderError,
    clip,
    utc,
)
from mentorwise.availability.providers.http import JsonClient

GOOGLE_URL = "https://www.googleapis.com/calendar/v3"


def _rfc3339(moment: dt.datetime) -> str:
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_rfc3339(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.UTC)


def busy_from_freebusy(answer: dict[str, Any], calendar: str = "primary") -> list[Interval]:
    entry = (answer.get("calendars") or {}).get(calendar) or {}
    if entry.get("errors"):
        reasons = ", ".join(str(e.get("reason", "")) for e in entry["errors"])
        raise ValueError(f"Google could not read the calendar ({reasons})")
    return [(parse_rfc3339(b["start"]), parse_rfc3339(b["end"])) for b in entry.get("busy", [])]


class GoogleCalendar:
    def __init__(
        self, client: JsonClient, *, base_url: str = GOOGLE_URL, calendar: str = "primary"
    ) -> None:
        self.client = client
        self.base = base_url.rstrip("/")
        self.calendar = calendar
        self.events = f"{self.base}/calendars/{urllib.parse.quote(calendar)}/events"

    def busy(self, start: dt.datetime, end: dt.datetime, zone: str = "UTC") -> list[Interval]:
        # The server resolves all-day events in the calendar's own zone: `zone` is not needed.
        answer = self.client.call(
            "POST",
            f"{self.base}/freeBusy",
            {
                "timeMin": _rfc3339(start),
                "timeMax": _rfc3339(end),
                "items": [{"id": self.calendar}],
            },
        )
        try:
            intervals = busy_from_freebusy(answer or {}, self.calendar)
        except ValueError as error:
            raise ProviderError(str(error)) from error
        return clip(intervals, utc(start), utc(end))

    def _body(self, event: EventData) -> dict[str, Any]:
        return {
            "summary": event.title,
            "start": {"dateTime": _rfc3339(event.starts_at), "timeZone": "UTC"},
            "end": {"dateTime": _rfc3339(event.ends_at), "timeZone": "UTC"},
            "attendees": [{"email": address} for address in event.attendee_emails],
            **({"location": event.location} if event.location else {}),
        }

    @staticmethod
    def _result(answer: dict[str, Any]) -> EventResult:
        link = str(answer.get("hangoutLink") or "")
        for point in (answer.get("conferenceData") or {}).get("entryPoints", []):
            if point.get("entryPointType") == "video" and not link:
                link = str(point.get("uri", ""))
        return EventResult(
            provider_event_id=str(answer.get("id", "")),
            join_url=link,
            extra={"iCalUID": str(answer.get("iCalUID", ""))},
        )

    def create_event(self, event: EventData) -> EventResult:
        body = {
            **self._body(event),
            "conferenceData": {
                "createRequest": {
                    "requestId": event.uid,
                    "conferenceSolutionKey": {"type": "hangoutsMeet"},
                }
            },
        }
        url = f"{self.events}?conferenceDataVersion=1&sendUpdates=all"
        return self._result(self.client.call("POST", url, body) or {})

    def update_event(self, provider_event_id: str, event: EventData) -> EventResult:
        url = f"{self.events}/{urllib.parse.quote(provider_event_id)}?sendUpdates=all"
        return self._result(self.client.call("PATCH", url, self._body(event)) or {})

    def delete_event(self, provider_event_id: str, event: EventData) -> None:
        url = f"{self.events}/{urllib.parse.quote(provider_event_id)}?sendUpdates=all"
        self.client.call("DELETE", url)
