"""Demo history: matching runs, answers, and relationships in every state.

Everything goes through the product's services (matching runs, publishing, accepting,
agreements, goals, meetings, check-ins, surveys, sponsorship actions, closure) acting as
the participants themselves, so the data obeys every rule a real installation enforces.
Only timestamps are moved back afterwards, so that relationships have months of history;
audit entries keep the real time of seeding. Nobody is emailed while seeding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Max
from django.utils import timezone

from mentorwise.accounts.models import User
from mentorwise.core.mail import emails_suppressed
from mentorwise.learning.models import ModuleCompletion, ProgramTrainingRequirement, TrainingModule
from mentorwise.learning.services import modules_sync_builtin
from mentorwise.matches import runs
from mentorwise.matches import services as matching
from mentorwise.matches.models import Match, MatchStatus
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program, ProgramKind
from mentorwise.relationships import inputs
from mentorwise.relationships.inputs import MatchAnswer, SurveyAnswers
from mentorwise.relationships.models import (
    AgreementVersion,
    CheckIn,
    ClosureKind,
    ConversationType,
    Goal,
    Meeting,
    Relationship,
    RelationshipEvent,
    Side,
    SponsorshipAction,
)
from mentorwise.relationships.services import closure, feedback, meetings, pair
from mentorwise.relationships.services.matches import match_respond

Progress = Callable[[str, int, int], None]

# Relationships simulated in full per program (the rest of the matches stay published).
MAX_SIMULATED = 150
# The first matches played take these outcomes in turn, so that even a small demo shows
# every state a program goes through; the rest are drawn at random. ("completed" needs a
# planned end in the past and comes from the programs that started long enough ago.)
FIRST_OUTCOMES = (
    "declined",
    "awaiting both answers",
    "awaiting the mentee",
    "at_risk",
    "stalled",
    "early_close",
)

GOALS = (
    (
        "Lead a cross-functional project",
        "Run one project with people from at least two other functions",
        "Project delivered and a retrospective held with the team",
    ),
    (
        "Give better feedback",
        "Hold a feedback conversation with each direct report every month",
        "All reports say the feedback was useful in the next pulse survey",
    ),
    (
        "Present to senior leaders",
        "Present my team's results at a leadership meeting",
        "Presentation given, with questions answered without help",
    ),
    (
        "Build my network",
        "Meet ten colleagues outside my function for a coffee chat",
        "Ten conversations logged, two follow-ups agreed",
    ),
    (
        "Prepare for promotion",
        "Close the gaps named in my last review",
        "Manager confirms readiness in the next review cycle",
    ),
    (
        "Delegate more",
        "Hand over two recurring responsibilities to my team",
        "Both handed over with a written agreement on outcomes",
    ),
)
TOPICS = (
    "career direction",
    "stakeholder management",
    "a difficult conversation",
    "delegation",
    "the promotion process",
    "feedback from the last review",
    "time management",
    "building a team",
    "visibility with senior leaders",
    "handling conflict",
)
NOTES = (
    "Agreed to try one new approach before the next meeting.",
    "Talked through options and picked one to test.",
    "Shared two contacts to reach out to.",
    "Reviewed progress on the goal; on track.",
)


@dataclass
class LifecycleResult:
    runs: int = 0
    relationships: int = 0
    meetings: int = 0
    states: dict[str, int] = field(default_factory=dict)


def _bump(result: LifecycleResult, state: str) -> None:
    result.states[state] = result.states.get(state, 0) + 1


def participant_logins() -> int:
    """A login for every enrolled person without one (no usable password: demo data only)."""
    have = set(User.objects.filter(person__isnull=False).values_list("person_id", flat=True))
    people = (
        Enrollment.objects.exclude(person_id__in=have)
        .values_list("person_id", "person__email")
        .distinct()
    )
    users = []
    for person_id, email in people:
        user = User(username=email, email=email, person_id=person_id)
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users, batch_size=1000, ignore_conflicts=True)
    return len(users)


def _train_mentors(program: Program, rng: np.random.Generator) -> None:
    """Require two modules and let most (not all) mentors complete them."""
    modules = list(TrainingModule.objects.filter(is_builtin=True).order_by("position", "pk")[:2])
    for module in modules:
        ProgramTrainingRequirement.objects.get_or_create(program=program, module=module)
    mentors = list(
        Enrollment.objects.filter(program=program, status=EnrollmentStatus.ACTIVE)
        .exclude(role="mentee")
        .values_list("person_id", flat=True)
    )
    trained = [p for p in mentors if rng.random() < 0.9]
    ModuleCompletion.objects.bulk_create(
        [
            ModuleCompletion(person_id=p, module=m, score=100, module_version=m.version)
            for p in trained
            for m in modules
        ],
        ignore_conflicts=True,
    )


def demo_lifecycle(*, programs: list[Program], seed: int, progress: Progress) -> LifecycleResult:
    """Run matching in each program and play its relationships forward to today."""
    rng = np.random.default_rng(seed + 7)
    result = LifecycleResult()
    now = timezone.now()
    played = 0
    with emails_suppressed():
        modules_sync_builtin()
        participant_logins()
        for n, program in enumerate(programs):
            progress("Matching and relationship history", n, len(programs))
            if program.mentor_training_required:
                _train_mentors(program, rng)
            run = matching.run_create(actor=None, program=program)
            runs.run_execute(run_id=run.pk)
            result.runs += 1
            matching.matches_approve_all(actor=None, run=run)
            matching.matches_publish(actor=None, program=program)
            published = list(
                Match.objects.filter(program=program, status=MatchStatus.PUBLISHED)
                .select_related("mentee__person__user", "mentor__person__user", "program")
                .order_by("pk")
            )
            for match in published[:MAX_SIMULATED]:
                forced = FIRST_OUTCOMES[played] if played < len(FIRST_OUTCOMES) else None
                _answer(match, rng, now, result, forced)
                played += 1
        progress("Matching and relationship history", len(programs), len(programs))
        _simulated_activity(rng, now)
    return result


def _simulated_activity(rng: np.random.Generator, now: dt.datetime) -> None:
    """Date each participant login's last activity (`User.last_active_at`), as the history
    above would have left it: their latest simulated action (a meeting they logged, a check-in
    of theirs), else a day 1 to 30 days back, so that "last active" on mentor cards reads as
    in a real installation. Logins that were used keep what was recorded."""
    latest: dict[int, dt.datetime] = {}

    def keep(person_id: int, when: dt.datetime | None) -> None:
        if when is not None and (person_id not in latest or when > latest[person_id]):
            latest[person_id] = when

    for person_id, when in (
        Meeting.objects.filter(logged_by__person__isnull=False)
        .values("logged_by__person")
        .annotate(last=Max("logged_at"))
        .values_list("logged_by__person", "last")
    ):
        keep(person_id, when)
    for side, path in (
        (Side.MENTEE, "relationship__mentee__person"),
        (Side.MENTOR, "relationship__mentor__person"),
    ):
        for person_id, when in (
            CheckIn.objects.filter(side=side)
            .values(path)
            .annotate(last=Max("created_at"))
            .values_list(path, "last")
        ):
            keep(person_id, when)
    users = list(
        User.objects.filter(
            person__isnull=False, last_login__isnull=True, last_active_at__isnull=True
        ).order_by("pk")
    )
    for user in users:
        days = dt.timedelta(days=int(rng.integers(1, 31)), hours=int(rng.integers(0, 10)))
        user.last_active_at = latest.get(user.person_id, now - days)  # type: ignore[arg-type]
    User.objects.bulk_update(users, ["last_active_at"], batch_size=1000)


def _answer(
    match: Match,
    rng: np.random.Generator,
    now: dt.datetime,
    result: LifecycleResult,
    forced: str | None = None,
) -> None:
    """Answer the match as its two people would; `forced` picks the outcome (FIRST_OUTCOMES)."""
    mentee, mentor = match.mentee.person.user, match.mentor.person.user
    if forced is None:
        roll = rng.random()
    else:  # the answers' outcomes sit in their bands below; a profile means both accept
        roll = {"declined": 0.0, "awaiting both answers": 0.1, "awaiting the mentee": 0.15}.get(
            forced, 1.0
        )
    if roll < 0.07:
        match_respond(
            actor=mentee,
            match=match,
            data=MatchAnswer(accept=False, reason="The timing does not work for me this quarter."),
        )
        _bump(result, "declined")
        return
    if roll < 0.12:
        _bump(result, "awaiting both answers")
        return
    if roll < 0.17:
        match_respond(actor=mentor, match=match, data=MatchAnswer(accept=True))
        _bump(result, "awaiting the mentee")
        return
    match_respond(actor=mentee, match=match, data=MatchAnswer(accept=True))
    match_respond(actor=mentor, match=Match.objects.get(pk=match.pk), data=MatchAnswer(accept=True))
    relationship = Relationship.objects.select_related(
        "program", "mentee__person", "mentor__person"
    ).get(match=match)
    _history(relationship, mentee, mentor, rng, now, result, profile=forced)
    result.relationships += 1


def _history(
    rel: Relationship,
    mentee: User,
    mentor: User,
    rng: np.random.Generator,
    now: dt.datetime,
    result: LifecycleResult,
    profile: str | None = None,
) -> None:
    """Play one relationship forward from a start in the past, then move timestamps back."""
    program = rel.program
    start_day = program.start_date or now.date()
    started = timezone.make_aware(dt.datetime.combine(start_day, dt.time(9))) + dt.timedelta(
        days=int(rng.integers(3, 15)), hours=int(rng.integers(0, 8))
    )
    started = min(started, now - dt.timedelta(days=2))
    first_event = (
        RelationshipEvent.objects.filter(relationship=rel).aggregate(m=Max("pk"))["m"] or 0
    )
    Relationship.objects.filter(pk=rel.pk).update(started_at=started)
    rel.started_at = started
    version = (
        AgreementVersion.objects.filter(agreement__relationship=rel).order_by("-number").first()
    )
    if version is None:
        raise RuntimeError(f"{rel} has no agreement")
    AgreementVersion.objects.filter(pk=version.pk).update(created_at=started)
    when = started + dt.timedelta(days=int(rng.integers(1, 6)))
    confirm_both = rng.random() < 0.9
    pair.agreement_confirm(actor=mentee, relationship=rel, version=version.number)
    if confirm_both:
        pair.agreement_confirm(actor=mentor, relationship=rel, version=version.number)
    _stamp(rel, first_event, when)
    cadence = max(7, program.meeting_cadence_days)
    drawn = rng.choice(["healthy", "stalled", "at_risk", "early_close"], p=[0.7, 0.14, 0.08, 0.08])
    profile = profile or str(drawn)
    # Goals, set in the first meeting weeks.
    goals = []
    for g in rng.choice(len(GOALS), size=int(rng.integers(1, 4)), replace=False).tolist():
        title, specific, measurable = GOALS[g]
        mark = RelationshipEvent.objects.filter(relationship=rel).aggregate(m=Max("pk"))["m"] or 0
        goal = pair.goal_create(
            actor=mentee,
            relationship=rel,
            fields=inputs.GoalFields(
                title=title,
                specific=specific,
                measurable=measurable,
                achievable="Fits my current role and workload.",
                relevant="Part of my development plan.",
                target_date=(program.end_date or (now.date() + dt.timedelta(days=120))),
            ),
        )
        Goal.objects.filter(pk=goal.pk).update(created_at=when, updated_at=when)
        _stamp(rel, mark, when)
        goals.append(goal)
    # Meetings at the cadence, with jitter; stalled and at-risk pairs stop after a while.
    horizon = now - dt.timedelta(days=1)
    if profile in ("stalled", "at_risk"):
        horizon = min(
            horizon, now - dt.timedelta(days=cadence + 20 + int(rng.integers(0, cadence)))
        )
    held = started + dt.timedelta(days=int(rng.integers(2, 10)), hours=int(rng.integers(1, 6)))
    count = 0
    while held < horizon and (profile != "early_close" or count < 2):
        mark = RelationshipEvent.objects.filter(relationship=rel).aggregate(m=Max("pk"))["m"] or 0
        author = mentee if rng.random() < 0.6 else mentor
        meeting = meetings.meeting_log(
            actor=author,
            relationship=rel,
            log=inputs.MeetingLog(
                held_at=held,
                duration_minutes=int(rng.choice([30, 45, 60, 60, 90])),
                conversation_type=(
                    ConversationType.SPONSORSHIP
                    if program.kind == ProgramKind.SPONSORSHIP
                    else ConversationType.MENTORING
                ),
                topics=", ".join(rng.choice(TOPICS, size=2, replace=False).tolist()),
                shared_notes=str(rng.choice(NOTES)),
                private_note="Remember to follow up on the stakeholder map."
                if rng.random() < 0.3
                else "",
            ),
        )
        Meeting.objects.filter(pk=meeting.pk).update(
            created_at=held, logged_at=held + dt.timedelta(hours=2)
        )
        _stamp(rel, mark, held + dt.timedelta(hours=2))
        count += 1
        if rng.random() < 0.5:
            mark = (
                RelationshipEvent.objects.filter(relationship=rel).aggregate(m=Max("pk"))["m"] or 0
            )
            pulse = (
                int(rng.choice([3, 4, 4, 5, 5]))
                if profile != "at_risk"
                else int(rng.choice([1, 2]))
            )
            check = feedback.check_in_create(
                actor=author,
                relationship=rel,
                data=inputs.CheckInNew(
                    pulse=pulse, comment="Good conversation." if pulse >= 4 else ""
                ),
            )
            CheckIn.objects.filter(pk=check.pk).update(created_at=held + dt.timedelta(days=1))
            _stamp(rel, mark, held + dt.timedelta(days=1))
        held += dt.timedelta(
            days=cadence + int(rng.integers(-5, 6)), hours=int(rng.integers(-3, 4))
        )
    result.meetings += count
    if profile == "at_risk":
        # A low pulse recently: the relationship shows as at risk to its managers.
        check = feedback.check_in_create(
            actor=mentee,
            relationship=rel,
            data=inputs.CheckInNew(pulse=2, comment="We keep postponing our meetings."),
        )
        CheckIn.objects.filter(pk=check.pk).update(created_at=now - dt.timedelta(days=3))
    for goal in goals:
        progress = min(100, count * int(rng.integers(8, 25)))
        pair.goal_progress_set(
            actor=mentee,
            goal=goal,
            data=inputs.GoalProgressChange(
                progress=progress, status="achieved" if progress >= 100 else None
            ),
        )
    if program.kind == ProgramKind.SPONSORSHIP and count:
        mark = RelationshipEvent.objects.filter(relationship=rel).aggregate(m=Max("pk"))["m"] or 0
        action = feedback.sponsorship_action_record(
            actor=mentor,
            relationship=rel,
            data=inputs.SponsorshipNew(
                kind=str(
                    rng.choice(
                        ["stretch_assignment", "promotion", "visible_project", "introduction"]
                    )
                ),
                description="Put their name forward in the leadership staffing meeting.",
            ),
        )
        SponsorshipAction.objects.filter(pk=action.pk).update(
            created_at=started + dt.timedelta(days=30)
        )
        if rng.random() < 0.6:
            feedback.sponsorship_outcome_set(
                actor=mentor,
                action=action,
                data=inputs.SponsorshipResult(
                    outcome=str(rng.choice(["succeeded", "not_succeeded"])),
                    outcome_on=(now - dt.timedelta(days=10)).date(),
                ),
            )
        _stamp(rel, mark, started + dt.timedelta(days=30))
    midpoint_due = (
        rel.planned_end_date
        and now.date() >= started.date() + (rel.planned_end_date - started.date()) / 2
    )
    if midpoint_due and profile == "healthy":
        for user in (mentee, mentor):
            if rng.random() < 0.75:
                feedback.survey_respond(
                    actor=user, relationship=rel, kind="midpoint", data=SurveyAnswers(_answers(rng))
                )
    if profile == "early_close":
        closure.relationship_close(
            actor=mentee,
            relationship=rel,
            data=inputs.Closure(
                kind=ClosureKind.EARLY,
                reason="Our schedules no longer fit.",
                rematch=bool(rng.random() < 0.5),
            ),
        )
        _bump(result, "closed early")
        _closing_surveys(rel, mentee, mentor, rng)
    elif rel.planned_end_date and rel.planned_end_date < now.date() and profile == "healthy":
        closure.relationship_close(
            actor=mentor,
            relationship=rel,
            data=inputs.Closure(kind=ClosureKind.PLANNED, reason="The program period ended."),
        )
        _bump(result, "completed")
        _closing_surveys(rel, mentee, mentor, rng)
    else:
        _bump(result, {"healthy": "active", "stalled": "stalled", "at_risk": "at risk"}[profile])


def _answers(rng: np.random.Generator) -> dict[str, object]:
    return {
        "satisfaction": int(rng.choice([3, 4, 4, 5, 5])),
        "recommend": int(rng.choice([6, 7, 8, 9, 9, 10])),
        "goal_attainment": int(rng.choice([2, 3, 4, 4, 5])),
        "growth": int(rng.choice([2, 3, 4, 4, 5])),
    }


def _closing_surveys(
    rel: Relationship, mentee: User, mentor: User, rng: np.random.Generator
) -> None:
    for user in (mentee, mentor):
        if rng.random() < 0.8:
            feedback.survey_respond(
                actor=user, relationship=rel, kind="closing", data=SurveyAnswers(_answers(rng))
            )


def _stamp(rel: Relationship, after_pk: int, when: dt.datetime) -> None:
    """Date the timeline entries written since `after_pk` at `when` (demo history)."""
    RelationshipEvent.objects.filter(relationship=rel, pk__gt=after_pk).update(created_at=when)
