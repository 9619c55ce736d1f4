"""What participants say and learn: check-in trend, surveys, training completion."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Avg,
    CharField,
    Count,
    IntegerField,
    Value,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Concat, Trunc
from django.utils import timezone

from mentorwise.accounts.actors import Actor
from mentorwise.disclosure import sides_in_blocks, statistic
from mentorwise.insights.expressions import month_start, text_months, utc_month
from mentorwise.insights.health._common import (
    NPS_DETRACTOR_MAX,
    NPS_PROMOTER_MIN,
    TREND_BUCKETS,
    _min_group_size,
    _share,
)
from mentorwise.learning.models import ModuleCompletion
from mentorwise.learning.selectors import required_modules
from mentorwise.programs.models import (
    GIVING_ROLES,
    Enrollment,
    EnrollmentStatus,
    Program,
)
from mentorwise.relationships.models import (
    CheckIn,
    SurveyResponse,
)
from mentorwise.relationships.permissions import relationships_in

# Check-in trend ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    period: dt.date
    mean_pulse: float | None  # None: fewer than k people checked in that period
    n: int


def _open_period_start(now: dt.datetime, bucket: str) -> dt.datetime:
    """The first moment of the period ``now`` is in (UTC, the site's zone): the open one."""
    day = now.astimezone(dt.UTC).date()
    if bucket == "week":
        day -= dt.timedelta(days=day.weekday())
    elif bucket == "month":
        day = day.replace(day=1)
    else:
        day = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def check_in_trend(
    *, program: Program, bucket: str = "month", now: dt.datetime | None = None
) -> list[TrendPoint]:
    """Mean check-in pulse (1–5, both sides) and number of check-ins per closed period,
    oldest first; `bucket` is week (starting Monday), month or quarter, in the site's time
    zone (UTC); periods without check-ins are absent. `period` is the period's first day.

    Disclosure (docs/insights-equity.md): the period still open is not shown, so one more
    check-in never changes a published mean; a mean is shown only when at least k people
    (a relationship's side) checked in that period, otherwise it is one person's pulse.
    """
    if bucket not in TREND_BUCKETS:
        raise ValueError(f"bucket = {bucket!r}: must be one of {', '.join(TREND_BUCKETS)}")
    k = _min_group_size()
    check_ins = CheckIn.objects.filter(
        relationship__program=program,
        created_at__lt=_open_period_start(now or timezone.now(), bucket),
    )
    person = Concat(Cast("relationship_id", CharField()), Value(":"), "side")
    figures = {"mean_pulse": Avg("pulse"), "n": Count("pk"), "people": Count(person, distinct=True)}
    if bucket == "month" and text_months():
        # "YYYY-MM" of the stored UTC text: Trunc calls a Python function per row on SQLite
        # (a quarter of a second at 60,000 check-ins); this is plain SQL on both engines.
        months = (
            check_ins.annotate(month=utc_month("created_at"))
            .order_by()
            .values("month")
            .annotate(**figures)
            .order_by("month")
        )
        return [
            TrendPoint(
                period=month_start(row["month"]),
                mean_pulse=statistic(float(row["mean_pulse"]), group=row["people"], k=k),
                n=row["n"],
            )
            for row in months.values("month", "mean_pulse", "n", "people")
        ]
    rows = (
        check_ins.annotate(period=Trunc("created_at", bucket))
        .order_by()
        .values("period")
        .annotate(**figures)
        .order_by("period")
    )
    return [
        TrendPoint(
            period=timezone.localtime(row["period"]).date(),
            mean_pulse=statistic(float(row["mean_pulse"]), group=row["people"], k=k),
            n=row["n"],
        )
        for row in rows.values("period", "mean_pulse", "n", "people")
    ]


# Surveys ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyScores:
    """Survey figures; a figure computed over fewer answers than the minimum group size
    (`disclosure.min_group_size`) is None and `suppressed` is True."""

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


def survey_scores(
    *, program: Program, kind: str, side: str | None = None, actor: Actor = None
) -> SurveyScores:
    """Satisfaction and likelihood to recommend from the program's `kind` survey.

    mean_satisfaction: mean of the `satisfaction` answers (1–5). nps: promoters (9–10)
    minus detractors (0–6) among the `recommend` answers (0–10), in points of 100
    (−100 to 100). Both sides answer unless `side` (mentee or mentor) is given. Each figure
    is None, with suppressed=True, when it would rest on fewer answers than the minimum
    group size; the counts of answers are always given. The answers about relationships the
    `actor` (who reads the figures) is in are left out, so that nobody learns the other
    person's answers about them from an average; None reads them all. Each figure rests on
    its answers in whole blocks of k per side, oldest first (`disclosure.sides_in_blocks`):
    one new answer changes nothing, and both sides together is hidden while one side is.
    """
    responses = SurveyResponse.objects.filter(survey__program=program, survey__kind=kind).exclude(
        relationship__in=relationships_in(actor)
    )
    if side:
        responses = responses.filter(side=side)
    rows = list(
        responses.annotate(satisfaction=_answer("satisfaction"), recommend=_answer("recommend"))
        .order_by("submitted_at", "pk")
        .values_list("side", "satisfaction", "recommend")
    )
    floor = _min_group_size()
    sides = [side] if side else sorted({row[0] for row in rows})

    def in_blocks(column: int) -> tuple[int, list[int] | None]:
        by_side: dict[str, list[int]] = {
            s: [int(r[column]) for r in rows if r[0] == s and r[column] is not None] for s in sides
        }
        per_side, together = sides_in_blocks(by_side, floor)
        answered = sum(len(v) for v in by_side.values())
        chosen = per_side[side] if side else together
        return answered, chosen or None

    n_satisfaction, satisfaction = in_blocks(1)
    n_rec, recommend = in_blocks(2)
    promoters = sum(v >= NPS_PROMOTER_MIN for v in recommend) if recommend else None
    detractors = sum(v <= NPS_DETRACTOR_MAX for v in recommend) if recommend else None
    return SurveyScores(
        kind=kind,
        n_satisfaction=n_satisfaction,
        mean_satisfaction=sum(satisfaction) / len(satisfaction) if satisfaction else None,
        n_recommend=n_rec,
        promoters=promoters,
        detractors=detractors,
        nps=(
            100 * (promoters - detractors) / len(recommend)
            if recommend and promoters is not None and detractors is not None
            else None
        ),
        suppressed=not (satisfaction and recommend),
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
    modules = [m.pk for m in required_modules(program)]
    mentors = (
        Enrollment.objects.filter(
            program=program, role__in=GIVING_ROLES, status=EnrollmentStatus.ACTIVE
        )
        .order_by()
        .values("person_id")
    )
    n_mentors = mentors.distinct().count()
    if not modules:
        return TrainingCompletion(required_modules=0, mentors=n_mentors, completed=0, share=None)
    # People among the mentors who passed every required module: one aggregate in the
    # database (the same rule as `learning.selectors.people_trained_for`).
    completed = (
        ModuleCompletion.objects.filter(person_id__in=mentors, module_id__in=modules)
        .order_by()
        .values("person_id")
        .annotate(n=Count("module_id", distinct=True))
        .filter(n=len(modules))
        .count()
    )
    return TrainingCompletion(
        required_modules=len(modules),
        mentors=n_mentors,
        completed=completed,
        share=_share(completed, n_mentors),
    )
