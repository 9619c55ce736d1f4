"""Matching in a program: runs, review by the program manager, publishing, self-match.

Participants' answers to a published match (accept / decline) and the relationship that
follows live in `mentorwise.relationships`, which builds on these matches.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django_tasks import task

from mentorwise.accounts.models import User
from mentorwise.accounts.roles import actor_person_id
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from mentorwise.core.mail import email_enqueue
from mentorwise.core.progress import ProgressCallback
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
    UnmatchedMentee,
)
from mentorwise.matches.problem import ProgramPool, giving_role, program_pool
from mentorwise.matches.profiles import Profile, enrollment_profile
from mentorwise.matches.selectors import hidden_by_veto
from mentorwise.matching import MatchingInputError, solve
from mentorwise.matching.scoring import ScoringModel
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program, Role
from mentorwise.programs.permissions import can_manage_program

logger = logging.getLogger(__name__)

# Runs up to this many mentee x mentor pairs are computed during the request (a few
# seconds at most); larger ones go to the background worker.
INLINE_PAIRS = 4_000_000
# Dense scoring below this many pairs; above it the engine scores in blocks and proves the
# optimum by column generation, never holding the full matrix.
DENSE_PAIRS = 4_000_000
MAX_VETOES = 3


def _require_manager(actor: Any, program: Program) -> None:
    """Managers of the program and HR admins; `None` is the system (an operator's command)."""
    if actor is not None and not can_manage_program(actor, program):
        raise Forbidden("Only this program's managers and HR admins may do this.")


def _require_not_in_pair(actor: Any, *person_ids: int) -> None:
    """A manager who takes part in the program never decides a pair they are in (nor reads
    the marks on it): another manager or an HR admin does."""
    if actor is not None and actor_person_id(actor) in person_ids:
        raise Forbidden(
            "You are in this pair: another manager of the program or an HR admin decides it.",
            code="conflict_of_interest",
        )


def _require_decider(actor: Any, match: Match) -> None:
    _require_manager(actor, match.program)
    _require_not_in_pair(actor, match.mentee.person_id, match.mentor.person_id)


# Runs -----------------------------------------------------------------------------------


@transaction.atomic
def run_create(*, actor: Any, program: Program, method: str = RunMethod.OPTIMAL) -> MatchingRun:
    """Queue a matching run; refused while another run of the program is still going."""
    _require_manager(actor, program)
    if method not in RunMethod.values:
        raise InvalidInput(
            [FieldError("method", f"must be one of {', '.join(RunMethod.values)}", value=method)]
        )
    Program.objects.select_for_update().get(pk=program.pk)  # one run at a time per program
    if program.runs.filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).exists():
        raise Conflict(
            "A matching run of this program is already in progress.", code="run_in_progress"
        )
    run = MatchingRun.objects.create(
        program=program, created_by=actor if getattr(actor, "pk", None) else None, method=method
    )
    audit_record(actor=actor, action="matching_run.created", target=run, data={"method": method})
    return run


def run_is_small(program: Program) -> bool:
    """Whether a run fits in a web request (see INLINE_PAIRS)."""
    role = giving_role(program)
    counts = dict(
        program.enrollments.filter(status=EnrollmentStatus.ACTIVE)
        .values_list("role")
        .annotate(n=Count("id"))
        .values_list("role", "n")
    )
    return counts.get(Role.MENTEE, 0) * counts.get(role, 0) <= INLINE_PAIRS


def run_dispatch(run: MatchingRun) -> None:
    """Compute a run now if small, else hand it to the background worker after commit."""
    if run_is_small(run.program):
        run_execute(run_id=run.pk)
    else:
        transaction.on_commit(lambda: matching_run_task.enqueue(run.pk))


@task()
def matching_run_task(run_id: int) -> str:
    """Compute a queued matching run in the background worker (`mentorwise db_worker`)."""
    return run_execute(run_id=run_id).status


class _ProgressWriter:
    """Store a run's progress on its row at most twice a second (pages poll it)."""

    def __init__(self, run_id: int, forward: ProgressCallback | None) -> None:
        self.run_id, self.forward, self.last = run_id, forward, 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.forward is not None:
            self.forward(stage, done, total)
        now = time.monotonic()
        if now - self.last >= 0.5 or done >= total:
            self.last = now
            MatchingRun.objects.filter(pk=self.run_id).update(
                progress_stage=stage[:80], progress_done=max(done, 0), progress_total=max(total, 0)
            )


def run_execute(*, run_id: int, progress: ProgressCallback | None = None) -> MatchingRun:
    """Score, solve and store the proposals of a queued run (slow work outside transactions)."""
    updated = MatchingRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    run = MatchingRun.objects.select_related("program").get(pk=run_id)
    if not updated:
        return run  # another worker took it, or it already ran
    report = _ProgressWriter(run.pk, progress)
    try:
        report("Reading participants", 0, 1)
        pool = program_pool(run.program)
        report("Reading participants", 1, 1)
        proposals, unmatched, total, bound = _solve(pool, run.method, report)
    except MatchingInputError as error:
        MatchingRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=str(error)
        )
        run.refresh_from_db()
        return run
    except Exception as error:  # recorded on the run, then re-raised for the logs
        MatchingRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            error=f"Unexpected error: {type(error).__name__}",
        )
        raise
    with transaction.atomic():
        Match.objects.filter(program=run.program, status=MatchStatus.PROPOSED, locked=False).update(
            status=MatchStatus.SUPERSEDED
        )
        Match.objects.bulk_create(
            [
                Match(
                    program=run.program,
                    run=run,
                    mentee=pool.mentee_enrollments[i],
                    mentor=pool.mentor_enrollments[j],
                    source=MatchSource.RUN,
                    status=MatchStatus.PROPOSED,
                    score=score,
                    reasons=reasons,
                )
                for i, j, score, reasons in proposals
            ],
            batch_size=1000,
        )
        UnmatchedMentee.objects.bulk_create(
            [
                UnmatchedMentee(run=run, mentee=pool.mentee_enrollments[i], reason=reason[:300])
                for i, reason in unmatched
            ],
            batch_size=1000,
        )
        MatchingRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE,
            finished_at=timezone.now(),
            n_mentees=len(pool.mentee_enrollments),
            n_mentors=len(pool.mentor_enrollments),
            n_matched=len(proposals),
            total_score=total,
            upper_bound=bound,
            progress_stage="Done",
        )
        run.refresh_from_db()
        audit_record(
            actor=run.created_by,
            action="matching_run.finished",
            target=run,
            data={"matched": run.n_matched, "unmatched": len(unmatched)},
        )
    return run


def _solve(
    pool: ProgramPool, method: str, report: ProgressCallback
) -> tuple[list[tuple[int, int, float, list[str]]], list[tuple[int, str]], float, float | None]:
    n, m = len(pool.mentee_enrollments), len(pool.mentor_enrollments)
    if n == 0:
        return [], [], 0.0, 0.0
    if m == 0 or not pool.capacities.any():
        return [], [(i, "No mentor has room left in this program.") for i in range(n)], 0.0, 0.0
    assert pool.mentees is not None and pool.mentors is not None  # noqa: S101 - n, m > 0
    report("Scoring pairs", 0, 1)
    model = ScoringModel(pool.mentees, pool.mentors, pool.rules)
    report("Scoring pairs", 1, 1)
    if n * m <= DENSE_PAIRS:
        scores = model.dense()
        allowed = np.isfinite(scores)
        scores[~allowed] = 0.0
        result = solve(scores, pool.capacities, method=method, allowed=allowed, progress=report)
    else:
        result = solve(
            model, pool.capacities, method=method, certify=method == "optimal", progress=report
        )
    proposals = []
    fits = []
    for i, j in result.pairs.tolist():
        # Stored reasons reach both people of the pair (page, e-mail, API): no marks in them.
        explanation = model.explain(i, j, marks=False)
        fits.append(float(explanation.score))
        proposals.append((i, j, round(fits[-1], 4), [r.text for r in explanation.reasons]))
    unmatched = [
        (i, model.explain_unmatched(i, result, pool.capacities).message)
        for i in result.unmatched.tolist()
    ]
    if model.inclusion_share:
        # The solver's total and bound include the inclusion term, which rests on people's
        # self-identified groups: publish the fit of the chosen pairs, and no bound.
        return proposals, unmatched, float(np.sum(fits)), None
    return proposals, unmatched, float(result.total_score), result.upper_bound


# Review ---------------------------------------------------------------------------------


def _locked_match(match_id: int, program: Program | None = None) -> Match:
    query = Match.objects.select_for_update().select_related(
        "program", "mentee__person", "mentor__person"
    )
    match = query.filter(pk=match_id).first()
    if match is None or (program is not None and match.program_id != program.pk):
        raise NotFound("No such match.")
    return match


def _mentor_room(mentor: Enrollment, *, exclude_match: int | None = None) -> int:
    held = Match.objects.filter(mentor=mentor, status__in=HOLDS_CAPACITY)
    if exclude_match is not None:
        held = held.exclude(pk=exclude_match)
    return mentor.capacity - held.count()


@transaction.atomic
def match_approve(*, actor: Any, match: Match) -> Match:
    """Approve a proposal (it holds the mentor's place until published and answered)."""
    match = _locked_match(match.pk)
    _require_decider(actor, match)
    if match.status == MatchStatus.APPROVED:
        return match
    if match.status not in (MatchStatus.PROPOSED, MatchStatus.REJECTED):
        raise Conflict(
            f"This match is {match.get_status_display().lower()}: it cannot be approved.",
            code="not_proposed",
        )
    Enrollment.objects.select_for_update().get(pk=match.mentor_id)  # capacity guard
    if _mentor_room(match.mentor, exclude_match=match.pk) <= 0:
        raise Conflict(f"{match.mentor.person} has no place left.", code="mentor_full")
    if (
        Match.objects.filter(mentee=match.mentee, status__in=TAKES_MENTEE)
        .exclude(pk=match.pk)
        .exists()
    ):
        raise Conflict(
            f"{match.mentee.person} already has a match in this program.", code="mentee_taken"
        )
    match.status, match.decided_at = MatchStatus.APPROVED, timezone.now()
    match.decided_by = actor if getattr(actor, "pk", None) else None
    match.save(update_fields=["status", "decided_at", "decided_by"])
    audit_record(actor=actor, action="match.approved", target=match)
    return match


@transaction.atomic
def match_reject(*, actor: Any, match: Match) -> Match:
    """Decline a proposal (or take back an approval before publishing)."""
    match = _locked_match(match.pk)
    _require_decider(actor, match)
    if match.status not in (MatchStatus.PROPOSED, MatchStatus.APPROVED):
        raise Conflict(
            "Only proposed or approved matches can be declined here.", code="not_proposed"
        )
    match.status, match.decided_at, match.locked = MatchStatus.REJECTED, timezone.now(), False
    match.decided_by = actor if getattr(actor, "pk", None) else None
    match.save(update_fields=["status", "decided_at", "decided_by", "locked"])
    audit_record(actor=actor, action="match.rejected", target=match)
    return match


@transaction.atomic
def match_lock(*, actor: Any, match: Match, locked: bool) -> Match:
    """Lock a proposal so that the next run keeps it as it is."""
    match = _locked_match(match.pk)
    _require_decider(actor, match)
    if match.status != MatchStatus.PROPOSED:
        raise Conflict("Only proposals can be locked.", code="not_proposed")
    match.locked = locked
    match.save(update_fields=["locked"])
    audit_record(actor=actor, action="match.locked" if locked else "match.unlocked", target=match)
    return match


@transaction.atomic
def pair_forbid(
    *, actor: Any, program: Program, mentee_id: int, mentor_id: int, reason: str = ""
) -> ForbiddenPair:
    """Exclude a pair from every future run of the program (and decline it if proposed)."""
    _require_manager(actor, program)
    mentee = Enrollment.objects.filter(pk=mentee_id, program=program, role=Role.MENTEE).first()
    mentor = Enrollment.objects.filter(
        pk=mentor_id, program=program, role=giving_role(program)
    ).first()
    if mentee is None or mentor is None:
        raise NotFound("No such participant in this program.")
    _require_not_in_pair(actor, mentee.person_id, mentor.person_id)
    pair, _ = ForbiddenPair.objects.get_or_create(
        program=program,
        mentee=mentee,
        mentor=mentor,
        defaults={
            "reason": reason.strip()[:300],
            "created_by": actor if getattr(actor, "pk", None) else None,
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


@dataclass(frozen=True)
class PairPreview:
    """A hand-made pair's score, reasons and the rules it breaks (warnings), and apart from
    them the participants' marks on the pair (who asked for whom, a veto): the manager reads
    those before deciding, but they are never stored on the match, which both people read."""

    score: float | None
    reasons: list[str]
    warnings: list[str]
    marks: list[str] = field(default_factory=list)


def pair_preview(*, actor: Any, program: Program, mentee_id: int, mentor_id: int) -> PairPreview:
    """Score a pair the manager is about to make by hand, with what speaks against it."""
    _require_manager(actor, program)
    pool = program_pool(program)
    rows = {e.pk: i for i, e in enumerate(pool.mentee_enrollments)}
    cols = {e.pk: j for j, e in enumerate(pool.mentor_enrollments)}
    warnings: list[str] = []
    if mentee_id not in rows:
        mentee = Enrollment.objects.filter(pk=mentee_id, program=program, role=Role.MENTEE).first()
        if mentee is None:
            raise NotFound("No such mentee in this program.")
        return PairPreview(None, [], [f"{mentee.person} already has a match or is not active."])
    if mentor_id not in cols:
        mentor = Enrollment.objects.filter(pk=mentor_id, program=program).first()
        if mentor is None:
            raise NotFound("No such mentor in this program.")
        return PairPreview(None, [], [f"{mentor.person} is paused or not active."])
    i, j = rows[mentee_id], cols[mentor_id]
    _require_not_in_pair(
        actor, pool.mentee_enrollments[i].person_id, pool.mentor_enrollments[j].person_id
    )
    assert pool.mentees is not None and pool.mentors is not None  # noqa: S101 - both found
    model = ScoringModel(pool.mentees, pool.mentors, pool.rules)
    explanation = model.explain(i, j, marks=False)
    warnings += model.why_not(i, j, marks=False)
    if pool.capacities[j] <= 0:
        warnings.append(f"{pool.mentor_enrollments[j].person} has no place left.")
    min_score = pool.rules.min_score
    if min_score is not None and explanation.score < min_score:
        warnings.append(
            f"score {explanation.score:.2f} is below the program's minimum {min_score:.2f}"
        )
    return PairPreview(
        round(float(explanation.score), 4),
        [r.text for r in explanation.reasons],
        warnings,
        model.marks(i, j),
    )


@transaction.atomic
def match_create_manual(*, actor: Any, program: Program, mentee_id: int, mentor_id: int) -> Match:
    """Make a pair by hand: approved at once, with its score and warnings recorded."""
    preview = pair_preview(actor=actor, program=program, mentee_id=mentee_id, mentor_id=mentor_id)
    if preview.score is None:
        raise Conflict(preview.warnings[0], code="pair_unavailable")
    if any("no place left" in w for w in preview.warnings):
        raise Conflict(preview.warnings[-1], code="mentor_full")
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
        decided_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="match.created_by_hand",
        target=match,
        data={"warnings": preview.warnings, "marks": preview.marks},
    )
    return match


@transaction.atomic
def matches_approve_all(*, actor: Any, run: MatchingRun) -> int:
    """Approve every open proposal of the run that still fits; returns how many."""
    _require_manager(actor, run.program)
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
def matches_publish(*, actor: Any, program: Program) -> int:
    """Send every approved match to both people, who then accept or decline."""
    _require_manager(actor, program)
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
    audit_record(
        actor=actor, action="matches.published", target=program, data={"count": len(matches)}
    )
    return len(matches)


def _notify_published(match: Match) -> None:
    mentee, mentor = match.mentee.person, match.mentor.person
    reasons = "\n".join(f"- {r}" for r in match.reasons)
    for person, other in ((mentee, mentor), (mentor, mentee)):
        email_enqueue(
            to=[person.email],
            subject=f"{match.program.name}: you have been matched with {other.full_name}",
            body=(
                f"Hello {person.first_name},\n\nIn {match.program.name} you have been matched with "
                f"{other.full_name} ({other.title}).\n\nWhy this match:\n{reasons}\n\n"
                f"Please accept or decline in Mentorwise by {match.expires_at:%B %d, %Y}.\n"
            ),
        )


# Self-match -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MentorCard:
    """A mentor as a mentee browsing for one sees them."""

    enrollment: Enrollment
    score: float | None
    reasons: list[str]
    room: int
    allowed: bool
    blocked_because: list[str]
    last_active: dt.datetime | None

    @property
    def profile(self) -> Profile:
        return enrollment_profile(self.enrollment)


def _own_mentee_enrollment(actor: Any, program: Program) -> Enrollment:
    enrollment = Enrollment.objects.filter(
        program=program,
        person_id=getattr(actor, "person_id", None) or 0,
        role=Role.MENTEE,
        status=EnrollmentStatus.ACTIVE,
    ).first()
    if enrollment is None:
        raise Forbidden("Enroll as a mentee in this program first.", code="not_a_mentee")
    return enrollment


def _last_active(enrollments: list[Enrollment]) -> dict[int, dt.datetime | None]:
    """Enrollment id -> when the person last used Mentorwise (`User.last_active`: the latest
    of their last sign-in and last recorded activity), in one query; None: never."""
    users = User.objects.filter(person_id__in=[e.person_id for e in enrollments]).only(
        "person_id", "last_login", "last_active_at"
    )
    when = {u.person_id: u.last_active for u in users}
    return {e.pk: when.get(e.person_id) for e in enrollments}


@dataclass(frozen=True)
class MenteeCard:
    """A mentee as a mentor stating preferences sees them."""

    enrollment: Enrollment
    score: float | None
    reasons: list[str]
    blocked_because: list[str]

    @property
    def profile(self) -> Profile:
        return enrollment_profile(self.enrollment)


def mentee_cards(*, actor: Any, program: Program) -> list[MenteeCard]:
    """Unmatched mentees scored for the actor (a mentor), where the program lets mentors choose;
    like `mentor_cards`, from the actor's own marks only, without the mentees who vetoed them."""
    if not program.matching.get("options", {}).get("mentor_preferences"):
        raise Conflict(
            "In this program only mentees state preferences.", code="no_mentor_preferences"
        )
    mine = Enrollment.objects.filter(
        program=program,
        person_id=getattr(actor, "person_id", None) or 0,
        role=giving_role(program),
        status=EnrollmentStatus.ACTIVE,
    ).first()
    if mine is None:
        raise Forbidden("Enroll as a mentor in this program first.", code="not_a_mentor")
    pool = program_pool(program, marks_of=mine)
    unseen = hidden_by_veto(viewer=mine)
    cols = {e.pk: j for j, e in enumerate(pool.mentor_enrollments)}
    model = None
    if mine.pk in cols and pool.mentees is not None and pool.mentors is not None:
        model = ScoringModel(pool.mentees, pool.mentors, pool.rules)
    cards = []
    for i, enrollment in enumerate(pool.mentee_enrollments):
        if enrollment.pk in unseen:
            continue
        if model is None:
            cards.append(MenteeCard(enrollment, None, [], []))
            continue
        explanation = model.explain(i, cols[mine.pk])
        cards.append(
            MenteeCard(
                enrollment,
                round(float(explanation.score), 3),
                [r.text for r in explanation.reasons],
                model.why_not(i, cols[mine.pk]),
            )
        )
    cards.sort(key=lambda c: (bool(c.blocked_because), -(c.score or 0), c.enrollment.pk))
    return cards


def mentor_cards(
    *,
    actor: Any,
    program: Program,
    search: str = "",
    function: str = "",
    only_available: bool = False,
) -> list[MentorCard]:
    """Every mentor of the program scored for the actor (a mentee), best first.

    Built from the actor's own marks only, and without the mentors who vetoed the actor:
    for them, such a mentor is not in the program (as for a request: 404), so no badge,
    reason, score or order tells them of another person's mark.
    """
    mine = _own_mentee_enrollment(actor, program)
    pool = program_pool(program, marks_of=mine)
    unseen = hidden_by_veto(viewer=mine)
    rows = {e.pk: i for i, e in enumerate(pool.mentee_enrollments)}
    last_active = _last_active(pool.mentor_enrollments)
    if mine.pk not in rows or pool.mentees is None or pool.mentors is None:
        model = None
    else:
        model = ScoringModel(pool.mentees, pool.mentors, pool.rules)
    cards = []
    for j, enrollment in enumerate(pool.mentor_enrollments):
        person = enrollment.person
        if enrollment.pk in unseen:
            continue
        if search and search.lower() not in f"{person.full_name} {enrollment.expertise}".lower():
            continue
        if function and person.function != function:
            continue
        room = int(pool.capacities[j])
        if only_available and room <= 0:
            continue
        if model is not None:
            i = rows[mine.pk]
            explanation = model.explain(i, j)
            blocked = model.why_not(i, j)
            cards.append(
                MentorCard(
                    enrollment,
                    round(float(explanation.score), 3),
                    [r.text for r in explanation.reasons],
                    room,
                    not blocked and room > 0,
                    blocked,
                    last_active.get(enrollment.pk),
                )
            )
        else:
            cards.append(
                MentorCard(
                    enrollment,
                    None,
                    [],
                    room,
                    False,
                    ["You already have a match in this program."],
                    last_active.get(enrollment.pk),
                )
            )
    cards.sort(key=lambda c: (not c.allowed, -(c.score or 0), c.enrollment.pk))
    return cards


@transaction.atomic
def mentor_request_create(*, actor: Any, program: Program, mentor_id: int, message: str) -> Match:
    """A mentee asks a mentor; the mentor has `request_expiry_days` to answer."""
    if not program.self_match:
        raise Conflict(
            "In this program the program manager makes the matches.", code="no_self_match"
        )
    mentee = _own_mentee_enrollment(actor, program)
    mentee = Enrollment.objects.select_for_update().get(pk=mentee.pk)
    mentor = (
        Enrollment.objects.filter(
            pk=mentor_id, program=program, role=giving_role(program), status=EnrollmentStatus.ACTIVE
        )
        .select_related("person")
        .first()
    )
    if mentor is None:
        raise NotFound("No such mentor in this program.")
    if mentor.is_paused:
        raise Conflict(
            f"{mentor.person} is not taking new mentees right now.", code="mentor_paused"
        )
    if Match.objects.filter(
        mentee=mentee, status__in=(*TAKES_MENTEE, MatchStatus.REQUESTED)
    ).exists():
        raise Conflict(
            "You already have a match or an open request in this program.", code="mentee_taken"
        )
    if _mentor_room(mentor) <= 0:
        raise Conflict(f"{mentor.person} has no place left.", code="mentor_full")
    if (
        ForbiddenPair.objects.filter(mentee=mentee, mentor=mentor).exists()
        or Preference.objects.filter(
            enrollment=mentor, other=mentee, kind=PreferenceKind.VETO
        ).exists()
    ):
        raise NotFound("No such mentor in this program.")
    message = message.strip()
    if len(message) > 2000:
        raise InvalidInput([FieldError("message", "Keep the message under 2,000 characters.")])
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
    email_enqueue(
        to=[mentor.person.email],
        subject=f"{program.name}: {mentee.person.full_name} asks you to be their mentor",
        body=(
            f"Hello {mentor.person.first_name},\n\n{mentee.person.full_name} would like you as "
            f"their mentor in {program.name}.\n\n{message}\n\nPlease accept or decline in "
            f"Mentorwise by {match.expires_at:%B %d, %Y}; the request expires after that.\n"
        ),
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
        email_enqueue(
            to=[match.mentee.person.email],
            subject=f"{match.program.name}: your match with {match.mentor.person} expired",
            body=(
                "Nobody answered in time, so the match expired. You are back in the pool and "
                "can be matched again.\n"
            ),
        )
    return len(expired)


# Participant input ----------------------------------------------------------------------


@transaction.atomic
def preference_set_in_program(
    *, actor: Any, program: Program, other_id: int, kind: str | None
) -> Preference | None:
    """Mark a participant as preferred or vetoed from the actor's own enrollment on the other
    side of the program (a person enrolled on both sides uses the matching one)."""
    other = Enrollment.objects.filter(pk=other_id, program=program).first()
    if other is None:
        raise NotFound("No such participant in this program.")
    my_role = Role.MENTEE if other.role != Role.MENTEE else giving_role(program)
    mine = Enrollment.objects.filter(
        program=program,
        person_id=getattr(actor, "person_id", None) or 0,
        role=my_role,
        status=EnrollmentStatus.ACTIVE,
    ).first()
    if mine is None:
        raise NotFound("You are not enrolled in this program.")
    return preference_set(actor=actor, enrollment=mine, other_id=other_id, kind=kind)


@transaction.atomic
def preference_set(
    *, actor: Any, enrollment: Enrollment, other_id: int, kind: str | None
) -> Preference | None:
    """Mark a person on the other side as preferred or vetoed (None clears the mark)."""
    if enrollment.person_id != getattr(actor, "person_id", None):
        raise NotFound("No such enrollment.")
    if enrollment.role != Role.MENTEE and not enrollment.program.matching.get("options", {}).get(
        "mentor_preferences"
    ):
        raise Conflict(
            "In this program only mentees state preferences.", code="no_mentor_preferences"
        )
    other_role = giving_role(enrollment.program) if enrollment.role == Role.MENTEE else Role.MENTEE
    other = Enrollment.objects.filter(
        pk=other_id, program=enrollment.program_id, role=other_role
    ).first()
    if other is None:
        raise NotFound("No such participant in this program.")
    if kind is None:
        Preference.objects.filter(enrollment=enrollment, other=other).delete()
        audit_record(actor=actor, action="preference.cleared", target=enrollment)
        return None
    if kind not in PreferenceKind.values:
        raise InvalidInput([FieldError("kind", "must be prefer or veto", value=kind)])
    if kind == PreferenceKind.VETO:
        vetoes = Preference.objects.filter(enrollment=enrollment, kind=PreferenceKind.VETO).exclude(
            other=other
        )
        if vetoes.count() >= MAX_VETOES:
            raise Conflict(f"You can veto at most {MAX_VETOES} people.", code="too_many_vetoes")
    preference, _ = Preference.objects.update_or_create(
        enrollment=enrollment, other=other, defaults={"kind": kind, "created_at": timezone.now()}
    )
    audit_record(actor=actor, action=f"preference.{kind}", target=enrollment)
    return preference
