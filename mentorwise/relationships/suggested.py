"""Suggested times for a pair's next meeting: both people's working hours and the busy time
of their connected calendars, the agreed cadence from the last meeting, through the pure
slot finder (availability.slots).

Busy time is private: only the two people in the relationship may ask (overseers: 403,
everyone else: 404). Busy intervals are read for the request and dropped; what leaves is
the list of mutual times, never anyone's busy time.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.availability.services import Busy, busy_of, working_hours_of
from mentorwise.availability.slots import Attendee, suggest_slots
from mentorwise.core.clock import format_when, zone_of
from mentorwise.core.errors import FieldError, InvalidInput
from mentorwise.people.models import Person
from mentorwise.relationships.models import Meeting, MeetingStatus, Relationship, Side
from mentorwise.relationships.permissions import require_active, require_member

# How far ahead to look: at least three weeks, or one and a half cadences.
HORIZON = dt.timedelta(days=21)
# The earliest suggestion: not sooner than this from now.
LEAD = dt.timedelta(hours=2)
COUNT = 5


@dataclass(frozen=True)
class SuggestedTime:
    starts_at: dt.datetime  # UTC
    ends_at: dt.datetime
    mine: str  # in the viewer's zone, zone named
    theirs: str  # in the other person's zone, zone named
    input_value: str  # the schedule form's datetime-local value (viewer's zone)


@dataclass(frozen=True)
class CalendarNote:
    """Whose calendar was read: `source` "" = none connected (working hours only)."""

    name: str
    is_viewer: bool
    source: str
    error: str
    zone: str
    hours_zone: str


@dataclass(frozen=True)
class Suggestions:
    times: list[SuggestedTime]
    viewer_zone: str
    other_zone: str
    other_name: str
    duration_minutes: int
    cadence_days: int
    calendars: list[CalendarNote]


def _cadence_days(relationship: Relationship) -> int:
    agreement = getattr(relationship, "agreement", None)
    current = agreement.current if agreement is not None else None
    if current is not None:
        return int(current.meeting_cadence_days)
    return int(relationship.program.meeting_cadence_days)


def last_meeting_start(meetings: QuerySet[Any]) -> dt.datetime | None:
    """The start of the last of `meetings` held or planned (a pair's or a circle's: both
    kinds of meeting say "scheduled" and "held"): the cadence counts from it."""
    planned_or_held = meetings.filter(status__in=(MeetingStatus.SCHEDULED, MeetingStatus.HELD))
    start: dt.datetime | None = (
        planned_or_held.order_by("-starts_at").values_list("starts_at", flat=True).first()
    )
    return start


def check_duration(minutes: int) -> None:
    """A meeting's length to suggest times for: 15 minutes to 8 hours."""
    if not 15 <= minutes <= 480:
        raise InvalidInput(
            [FieldError("duration_minutes", _("Between 15 and 480 minutes."), value=str(minutes))]
        )


def search_window(
    now: dt.datetime, cadence: dt.timedelta, previous: dt.datetime | None
) -> tuple[dt.datetime, dt.datetime]:
    """Where to look: from `LEAD` after now, for at least three weeks or one and a half
    cadences, and at least to two cadences after the previous meeting."""
    start = now + LEAD
    end = start + max(HORIZON, cadence * 3 / 2)
    if previous is not None:
        end = max(end, previous + cadence * 2)
    return start, end


def calendars_of(
    people: list[Person], viewer: Person, start: dt.datetime, end: dt.datetime
) -> tuple[list[Attendee], list[CalendarNote]]:
    """Each person's working hours and busy time for the slot finder, and a note of whose
    calendar was read (the busy intervals go to the finder only)."""
    attendees = []
    notes = []
    for person in people:
        hours = working_hours_of(person)
        busy: Busy = busy_of(person, start, end)
        attendees.append(Attendee(hours=hours, busy=busy.intervals))
        notes.append(
            CalendarNote(
                name=person.full_name,
                is_viewer=person.pk == viewer.pk,
                source=busy.source,
                error=busy.error,
                zone=zone_of(person).key,
                hours_zone=hours.zone,
            )
        )
    return attendees, notes


def suggested_times(
    *,
    actor: Actor,
    relationship: Relationship,
    duration_minutes: int = 60,
    now: dt.datetime | None = None,
) -> Suggestions:
    """Up to five mutual times for the pair's next meeting, best first, each in the viewer's
    zone and in the other person's. Only the two people in the relationship may ask."""
    _user, side = require_member(actor, relationship)
    require_active(relationship)
    check_duration(duration_minutes)
    mentee: Person = relationship.mentee.person
    mentor: Person = relationship.mentor.person
    viewer, other = (mentee, mentor) if side == Side.MENTEE else (mentor, mentee)
    cadence = dt.timedelta(days=_cadence_days(relationship))
    previous = last_meeting_start(Meeting.objects.filter(relationship=relationship))
    start, end = search_window(now or timezone.now(), cadence, previous)
    attendees, notes = calendars_of([viewer, other], viewer, start, end)
    slots = suggest_slots(
        attendees,
        duration=dt.timedelta(minutes=duration_minutes),
        window_start=start,
        window_end=end,
        count=COUNT,
        previous=previous,
        cadence=cadence,
    )
    mine_zone, their_zone = zone_of(viewer), zone_of(other)
    return Suggestions(
        times=[_shown(slot.start, slot.end, mine_zone, their_zone) for slot in slots],
        viewer_zone=mine_zone.key,
        other_zone=their_zone.key,
        other_name=other.full_name,
        duration_minutes=duration_minutes,
        cadence_days=cadence.days,
        calendars=notes,
    )


def _shown(
    start: dt.datetime, end: dt.datetime, mine: zoneinfo.ZoneInfo, theirs: zoneinfo.ZoneInfo
) -> SuggestedTime:
    return SuggestedTime(
        starts_at=start,
        ends_at=end,
        mine=format_when(start, mine),
        theirs=format_when(start, theirs),
        input_value=start.astimezone(mine).strftime("%Y-%m-%dT%H:%M"),
    )


def picked_time(value: str) -> dt.datetime:
    """A suggestion handed back by the page (`?pick=`): an aware ISO time."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InvalidInput([FieldError("pick", _("Not a suggested time."), value=value[:40])])
    return moment
