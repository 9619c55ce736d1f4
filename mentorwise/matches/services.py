"""Matching in a program (writes): queuing runs, review by the program manager, publishing,
self-match requests, participants' marks.

Participants' answers to a published match (accept / decline) and the relationship that
follows live in `mentorwise.relationships`, which builds on these matches.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor, User
from mentorwise.core.audit import audit_record
from mentorwise.core.clock import format_when, zone_of
from mentorwise.core.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from mentorwise.core.languages import speaking_to
from mentorwise.core.outbound import outbound_record, person_ref
from mentorwise.matches.models import (
    HOLDS_CAPACITY,
    TAKES_MENTEE,
    ForbiddenPair,
    Match,
    MatchingRun,
    MatchSource,
    MatchStatus,
    Preference,
    PreferenceKind,
    Response,
    RunMethod,
    RunStatus,
)
from mentorwise.matches.permissions import require_decider, require_manager, require_not_in_pair
from mentorwise.matches.problem import giving_role, is_peer_program, taking_role
from mentorwise.matches.runs import run_execute, run_is_small
from mentorwise.matches.scores import pair_preview
from mentorwise.matches.selectors import own_mentee_enrollment
from mentorwise.matches.stale import runs_abandon_stale
from mentorwise.matches.tasks import matching_run_task
from mentorwise.messaging.contract import Action, ActionKind, Kind
from mentorwise.messaging.services import notify
from mentorwise.messaging.texts import program_text
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program, ProgramKind, Role

logger = logging.getLogger(__name__)

MAX_VETOES = 3


# Runs -----------------------------------------------------------------------------------


@transaction.atomic
def run_create(*, actor: Actor, program: Program, method: str = RunMethod.OPTIMAL) -> MatchingRun:
    """Queue a matching run; refused while another run of the program is still going."""
    login = require_manager(actor, program)
    if method not in RunMethod.values:
        raise InvalidInput(
            [
                FieldError(
                    "method",
                    _("must be one of %(values)s") % {"values": ", ".join(RunMethod.values)},
                    value=method,
                )
            ]
        )
    if program.kind == ProgramKind.GROUP:
        # Group programs form circles (mentorwise.circles), never one-to-one pairs.
        raise Conflict(
            _("This is a group program: run circle matching, which forms circles."),
            code="group_program_forms_circles",
        )
    Program.objects.select_for_update().get(pk=program.pk)  # one run at a time per program
    runs_abandon_stale(program.runs.all(), action="matching_run.abandoned")
    if program.runs.filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).exists():
        raise Conflict(
            _("A matching run of this program is already in progress."), code="run_in_progress"
        )
    run = MatchingRun.objects.create(program=program, created_by=login, method=method)
    audit_record(actor=actor, action="matching_run.created", target=run, data={"method": method})
    return run


def run_dispatch(run: MatchingRun) -> None:
    """Compute a run now if small, else hand it to the background worker after commit."""
    if run_is_small(run.program):
        run_execute(run_id=run.pk)
    else:
        transaction.on_commit(lambda: matching_run_task.enqueue(run.pk))


# Review ---------------------------------------------------------------------------------


def _locked_match(match_id: int, program: Program | None = None) -> Match:
    query = Match.objects.select_for_update().select_related(
        "program", "mentee__person", "mentor__person"
    )
    match = query.filter(pk=match_id).first()
    if match is None or (program is not None and match.program_id != program.pk):
        raise NotFound(_("No such match."))
    return match


def _mentor_room(mentor: Enrollment, *, exclude_match: int | None = None) -> int:
    held = Match.objects.filter(mentor=mentor, status__in=HOLDS_CAPACITY)
    if exclude_match is not None:
        held = held.exclude(pk=exclude_match)
    return mentor.capacity - held.count()


@transaction.atomic
def match_approve(*, actor: Actor, match: Match) -> Match:
    """Approve a proposal (it holds the mentor's place until published and answered)."""
    match = _locked_match(match.pk)
    login = require_decider(actor, match)
    if match.status == MatchStatus.APPROVED:
        return match
    if match.status not in (MatchStatus.PROPOSED, MatchStatus.REJECTED):
        raise Conflict(
            _("This match is %(status)s: it cannot be approved.")
            % {"status": match.get_status_display().lower()},
            code="not_proposed",
        )
    Enrollment.objects.select_for_update().get(pk=match.mentor_id)  # capacity guard
    if _mentor_room(match.mentor, exclude_match=match.pk) <= 0:
        raise Conflict(
            _("%(name)s has no place left.") % {"name": match.mentor.person}, code="mentor_full"
        )
    if (
        Match.objects.filter(mentee=match.mentee, status__in=TAKES_MENTEE)
        .exclude(pk=match.pk)
        .exists()
    ):
        raise Conflict(
            _("%(name)s already has a match in this program.") % {"name": match.mentee.person},
            code="mentee_taken",
        )
    if is_peer_program(match.program) and (
        Match.objects.filter(
            Q(mentee__in=(match.mentee_id, match.mentor_id))
            | Q(mentor__in=(match.mentee_id, match.mentor_id)),
            status__in=TAKES_MENTEE,
        )
        .exclude(pk=match.pk)
        .exists()
    ):
        # A peer has one peer, whichever side of a match they are stored on.
        raise Conflict(
            _("One of these peers already has a match in this program."), code="peer_taken"
        )
    match.status, match.decided_at = MatchStatus.APPROVED, timezone.now()
    match.decided_by = login
    match.save(update_fields=["status", "decided_at", "decided_by"])
    audit_record(actor=actor, action="match.approved", target=match)
    return match


@transaction.atomic
def match_reject(*, actor: Actor, match: Match) -> Match:
    """Decline a proposal (or take back an approval before publishing)."""
    match = _locked_match(match.pk)
    login = require_decider(actor, match)
    if match.status not in (MatchStatus.PROPOSED, MatchStatus.APPROVED):
        raise Conflict(
            _("Only proposed or approved matches can be declined here."), code="not_proposed"
        )
    match.status, match.decided_at, match.locked = MatchStatus.REJECTED, timezone.now(), False
    match.decided_by = login
    match.save(update_fields=["status", "decided_at", "decided_by", "locked"])
    audit_record(actor=actor, action="match.rejected", target=match)
    return match


@transaction.atomic
def match_lock(*, actor: Actor, match: Match, locked: bool) -> Match:
    """Lock a proposal so that the next run keeps it as it is."""
    match = _locked_match(match.pk)
    require_decider(actor, match)
    if match.status != MatchStatus.PROPOSED:
        raise Conflict(_("Only proposals can be locked."), code="not_proposed")
    match.locked = locked
    match.save(update_fields=["locked"])
    audit_record(actor=actor, action="match.locked" if locked else "match.unlocked", target=match)
    return match


@transaction.atomic
def pair_forbid(
    *, actor: Actor, program: Program, mentee_id: int, mentor_id: int, reason: str = ""
) -> ForbiddenPair:
    """Exclude a pair from every future run of the program (and decline it if proposed)."""
    login = require_manager(actor, program)
    mentee = Enrollment.objects.filter(pk=mentee_id, program=program, role=Role.MENTEE).first()
    mentor = Enrollment.objects.filter(
        pk=mentor_id, program=program, role=giving_role(program)
    ).first()
    if mentee is None or mentor is None:
        raise NotFound(_("No such participant in this program."))
    require_not_in_pair(actor, mentee.person_id, mentor.person_id)
    pair, _created = ForbiddenPair.objects.get_or_create(
        program=program,
        mentee=mentee,
        mentor=mentor,
        defaults={
            "reason": reason.strip()[:300],
            "created_by": login,
        },
    )
    Match.objects.filter(
        program=program,
        mentee=mentee,
        mentor=mentor,
        status__in=(MatchStatus.PROPOSED, MatchStatus.APPROVED),
    ).update(status=MatchStatus.REJECTED, locked=False)
    audit_record(
        actor=actor, action="match.pair_forbidden", target=pair, data={"reason": reason[:300]}
    )
    return pair


@transaction.atomic
def match_create_manual(*, actor: Actor, program: Program, mentee_id: int, mentor_id: int) -> Match:
    """Make a pair by hand: approved at once, with its score and warnings recorded."""
    preview = pair_preview(actor=actor, program=program, mentee_id=mentee_id, mentor_id=mentor_id)
    if preview.score is None:
        raise Conflict(preview.warnings[0], code="pair_unavailable")
    if preview.mentor_full:
        raise Conflict(preview.warnings[-1], code="mentor_full")
    with translation.override(settings.LANGUAGE_CODE):  # stored, shown to all: as runs do
        preview = pair_preview(
            actor=actor, program=program, mentee_id=mentee_id, mentor_id=mentor_id
        )
    match = Match.objects.create(
        program=program,
        mentee_id=mentee_id,
        mentor_id=mentor_id,
        source=MatchSource.MANUAL,
        status=MatchStatus.APPROVED,
        score=preview.score,
        reasons=preview.reasons,
        warnings=preview.warnings,
        decided_at=timezone.now(),
        decided_by=actor if isinstance(actor, User) else None,
    )
    audit_record(
        actor=actor,
        action="match.created_by_hand",
        target=match,
        data={"warnings": preview.warnings, "marks": preview.marks},
    )
    return match


@transaction.atomic
def matches_approve_all(*, actor: Actor, run: MatchingRun) -> int:
    """Approve every open proposal of the run that still fits; returns how many."""
    require_manager(actor, run.program)
    approved = 0
    for match_id in (
        run.matches.filter(status=MatchStatus.PROPOSED)
        .order_by("-score", "pk")
        .values_list("pk", flat=True)
    ):
        try:
            match_approve(actor=actor, match=Match(pk=match_id))
        except (Conflict, Forbidden):  # taken, full, or a pair the actor is in
            continue
        approved += 1
    return approved


@transaction.atomic
def matches_publish(*, actor: Actor, program: Program) -> int:
    """Send every approved match to both people, who then accept or decline."""
    require_manager(actor, program)
    matches = list(
        Match.objects.select_for_update()
        .filter(program=program, status=MatchStatus.APPROVED)
        .select_related("mentee__person", "mentor__person")
    )
    now = timezone.now()
    expires = now + dt.timedelta(days=program.request_expiry_days)
    for match in matches:
        match.status, match.published_at, match.expires_at = MatchStatus.PUBLISHED, now, expires
        match.mentee_response = match.mentor_response = Response.PENDING
    Match.objects.bulk_update(
        matches, ["status", "published_at", "expires_at", "mentee_response", "mentor_response"]
    )
    for match in matches:
        _notify_published(match)
        mentee, mentor = match.mentee.person, match.mentor.person
        outbound_record(
            "match.published",
            {
                "match": match.pk,
                "program": program.slug,
                "mentee": person_ref(mentee.pk, mentee.employee_id),
                "mentor": person_ref(mentor.pk, mentor.employee_id),
                "answer_by": expires,
            },
        )
    audit_record(
        actor=actor, action="matches.published", target=program, data={"count": len(matches)}
    )
    return len(matches)


def _notify_published(match: Match) -> None:
    mentee, mentor = match.mentee.person, match.mentor.person
    reasons = "\n".join(f"- {r}" for r in match.reasons)
    for person, other in ((mentee, mentor), (mentor, mentee)):
        with speaking_to(person):
            values = {
                "program": match.program.title,
                "name": other.full_name,
                "first_name": person.first_name,
                "title": other.title,
                "reasons": reasons,
                "day": answer_day(match, person),
            }
            subject = _("%(program)s: you have been matched with %(name)s") % values
            body = (
                _(
                    "Hello %(first_name)s,\n\nIn %(program)s you have been matched with "
                    "%(name)s (%(title)s).\n\nWhy this match:\n%(reasons)s\n\n"
                    "Please accept or decline in Mentorwise by %(day)s.\n"
                )
                % values
            )
            # The program's own wording, where its managers wrote one (communications).
            own = program_text(
                program_id=match.program_id,
                key="match_announcement",
                person_id=person.pk,
                language=translation.get_language() or settings.LANGUAGE_CODE,
                values={
                    "match_name": other.full_name,
                    "match_title": other.title,
                    "match_reasons": reasons,
                    "answer_by": values["day"],
                },
            )
            if own is not None:
                subject, body = own
            actions = _answer_buttons(match)
        notify(
            person=person,
            kind=Kind.MATCH_OFFER,
            subject=subject,
            body=body,
            url=reverse("relationships:mine"),
            actions=actions,
            program=match.program,
        )


def _answer_buttons(match: Match) -> tuple[Action, ...]:
    """Accept and decline, in the active language (Slack and Teams show them as buttons)."""
    return (
        Action(ActionKind.MATCH_ACCEPT, match.pk, _("Accept"), style="primary"),
        Action(ActionKind.MATCH_DECLINE, match.pk, _("Decline"), style="danger"),
    )


def answer_day(match: Match, person: object) -> str:
    """The day an answer is due, in the reader's zone and language."""
    return format_when(match.expires_at, zone_of(person), "date") if match.expires_at else ""


# Self-match -----------------------------------------------------------------------------


@transaction.atomic
def mentor_request_create(*, actor: Actor, program: Program, mentor_id: int, message: str) -> Match:
    """A mentee asks a mentor; the mentor has `request_expiry_days` to answer."""
    if not program.self_match:
        raise Conflict(
            _("In this program the program manager makes the matches."), code="no_self_match"
        )
    mentee = own_mentee_enrollment(actor, program)
    mentee = Enrollment.objects.select_for_update().get(pk=mentee.pk)
    mentor = (
        Enrollment.objects.filter(
            pk=mentor_id, program=program, role=giving_role(program), status=EnrollmentStatus.ACTIVE
        )
        .select_related("person")
        .first()
    )
    if mentor is None:
        raise NotFound(_("No such mentor in this program."))
    if mentor.is_paused:
        raise Conflict(
            _("%(name)s is not taking new mentees right now.") % {"name": mentor.person},
            code="mentor_paused",
        )
    if Match.objects.filter(
        mentee=mentee, status__in=(*TAKES_MENTEE, MatchStatus.REQUESTED)
    ).exists():
        raise Conflict(
            _("You already have a match or an open request in this program."), code="mentee_taken"
        )
    if _mentor_room(mentor) <= 0:
        raise Conflict(
            _("%(name)s has no place left.") % {"name": mentor.person}, code="mentor_full"
        )
    if (
        ForbiddenPair.objects.filter(mentee=mentee, mentor=mentor).exists()
        or Preference.objects.filter(
            enrollment=mentor, other=mentee, kind=PreferenceKind.VETO
        ).exists()
    ):
        raise NotFound(_("No such mentor in this program."))
    message = message.strip()
    if len(message) > 2000:
        raise InvalidInput([FieldError("message", _("Keep the message under 2,000 characters."))])
    now = timezone.now()
    match = Match.objects.create(
        program=program,
        mentee=mentee,
        mentor=mentor,
        source=MatchSource.SELF_MATCH,
        status=MatchStatus.REQUESTED,
        message=message,
        mentee_response=Response.ACCEPTED,
        expires_at=now + dt.timedelta(days=program.request_expiry_days),
        published_at=now,
    )
    with speaking_to(mentor.person):
        values = {
            "program": program.title,
            "name": mentee.person.full_name,
            "first_name": mentor.person.first_name,
            "message": message,
            "day": answer_day(match, mentor.person),
        }
        subject = _("%(program)s: %(name)s asks you to be their mentor") % values
        body = (
            _(
                "Hello %(first_name)s,\n\n%(name)s would like you as their mentor in "
                "%(program)s.\n\n%(message)s\n\nPlease accept or decline in Mentorwise by "
                "%(day)s; the request expires after that.\n"
            )
            % values
        )
        actions = _answer_buttons(match)
    notify(
        person=mentor.person,
        kind=Kind.MATCH_OFFER,
        subject=subject,
        body=body,
        url=reverse("relationships:mine"),
        actions=actions,
        program=program,
    )
    audit_record(actor=actor, action="match.requested", target=match)
    return match


@transaction.atomic
def requests_expire(*, now: dt.datetime | None = None) -> int:
    """Expire requests and published matches nobody answered in time (cron / worker)."""
    now = now or timezone.now()
    due = Match.objects.select_for_update().filter(
        status__in=(MatchStatus.REQUESTED, MatchStatus.PUBLISHED), expires_at__lt=now
    )
    expired = list(due.select_related("mentee__person", "mentor__person", "program"))
    for match in expired:
        match.status = MatchStatus.EXPIRED
        match.save(update_fields=["status"])
        audit_record(actor=None, action="match.expired", target=match)
        with speaking_to(match.mentee.person):
            subject = _("%(program)s: your match with %(name)s expired") % {
                "program": match.program.title,
                "name": match.mentor.person,
            }
            body = _(
                "Nobody answered in time, so the match expired. You are back in the pool and "
                "can be matched again.\n"
            )
        notify(
            person=match.mentee.person,
            kind=Kind.MATCH_UPDATE,
            subject=subject,
            body=body,
            url=reverse("relationships:mine"),
            program=match.program,
        )
    return len(expired)


# Participant input ----------------------------------------------------------------------


@transaction.atomic
def preference_set_in_program(
    *, actor: Actor, program: Program, other_id: int, kind: str | None
) -> Preference | None:
    """Mark a participant as preferred or vetoed from the actor's own enrollment on the other
    side of the program (a person enrolled on both sides uses the matching one)."""
    other = Enrollment.objects.filter(pk=other_id, program=program).first()
    if other is None:
        raise NotFound(_("No such participant in this program."))
    taking = taking_role(program)
    # In a peer program both sides are the one peer role.
    my_role = taking if other.role != taking or is_peer_program(program) else giving_role(program)
    mine = Enrollment.objects.filter(
        program=program,
        person_id=getattr(actor, "person_id", None) or 0,
        role=my_role,
        status=EnrollmentStatus.ACTIVE,
    ).first()
    if mine is None:
        raise NotFound(_("You are not enrolled in this program."))
    return preference_set(actor=actor, enrollment=mine, other_id=other_id, kind=kind)


@transaction.atomic
def preference_set(
    *, actor: Actor, enrollment: Enrollment, other_id: int, kind: str | None
) -> Preference | None:
    """Mark a person on the other side as preferred or vetoed (None clears the mark)."""
    if enrollment.person_id != getattr(actor, "person_id", None):
        raise NotFound(_("No such enrollment."))
    taking = taking_role(enrollment.program)
    if enrollment.role != taking and not enrollment.program.matching.get("options", {}).get(
        "mentor_preferences"
    ):
        raise Conflict(
            _("In this program only mentees state preferences."), code="no_mentor_preferences"
        )
    other_role = giving_role(enrollment.program) if enrollment.role == taking else taking
    other = Enrollment.objects.filter(
        pk=other_id, program=enrollment.program_id, role=other_role
    ).first()
    if other is None:
        raise NotFound(_("No such participant in this program."))
    if kind is None:
        Preference.objects.filter(enrollment=enrollment, other=other).delete()
        audit_record(actor=actor, action="preference.cleared", target=enrollment)
        return None
    if kind not in PreferenceKind.values:
        raise InvalidInput([FieldError("kind", _("must be prefer or veto"), value=kind)])
    if kind == PreferenceKind.VETO:
        vetoes = Preference.objects.filter(enrollment=enrollment, kind=PreferenceKind.VETO).exclude(
            other=other
        )
        if vetoes.count() >= MAX_VETOES:
            raise Conflict(
                _("You can veto at most %(n)d people.") % {"n": MAX_VETOES},
                code="too_many_vetoes",
            )
    preference, _created = Preference.objects.update_or_create(
        enrollment=enrollment, other=other, defaults={"kind": kind, "created_at": timezone.now()}
    )
    audit_record(actor=actor, action=f"preference.{kind}", target=enrollment)
    return preference
