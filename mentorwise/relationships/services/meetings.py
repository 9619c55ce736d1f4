"""Meetings: schedule (with an .ics invitation), reschedule, cancel, log; private notes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from mentorwise.core.audit import audit_record
from mentorwise.core.errors import Conflict, FieldError, InvalidInput
from mentorwise.core.mail import email_enqueue
from mentorwise.core.text import count
from mentorwise.relationships.calendar import meeting_ics
from mentorwise.relationships.models import (
    ConversationType,
    EventKind,
    Meeting,
    MeetingStatus,
    PrivateNote,
    Relationship,
)
from mentorwise.relationships.permissions import require_active, require_side
from mentorwise.relationships.services.common import (
    actor_name,
    event_record,
    pair_emails,
    relationship_url,
)


def _when(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M %Z")


def _validate_slot(starts_at: dt.datetime | None, duration_minutes: int, location: str) -> None:
    errors = []
    if starts_at is None or timezone.is_naive(starts_at):
        errors.append(FieldError("starts_at", "a date and time with a time zone is required"))
    if not 5 <= duration_minutes <= 480:
        errors.append(
            FieldError("duration_minutes", "must be 5 to 480", value=str(duration_minutes))
        )
    if len(location) > 300:
        errors.append(FieldError("location", "must be at most 300 characters"))
    if errors:
        raise InvalidInput(errors)


def _send_invitation(meeting: Meeting, *, subject: str, body: str) -> None:
    cancelled = meeting.status == MeetingStatus.CANCELLED
    method = "CANCEL" if cancelled else "REQUEST"
    email_enqueue(
        to=pair_emails(meeting.relationship),
        subject=subject,
        body=f"{body}\n\n{relationship_url(meeting.relationship)}",
        attachments=[
            ("meeting.ics", meeting_ics(meeting), f"text/calendar; method={method}"),
        ],
    )


@transaction.atomic
def meeting_schedule(
    *,
    actor: Any,
    relationship: Relationship,
    starts_at: dt.datetime,
    duration_minutes: int = 60,
    location: str = "",
    conversation_type: str = ConversationType.MENTORING,
) -> Meeting:
    """Schedule a meeting and send both people a calendar invitation."""
    require_side(actor, relationship)
    require_active(relationship)
    _validate_slot(starts_at, duration_minutes, location)
    if conversation_type not in ConversationType.values:
        raise InvalidInput([FieldError("conversation_type", "unknown", value=conversation_type)])
    meeting = Meeting.objects.create(
        relationship=relationship,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=location.strip(),
        conversation_type=conversation_type,
        created_by=actor,
    )
    event_record(
        actor=actor,
        relationship=relationship,
        kind=EventKind.MEETING_SCHEDULED,
        text=f"{actor_name(actor)} scheduled a meeting for {_when(starts_at)}.",
    )
    audit_record(actor=actor, action="meeting.scheduled", target=meeting)
    _send_invitation(
        meeting,
        subject=f"Meeting on {_when(starts_at)}",
        body=f"{actor_name(actor)} scheduled a meeting for {_when(starts_at)}.",
    )
    return meeting


def _require_scheduled(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Conflict(
            f"This meeting is {meeting.get_status_display().lower()}.", code="meeting_not_scheduled"
        )


@transaction.atomic
def meeting_reschedule(
    *,
    actor: Any,
    meeting: Meeting,
    starts_at: dt.datetime,
    duration_minutes: int | None = None,
    location: str | None = None,
) -> Meeting:
    """Move a scheduled meeting; the invitation keeps its UID with the next SEQUENCE."""
    relationship = meeting.relationship
    require_side(actor, relationship)
    require_active(relationship)
    _require_scheduled(meeting)
    duration = meeting.duration_minutes if duration_minutes is None else duration_minutes
    place = meeting.location if location is None else location.strip()
    _validate_slot(starts_at, duration, place)
    meeting.starts_at, meeting.duration_minutes, meeting.location = starts_at, duration, place
    meeting.sequence += 1
    meeting.save(update_fields=["starts_at", "duration_minutes", "location", "sequence"])
    event_record(
        actor=actor,
        relationship=relationship,
        kind=EventKind.MEETING_RESCHEDULED,
        text=f"{actor_name(actor)} moved a meeting to {_when(starts_at)}.",
    )
    audit_record(actor=actor, action="meeting.rescheduled", target=meeting)
    _send_invitation(
        meeting,
        subject=f"Meeting moved to {_when(starts_at)}",
        body=f"{actor_name(actor)} moved your meeting to {_when(starts_at)}.",
    )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: Any, meeting: Meeting) -> Meeting:
    """Cancel a scheduled meeting; calendars receive METHOD:CANCEL."""
    relationship = meeting.relationship
    require_side(actor, relationship)
    _require_scheduled(meeting)
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence"])
    event_record(
        actor=actor,
        relationship=relationship,
        kind=EventKind.MEETING_CANCELLED,
        text=f"{actor_name(actor)} cancelled the meeting of {_when(meeting.starts_at)}.",
    )
    audit_record(actor=actor, action="meeting.cancelled", target=meeting)
    _send_invitation(
        meeting,
        subject=f"Cancelled: meeting on {_when(meeting.starts_at)}",
        body=f"{actor_name(actor)} cancelled the meeting of {_when(meeting.starts_at)}.",
    )
    return meeting


@dataclass
class MeetingLog:
    """What happened in a meeting; `private_note` goes to the author's private note."""

    held_at: dt.datetime
    duration_minutes: int = 60
    conversation_type: str = ConversationType.MENTORING
    topics: str = ""
    shared_notes: str = ""
    private_note: str = ""


@transaction.atomic
def meeting_log(
    *, actor: Any, relationship: Relationship, log: MeetingLog, meeting: Meeting | None = None
) -> Meeting:
    """Record a held meeting (a scheduled one, or one that was not scheduled here)."""
    require_side(actor, relationship)
    require_active(relationship)
    errors = []
    if log.held_at is None or timezone.is_naive(log.held_at):
        errors.append(FieldError("held_at", "a date and time with a time zone is required"))
    elif log.held_at > timezone.now() + dt.timedelta(hours=1):
        errors.append(FieldError("held_at", "a meeting can be logged once it has taken place"))
    if not 5 <= log.duration_minutes <= 480:
        errors.append(
            FieldError("duration_minutes", "must be 5 to 480", value=str(log.duration_minutes))
        )
    if log.conversation_type not in ConversationType.values:
        errors.append(FieldError("conversation_type", "unknown", value=log.conversation_type))
    if len(log.topics) > 300:
        errors.append(FieldError("topics", "must be at most 300 characters"))
    if errors:
        raise InvalidInput(errors)
    if meeting is None:
        meeting = Meeting(relationship=relationship, created_by=actor)
    elif meeting.relationship_id != relationship.pk or meeting.status == MeetingStatus.CANCELLED:
        raise Conflict("This meeting cannot be logged.", code="meeting_not_loggable")
    meeting.status = MeetingStatus.HELD
    meeting.starts_at = log.held_at
    meeting.duration_minutes = log.duration_minutes
    meeting.conversation_type = log.conversation_type
    meeting.topics = log.topics.strip()
    meeting.shared_notes = log.shared_notes.strip()
    meeting.logged_by, meeting.logged_at = actor, timezone.now()
    meeting.save()
    if relationship.last_meeting_at is None or relationship.last_meeting_at < log.held_at:
        relationship.last_meeting_at = log.held_at
        relationship.save(update_fields=["last_meeting_at"])
    if log.private_note.strip():
        private_note_write(actor=actor, meeting=meeting, text=log.private_note)
    event_record(
        actor=actor,
        relationship=relationship,
        kind=EventKind.MEETING_LOGGED,
        text=(
            f"{actor_name(actor)} logged a {meeting.get_conversation_type_display().lower()} "
            f"meeting of {count(log.duration_minutes, 'minute')} on {_when(log.held_at)}."
        ),
    )
    audit_record(actor=actor, action="meeting.logged", target=meeting)
    return meeting


@transaction.atomic
def private_note_write(*, actor: Any, meeting: Meeting, text: str) -> PrivateNote | None:
    """Save the actor's own private note on a meeting (empty text deletes it).

    Only someone in the pair may write one, and only its author will ever read it.
    The audit row records that a note was written, never what it says.
    """
    require_side(actor, meeting.relationship)
    text = text.strip()
    if len(text) > 20000:
        raise InvalidInput([FieldError("private_note", "must be at most 20000 characters")])
    if not text:
        PrivateNote.objects.filter(author=actor, meeting=meeting).delete()
        audit_record(actor=actor, action="private_note.deleted", target=meeting)
        return None
    note, created = PrivateNote.objects.update_or_create(
        author=actor, meeting=meeting, defaults={"text": text, "updated_at": timezone.now()}
    )
    audit_record(
        actor=actor,
        action="private_note.created" if created else "private_note.changed",
        target=note,
    )
    return note
