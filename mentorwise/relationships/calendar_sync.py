"""Write a booked meeting back to its organizer's calendar, after the booking commits.

A background task (django-tasks, like e-mail): booking, moving or cancelling a meeting never
waits for a calendar and never fails because of one; the outcome is kept by availability
(CalendarEvent, keyed by the meeting's UID) and shown to the organizer on their calendar
page. The event carries the title, the times, the two e-mail addresses and the place or
link: never notes or agenda. Where the provider makes an online-meeting link (Teams, Meet)
and the meeting has no place yet, the link becomes the meeting's place, so both see it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from mentorwise.availability.providers.base import EventData
from mentorwise.availability.services import calendar_event_sync, calendar_wanted
from mentorwise.core.languages import speaking_to
from mentorwise.relationships.calendar import meeting_organizer
from mentorwise.relationships.models import Meeting, MeetingStatus


def meeting_event(meeting: Meeting) -> EventData:
    """What the organizer's calendar receives for `meeting` (nothing private)."""
    relationship = meeting.relationship
    mentee, mentor = relationship.mentee.person, relationship.mentor.person
    organizer = meeting_organizer(meeting)
    with speaking_to(organizer):
        title = _("Mentorwise: %(mentee)s and %(mentor)s") % {
            "mentee": mentee.full_name,
            "mentor": mentor.full_name,
        }
    return EventData(
        uid=meeting.uid,
        sequence=meeting.sequence,
        title=title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        organizer_email=organizer.email,
        attendee_emails=tuple(p.email for p in (mentee, mentor) if p.email),
        location=meeting.location,
    )


@task()
def meeting_calendar_sync(meeting_id: int) -> str:
    """Create, move or remove the meeting in the organizer's calendar; returns the state."""
    meeting = (
        Meeting.objects.select_related(
            "relationship__mentee__person", "relationship__mentor__person", "created_by"
        )
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        return "gone"
    cancelled = meeting.status == MeetingStatus.CANCELLED
    record = calendar_event_sync(
        organizer=meeting_organizer(meeting), event=meeting_event(meeting), cancelled=cancelled
    )
    if record is None:
        return "no calendar"
    if record.join_url and not cancelled:
        Meeting.objects.filter(pk=meeting.pk, location="").update(location=record.join_url)
    return str(record.state)


def meeting_calendar_enqueue(meeting: Meeting) -> None:
    """Queue the write-back once the booking commits (only if there is a calendar to
    write to: most meetings need no task)."""
    if calendar_wanted(meeting_organizer(meeting), meeting.uid):
        meeting_id = meeting.pk
        transaction.on_commit(lambda: meeting_calendar_sync.enqueue(meeting_id))
