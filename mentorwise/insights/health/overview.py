"""All figures of one program together, and the cross-program overview."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce

from mentorwise.accounts.actors import Actor
from mentorwise.core.aggregates import cached_aggregate
from mentorwise.disclosure import union_of_blocks
from mentorwise.insights.access import insights_programs
from mentorwise.insights.health._common import (
    _min_group_size,
    _now,
)
from mentorwise.insights.health.feedback import (
    SurveyScores,
    TrainingCompletion,
    TrendPoint,
    _answer,
    check_in_trend,
    survey_scores,
    training_completion,
)
from mentorwise.insights.health.matching import (
    Funnel,
    MatchAcceptance,
    TimeToMatch,
    match_acceptance,
    program_funnel,
    time_to_match,
)
from mentorwise.insights.health.relationships import (
    AgreementConfirmation,
    GoalProgress,
    HealthShares,
    MeetingCadence,
    _health_counts,
    _shares,
    active_cadences,
    agreement_confirmation,
    goal_progress,
    meeting_cadence,
    relationship_health_shares,
)
from mentorwise.insights.scopes import reader_relationships
from mentorwise.journeys.selectors import JourneyProgress, journey_progress
from mentorwise.programs.models import (
    Enrollment,
    EnrollmentStatus,
    Program,
    Role,
)
from mentorwise.relationships.models import (
    SurveyResponse,
)
from mentorwise.relationships.permissions import relationships_in

# All together -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgramHealth:
    program: Program
    as_of: dt.datetime
    funnel: Funnel
    time_to_match: TimeToMatch
    match_acceptance: MatchAcceptance
    agreement_confirmation: AgreementConfirmation
    meeting_cadence: MeetingCadence
    health: HealthShares
    goals: GoalProgress
    check_in_trend: list[TrendPoint]
    midpoint_survey: SurveyScores
    closing_survey: SurveyScores
    training: TrainingCompletion
    # Steps of the program's journey done on time (journeys/progress.py holds the rule).
    journey: JourneyProgress


def program_health(
    *, program: Program, actor: Actor = None, as_of: dt.datetime | None = None
) -> ProgramHealth:
    """Every health figure of one program, for its dashboard (a fixed number of queries,
    whatever its size), as `actor` may read them: safety reports and survey answers about
    relationships the actor is in do not count (None: the command line, which reads all).
    Cached until the next write (`core.aggregates`) when `as_of` is now, per program and
    relationships the actor is in."""
    if as_of is None:
        health = cached_aggregate(
            "program_health",
            lambda: (program.pk, reader_relationships(actor)),
            lambda: _program_health(program, actor, _now(None)),
        )
        return replace(health, program=program)
    return _program_health(program, actor, _now(as_of))


def _program_health(program: Program, actor: Actor, now: dt.datetime) -> ProgramHealth:
    cadences = active_cadences(program=program, as_of=now)
    return ProgramHealth(
        program=program,
        as_of=now,
        funnel=program_funnel(program=program, as_of=now),
        time_to_match=time_to_match(program=program),
        match_acceptance=match_acceptance(program=program),
        agreement_confirmation=agreement_confirmation(program=program),
        meeting_cadence=meeting_cadence(program=program, as_of=now, cadences=cadences),
        health=relationship_health_shares(
            program=program, as_of=now, cadences=cadences, actor=actor
        ),
        goals=goal_progress(program=program),
        check_in_trend=check_in_trend(program=program),
        midpoint_survey=survey_scores(program=program, kind="midpoint", actor=actor),
        closing_survey=survey_scores(program=program, kind="closing", actor=actor),
        training=training_completion(program=program),
        journey=journey_progress(program=program, as_of=now),
    )


@dataclass(frozen=True)
class ProgramOverviewRow:
    """One program in the cross-program overview; satisfaction is None (suppressed=True)
    when fewer answers than the minimum group size back it."""

    program: Program
    enrolled: int
    active: int
    on_track_share: float | None
    satisfaction: float | None
    satisfaction_n: int
    suppressed: bool


def programs_overview(
    *, actor: Actor, as_of: dt.datetime | None = None
) -> list[ProgramOverviewRow]:
    """One row per program whose insights the actor may read (`insights.access`: all for HR
    admins, all but drafts for executives, their own for program managers), by kind and then
    newest run first, so that cohorts of the same kind of program sit together.

    enrolled: active mentee enrollments; active: active relationships; on_track_share:
    on-track / active relationships by the health rule on `as_of`; satisfaction: mean
    `satisfaction` answer over the whole blocks of k answers of each survey and side
    (`disclosure.union_of_blocks`), None while there is none. Safety reports and survey answers
    about relationships the actor is in do not count (as in `program_health`). Five queries
    whatever the number of programs; cached until the next write (`core.aggregates`) when
    `as_of` is now, per set of programs read and relationships the actor is in.
    """
    if as_of is None:
        return cached_aggregate(
            "programs_overview",
            lambda: (
                tuple(sorted(insights_programs(actor).values_list("pk", flat=True))),
                reader_relationships(actor),
            ),
            lambda: _programs_overview(actor, _now(None)),
        )
    return _programs_overview(actor, _now(as_of))


def _programs_overview(actor: Actor, now: dt.datetime) -> list[ProgramOverviewRow]:
    programs = insights_programs(actor)
    enrolled = (
        Enrollment.objects.filter(
            program=OuterRef("pk"), role=Role.MENTEE, status=EnrollmentStatus.ACTIVE
        )
        .order_by()
        .values("program")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = list(
        programs.annotate(
            n_enrolled=Coalesce(Subquery(enrolled, output_field=IntegerField()), 0)
        ).order_by("kind", "-start_date", "name", "pk")
    )
    ids = [p.pk for p in rows]
    health = _health_counts(Q(program_id__in=ids), now, actor=actor)
    floor = _min_group_size()
    answers: dict[int, dict[str, list[int]]] = {}
    for program_id, kind, side, value in (
        SurveyResponse.objects.filter(survey__program_id__in=ids)
        .exclude(relationship__in=relationships_in(actor))
        .annotate(satisfaction=_answer("satisfaction"))
        .filter(satisfaction__isnull=False)
        .order_by("submitted_at", "pk")
        .values_list("survey__program_id", "survey__kind", "side", "satisfaction")
    ):
        answers.setdefault(program_id, {}).setdefault(f"{kind}:{side}", []).append(value)
    satisfaction: dict[int, tuple[float | None, int]] = {}
    for program_id, by_survey_and_side in answers.items():
        # The blocks of each survey and side that program health and the survey results
        # publish, together (disclosure): blocks drawn across surveys would differ from
        # those by single answers.
        chosen = union_of_blocks(by_survey_and_side, floor)
        n = sum(len(v) for v in by_survey_and_side.values())
        satisfaction[program_id] = (sum(chosen) / len(chosen) if chosen else None, n)
    result = []
    for program in rows:
        shares = _shares(health, program.pk)
        mean, n = satisfaction.get(program.pk, (None, 0))
        shown = mean is not None
        result.append(
            ProgramOverviewRow(
                program=program,
                enrolled=program.n_enrolled,
                active=shares.n,
                on_track_share=shares.on_track_share,
                satisfaction=mean,
                satisfaction_n=n,
                suppressed=not shown,
            )
        )
    return result
