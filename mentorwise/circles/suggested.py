"""Suggested times for a circle's next meeting: every current participant's working hours
and the busy time of their connected calendars, the circle's cadence from its last meeting,
through the pure slot finder (availability.slots) — the pair's rules
(relationships.suggested) applied to the whole group.

Working hours spread from Sydney to Los Angeles seldom leave a time that suits everyone, so
a time is offered when at least half the circle can come (the asking facilitator always
among them); the times everyone can come to are offered first, and each says how many can.

Only the circle's facilitators may ask (they schedule its meetings): members and overseers
get 403, everyone else 404. Busy intervals are read for the request and dropped; what
leaves is the list of times that suit everyone and how many calendars were read, never
anyone's busy time nor whose calendar could not be read.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.utils import timezone

from mentorwise.accounts.actors import Actor
from mentorwise.availability.slots import suggest_slots
from mentorwise.circles.models import Circle, CircleMeeting
from mentorwise.circles.permissions import require_active, require_facilitator
from mentorwise.circles.selectors import current_memberships
from mentorwise.core.clock import format_when, zone_of
from mentorwise.relationships.suggested import (
    COUNT,
    calendars_of,
    check_duration,
    last_meeting_start,
    search_window,
)


@dataclass(frozen=True)
class CircleTime:
    starts_at: dt.datetime  # UTC
    ends_at: dt.datetime
    mine: str  # in the viewer's zone, zone named
    elsewhere: list[str]  # in each other zone of the circle's people, zone named
    attending: int  # how many of the circle's people can come
    input_value: str  # the schedule form's datetime-local value (viewer's zone)


@dataclass(frozen=True)
class CircleSuggestions:
    times: list[CircleTime]
    viewer_zone: str
    other_zones: list[str]
    people: int
    with_calendar: int  # how many people's busy time was read
    duration_minutes: int
    cadence_days: int


def circle_suggested_times(
    *,
    actor: Actor,
    circle: Circle,
    duration_minutes: int = 60,
    now: dt.datetime | None = None,
) -> CircleSuggestions:
    """Up to five times that suit every current participant, best first, in the viewer's
    zone and in each other zone of the circle. Facilitators only."""
    _user, mine = require_facilitator(actor, circle)
    require_active(circle)
    check_duration(duration_minutes)
    viewer = mine.enrollment.person
    # The asking facilitator first: the slot finder's organizer, who must be free.
    people = [viewer] + [
        m.enrollment.person for m in current_memberships(circle) if m.pk != mine.pk
    ]
    cadence = dt.timedelta(days=circle.meeting_cadence_days)
    previous = last_meeting_start(CircleMeeting.objects.filter(circle=circle))
    start, end = search_window(now or timezone.now(), cadence, previous)
    attendees, notes = calendars_of(people, viewer, start, end)
    slots = suggest_slots(
        attendees,
        duration=dt.timedelta(minutes=duration_minutes),
        window_start=start,
        window_end=end,
        count=COUNT,
        previous=previous,
        cadence=cadence,
        quorum=max(2, math.ceil(len(people) / 2)),
    )
    my_zone = zone_of(viewer)
    zones = sorted({zone_of(p) for p in people} - {my_zone}, key=lambda z: z.key)
    return CircleSuggestions(
        times=[
            CircleTime(
                starts_at=slot.start,
                ends_at=slot.end,
                mine=format_when(slot.start, my_zone),
                elsewhere=[format_when(slot.start, zone) for zone in zones],
                attending=len(people) - len(slot.absent),
                input_value=slot.start.astimezone(my_zone).strftime("%Y-%m-%dT%H:%M"),
            )
            for slot in slots
        ],
        viewer_zone=my_zone.key,
        other_zones=[zone.key for zone in zones],
        people=len(people),
        with_calendar=sum(1 for note in notes if note.source and not note.error),
        duration_minutes=duration_minutes,
        cadence_days=circle.meeting_cadence_days,
    )
