"""Read queries for relationships, always filtered by who asks."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import mean
from typing import Any, TypeVar

from django.db.models import Count, IntegerField, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from mentorwise.accounts.actors import Actor, User
from mentorwise.accounts.roles import actor_person_id
from mentorwise.core.errors import NotFound

# `min_group_size` is re-exported (the `as`) for relationships.views and api.relationships,
# which read it from here; new code imports it from mentorwise.disclosure.
from mentorwise.disclosure import min_group_size as min_group_size
from mentorwise.disclosure import sides_in_blocks
from mentorwise.matches.models import Match, MatchStatus, Response
from mentorwise.people.models import Person
from mentorwise.programs.models import Program
from mentorwise.programs.selectors import person_enrollments
from mentorwise.relationships.health import HealthResult, relationship_health
from mentorwise.relationships.models import (
    AgreementVersion,
    CheckIn,
    EventKind,
    Goal,
    GoalStatus,
    Meeting,
    MeetingStatus,
    Milestone,
    PrivateNote,
    Relationship,
    RelationshipEvent,
    RelationshipStatus,
    SafetyReport,
    SafetyStatus,
    Side,
    SponsorshipAction,
    Survey,
    SurveyKind,
    SurveyResponse,
)
from mentorwise.relationships.permissions import (
    actor_side,
    can_oversee,
    overseen_relationships,
    relationships_in,
    visible_relationships,
)
from mentorwise.relationships.services.feedback import DEFAULT_QUESTIONS

M = TypeVar("M", bound=Model)

_RELATED = ("program", "mentee__person", "mentor__person", "agreement")


# Access ---------------------------------------------------------------------------------


def access_relationship(*, actor: Actor, relationship_id: int) -> Relationship:
    """The relationship if the actor is in it or oversees it; NotFound otherwise."""
    relationship = (
        visible_relationships(actor).select_related(*_RELATED).filter(pk=relationship_id).first()
    )
    if relationship is None:
        raise NotFound("No such relationship.")
    return relationship


def _child(actor: Actor, model: type[M], pk: int, path: str, message: str) -> M:
    """The `model` row `pk` if its relationship (at `path`) is visible to the actor."""
    obj = (
        model._default_manager.select_related(*(f"{path}__{r}" for r in _RELATED))
        .filter(pk=pk, **{f"{path}__in": visible_relationships(actor)})
        .first()
    )
    if obj is None:
        raise NotFound(message)
    return obj


def access_goal(*, actor: Actor, goal_id: int) -> Goal:
    return _child(actor, Goal, goal_id, "relationship", "No such goal.")


def access_milestone(*, actor: Actor, milestone_id: int) -> Milestone:
    return _child(actor, Milestone, milestone_id, "goal__relationship", "No such milestone.")


def access_meeting(*, actor: Actor, meeting_id: int) -> Meeting:
    return _child(actor, Meeting, meeting_id, "relationship", "No such meeting.")


def access_sponsorship_action(*, actor: Actor, action_id: int) -> SponsorshipAction:
    return _child(
        actor, SponsorshipAction, action_id, "relationship", "No such sponsorship action."
    )


def access_safety_report(*, actor: Actor, report_id: int) -> SafetyReport:
    """A safety report for its reporter and those who oversee the relationship; NotFound
    for anyone else, including the other person in the relationship, whatever their role
    (a manager or HR admin in the relationship does not oversee it)."""
    report = (
        SafetyReport.objects.select_related(*(f"relationship__{r}" for r in _RELATED))
        .filter(pk=report_id)
        .first()
    )
    if report is None or not (
        (report.reporter_id is not None and report.reporter_id == getattr(actor, "pk", None))
        or can_oversee(actor, report.relationship)
    ):
        raise NotFound("No such report.")
    return report


def access_match_to_answer(*, actor: Actor, match_id: int) -> Match:
    """A match the actor is part of (mentee or mentor side); NotFound otherwise."""
    person_id = actor_person_id(actor)
    match = (
        Match.objects.select_related("program", "mentee__person", "mentor__person")
        .filter(
            Q(mentee__in=person_enrollments(person_id))
            | Q(mentor__in=person_enrollments(person_id)),
            pk=match_id,
        )
        .first()
        if person_id is not None
        else None
    )
    if match is None:
        raise NotFound("No such match.")
    return match


# Lists ----------------------------------------------------------------------------------


def relationships_mine(*, actor: Actor) -> QuerySet[Relationship]:
    """The relationships the actor is in (either side), active first."""
    return relationships_in(actor).select_related(*_RELATED).order_by("status", "-started_at")


def matches_awaiting_answer(*, actor: Actor) -> list[Match]:
    """Matches waiting for the actor's accept or decline."""
    person_id = actor_person_id(actor)
    if person_id is None:
        return []
    mine = person_enrollments(person_id)
    return list(
        Match.objects.filter(
            Q(
                status=MatchStatus.PUBLISHED,
                mentee__in=mine,
                mentee_response=Response.PENDING,
            )
            | Q(
                status__in=(MatchStatus.PUBLISHED, MatchStatus.REQUESTED),
                mentor__in=mine,
                mentor_response=Response.PENDING,
            )
        )
        .exclude(expires_at__lte=timezone.now())
        .select_related("program", "mentee__person", "mentor__person")
    )


def agreements_current(*, relationships: Sequence[Relationship]) -> dict[int, AgreementVersion]:
    """The newest agreement version of each relationship that has one, in one query.

    A relationship may have none: one recorded from before Mentorwise (the demo's past cohort,
    an imported history) never had an agreement written here. Every page and API operation
    reads the agreement through this, so that such a relationship still renders.
    """
    current: dict[int, AgreementVersion] = {}
    for version in (
        AgreementVersion.objects.filter(agreement__relationship__in=[r.pk for r in relationships])
        .select_related("agreement")
        .order_by("agreement__relationship_id", "number")
    ):
        current[version.agreement.relationship_id] = version  # the highest number wins
    return current


def agreement_current(*, relationship: Relationship) -> AgreementVersion | None:
    """The newest version of the pair's agreement; None when none was ever written."""
    return agreements_current(relationships=[relationship]).get(relationship.pk)


def agreement_versions(*, relationship: Relationship) -> QuerySet[AgreementVersion]:
    """Every version of the pair's agreement, newest first (empty when none was written)."""
    return AgreementVersion.objects.filter(agreement__relationship=relationship).order_by("-number")


def timeline(*, relationship: Relationship) -> QuerySet[RelationshipEvent]:
    """The pair's timeline, newest first. Survey answers are left out when the program's
    surveys are confidential (entries written before that rule included): managers read the
    timeline, and who answered when would single out an answer in the averages."""
    events = relationship.events.select_related("actor__person").order_by("-created_at", "-id")
    if relationship.program.surveys_confidential:
        events = events.exclude(kind=EventKind.SURVEY)
    return events


def private_note_get(*, actor: Actor, meeting: Meeting) -> PrivateNote | None:
    """The actor's own private note on a meeting: the only way any note is ever read."""
    if not isinstance(actor, User):
        return None
    return PrivateNote.objects.filter(author=actor, meeting=meeting).first()


def private_notes_mine(*, actor: Actor, relationship: Relationship) -> dict[int, str]:
    """The actor's own private notes on the relationship's meetings, by meeting id."""
    if not isinstance(actor, User):
        return {}
    return dict(
        PrivateNote.objects.filter(author=actor, meeting__relationship=relationship).values_list(
            "meeting_id", "text"
        )
    )


@dataclass(frozen=True)
class GoalProgress:
    """What an overseer sees of a goal: no text, only progress and status."""

    id: int
    status: str
    progress: int
    target_date: dt.date | None
    milestones_done: int
    milestones_total: int

    @property
    def status_label(self) -> str:
        return str(GoalStatus(self.status).label)


def goal_progress_list(*, relationship: Relationship) -> list[GoalProgress]:
    goals = relationship.goals.annotate(
        done=Count("milestones", filter=Q(milestones__done_at__isnull=False)),
        total=Count("milestones"),
    )
    return [GoalProgress(g.pk, g.status, g.progress, g.target_date, g.done, g.total) for g in goals]


@dataclass(frozen=True)
class MeetingFacts:
    """What an overseer sees of meetings: dates and counts."""

    held: int
    scheduled: int
    cancelled: int
    last_held: dt.datetime | None
    next_scheduled: dt.datetime | None


def meeting_facts(*, relationship: Relationship) -> MeetingFacts:
    meetings = list(relationship.meetings.values("status", "starts_at"))
    now = timezone.now()
    held = [m["starts_at"] for m in meetings if m["status"] == MeetingStatus.HELD]
    upcoming = [
        m["starts_at"]
        for m in meetings
        if m["status"] == MeetingStatus.SCHEDULED and m["starts_at"] >= now
    ]
    return MeetingFacts(
        held=len(held),
        scheduled=sum(m["status"] == MeetingStatus.SCHEDULED for m in meetings),
        cancelled=sum(m["status"] == MeetingStatus.CANCELLED for m in meetings),
        last_held=max(held, default=None),
        next_scheduled=min(upcoming, default=None),
    )


# Health ---------------------------------------------------------------------------------


def health_by_relationship(
    relationships: Sequence[Relationship],
    *,
    now: dt.datetime | None = None,
    include_safety_reports: bool = True,
) -> dict[int, HealthResult]:
    """Health of each active relationship, in a fixed number of queries.

    Shown to the pair, health must not count safety reports (include_safety_reports=False):
    the other person would learn of a report through an "at risk".
    """
    now = now or timezone.now()
    active = [r for r in relationships if r.status == RelationshipStatus.ACTIVE]
    ids = [r.pk for r in active]
    if not ids:
        return {}
    cadence: dict[int, int] = {}
    for rel_id, days in (
        AgreementVersion.objects.filter(agreement__relationship_id__in=ids)
        .order_by("agreement__relationship_id", "number")
        .values_list("agreement__relationship_id", "meeting_cadence_days")
    ):
        cadence[rel_id] = days  # the last (highest) version wins
    longest = max([*cadence.values(), *(r.program.meeting_cadence_days for r in active)])
    pulses: dict[int, dict[str, int]] = defaultdict(dict)
    recent = CheckIn.objects.filter(
        relationship_id__in=ids, created_at__gte=now - dt.timedelta(days=2 * longest)
    ).order_by("created_at", "id")
    for check_in in recent.values("relationship_id", "side", "pulse", "created_at"):
        rel_cadence = cadence.get(check_in["relationship_id"], longest)
        if check_in["created_at"] >= now - dt.timedelta(days=2 * rel_cadence):
            pulses[check_in["relationship_id"]][check_in["side"]] = check_in["pulse"]
    reports = (
        {}
        if not include_safety_reports
        else dict(
            SafetyReport.objects.filter(relationship_id__in=ids)
            .exclude(status=SafetyStatus.RESOLVED)
            .values("relationship_id")
            .annotate(n=Count("id"))
            .values_list("relationship_id", "n")
        )
    )
    return {
        r.pk: relationship_health(
            now=now,
            started_at=r.started_at,
            last_meeting_at=r.last_meeting_at,
            cadence_days=cadence.get(r.pk, r.program.meeting_cadence_days),
            latest_pulses=list(pulses[r.pk].values()),
            open_safety_reports=reports.get(r.pk, 0),
        )
        for r in active
    }


def health_for_actor(
    *, actor: Actor, relationships: Sequence[Relationship], now: dt.datetime | None = None
) -> dict[int, HealthResult]:
    """Health as this actor may see it: safety reports count only in relationships the actor
    oversees (`can_oversee`), never in one they are in, whatever their role; every page, API
    operation and export that shows health to someone calls this."""
    overseen_ids = set(
        overseen_relationships(actor)
        .filter(pk__in=[r.pk for r in relationships])
        .values_list("pk", flat=True)
    )
    overseen = [r for r in relationships if r.pk in overseen_ids]
    others = [r for r in relationships if r.pk not in overseen_ids]
    return {
        **health_by_relationship(overseen, now=now),
        **health_by_relationship(others, now=now, include_safety_reports=False),
    }


@dataclass
class ProgramRow:
    relationship: Relationship
    health: HealthResult | None
    meetings_held: int
    goals: int
    goals_achieved: int
    agreement: AgreementVersion | None  # the current version; None: none was ever written
    in_pair: bool  # the actor is in it: they see it as the pair does and do not act on it

    @property
    def agreement_confirmed(self) -> bool:
        return self.agreement is not None and self.agreement.is_confirmed


def _count_of(rows: QuerySet[Any]) -> Coalesce:
    """How many of `rows` belong to each relationship, as a subquery. Counting through joins
    multiplied every meeting by every goal of the pair before DISTINCT folded them again."""
    counts = (
        rows.filter(relationship=OuterRef("pk"))
        .order_by()
        .values("relationship")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def program_relationships(
    *, actor: Actor, program: Program, health: str = "", status: str = "", q: str = ""
) -> list[ProgramRow]:
    """A program's relationships with their health as the actor may see it, for its managers
    (caller checks access). A relationship the actor is in is listed as the pair sees it."""
    relationships = (
        Relationship.objects.filter(program=program)
        .select_related(*_RELATED)
        .annotate(
            n_held=_count_of(Meeting.objects.filter(status=MeetingStatus.HELD)),
            n_goals=_count_of(Goal.objects.all()),
            n_achieved=_count_of(Goal.objects.filter(status=GoalStatus.ACHIEVED)),
        )
        .order_by("status", "-started_at")
    )
    if status:
        relationships = relationships.filter(status=status)
    if q:
        for word in q.split():
            relationships = relationships.filter(
                Q(mentee__person__first_name__icontains=word)
                | Q(mentee__person__last_name__icontains=word)
                | Q(mentor__person__first_name__icontains=word)
                | Q(mentor__person__last_name__icontains=word)
            )
    items = list(relationships)
    healths = health_for_actor(actor=actor, relationships=items)
    agreements = agreements_current(relationships=items)
    rows = [
        ProgramRow(
            relationship=r,
            health=healths.get(r.pk),
            meetings_held=r.n_held,
            goals=r.n_goals,
            goals_achieved=r.n_achieved,
            agreement=agreements.get(r.pk),
            in_pair=actor_side(actor, r) is not None,
        )
        for r in items
    ]
    return with_health(rows, health)


def with_health(rows: list[ProgramRow], health: str) -> list[ProgramRow]:
    """The rows whose health (as the actor sees it) is `health`; every row without one."""
    if not health:
        return rows
    return [row for row in rows if row.health and row.health.health == health]


# Surveys --------------------------------------------------------------------------------


@dataclass
class QuestionSummary:
    key: str
    label: str
    type: str
    n: int
    mean: float | None  # None when suppressed or a text question
    suppressed: bool


@dataclass
class SurveySummary:
    survey: Survey
    n: int
    suppressed: bool
    questions: list[QuestionSummary]
    responses: list[SurveyResponse] = field(default_factory=list)  # only when not confidential


def survey_summary(*, actor: Actor, program: Program, kind: str, side: str = "") -> SurveySummary:
    """Aggregates of a program's survey; groups under the minimum size are suppressed.

    Individual responses are included only when the program's surveys are not confidential.
    The answers about relationships the actor is in are left out: the other person's answers
    about them are not theirs to read, not even averaged with others. A question's average
    rests on its answers in whole blocks of k (the first ``floor(n / k) * k`` answers of each
    side, oldest first), so one more answer changes nothing and two readings differ by at
    least k answers; all sides together is the union of the sides' blocks, hidden while one
    side's is. The caller checks that the actor manages the program.
    """
    survey = Survey.objects.filter(program=program, kind=kind).first()
    if survey is None:
        survey = Survey(program=program, kind=kind, questions=DEFAULT_QUESTIONS)
    responses = list(
        SurveyResponse.objects.filter(survey=survey, **({"side": side} if side else {}))
        .exclude(relationship__in=relationships_in(actor))
        .select_related("relationship__mentee__person", "relationship__mentor__person")
        .order_by("submitted_at", "pk")
        if survey.pk
        else []
    )
    limit = min_group_size()
    suppressed = len(responses) < limit
    sides = [side] if side else list(Side.values)
    questions = []
    for q in survey.questions:
        values = [r.answers.get(q["key"]) for r in responses]
        by_side = {
            s: [r.answers[q["key"]] for r in responses if r.side == s and _is_score(r, q["key"])]
            for s in sides
        }
        per_side, together = sides_in_blocks(by_side, limit)
        numbers = per_side[side] if side else together
        q_suppressed = q["type"] != "scale" or not numbers
        questions.append(
            QuestionSummary(
                key=q["key"],
                label=q["label"],
                type=q["type"],
                n=(
                    sum(len(v) for v in by_side.values())
                    if q["type"] == "scale"
                    else sum(bool(v) for v in values)
                ),
                mean=None if q_suppressed or not numbers else round(mean(numbers), 2),
                suppressed=q_suppressed if q["type"] == "scale" else suppressed,
            )
        )
    return SurveySummary(
        survey=survey,
        n=len(responses),
        suppressed=suppressed,
        questions=questions,
        responses=[] if program.surveys_confidential else responses,
    )


def _is_score(response: SurveyResponse, key: str) -> bool:
    value = response.answers.get(key)
    return isinstance(value, int) and not isinstance(value, bool)


def survey_due(*, actor: Actor, relationship: Relationship) -> list[str]:
    """Survey kinds the actor should answer now for this relationship."""
    side = actor_side(actor, relationship)
    if side is None:
        return []
    answered = set(
        SurveyResponse.objects.filter(relationship=relationship, side=side).values_list(
            "survey__kind", flat=True
        )
    )
    due = []
    if relationship.status == RelationshipStatus.CLOSED:
        due.append(SurveyKind.CLOSING)
    elif relationship.planned_end_date:
        start = relationship.started_at.date()
        midpoint = start + (relationship.planned_end_date - start) / 2
        if timezone.localdate() >= midpoint:
            due.append(SurveyKind.MIDPOINT)
    return [k for k in due if k not in answered]


# Home panel -----------------------------------------------------------------------------


def others_in(*, actor: Actor, relationship: Relationship) -> list[Person]:
    """The people of a relationship other than the actor: whom "with" names on their pages
    (a mentee meets her mentor, not herself)."""
    people = [relationship.mentee.person, relationship.mentor.person]
    mine = actor_person_id(actor)
    return [person for person in people if person.pk != mine]


def home_panel(*, actor: Actor) -> dict[str, Any]:
    """What the home page shows a participant: relationships, next meeting, goals, what is due."""
    mine = list(relationships_mine(actor=actor).filter(status=RelationshipStatus.ACTIVE))
    now = timezone.now()
    rows = []
    due: list[dict[str, Any]] = []
    healths = health_for_actor(actor=actor, relationships=mine, now=now)
    agreements = agreements_current(relationships=mine)
    for r in mine:
        side = actor_side(actor, r)
        other = r.mentor.person if side == Side.MENTEE else r.mentee.person
        rows.append({"relationship": r, "other": other, "health": healths.get(r.pk)})
        current = agreements.get(r.pk)
        field_name = "mentee_confirmed_at" if side == Side.MENTEE else "mentor_confirmed_at"
        if current is None:
            due.append({"text": f"Write your agreement with {other.full_name}", "relationship": r})
        elif getattr(current, field_name) is None:
            due.append(
                {"text": f"Confirm your agreement with {other.full_name}", "relationship": r}
            )
        health = healths.get(r.pk)
        if (
            health
            and health.health != "on_track"
            and not r.meetings.filter(status=MeetingStatus.SCHEDULED, starts_at__gte=now).exists()
        ):
            due.append({"text": f"Plan a meeting with {other.full_name}", "relationship": r})
        for kind in survey_due(actor=actor, relationship=r):
            due.append({"text": f"Answer the {SurveyKind(kind).label.lower()}", "relationship": r})
    for match in matches_awaiting_answer(actor=actor):
        due.append({"text": f"Answer your match in {match.program.name}", "match": match})
    next_meeting = (
        Meeting.objects.filter(
            relationship__in=[r.pk for r in mine],
            status=MeetingStatus.SCHEDULED,
            starts_at__gte=now,
        )
        .order_by("starts_at")
        .select_related("relationship__mentee__person", "relationship__mentor__person")
        .first()
    )
    open_goals = list(
        Goal.objects.filter(relationship__in=[r.pk for r in mine], status=GoalStatus.OPEN).order_by(
            "target_date", "id"
        )[:5]
    )
    return {
        "relationships": rows,
        "next_meeting": next_meeting,
        "next_meeting_with": (
            [p.full_name for p in others_in(actor=actor, relationship=next_meeting.relationship)]
            if next_meeting
            else []
        ),
        "open_goals": open_goals,
        "due": due,
    }


def safety_reports_for_program(*, actor: Actor, program: Program) -> QuerySet[SafetyReport]:
    """A program's safety reports the actor oversees, open first: never those about a
    relationship the actor is in (the caller checks that the actor manages the program)."""
    return (
        SafetyReport.objects.filter(
            relationship__program=program, relationship__in=overseen_relationships(actor)
        )
        .select_related(
            "relationship__mentee__person", "relationship__mentor__person", "reporter__person"
        )
        .order_by("status", "-created_at")
    )
