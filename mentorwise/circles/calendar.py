"""A circle meeting as an iCalendar invitation: every facilitator and member an attendee,
built by the one event builder of relationships/calendar.py."""

from __future__ import annotations

import zoneinfo

from django.utils.translation import gettext as _

from mentorwise.circles.models import CircleMeeting, CircleMeetingStatus, CircleRole
from mentorwise.core.clock import zone_of
from mentorwise.people.models import Person
from mentorwise.relationships.calendar import event_ics


def attendees_of(meeting: CircleMeeting) -> list[Person]:
    """The circle's current people, facilitators first (the order of the invitation)."""
    memberships = meeting.circle.memberships.filter(left_at__isnull=True).select_related(
        "enrollment__person"
    )
    ordered = sorted(memberships, key=lambda m: (m.role != CircleRole.FACILITATOR, m.pk))
    return [m.enrollment.person for m in ordered]


def circle_meeting_ics(
    meeting: CircleMeeting,
    *,
    zone: zoneinfo.ZoneInfo | None = None,
    attendees: list[Person] | None = None,
) -> str:
    """The meeting as METHOD:REQUEST (or CANCEL once cancelled), same UID for its life.

    The summary names the circle and the program, the description its topic: never notes.
    """
    people = attendees if attendees is not None else attendees_of(meeting)
    organizer = people[0]
    circle = meeting.circle
    return event_ics(
        uid=meeting.uid,
        sequence=meeting.sequence,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        summary=_("Mentorwise circle: %(circle)s") % {"circle": circle.name},
        description=meeting.topic or _("Circle meeting."),
        location=meeting.location,
        organizer=organizer,
        attendees=people,
        cancelled=meeting.status == CircleMeetingStatus.CANCELLED,
        zone=zone or zone_of(organizer),
    )
