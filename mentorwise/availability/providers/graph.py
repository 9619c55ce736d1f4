"""Microsoft 365 through Microsoft Graph: busy time from `calendar/getSchedule`, the meeting
as an event with a Teams link (`isOnlineMeeting`, `onlineMeetingProvider:
teamsForBusiness`), moved with PATCH and removed with DELETE.

Graph chooses the event's `id` and `iCalUId` itself (neither can be set on create): the
meeting's own UID travels as `transactionId` (which also makes a retried create idempotent)
and the event id Graph answers is stored against the UID (availability.CalendarEvent).
Only `status`, `start` and `end` of schedule items are read; subjects are never kept.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from typing import Any

from mentorwise.availability.providers.base import EventData, EventResult, Interval, clip, utc
from mentorwise.availability.providers.http import JsonClient

GRAPH_URL = "https://graph.microsoft.com/v1.0"
BUSY_STATUSES = frozenset({"busy", "oof", "tentative"})


def _graph_time(moment: dt.datetime) -> dict[str, str]:
    return {"dateTime": utc(moment).strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"}


def parse_graph_time(value: dict[str, Any]) -> dt.datetime:
    """A Graph dateTimeTimeZone asked for in UTC ("2026-03-15T08:30:00.0000000")."""
    text = str(value["dateTime"])
    head, _dot, _fraction = text.partition(".")
    moment = dt.datetime.fromisoformat(head)
    if value.get("timeZone", "UTC") not in ("UTC", "Etc/UTC", "Coordinated Universal Time"):
        raise ValueError(f"Graph answered a time in {value.get('timeZone')}, not UTC")
    return moment.replace(tzinfo=dt.UTC)


def busy_from_schedule(answer: dict[str, Any]) -> list[Interval]:
    """Busy intervals of a getSchedule answer (every schedule in it)."""
    out: list[Interval] = []
    for schedule in answer.get("value", []):
        for item in schedule.get("scheduleItems", []):
            if item.get("status") in BUSY_STATUSES:
                out.append((parse_graph_time(item["start"]), parse_graph_time(item["end"])))
    return out


class GraphCalendar:
    """One mailbox: `/me` with a person's delegated token, `/users/{address}` with the
    organisation's app token."""

    def __init__(
        self, client: JsonClient, *, address: str, base_url: str = GRAPH_URL, app_only: bool = False
    ) -> None:
        self.client = client
        self.address = address
        self.base = base_url.rstrip("/")
        self.root = (
            f"{self.base}/users/{urllib.parse.quote(address)}" if app_only else f"{self.base}/me"
        )

    def busy(self, start: dt.datetime, end: dt.datetime, zone: str = "UTC") -> list[Interval]:
        # The server resolves all-day events in the calendar's own zone: `zone` is not needed.
        answer = self.client.call(
            "POST",
            f"{self.root}/calendar/getSchedule",
            {
                "schedules": [self.address],
                "startTime": _graph_time(start),
                "endTime": _graph_time(end),
                "availabilityViewInterval": 15,
            },
            headers={"Prefer": 'outlook.timezone="UTC"'},
        )
        return clip(busy_from_schedule(answer or {}), utc(start), utc(end))

    def _body(self, event: EventData) -> dict[str, Any]:
        return {
            "subject": event.title,
            "start": _graph_time(event.starts_at),
            "end": _graph_time(event.ends_at),
            "attendees": [
                {"emailAddress": {"address": address}, "type": "required"}
                for address in event.attendee_emails
                if address != event.organizer_email
            ],
            **({"location": {"displayName": event.location}} if event.location else {}),
        }

    @staticmethod
    def _result(answer: dict[str, Any]) -> EventResult:
        meeting = answer.get("onlineMeeting") or {}
        return EventResult(
            provider_event_id=str(answer.get("id", "")),
            join_url=str(meeting.get("joinUrl") or ""),
            extra={"iCalUId": str(answer.get("iCalUId", ""))},
        )

    def create_event(self, event: EventData) -> EventResult:
        body = {
            **self._body(event),
            "isOnlineMeeting": True,
            "onlineMeetingProvider": "teamsForBusiness",
            "transactionId": event.uid,
        }
        return self._result(self.client.call("POST", f"{self.root}/events", body) or {})

    def update_event(self, provider_event_id: str, event: EventData) -> EventResult:
        url = f"{self.root}/events/{urllib.parse.quote(provider_event_id)}"
        return self._result(self.client.call("PATCH", url, self._body(event)) or {})

    def delete_event(self, provider_event_id: str, event: EventData) -> None:
        url = f"{self.root}/events/{urllib.parse.quote(provider_event_id)}"
        self.client.call("DELETE", url)
