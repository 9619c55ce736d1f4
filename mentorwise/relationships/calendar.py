"""RFC 5545 invitations for meetings, made with icalendar."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from mentorwise.core.clock import zone_of
from mentorwise.people.models import Person
from mentorwise.relationships.models import Meeting, MeetingStatus


def _address(person: Person, role: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["cn"] = vText(person.full_name)
    if role:
        address.params["role"] = vText(role)
        address.params["partstat"] = vText("NEEDS-ACTION")
        address.params["rsvp"] = vText("TRUE")
    return address


def meeting_organizer(meeting: Meeting) -> Person:
    """Who organizes a meeting: the mentee if they scheduled it, else the mentor."""
    relationship = meeting.relationship
    mentee = relationship.mentee.person
    if meeting.created_by_id and getattr(meeting.created_by, "person_id", None) == mentee.pk:
        return mentee
    return relationship.mentor.person


def event_ics(
    *,
    uid: str,
    sequence: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    summary: str,
    description: str,
    location: str,
    organizer: Person,
    attendees: Sequence[Person],
    cancelled: bool,
    zone: zoneinfo.ZoneInfo,
) -> str:
    """One event as an iCalendar object (METHOD:REQUEST, or METHOD:CANCEL once cancelled)
    with every attendee listed: the one builder of pair meetings and group (circle) meetings.

    The caller keeps `uid` stable and grows `sequence` with each change, so a calendar
    updates its copy. Times carry a TZID with its VTIMEZONE in `zone`. `summary` and
    `description` are read by people: no private content may be passed in them.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//Mentorwise//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", starts_at.astimezone(zone))
    event.add("dtend", ends_at.astimezone(zone))
    event.add("summary", summary)
    event.add("description", description)
    if location:
        event.add("location", location)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("organizer", _address(organizer, ""))
    for person in attendees:
        event.add("attendee", _address(person, "REQ-PARTICIPANT"), encode=False)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return str(calendar.to_ical().decode("utf-8"))


def meeting_ics(
    meeting: Meeting, *, cancel: bool | None = None, zone: zoneinfo.ZoneInfo | None = None
) -> str:
    """The meeting as an iCalendar object: METHOD:REQUEST, or METHOD:CANCEL once cancelled.

    The UID is stable and SEQUENCE counts the changes, so a calendar updates its copy.
    Times carry a TZID with its VTIMEZONE: `zone` (the recipient's or the reader's), else the
    organizer's time zone.
    """
    relationship = meeting.relationship
    mentee, mentor = relationship.mentee.person, relationship.mentor.person
    organizer = meeting_organizer(meeting)
    cancelled = meeting.status == MeetingStatus.CANCELLED if cancel is None else cancel
    # SUMMARY and DESCRIPTION are read by people: in the active language (the recipient's,
    # under `speaking_to`, or the reader's on a download).
    return event_ics(
        uid=meeting.uid,
        sequence=meeting.sequence,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        summary=_("Mentorwise: %(mentee)s and %(mentor)s")
        % {"mentee": mentee.full_name, "mentor": mentor.full_name},
        description=_("%(type)s conversation.") % {"type": meeting.get_conversation_type_display()},
        location=meeting.location,
        organizer=organizer,
        attendees=(mentee, mentor),
        cancelled=cancelled,
        zone=zone or zone_of(organizer),
    )
