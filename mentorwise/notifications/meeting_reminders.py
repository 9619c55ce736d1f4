"""Meeting reminders: the day before a scheduled meeting, each person who attends it.

A pair's meeting reminds both people; a circle's meeting reminds every current member and
facilitator. The reminder goes out once the meeting is less than `REMINDER_HOURS` away
(the nudge job runs every half hour), in the reader's language with the time in their own
zone, the place or video link, and a link to the relationship or circle.

The cause names the meeting's UID and its SEQUENCE, so a meeting moved after its reminder
is reminded again for its new time, and a cancelled or held meeting is not reminded. A
meeting booked less than `FRESH_HOURS` before it starts is not reminded: its invitation
has just arrived.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext as _

from mentorwise.circles.models import (
    CircleMeeting,
    CircleMeetingStatus,
    CircleMembership,
    CircleStatus,
)
from mentorwise.core.clock import format_when, zone_of
from mentorwise.core.languages import speaking_to
from mentorwise.notifications.models import NudgeKind
from mentorwise.notifications.rules import NudgeDraft, site_url
from mentorwise.people.models import Person
from mentorwise.relationships.models import Meeting, MeetingStatus, RelationshipStatus

REMINDER_HOURS = 24
FRESH_HOURS = 12


def _draft(
    *,
    person: Person,
    with_whom: str,
    program_title: str,
    starts_at: dt.datetime,
    location: str,
    uid: str,
    sequence: int,
    url: str,
    program_id: int,
    relationship_id: int | None,
) -> NudgeDraft:
    with speaking_to(person):
        when = format_when(starts_at, zone_of(person))
        subject = _("Reminder: %(with)s, %(when)s") % {"with": with_whom, "when": when}
        body = _("Your %(program)s meeting with %(with)s is on %(when)s.") % {
            "program": program_title,
            "with": with_whom,
            "when": when,
        }
        if location:
            body += "\n" + _("Where: %(location)s") % {"location": location}
    return NudgeDraft(
        person_id=person.pk,
        kind=NudgeKind.MEETING_REMINDER,
        cause=f"meeting:{uid}:{sequence}",
        subject=subject,
        body=body,
        url=url,
        program_id=program_id,
        relationship_id=relationship_id,
    )


def _window(now: dt.datetime) -> dict[str, dt.datetime]:
    return {
        "starts_at__gt": now,
        "starts_at__lte": now + dt.timedelta(hours=REMINDER_HOURS),
        "created_at__lte": now - dt.timedelta(hours=FRESH_HOURS),
    }


def _pair_reminders(now: dt.datetime) -> Iterable[NudgeDraft]:
    meetings = (
        Meeting.objects.filter(
            status=MeetingStatus.SCHEDULED,
            relationship__status=RelationshipStatus.ACTIVE,
            **_window(now),
        )
        .select_related(
            "relationship__program",
            "relationship__mentee__person__user",
            "relationship__mentor__person__user",
        )
        .order_by("starts_at", "pk")
    )
    for meeting in meetings:
        rel = meeting.relationship
        mentee, mentor = rel.mentee.person, rel.mentor.person
        for person, other in ((mentee, mentor), (mentor, mentee)):
            yield _draft(
                person=person,
                with_whom=other.full_name,
                program_title=rel.program.title,
                starts_at=meeting.starts_at,
                location=meeting.location,
                uid=meeting.uid,
                sequence=meeting.sequence,
                url=site_url("relationships:detail", rel.pk),
                program_id=rel.program_id,
                relationship_id=rel.pk,
            )


def _circle_reminders(now: dt.datetime) -> Iterable[NudgeDraft]:
    meetings = list(
        CircleMeeting.objects.filter(
            status=CircleMeetingStatus.SCHEDULED,
            circle__status=CircleStatus.ACTIVE,
            **_window(now),
        )
        .select_related("circle__program")
        .order_by("starts_at", "pk")
    )
    people: dict[int, list[Person]] = {}
    memberships = CircleMembership.objects.filter(
        circle_id__in={m.circle_id for m in meetings}, left_at__isnull=True
    ).select_related("enrollment__person__user")
    for membership in memberships:
        people.setdefault(membership.circle_id, []).append(membership.enrollment.person)
    for meeting in meetings:
        circle = meeting.circle
        for person in people.get(circle.pk, []):
            yield _draft(
                person=person,
                with_whom=circle.name,
                program_title=circle.program.title,
                starts_at=meeting.starts_at,
                location=meeting.location,
                uid=meeting.uid,
                sequence=meeting.sequence,
                url=site_url("circles:detail", circle.pk),
                program_id=circle.program_id,
                relationship_id=None,
            )


def meeting_reminders(now: dt.datetime) -> list[NudgeDraft]:
    """Reminders of the meetings starting within `REMINDER_HOURS` (pairs' and circles')."""
    return [*_pair_reminders(now), *_circle_reminders(now)]
