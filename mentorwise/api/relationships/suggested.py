"""API: suggested times for a pair's next meeting (only the two people in it may ask)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from mentorwise.api.errors import WRITE_ERRORS
from mentorwise.api.relationships.access import pair_relationship
from mentorwise.relationships.suggested import suggested_times

router = Router()


class SuggestedTimeOut(Schema):
    starts_at: dt.datetime = Field(description="The start, in UTC.")
    ends_at: dt.datetime = Field(description="The end, in UTC.")
    yours: str = Field(description="The start in your time zone, the zone named.")
    theirs: str = Field(description="The start in the other person's time zone, named.")


class CalendarNoteOut(Schema):
    name: str
    is_you: bool
    calendar: str = Field(
        description="The calendar read (Microsoft 365, Google Calendar, CalDAV); empty: none "
        "is connected, so working hours only."
    )
    error: str = Field(description="Why the calendar could not be read just now (if so).")
    working_hours_zone: str


class SuggestionsOut(Schema):
    times: list[SuggestedTimeOut] = Field(description="Best first: nearest the cadence.")
    your_zone: str
    their_zone: str
    duration_minutes: int
    cadence_days: int
    calendars: list[CalendarNoteOut]


class SuggestQuery(Schema):
    minutes: int = Field(60, ge=15, le=480, description="The meeting's length in minutes.")


@router.get(
    "/relationships/{relationship_id}/suggested-times",
    operation_id="mentorwise_api_relationships_suggested_times_get",
    response={200: SuggestionsOut, **WRITE_ERRORS},
    summary="Suggested times for the pair's next meeting",
)
def suggested_times_get(
    request: HttpRequest, relationship_id: int, query: Query[SuggestQuery]
) -> SuggestionsOut:
    """Up to five times that suit both people: inside both people's working hours, clear of
    the busy time of their connected calendars, near the agreed cadence, never at a local
    time that a clock change skips or repeats. Busy time itself is never returned. Only the
    two people in the relationship may ask (overseers 403, anyone else 404); 409 once the
    relationship is closed."""
    relationship = pair_relationship(request, relationship_id)
    found = suggested_times(
        actor=request.user, relationship=relationship, duration_minutes=query.minutes
    )
    return SuggestionsOut(
        times=[
            SuggestedTimeOut(
                starts_at=t.starts_at, ends_at=t.ends_at, yours=t.mine, theirs=t.theirs
            )
            for t in found.times
        ],
        your_zone=found.viewer_zone,
        their_zone=found.other_zone,
        duration_minutes=found.duration_minutes,
        cadence_days=found.cadence_days,
        calendars=[
            CalendarNoteOut(
                name=n.name,
                is_you=n.is_viewer,
                calendar=n.source,
                error=n.error,
                working_hours_zone=n.hours_zone,
            )
            for n in found.calendars
        ],
    )
