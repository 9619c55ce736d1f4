"""Circle services for its participants: the shared agreement and goals, group meetings
(invitations to everyone, attendance), check-ins, private notes, the closing survey.

Each is one transaction with its audit row; mail goes out after commit. What the program's
managers do (form circles, change a facilitator, move a member, close) is in oversight.py.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.circles.calendar import attendees_of, circle_meeting_ics
from mentorwise.circles.inputs import (
    AgreementText,
    CheckInNew,
    ClosingSurvey,
    GoalFields,
    MeetingPlan,
    MeetingRecord,
    note_problem,
)
from mentorwise.circles.models import (
    Attendance,
    Circle,
    CircleCheckIn,
    CircleGoal,
    CircleMeeting,
    CircleMeetingStatus,
    CirclePrivateNote,
    CircleRole,
    CircleStatus,
    ClosingAnswer,
)
from mentorwise.circles.permissions import (
    require_active,
    require_facilitator,
    require_participant,
)
from mentorwise.core.audit import audit_record
from mentorwise.core.clock import fill_when, group_by_zone
from mentorwise.core.errors import Conflict, FieldError, Forbidden, InvalidInput
from mentorwise.core.languages import language_of, speaking_to
from mentorwise.messaging.contract import Kind
from mentorwise.messaging.services import notify


def circle_url(circle: Circle) -> str:
    base = getattr(settings, "MENTORWISE_BASE_URL", "").rstrip("/")
    return base + reverse("circles:detail", args=[circle.pk])


# Agreement and goals --------------------------------------------------------------------


@transaction.atomic
def agreement_update(*, actor: Actor, circle: Circle, data: AgreementText) -> Circle:
    """A facilitator writes the shared agreement: a new version everyone confirms again
    (the writer's confirmation included)."""
    _user, mine = require_facilitator(actor, circle)
    require_active(circle)
    clean = data.validate()
    circle = Circle.objects.select_for_update().get(pk=circle.pk)
    circle.agreement, circle.meeting_cadence_days = clean.text, clean.cadence_days
    circle.agreement_version += 1
    circle.save(update_fields=["agreement", "meeting_cadence_days", "agreement_version"])
    mine.agreement_confirmed = circle.agreement_version
    mine.save(update_fields=["agreement_confirmed"])
    audit_record(
        actor=actor,
        action="circle.agreement_changed",
        target=circle,
        data={"version": circle.agreement_version},
    )
    return circle


@transaction.atomic
def agreement_confirm(*, actor: Actor, circle: Circle, version: int) -> Circle:
    """A participant confirms the current version of the agreement (stale versions: 409)."""
    _user, mine = require_participant(actor, circle)
    require_active(circle)
    if circle.agreement_version == 0:
        raise Conflict(_("The circle has no agreement yet."), code="no_agreement")
    if version != circle.agreement_version:
        raise Conflict(
            _("The agreement changed since you read it: read the current version."),
            code="stale_version",
        )
    mine.agreement_confirmed = version
    mine.save(update_fields=["agreement_confirmed"])
    audit_record(
        actor=actor, action="circle.agreement_confirmed", target=circle, data={"version": version}
    )
    return circle


@transaction.atomic
def goal_create(*, actor: Actor, circle: Circle, data: GoalFields) -> CircleGoal:
    """Any participant adds a goal the circle shares."""
    user, _mine = require_participant(actor, circle)
    require_active(circle)
    clean = data.validate()
    goal = CircleGoal.objects.create(
        circle=circle,
        title=clean.title,
        description=clean.description,
        progress=clean.progress,
        status=clean.status,
        created_by=user,
    )
    audit_record(actor=actor, action="circle.goal_added", target=goal)
    return goal


@transaction.atomic
def goal_update(*, actor: Actor, goal: CircleGoal, data: GoalFields) -> CircleGoal:
    """Any participant changes a shared goal's text, progress or status."""
    require_participant(actor, goal.circle)
    require_active(goal.circle)
    clean = data.validate()
    goal.title, goal.description = clean.title, clean.description
    goal.progress, goal.status = clean.progress, clean.status
    goal.save(update_fields=["title", "description", "progress", "status"])
    audit_record(actor=actor, action="circle.goal_changed", target=goal)
    return goal


# Meetings -------------------------------------------------------------------------------


def send_invitation(
    meeting: CircleMeeting, *, subject: Callable[[], str], body: Callable[[], str]
) -> None:
    """E-mail every participant the invitation (or its cancellation) with all of them on
    the .ics, each group of people in one zone and language its own e-mail."""
    people = attendees_of(meeting)
    method = "CANCEL" if meeting.status == CircleMeetingStatus.CANCELLED else "REQUEST"
    for zone, in_zone in group_by_zone(people).items():
        ics: dict[str, str] = {}  # per language: the .ics's text is in the reader's language
        for person in in_zone:
            with speaking_to(person):
                language = language_of(person)
                if language not in ics:
                    ics[language] = circle_meeting_ics(meeting, zone=zone, attendees=people)
                times = _("Times are in %(zone)s.") % {"zone": zone.key}
                notify(
                    person=person,
                    kind=Kind.MEETING,
                    subject=fill_when(subject(), meeting.starts_at, zone),
                    body=f"{fill_when(body(), meeting.starts_at, zone)}\n\n{times}",
                    url=circle_url(meeting.circle),
                    attachments=[("meeting.ics", ics[language], f"text/calendar; method={method}")],
                    program=meeting.circle.program,
                )


@transaction.atomic
def meeting_schedule(*, actor: Actor, circle: Circle, data: MeetingPlan) -> CircleMeeting:
    """A facilitator schedules a group meeting; everyone gets the invitation."""
    user, _mine = require_facilitator(actor, circle)
    require_active(circle)
    clean = data.validate()
    meeting = CircleMeeting.objects.create(
        circle=circle,
        starts_at=clean.starts_at,
        duration_minutes=clean.duration_minutes,
        location=clean.location,
        topic=clean.topic,
        created_by=user,
    )
    name = circle.name
    send_invitation(
        meeting,
        subject=lambda: _("Circle meeting: %(circle)s, {when}") % {"circle": name},
        body=lambda: _("Your circle %(circle)s meets on {when}.") % {"circle": name},
    )
    audit_record(actor=actor, action="circle.meeting_scheduled", target=meeting)
    return meeting


@transaction.atomic
def meeting_reschedule(*, actor: Actor, meeting: CircleMeeting, data: MeetingPlan) -> CircleMeeting:
    """Move a scheduled meeting: the same UID, the next SEQUENCE, a new invitation."""
    require_facilitator(actor, meeting.circle)
    require_active(meeting.circle)
    if meeting.status != CircleMeetingStatus.SCHEDULED:
        raise Conflict(_("Only a scheduled meeting can be moved."), code="not_scheduled")
    clean = data.validate()
    meeting.starts_at, meeting.duration_minutes = clean.starts_at, clean.duration_minutes
    meeting.location, meeting.topic = clean.location, clean.topic
    meeting.sequence = F("sequence") + 1
    meeting.save(update_fields=["starts_at", "duration_minutes", "location", "topic", "sequence"])
    meeting.refresh_from_db()
    name = meeting.circle.name
    send_invitation(
        meeting,
        subject=lambda: _("Circle meeting moved: %(circle)s, {when}") % {"circle": name},
        body=lambda: _("Your circle %(circle)s now meets on {when}.") % {"circle": name},
    )
    audit_record(actor=actor, action="circle.meeting_rescheduled", target=meeting)
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: Actor, meeting: CircleMeeting) -> CircleMeeting:
    """Cancel a scheduled meeting: METHOD:CANCEL with the same UID to everyone."""
    require_facilitator(actor, meeting.circle)
    if meeting.status != CircleMeetingStatus.SCHEDULED:
        raise Conflict(_("Only a scheduled meeting can be cancelled."), code="not_scheduled")
    meeting.status = CircleMeetingStatus.CANCELLED
    meeting.sequence = F("sequence") + 1
    meeting.save(update_fields=["status", "sequence"])
    meeting.refresh_from_db()
    name = meeting.circle.name
    send_invitation(
        meeting,
        subject=lambda: _("Circle meeting cancelled: %(circle)s, {when}") % {"circle": name},
        body=lambda: _("The meeting of %(circle)s on {when} is cancelled.") % {"circle": name},
    )
    audit_record(actor=actor, action="circle.meeting_cancelled", target=meeting)
    return meeting


@transaction.atomic
def meeting_record(*, actor: Actor, meeting: CircleMeeting, data: MeetingRecord) -> CircleMeeting:
    """A facilitator records a meeting as held: who was there (every current participant
    gets a row, present or not) and the shared notes. Recording again corrects it."""
    require_facilitator(actor, meeting.circle)
    require_active(meeting.circle)
    if meeting.status == CircleMeetingStatus.CANCELLED:
        raise Conflict(_("This meeting was cancelled."), code="meeting_cancelled")
    if meeting.starts_at > timezone.now():
        raise Conflict(_("This meeting has not taken place yet."), code="meeting_in_future")
    clean = data.validate()
    people = list(meeting.circle.memberships.filter(left_at__isnull=True))
    ids = {m.pk for m in people}
    strangers = sorted(set(clean.present) - ids)
    if strangers:
        raise InvalidInput(
            [
                FieldError("present", _("not a participant of this circle"), value=str(pk))
                for pk in strangers
            ]
        )
    for membership in people:
        Attendance.objects.update_or_create(
            meeting=meeting,
            membership=membership,
            defaults={"present": membership.pk in clean.present},
        )
    meeting.status, meeting.shared_notes = CircleMeetingStatus.HELD, clean.shared_notes
    meeting.held_at = timezone.now()
    meeting.save(update_fields=["status", "shared_notes", "held_at"])
    circle = meeting.circle
    if circle.last_meeting_at is None or circle.last_meeting_at < meeting.starts_at:
        circle.last_meeting_at = meeting.starts_at
        circle.save(update_fields=["last_meeting_at"])
    audit_record(
        actor=actor,
        action="circle.meeting_recorded",
        target=meeting,
        data={"present": len(clean.present), "participants": len(people)},
    )
    return meeting


@transaction.atomic
def private_note_write(
    *, actor: Actor, meeting: CircleMeeting, text: str
) -> CirclePrivateNote | None:
    """Save the actor's own private note on a meeting (empty text deletes it); only a
    participant writes one, and only its author ever reads it. The audit row records that a
    note was written, never what it says."""
    author, _mine = require_participant(actor, meeting.circle)
    if problem := note_problem(text):
        raise InvalidInput([problem])
    text = text.strip()
    if not text:
        CirclePrivateNote.objects.filter(author=author, meeting=meeting).delete()
        audit_record(actor=actor, action="circle.private_note_deleted", target=meeting)
        return None
    note, created = CirclePrivateNote.objects.update_or_create(
        author=author, meeting=meeting, defaults={"text": text, "updated_at": timezone.now()}
    )
    audit_record(
        actor=actor,
        action="circle.private_note_created" if created else "circle.private_note_changed",
        target=note,
    )
    return note


# Check-ins and the closing survey -------------------------------------------------------


@transaction.atomic
def check_in_create(*, actor: Actor, circle: Circle, data: CheckInNew) -> CircleCheckIn:
    """A member checks in (pulse 1–5, a short comment the facilitators read)."""
    _user, mine = require_participant(actor, circle)
    require_active(circle)
    if mine.role != CircleRole.MEMBER:
        raise Forbidden(_("Facilitators read the members' check-ins; only members check in."))
    clean = data.validate()
    check_in = CircleCheckIn.objects.create(
        circle=circle, membership=mine, pulse=clean.pulse, comment=clean.comment
    )
    audit_record(actor=actor, action="circle.check_in", target=check_in)
    return check_in


@transaction.atomic
def closing_survey_answer(*, actor: Actor, circle: Circle, data: ClosingSurvey) -> ClosingAnswer:
    """A member answers the closing survey once, after the circle closed."""
    _user, mine = require_participant(actor, circle)
    if circle.status != CircleStatus.CLOSED:
        raise Conflict(_("The closing survey opens when the circle closes."), code="not_closed")
    if mine.role != CircleRole.MEMBER:
        raise Conflict(_("The closing survey is for members."), code="not_member")
    if ClosingAnswer.objects.filter(membership=mine).exists():
        raise Conflict(_("You already answered the closing survey."), code="already_answered")
    clean = data.validate()
    answer = ClosingAnswer.objects.create(
        circle=circle, membership=mine, usefulness=clean.usefulness, comment=clean.comment
    )
    audit_record(actor=actor, action="circle.closing_survey", target=answer)
    return answer
