"""API: suggested times for a circle's next meeting (only its facilitators may ask)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from mentorwise.api.errors import WRITE_ERRORS
from mentorwise.api.relationships.suggested import SuggestQuery
from mentorwise.circles import selectors
from mentorwise.circles.suggested import circle_suggested_times

router = Router()


class CircleSuggestedTimeOut(Schema):
    starts_at: dt.datetime = Field(description="The start, in UTC.")
    ends_at: dt.datetime = Field(description="The end, in UTC.")
    yours: str = Field(description="The start in your time zone, the zone named.")
    elsewhere: list[str] = Field(
        description="The start in each other time zone of the circle's people, named."
    )
    attending: int = Field(
        description="How many of the circle's people can come (inside their working hours "
        "and free); times everyone can come to are listed first."
    )


class CircleSuggestionsOut(Schema):
    times: list[CircleSuggestedTimeOut] = Field(description="Best first: nearest the cadence.")
    your_zone: str
    other_zones: list[str]
    people: int = Field(description="The circle's current participants, facilitators included.")
    calendars_read: int = Field(
        description="How many of them have a connected calendar that was read; the others "
        "count with their working hours only."
    )
    duration_minutes: int
    cadence_days: int


@router.get(
    "/{circle_id}/suggested-times",
    operation_id="mentorwise_api_circles_suggested_times_get",
    response={200: CircleSuggestionsOut, **WRITE_ERRORS},
    summary="Suggested times for the circle's next meeting",
)
def circle_suggested_times_get(
    request: HttpRequest, circle_id: int, query: Query[SuggestQuery]
) -> CircleSuggestionsOut:
    """Up to five times for the circle's current participants: inside the working hours,
    and clear of the busy time of the connected calendars, of everyone or, failing that, of
    at least half of them (the asking facilitator always); the times most can come to
    first, each with how many can; near the circle's cadence; never at a local time that a
    clock change skips or repeats. Busy time itself is never returned, nor who cannot
    come. Only the circle's facilitators may ask (members and overseers 403, anyone else
    404); 409 once the circle is closed."""
    circle = selectors.access_circle(actor=request.user, circle_id=circle_id)
    found = circle_suggested_times(
        actor=request.user, circle=circle, duration_minutes=query.minutes
    )
    return CircleSuggestionsOut(
        times=[
            CircleSuggestedTimeOut(
                starts_at=t.starts_at,
                ends_at=t.ends_at,
                yours=t.mine,
                elsewhere=t.elsewhere,
                attending=t.attending,
            )
            for t in found.times
        ],
        your_zone=found.viewer_zone,
        other_zones=found.other_zones,
        people=found.people,
        calendars_read=found.with_calendar,
        duration_minutes=found.duration_minutes,
        cadence_days=found.cadence_days,
    )
