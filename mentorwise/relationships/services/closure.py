"""Closing relationships (planned or early, with a re-match request) and managers' bulk actions."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentorwise.accounts.actors import Actor, User
from mentorwise.core.audit import audit_record
from mentorwise.core.clock import WHEN
from mentorwise.core.errors import Conflict, FieldError, Forbidden, InvalidInput
from mentorwise.core.languages import speaking_to
from mentorwise.matches.models import Match, MatchStatus
from mentorwise.messaging.contract import Action, ActionKind, Kind
from mentorwise.messaging.services import notify
from mentorwise.programs.models import Program
from mentorwise.programs.permissions import can_manage_program
from mentorwise.relationships.closing import meetings_to_cancel
from mentorwise.relationships.inputs.bulk import (
    BulkClosure,
    BulkReminder,
    bulk_closure_validate,
    bulk_reminder_validate,
)
from mentorwise.relationships.inputs.feedback import Closure, closure_validate
from mentorwise.relationships.models import (
    ClosureKind,
    EventKind,
    MeetingStatus,
    Relationship,
    RelationshipStatus,
)
from mentorwise.relationships.permissions import actor_side, can_oversee, overseen_relationships
from mentorwise.relationships.services.common import (
    actor_name,
    event_record,
    pair_by_language,
    relationship_url,
)
from mentorwise.relationships.services.meetings import send_invitation


@transaction.atomic
def relationship_close(*, actor: Actor, relationship: Relationship, data: Closure) -> Relationship:
    """Close a relationship (the pair or its managers); the match ends, enrollments stay.

    An early closure needs a reason and may ask for a re-match: the mentee's enrollment
    stays active, so with no capacity-holding match they are back in the matching pool.
    Both people are then asked for the closing survey.
    """
    # actor None is the system: the nudge job closes relationships stalled past warnings.
    if (
        actor is not None
        and actor_side(actor, relationship) is None
        and not can_oversee(actor, relationship)
    ):
        raise Forbidden(_("Only the pair and the program's managers may close a relationship."))
    relationship = Relationship.objects.select_for_update().get(pk=relationship.pk)
    if relationship.status != RelationshipStatus.ACTIVE:
        raise Conflict(_("This relationship is already closed."), code="relationship_closed")
    data = closure_validate(data)
    relationship.status = RelationshipStatus.CLOSED
    relationship.closed_at = timezone.now()
    relationship.closed_by = actor if isinstance(actor, User) else None
    relationship.closure_kind = data.kind
    relationship.closure_reason = data.reason
    relationship.rematch_requested = data.rematch
    relationship.save(
        update_fields=[
            "status",
            "closed_at",
            "closed_by",
            "closure_kind",
            "closure_reason",
            "rematch_requested",
        ]
    )
    Match.objects.filter(pk=relationship.match_id).update(status=MatchStatus.ENDED)
    cancelled = _cancel_future_meetings(actor, relationship)
    event_record(
        actor=actor,
        relationship=relationship,
        kind=EventKind.CLOSED,
        message="closed",
        values={
            "kind": data.kind,
            "rematch": relationship.rematch_requested,
            "cancelled": cancelled,
        },
    )
    audit_record(
        actor=actor,
        action="relationship.closed",
        target=relationship,
        data={"kind": data.kind, "rematch": relationship.rematch_requested, "cancelled": cancelled},
    )
    for group in pair_by_language(relationship):
        with speaking_to(group[0]):
            closed = _closure_text(actor, data.kind, relationship.rematch_requested, cancelled)
            subject = _("Your relationship in %(program)s was closed") % {
                "program": relationship.program.title
            }
            body = _("%(closed)s\n\nPlease tell us how it went in the closing survey: %(url)s") % {
                "closed": closed,
                "url": relationship_url(relationship),
            }
        for person in group:
            notify(
                person=person,
                kind=Kind.RELATIONSHIP,
                subject=subject,
                body=body,
                url=relationship_url(relationship),
                program=relationship.program,
            )
    return relationship


def _closure_text(actor: Actor, kind: str, rematch: bool, cancelled: int) -> str:
    """What happened, in the active language (for the e-mail to each person)."""
    parts = [
        _("%(name)s closed the relationship (%(kind)s).")
        % {"name": actor_name(actor), "kind": str(ClosureKind(kind).label).lower()}
    ]
    if rematch:
        parts.append(_("A re-match was requested."))
    if cancelled:
        parts.append(
            ngettext(
                "%(count)d planned meeting was cancelled.",
                "%(count)d planned meetings were cancelled.",
                cancelled,
            )
            % {"count": cancelled}
        )
    return " ".join(parts)


def _cancel_future_meetings(actor: Actor, relationship: Relationship) -> int:
    """Cancel the meetings still ahead; each calendar receives METHOD:CANCEL (same UID, next
    SEQUENCE, STATUS:CANCELLED), each person in their own zone."""
    meetings = list(meetings_to_cancel(relationship, timezone.now()).select_for_update())
    for meeting in meetings:
        meeting.status = MeetingStatus.CANCELLED
        meeting.sequence += 1
        meeting.save(update_fields=["status", "sequence"])
        meeting.relationship = relationship
        audit_record(actor=actor, action="meeting.cancelled", target=meeting)
        send_invitation(
            meeting,
            subject=lambda: _("Cancelled: meeting on %(when)s") % {"when": WHEN},
            body=lambda: (
                _(
                    "The relationship in %(program)s was closed, so the meeting of %(when)s "
                    "is cancelled."
                )
                % {"program": relationship.program.title, "when": WHEN}
            ),
        )
    return len(meetings)


def _managed(actor: Actor, program: Program, relationship_ids: list[int]) -> list[Relationship]:
    """The selected relationships of the program, all of which the actor oversees.

    A manager does not act as manager on a relationship they are in (a reminder from the
    program, a closure in bulk): every such selection is named, and nothing is done.
    """
    if not can_manage_program(actor, program):
        raise Forbidden(_("Only this program's managers and HR admins may do this."))
    found = list(
        Relationship.objects.filter(program=program, pk__in=relationship_ids).select_related(
            "program", "mentee__person", "mentor__person"
        )
    )
    if not found:
        raise InvalidInput([FieldError("relationships", _("select at least one relationship"))])
    overseen = set(
        overseen_relationships(actor)
        .filter(pk__in=[r.pk for r in found])
        .values_list("pk", flat=True)
    )
    errors = [
        FieldError(
            "relationships",
            _(
                "you are in this relationship: another manager of the program or an HR admin "
                "acts on it"
            ),
            value=str(r.pk),
        )
        for r in found
        if r.pk not in overseen
    ]
    if errors:
        raise InvalidInput(errors)
    return found


@transaction.atomic
def relationships_remind(*, actor: Actor, program: Program, data: BulkReminder) -> int:
    """Email a reminder to the selected active pairs of a program; returns how many pairs."""
    selected = _managed(actor, program, data.relationship_ids)
    data = bulk_reminder_validate(data)
    count = 0
    for relationship in selected:
        if not relationship.is_active:
            continue
        for group in pair_by_language(relationship):
            with speaking_to(group[0]):
                message = data.message or _(
                    "How is your mentoring going? Please plan your next meeting."
                )
                subject = _("A reminder from %(program)s") % {"program": program.title}
                snooze = Action(ActionKind.SNOOZE, 0, _("Remind me in a week"))
            for person in group:
                notify(
                    person=person,
                    kind=Kind.NUDGE,
                    subject=subject,
                    body=f"{message}\n\n{relationship_url(relationship)}",
                    url=relationship_url(relationship),
                    actions=[snooze],
                    program=program,
                )
        event_record(
            actor=actor,
            relationship=relationship,
            kind=EventKind.REMINDER,
            message="reminded",
        )
        count += 1
    audit_record(
        actor=actor, action="relationships.reminded", target=program, data={"pairs": count}
    )
    return count


@transaction.atomic
def relationships_close_bulk(*, actor: Actor, program: Program, data: BulkClosure) -> int:
    """Close the selected active relationships early, with one reason; all or none."""
    data = bulk_closure_validate(data)
    count = 0
    for relationship in _managed(actor, program, data.relationship_ids):
        if relationship.is_active:
            relationship_close(
                actor=actor,
                relationship=relationship,
                data=Closure(kind=ClosureKind.EARLY, reason=data.reason),
            )
            count += 1
    return count
