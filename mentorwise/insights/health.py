"""Program health: the figures of the health dashboard, each computed by one selector.

Every selector reads one program (or, for `programs_overview`, the programs an actor may
manage) in a fixed number of queries, whatever its size: counts and averages are
aggregated in the database; what needs a median or a per-relationship rule (health) reads
a few columns per row and never queries per row. The dashboard page, the API and the CSV
exports all call these functions; tests pin their exact values.

Callers check that the actor may see the program (`can_manage_program`); the selectors
take a `Program` that was already checked, except `programs_overview`, which filters.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import (
    Avg,
    BooleanField,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Substr, Trunc
from django.utils import timezone

from mentorwise.insights.access import insights_programs
from mentorwise.learning.selectors import people_trained_for, required_modules
from mentorwise.matches.models import Match, MatchStatus
from mentorwise.programs.eligibility import eligible_people
from mentorwise.programs.models import (
    GIVING_ROLES,
    Enrollment,
    EnrollmentStatus,
    Program,
    Role,
)
from mentorwise.relationships.health import Health, relationship_health
from mentorwise.relationships.models import (
    AgreementVersion,
    CheckIn,
    ClosureKind,
    Goal,
    GoalStatus,
    Meeting,
    MeetingStatus,
    Relationship,
    RelationshipStatus,
    SafetyReport,
    SafetyStatus,
    SurveyResponse,
)

# Matches that put a mentee past the "matched" stage: published (awaiting both answers),
# accepted (a relationship exists) or ended (it existed and was closed).
MATCHED_STATUSES = (MatchStatus.PUBLISHED, MatchStatus.ACCEPTED, MatchStatus.ENDED)
# Published matches that got their final answer: accepted (ended ones were accepted
# first), declined by either person, or left to expire.
ANSWERED_STATUSES = (
    MatchStatus.ACCEPTED,
    MatchStatus.ENDED,
    MatchStatus.DECLINED,
    MatchStatus.EXPIRED,
)
TREND_BUCKETS = ("week", "month", "quarter")
NPS_PROMOTER_MIN = 9
NPS_DETRACTOR_MAX = 6


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _min_group_size() -> int:
    return int(settings.MENTORWISE_MIN_GROUP_SIZE)


def _now(as_of: dt.datetime | None) -> dt.datetime:
    return as_of or timezone.now()


def _latest_versions(relationships: QuerySet[Relationship]) -> QuerySet[AgreementVersion]:
    """The latest (highest-numbered) agreement version of each of `relationships`.

    "No higher-numbered version exists" is one anti-join; a per-relationship subquery
    ordered by number ran once per row (~0.2 s per use at 20,000 on PostgreSQL).
    """
    later = AgreementVersion.objects.filter(
        agreement_id=OuterRef("agreement_id"), number__gt=OuterRef("number")
    )
    return AgreementVersion.objects.filter(
        agreement__relationship__in=relationships.values("pk")
    ).exclude(Exists(later))


def _cadences(relationships: QuerySet[Relationship], default: dict[int, int]) -> dict[int, int]:
    """Relationship id → agreed cadence in days: the latest agreement version's, else the
    program's (`default`: relationship id → program cadence)."""
    agreed = dict(
        _latest_versions(relationships).values_list(
            "agreement__relationship_id", "meeting_cadence_days"
        )
    )
    return {pk: max(1, agreed.get(pk, days)) for pk, days in default.items()}


class DaysBetween(Func):
    """Fractional days from `start` to `end`, computed by the database.

    Reading two datetimes per row costs Django a Python conversion each (~0.15 s at 20,000
    rows on SQLite); a number needs none. SQLite and PostgreSQL are the supported engines.
    """

    output_field = FloatField()

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__(end, start)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)::double precision",
            arg_joiner=" - ",
            **extra,
        )


# Funnel -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Funnel:
    eligible: int
    enrolled: int
    matched: int
    active: int
    completed: int


def program_funnel(*, program: Program, as_of: dt.datetime | None = None) -> Funnel:
    """The mentee funnel, each stage a count of people (mentee enrollments):

    - eligible: people the program's mentee eligibility rules admit on `as_of`'s date
      (active employees; everyone active when the program has no mentee rules);
    - enrolled: mentee enrollments with status active (invited and withdrawn left out);
    - matched: enrolled mentees with a match published (awaiting answers), accepted or
      ended;
    - active: enrolled mentees with an active relationship;
    - completed: enrolled mentees with a relationship closed as planned (program end).

    Later stages count only enrolled mentees, so each stage is a subset of the one before
    (except that eligibility is today's rule, and an enrolled mentee may no longer meet it).
    `as_of` only dates the eligibility rules (tenure, termination); statuses are current.
    """
    now = _now(as_of)
    rules = (program.eligibility or {}).get(Role.MENTEE, {})
    eligible = eligible_people(rules, today=timezone.localdate(now)).count()
    relationships = Relationship.objects.filter(mentee=OuterRef("pk"))
    counts = (
        Enrollment.objects.filter(program=program, role=Role.MENTEE, status=EnrollmentStatus.ACTIVE)
        .annotate(
            is_matched=Exists(
                Match.objects.filter(mentee=OuterRef("pk"), status__in=MATCHED_STATUSES)
            ),
            is_active=Exists(relationships.filter(status=RelationshipStatus.ACTIVE)),
            is_completed=Exists(
                relationships.filter(
                    status=RelationshipStatus.CLOSED, closure_kind=ClosureKind.PLANNED
                )
            ),
        )
        .aggregate(
            enrolled=Count("pk"),
            matched=Count("pk", filter=Q(is_matched=True)),
            active=Count("pk", filter=Q(is_active=True)),
            completed=Count("pk", filter=Q(is_completed=True)),
        )
    )
    return Funnel(eligible=eligible, **counts)


# Time to match ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeToMatch:
    median_days: float | None
    mean_days: float | None
    n: int


def time_to_match(*, program: Program) -> TimeToMatch:
    """Days from a mentee's enrollment (created_at) to the start of their first relationship.

    Over every mentee enrollment (any status) with at least one relationship (active or
    closed); a re-match does not count again. Days are fractional (seconds / 86,400).
    """
    rows = (
        Enrollment.objects.filter(program=program, role=Role.MENTEE)
        .annotate(first_start=Min("relationships_as_mentee__started_at"))
        .filter(first_start__isnull=False)
        .annotate(days=DaysBetween(F("first_start"), F("created_at")))
        .values_list("days", flat=True)
    )
    days = list(rows)
    if not days:
        return TimeToMatch(median_days=None, mean_days=None, n=0)
    return TimeToMatch(
        median_days=float(statistics.median(days)),
        mean_days=float(statistics.fmean(days)),
        n=len(days),
    )


# Match acceptance -------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchAcceptance:
    accepted: int
    declined: int
    expired: int
    n: int
    accepted_share: float | None
    declined_share: float | None
    expired_share: float | None


def match_acceptance(*, program: Program) -> MatchAcceptance:
    """How published matches were answered.

    n: matches that were published (published_at set) and are now accepted, ended,
    declined or expired; those still awaiting an answer are left out. accepted counts
    accepted and ended matches (an ended match was accepted before its relationship
    closed). Each share is its count / n (None when n is 0).
    """
    counts = Match.objects.filter(
        program=program, published_at__isnull=False, status__in=ANSWERED_STATUSES
    ).aggregate(
        n=Count("pk"),
        accepted=Count("pk", filter=Q(status__in=(MatchStatus.ACCEPTED, MatchStatus.ENDED))),
        declined=Count("pk", filter=Q(status=MatchStatus.DECLINED)),
        expired=Count("pk", filter=Q(status=MatchStatus.EXPIRED)),
    )
    n = counts["n"]
    return MatchAcceptance(
        **counts,
        accepted_share=_share(counts["accepted"], n),
        declined_share=_share(counts["declined"], n),
        expired_share=_share(counts["expired"], n),
    )


# Agreement confirmation -------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementConfirmation:
    confirmed: int
    n: int
    share: float | None


def agreement_confirmation(*, program: Program) -> AgreementConfirmation:
    """Relationships whose latest agreement version both people confirmed.

    n: all the program's relationships, active and closed; one without an agreement (or
    whose latest version lacks either confirmation) counts as not confirmed. A new version
    needs both confirmations again, so an older confirmed version does not count.
    """
    relationships = Relationship.objects.filter(program=program)
    n = relationships.count()
    confirmed = (
        _latest_versions(relationships)
        .filter(mentee_confirmed_at__isnull=False, mentor_confirmed_at__isnull=False)
        .count()
    )
    counts = {"n": n, "confirmed": confirmed}
    return AgreementConfirmation(**counts, share=_share(counts["confirmed"], counts["n"]))


# Meeting cadence --------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingCadence:
    n: int
    held: int
    expected: float
    mean_held: float | None
    mean_expected: float | None
    mean_ratio: float | None


def meeting_cadence(*, program: Program, as_of: dt.datetime | None = None) -> MeetingCadence:
    """Meetings held per active relationship against the agreed cadence.

    For each relationship active now and started at least one full cadence before `as_of`
    (younger ones are not yet expected to have met): held = its meetings with status held
    that started at or before `as_of`; expected = whole days since the start / cadence
    days (the latest agreement version's cadence, else the program's), i.e. months active
    × 30 / cadence; ratio = held / expected. mean_ratio is the mean of the ratios (each
    relationship weighs the same); held and expected are totals.
    """
    now = _now(as_of)
    active = Relationship.objects.filter(
        program=program, status=RelationshipStatus.ACTIVE, started_at__lte=now
    )
    rows = list(
        active.annotate(days=DaysBetween(Value(now), F("started_at"))).values_list(
            "pk", "days", "program__meeting_cadence_days"
        )
    )
    cadence = _cadences(active, {pk: days for pk, _, days in rows})
    held = dict(
        Meeting.objects.filter(
            relationship__in=active.values("pk"), status=MeetingStatus.HELD, starts_at__lte=now
        )
        .order_by()
        .values("relationship_id")
        .annotate(n=Count("pk"))
        .values_list("relationship_id", "n")
    )
    # Whole days, as (now - started).days would give; the rounding absorbs the float error
    # of julianday() differences.
    whole = [(math.floor(round(days, 6)), held.get(pk, 0), cadence[pk]) for pk, days, _ in rows]
    pairs = [(n_held, days / every) for days, n_held, every in whole if days >= every]
    if not pairs:
        return MeetingCadence(
            n=0, held=0, expected=0.0, mean_held=None, mean_expected=None, mean_ratio=None
        )
    n = len(pairs)
    return MeetingCadence(
        n=n,
        held=sum(h for h, _ in pairs),
        expected=sum(e for _, e in pairs),
        mean_held=sum(h for h, _ in pairs) / n,
        mean_expected=sum(e for _, e in pairs) / n,
        mean_ratio=statistics.fmean(h / e for h, e in pairs),
    )


# Relationship health ----------------------------------------------------------------------


@dataclass(frozen=True)
class HealthShares:
    on_track: int
    stalled: int
    at_risk: int
    n: int
    on_track_share: float | None
    stalled_share: float | None
    at_risk_share: float | None


def _health_counts(where: Q, now: dt.datetime) -> Counter[tuple[int, str]]:
    """(program id, health) → count of the active relationships matching `where`.

    Each is classified by `relationships.health.relationship_health` with the inputs that
    `relationships.selectors.health_by_relationship` gives it (cadence of the latest
    agreement version, else the program's; each side's latest pulse within twice the
    cadence; unresolved safety reports), read here as plain columns in 4 queries: loading
    20,000 model instances and filtering check-ins by a list of 20,000 ids took ~1 s.
    Relationships started and check-ins made after `now` are left out, so that a past
    `as_of` sees what was known then (statuses and safety reports are today's).
    """
    active = Relationship.objects.filter(
        where, status=RelationshipStatus.ACTIVE, started_at__lte=now
    )
    rows = list(
        active.annotate(
            days=DaysBetween(Value(now), Coalesce(F("last_meeting_at"), F("started_at"))),
            met=ExpressionWrapper(Q(last_meeting_at__isnull=False), output_field=BooleanField()),
        ).values_list("pk", "program_id", "days", "met", "program__meeting_cadence_days")
    )
    if not rows:
        return Counter()
    cadence = _cadences(active, {row[0]: row[4] for row in rows})
    reports = dict(
        SafetyReport.objects.filter(relationship__in=active.values("pk"))
        .exclude(status=SafetyStatus.RESOLVED)
        .order_by()
        .values("relationship_id")
        .annotate(n=Count("pk"))
        .values_list("relationship_id", "n")
    )
    longest = max(cadence.values())
    pulses: dict[int, dict[str, int]] = defaultdict(dict)
    recent = CheckIn.objects.filter(
        relationship__in=active.values("pk"),
        created_at__gte=now - dt.timedelta(days=2 * longest),
        created_at__lte=now,
    ).order_by("created_at", "id")
    for rel_id, side, pulse, age in recent.annotate(
        age=DaysBetween(Value(now), F("created_at"))
    ).values_list("relationship_id", "side", "pulse", "age"):
        if round(age, 6) <= 2 * cadence[rel_id]:
            pulses[rel_id][side] = pulse  # oldest first: the latest one wins
    counts: Counter[tuple[int, str]] = Counter()
    for pk, program_id, days, met, _ in rows:
        # The rule only reads whole days since the last meeting (or the start); passing
        # that moment rebuilt from the database's difference spares parsing two datetimes.
        since = now - dt.timedelta(days=round(days, 6))
        result = relationship_health(
            now=now,
            started_at=since,
            last_meeting_at=since if met else None,
            cadence_days=cadence[pk],
            latest_pulses=list(pulses[pk].values()),
            open_safety_reports=reports.get(pk, 0),
        )
        counts[(program_id, result.health)] += 1
    return counts


def _shares(counts: Counter[tuple[int, str]], key: int) -> HealthShares:
    on_track = counts[(key, Health.ON_TRACK)]
    stalled = counts[(key, Health.STALLED)]
    at_risk = counts[(key, Health.AT_RISK)]
    n = on_track + stalled + at_risk
    return HealthShares(
        on_track=on_track,
        stalled=stalled,
        at_risk=at_risk,
        n=n,
        on_track_share=_share(on_track, n),
        stalled_share=_share(stalled, n),
        at_risk_share=_share(at_risk, n),
    )


def relationship_health_shares(
    *, program: Program, as_of: dt.datetime | None = None
) -> HealthShares:
    """Active relationships on track, stalled and at risk on `as_of`, with shares of n.

    Each relationship is classified by `relationships.health.relationship_health`, with
    the inputs `health_by_relationship` would give it (read in bulk: last meeting, each
    side's latest pulse within twice the cadence, unresolved safety reports); n is all
    active relationships.
    """
    counts = _health_counts(Q(program=program), _now(as_of))
    return _shares(counts, program.pk)


# Goals ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalProgress:
    goals: int
    dropped: int
    achieved: int
    mean_progress: float | None
    attainment_share: float | None


def goal_progress(*, program: Program) -> GoalProgress:
    """Goals of all the program's relationships (active and closed).

    goals: goals not dropped; mean_progress: their mean progress (0–100); achieved: those
    with status achieved; attainment_share = achieved / goals. Dropped goals are counted
    apart and left out of the rest.
    """
    counts = Goal.objects.filter(relationship__program=program).aggregate(
        goals=Count("pk", filter=~Q(status=GoalStatus.DROPPED)),
        dropped=Count("pk", filter=Q(status=GoalStatus.DROPPED)),
        achieved=Count("pk", filter=Q(status=GoalStatus.ACHIEVED)),
        mean_progress=Avg("progress", filter=~Q(status=GoalStatus.DROPPED)),
    )
    mean = counts.pop("mean_progress")
    return GoalProgress(
        **counts,
        mean_progress=None if mean is None else float(mean),
        attainment_share=_share(counts["achieved"], counts["goals"]),
    )


# Check-in trend ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    period: dt.date
    mean_pulse: float
    n: int


def check_in_trend(*, program: Program, bucket: str = "month") -> list[TrendPoint]:
    """Mean check-in pulse (1–5, both sides) and number of check-ins per period, oldest
    first; `bucket` is week (starting Monday), month or quarter, in the site's time zone
    (UTC); periods without check-ins are absent. `period` is the period's first day.
    """
    if bucket not in TREND_BUCKETS:
        raise ValueError(f"bucket = {bucket!r}: must be one of {', '.join(TREND_BUCKETS)}")
    check_ins = CheckIn.objects.filter(relationship__program=program)
    if bucket == "month" and settings.TIME_ZONE == "UTC":
        # "YYYY-MM" of the stored UTC text: Trunc calls a Python function per row on SQLite
        # (a quarter of a second at 60,000 check-ins); this is plain SQL on both engines.
        months = (
            check_ins.annotate(month=Substr(Cast("created_at", CharField()), 1, 7))
            .order_by()
            .values("month")
            .annotate(mean_pulse=Avg("pulse"), n=Count("pk"))
            .order_by("month")
        )
        return [
            TrendPoint(
                period=dt.date(int(row["month"][:4]), int(row["month"][5:7]), 1),
                mean_pulse=float(row["mean_pulse"]),
                n=row["n"],
            )
            for row in months
        ]
    rows = (
        check_ins.annotate(period=Trunc("created_at", bucket))
        .order_by()
        .values("period")
        .annotate(mean_pulse=Avg("pulse"), n=Count("pk"))
        .order_by("period")
    )
    return [
        TrendPoint(
            period=timezone.localtime(row["period"]).date(),
            mean_pulse=float(row["mean_pulse"]),
            n=row["n"],
        )
        for row in rows
    ]


# Surveys ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyScores:
    """Survey figures; a figure computed over fewer answers than the minimum group size
    (settings.MENTORWISE_MIN_GROUP_SIZE) is None and `suppressed` is True."""

    kind: str
    n_satisfaction: int
    mean_satisfaction: float | None
    n_recommend: int
    promoters: int | None
    detractors: int | None
    nps: float | None
    suppressed: bool


def _answer(key: str) -> Cast:
    return Cast(KT(f"answers__{key}"), IntegerField())


def survey_scores(*, program: Program, kind: str, side: str | None = None) -> SurveyScores:
    """Satisfaction and likelihood to recommend from the program's `kind` survey.

    mean_satisfaction: mean of the `satisfaction` answers (1–5). nps: promoters (9–10)
    minus detractors (0–6) among the `recommend` answers (0–10), in points of 100
    (−100 to 100). Both sides answer unless `side` (mentee or mentor) is given. Each figure
    is None, with suppressed=True, when it would rest on fewer answers than the minimum
    group size; the counts of answers are always given.
    """
    responses = SurveyResponse.objects.filter(survey__program=program, survey__kind=kind)
    if side:
        responses = responses.filter(side=side)
    counts = responses.annotate(
        satisfaction=_answer("satisfaction"), recommend=_answer("recommend")
    ).aggregate(
        n_satisfaction=Count("pk", filter=Q(satisfaction__isnull=False)),
        mean_satisfaction=Avg("satisfaction"),
        n_recommend=Count("pk", filter=Q(recommend__isnull=False)),
        promoters=Count("pk", filter=Q(recommend__gte=NPS_PROMOTER_MIN)),
        detractors=Count("pk", filter=Q(recommend__lte=NPS_DETRACTOR_MAX)),
    )
    floor = _min_group_size()
    show_satisfaction = counts["n_satisfaction"] >= floor
    show_recommend = counts["n_recommend"] >= floor
    n_rec = counts["n_recommend"]
    return SurveyScores(
        kind=kind,
        n_satisfaction=counts["n_satisfaction"],
        mean_satisfaction=float(counts["mean_satisfaction"]) if show_satisfaction else None,
        n_recommend=n_rec,
        promoters=counts["promoters"] if show_recommend else None,
        detractors=counts["detractors"] if show_recommend else None,
        nps=100 * (counts["promoters"] - counts["detractors"]) / n_rec if show_recommend else None,
        suppressed=not (show_satisfaction and show_recommend),
    )


# Training ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingCompletion:
    required_modules: int
    mentors: int
    completed: int
    share: float | None


def training_completion(*, program: Program) -> TrainingCompletion:
    """Mentors (and sponsors, coaches) with an active enrollment who passed every active
    module the program requires. share = completed / mentors; None when the program requires
    no module (nothing to complete) or has no mentors.
    """
    modules = required_modules(program)
    person_ids = set(
        Enrollment.objects.filter(
            program=program, role__in=GIVING_ROLES, status=EnrollmentStatus.ACTIVE
        ).values_list("person_id", flat=True)
    )
    if not modules:
        return TrainingCompletion(
            required_modules=0, mentors=len(person_ids), completed=0, share=None
        )
    completed = len(people_trained_for(program, person_ids))
    return TrainingCompletion(
        required_modules=len(modules),
        mentors=len(person_ids),
        completed=completed,
        share=_share(completed, len(person_ids)),
    )


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


def program_health(*, program: Program, as_of: dt.datetime | None = None) -> ProgramHealth:
    """Every health figure of one program, for its dashboard (21 queries, whatever its size)."""
    now = _now(as_of)
    return ProgramHealth(
        program=program,
        as_of=now,
        funnel=program_funnel(program=program, as_of=now),
        time_to_match=time_to_match(program=program),
        match_acceptance=match_acceptance(program=program),
        agreement_confirmation=agreement_confirmation(program=program),
        meeting_cadence=meeting_cadence(program=program, as_of=now),
        health=relationship_health_shares(program=program, as_of=now),
        goals=goal_progress(program=program),
        check_in_trend=check_in_trend(program=program),
        midpoint_survey=survey_scores(program=program, kind="midpoint"),
        closing_survey=survey_scores(program=program, kind="closing"),
        training=training_completion(program=program),
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


def programs_overview(*, actor: Any, as_of: dt.datetime | None = None) -> list[ProgramOverviewRow]:
    """One row per program whose insights the actor may read (`insights.access`: all for HR
    admins, all but drafts for executives, their own for program managers), by kind and then
    newest run first, so that cohorts of the same kind of program sit together.

    enrolled: active mentee enrollments; active: active relationships; on_track_share:
    on-track / active relationships by the health rule on `as_of`; satisfaction: mean
    `satisfaction` answer over all the program's survey responses (midpoint and closing,
    both sides), suppressed below the minimum group size. Five queries whatever the number
    of programs.
    """
    now = _now(as_of)
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
    health = _health_counts(Q(program_id__in=ids), now)
    satisfaction: dict[int, tuple[float, int]] = {
        row["survey__program_id"]: (float(row["mean"]), row["n"])
        for row in SurveyResponse.objects.filter(survey__program_id__in=ids)
        .annotate(satisfaction=_answer("satisfaction"))
        .filter(satisfaction__isnull=False)
        .values("survey__program_id")
        .annotate(mean=Avg("satisfaction"), n=Count("pk"))
        .order_by()
    }
    floor = _min_group_size()
    result = []
    for program in rows:
        shares = _shares(health, program.pk)
        mean, n = satisfaction.get(program.pk, (0.0, 0))
        shown = n >= floor
        result.append(
            ProgramOverviewRow(
                program=program,
                enrolled=program.n_enrolled,  # type: ignore[attr-defined]
                active=shares.n,
                on_track_share=shares.on_track_share,
                satisfaction=mean if shown else None,
                satisfaction_n=n,
                suppressed=not shown,
            )
        )
    return result
