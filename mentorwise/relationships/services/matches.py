"""Answering a published or requested match; the relationship starts when both accept."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.accounts.roles import actor_person_id
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import Conflict, NotFound
from mentorwise.core.languages import speaking_to
from mentorwise.matches.models import Match, MatchStatus, Response
from mentorwise.messaging.contract import Kind
from mentorwise.messaging.services import notify
from mentorwise.programs.models import Enrollment
from mentorwise.relationships.inputs.answers import MatchAnswer, match_answer_validate
from mentorwise.relationships.models import (
    EventKind,
    Relationship,
    RelationshipStatus,
    Side,
)
from mentorwise.relationships.services.common import (
    by_language,
    event_record,
    relationship_url,
)
from mentorwise.relationships.services.pair import agreement_open


def mentor_active_count(*, mentor: Enrollment, exclude_match_id: int | None = None) -> int:
    """Places the mentor has given: accepted matches (each one is an active relationship)."""
    matches = Match.objects.filter(mentor=mentor, status=MatchStatus.ACCEPTED)
    if exclude_match_id is not None:
        matches = matches.exclude(pk=exclude_match_id)
    return matches.count()


def _relationship_start(*, actor: Actor, match: Match) -> Relationship:
    program = match.program
    relationship = Relationship.objects.create(
        match=match,
        program=program,
        mentee=match.mentee,
        mentor=match.mentor,
        status=RelationshipStatus.ACTIVE,
        started_at=timezone.now(),
        planned_end_date=program.end_date,
    )
    agreement_open(relationship=relationship)
    event_record(
        actor=actor,
        relationship=relationship,
        kind=EventKind.STARTED,
        message="started",
        values={"mentee": match.mentee.person.full_name, "mentor": match.mentor.person.full_name},
    )
    audit_record(actor=actor, action="relationship.started", target=relationship)
    return relationship


def match_respond(*, actor: Actor, match: Match, data: MatchAnswer) -> Match:
    """The mentee or mentor answers a match; both accepting starts the relationship.

    A published match needs both answers; a requested one (self-match) only the mentor's.
    The mentor's capacity is never exceeded: their enrollment row is locked while the
    accepted matches are counted, so two acceptances at the same moment run one after the
    other and the second one sees the first.
    """
    person_id = actor_person_id(actor)
    with transaction.atomic():
        # Lock the match row only (not the joined program and enrollments): two answers to
        # one match serialize here; the mentor's enrollment is locked below for capacity.
        locked = (
            Match.objects.select_for_update(of=("self",))
            .select_related("program", "mentee__person", "mentor__person")
            .filter(pk=match.pk)
            .first()
        )
        if locked is None or person_id not in (locked.mentee.person_id, locked.mentor.person_id):
            raise NotFound(_("No such match."))
        match = locked
        data = match_answer_validate(data)
        side = Side.MENTEE if match.mentee.person_id == person_id else Side.MENTOR
        if match.status == MatchStatus.REQUESTED and side == Side.MENTEE:
            raise Conflict(
                _("You asked for this mentor; their answer is awaited."), code="awaiting"
            )
        if match.status not in (MatchStatus.PUBLISHED, MatchStatus.REQUESTED):
            raise Conflict(_("This match is no longer awaiting an answer."), code="not_awaiting")
        field = "mentee_response" if side == Side.MENTEE else "mentor_response"
        if getattr(match, field) != Response.PENDING:
            raise Conflict(_("You have already answered this match."), code="already_answered")
        now = timezone.now()
        if match.expires_at is not None and match.expires_at <= now:
            raise Conflict(_("This match has expired."), code="expired")

        if not data.accept:
            setattr(match, field, Response.DECLINED)
            match.status = MatchStatus.DECLINED
            match.decline_reason = data.reason
            match.save(update_fields=[field, "status", "decline_reason"])
            audit_record(
                actor=actor, action="match.declined", target=match, data={"side": side.value}
            )
            other = match.mentor if side == Side.MENTEE else match.mentee
            with speaking_to(other.person):
                notify(
                    person=other.person,
                    kind=Kind.MATCH_UPDATE,
                    subject=_("Your match in %(program)s will not go ahead")
                    % {"program": match.program.title},
                    body=_(
                        "%(name)s declined the match in %(program)s. "
                        "You are back in the pool for the next match."
                    )
                    % {"name": actor_person_name(match, side), "program": match.program.title},
                    url=reverse("relationships:mine"),
                    program=match.program,
                )
            return match

        # Lock the mentor's enrollment: the capacity guard for every acceptance.
        mentor = Enrollment.objects.select_for_update().get(pk=match.mentor_id)
        taken = mentor_active_count(mentor=mentor, exclude_match_id=match.pk)
        if taken >= mentor.capacity:
            raise Conflict(
                _("%(name)s has no free place (capacity %(capacity)s).")
                % {"name": mentor.person.full_name, "capacity": mentor.capacity},
                code="mentor_full",
            )
        if (
            Match.objects.filter(mentee=match.mentee, status=MatchStatus.ACCEPTED)
            .exclude(pk=match.pk)
            .exists()
        ):
            raise Conflict(
                _("%(name)s is already paired with a peer in this program.")
                % {"name": match.mentee.person.full_name}
                if match.program.is_peer
                else _("The mentee already has a mentor in this program."),
                code="mentee_taken",
            )
        setattr(match, field, Response.ACCEPTED)
        fields = [field]
        relationship = None
        if (
            match.mentee_response == Response.ACCEPTED
            and match.mentor_response == Response.ACCEPTED
        ):
            match.status = MatchStatus.ACCEPTED
            fields.append("status")
        match.save(update_fields=fields)
        audit_record(actor=actor, action="match.accepted", target=match, data={"side": side})
        if match.status == MatchStatus.ACCEPTED:
            relationship = _relationship_start(actor=actor, match=match)
            for group in by_language([match.mentee.person, match.mentor.person]):
                with speaking_to(group[0]):
                    subject = _("Your mentoring relationship in %(program)s has started") % {
                        "program": match.program.title
                    }
                    body = _(
                        "%(mentee)s and %(mentor)s both accepted. Next: read and confirm "
                        "your agreement, set goals and schedule your first meeting."
                        "\n\n%(url)s"
                    ) % {
                        "mentee": match.mentee.person.full_name,
                        "mentor": match.mentor.person.full_name,
                        "url": relationship_url(relationship),
                    }
                for person in group:
                    notify(
                        person=person,
                        kind=Kind.RELATIONSHIP,
                        subject=subject,
                        body=body,
                        url=relationship_url(relationship),
                        program=match.program,
                    )
        return match


def actor_person_name(match: Match, side: Side) -> str:
    enrollment = match.mentee if side == Side.MENTEE else match.mentor
    return str(enrollment.person.full_name)
