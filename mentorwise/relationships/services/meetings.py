"""Meetings: schedule (with an .ics invitation), reschedule, cancel, log; private notes."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.core.audit import audit_record
from mentorwise.core.clock import WHEN, fill_when, group_by_zone, zone_of
from mentorwise.core.errors import Conflict, InvalidInput
from mentorwise.core.languages import speaking_to
from mentorwise.messaging.contract import Kind
from mentorwise.messaging.services import notify
from mentorwise.relationships.calendar import meeting_ics
from mentorwise.relationships.inputs.meetings import (
    MeetingLog,
    MeetingMove,
    MeetingSchedule,
    meeting_log_validate,
    meeting_move_validate,
    meeting_schedule_validate,
    private_note_problem,
)
from mentorwise.relationships.models import (
    EventKind,
    Meeting,
    MeetingStatus,
    PrivateNote,
    Relationship,
)
from mentorwise.relationships.permissions import require_active, require_member, require_side
from mentorwise.relationships.services.common import (
    actor_name,
    by_language,
    event_record,
    relationship_url,
)


def send_invitation(
    meeting: Meeting, *, subject: Callable[[], str], body: Callable[[], str]
) -> None:
    """E-mail both people the invitation (or its cancellation), each in their own time zone
    and language.

    `subject` and `body` give the text in the active language, saying `{when}` for the
    meeting's time: people who share a zone and a language share an e-mail; the others get
    one each, with the times and the .ics in their zone and the text in their language.
    """
    relationship = meeting.relationship
    cancelled = meeting.status == MeetingStatus.CANCELLED
    method = "CANCEL" if cancelled else "REQUEST"
    people = [relationship.mentee.person, relationship.mentor.person]
    for zone, in_zone in group_by_zone(people).items():
        for group in by_language(in_zone):
            with speaking_to(group[0]):
                times = _("Times are in %(zone)s.") % {"zone": zone.key}
                text = fill_when(subject(), meeting.starts_at, zone)
                message = (
                    f"{fill_when(body(), meeting.starts_at, zone)}\n\n"
                    f"{times}\n{relationship_url(relationship)}"
                )
                ics = meeting_ics(meeting, zone=zone)
            for person in group:
                notify(
                    person=person,
                    kind=Kind.MEETING,
                    subject=text,
                    body=message,
                    url=relationship_url(relationship),
                    attachments=[("meeting.ics", ics, f"text/calendar; method={method}")],
                    program=relationship.program,
                )


@transaction.atomic
def meeting_schedule(*, actor: Actor, relationship: Relationship, data: MeetingSchedule) -> Meeting:
    """Schedule a meeting and send both people a calendar invitation."""
    user, _side = require_member(actor, relationship)
    require_active(relationship)
    data = meeting_schedule_validate(data, relationship=relationship, zone=zone_of(actor))
    meeting = Meeting.objects.create(
        relationship=relationship,
        starts_at=data.starts_at,
        duration_minutes=data.duration_minutes,
        location=data.location,
        conversation_type=data.conversation_type,
        created_by=user,
    )
    event_record(
        actor=actor,
        relationship=relationship,
        kind=EventKind.MEETING_SCHEDULED,
        message="meeting_scheduled",
        at=data.starts_at,
    )
    audit_record(actor=actor, action="meeting.scheduled", target=meeting)
    name = actor_name(actor)
    send_invitation(
        meeting,
        subject=lambda: _("Meeting on %(when)s") % {"when": WHEN},
        body=lambda: _("%(name)s scheduled a meeting for %(when)s.") % {"name": name, "when": WHEN},
    )
    return meeting


def _require_scheduled(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Conflict(
            _("This meeting is %(status)s.") % {"status": meeting.get_status_display().lower()},
            code="meeting_not_scheduled",
        )


@transaction.atomic
def meeting_reschedule(*, actor: Actor, meeting: Meeting, data: MeetingMove) -> Meeting:
    """Move a scheduled meeting; the invitation keeps its UID with the next SEQUENCE."""
    relationship = meeting.relationship
    require_side(actor, relationship)
    require_active(relationship)
    _require_scheduled(meeting)
    slot = meeting_move_validate(data, meeting=meeting, zone=zone_of(actor))
    meeting.starts_at, meeting.duration_minutes, meeting.location = (
        slot.starts_at,
        slot.duration_minutes,
        slot.location,
    )
    meeting.sequence += 1
    meeting.save(update_fields=["starts_at", "duration_minutes", "location", "sequence"])
    event_record(
        actor=actor,
        relationship=relationship,
        kind=EventKind.MEETING_RESCHEDULED,
        message="meeting_moved",
        at=slot.starts_at,
    )
    audit_record(actor=actor, action="meeting.rescheduled", target=meeting)
    name = actor_name(actor)
    send_invitation(
        meeting,
        subject=lambda: _("Meeting moved to %(when)s") % {"when": WHEN},
        body=lambda: _("%(name)s moved your meeting to %(when)s.") % {"name": name, "when": WHEN},
    )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: Actor, meeting: Meeting) -> Meeting:
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
        message="meeting_cancelled",
        at=meeting.starts_at,
    )
    audit_record(actor=actor, action="meeting.cancelled", target=meeting)
    name = actor_name(actor)
    send_invitation(
        meeting,
        subject=lambda: _("Cancelled: meeting on %(when)s") % {"when": WHEN},
        body=lambda: (
            _("%(name)s cancelled the meeting of %(when)s.") % {"name": name, "when": WHEN}
        ),
    )
    return meeting


@transaction.atomic
def meeting_log(
    *, actor: Actor, relationship: Relationship, log: MeetingLog, meeting: Meeting | None = None
) -> Meeting:
    """Record a held meeting (a scheduled one, or one that was not scheduled here)."""
    user, _side = require_member(actor, relationship)
    require_active(relationship)
    log = meeting_log_validate(log, relationship=relationship, zone=zone_of(actor))
    if meeting is None:
        meeting = Meeting(relationship=relationship, created_by=user)
    elif meeting.relationship_id != relationship.pk or meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(_("This meeting cannot be logged."), code="meeting_not_loggable")
    meeting.status = MeetingStatus.HELD
    meeting.starts_at = log.held_at
    meeting.duration_minutes = log.duration_minutes
    meeting.conversation_type = log.conversation_type
    meeting.topics = log.topics
    meeting.shared_notes = log.shared_notes
    meeting.logged_by, meeting.logged_at = user, timezone.now()
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
        message="meeting_logged",
        values={"type": meeting.conversation_type, "minutes": log.duration_minutes},
        at=log.held_at,
    )
    audit_record(actor=actor, action="meeting.logged", target=meeting)
    return meeting


@transaction.atomic
def private_note_write(*, actor: Actor, meeting: Meeting, text: str) -> PrivateNote | None:
    """Save the actor's own private note on a meeting (empty text deletes it).

    Only someone in the pair may write one, and only its author will ever read it.
    The audit row records that a note was written, never what it says.
    """
    author, _side = require_member(actor, meeting.relationship)
    if problem := private_note_problem(text):
        raise InvalidInput([problem])
    text = text.strip()
    if not text:
        PrivateNote.objects.filter(author=author, meeting=meeting).delete()
        audit_record(actor=actor, action="private_note.deleted", target=meeting)
        return None
    note, created = PrivateNote.objects.update_or_create(
        author=author, meeting=meeting, defaults={"text": text, "updated_at": timezone.now()}
    )
    audit_record(
        actor=actor,
        action="private_note.created" if created else "private_note.changed",
        target=note,
    )
    return note
