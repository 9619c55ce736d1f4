"""The one selector behind the outcomes page, its CSV, the API and the CLI: ``program_outcomes``.

It reads the cohort (outcome_data), estimates (outcomes), and keeps the result in the cache
keyed on a data version (what the estimate depends on: the program, people, career events,
relationships and enrollments, and the day), because the bootstrap refits the propensity model
hundreds of times. Any change to those rows gives a new key, so a cached result is never stale.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zlib
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from mentorwise.core.csv import csv_safe
from mentorwise.insights.outcome_data import NoCohort, Trial, cohort_data
from mentorwise.insights.outcome_reasons import Reason
from mentorwise.insights.outcome_words import reason_words
from mentorwise.insights.outcomes import (
    Balance,
    CurvePoint,
    Diagnostics,
    OutcomeEstimate,
    OutcomesInputError,
    balance_json,
    e_value_json,
    estimate_cohort,
    unknown_exits_json,
)
from mentorwise.people.models import CareerEvent, Person
from mentorwise.programs.models import Enrollment, Program, ProgramKind
from mentorwise.relationships.models import Relationship

N_BOOTSTRAP = 200
CACHE_SECONDS = 24 * 3600
# How long a page waits on one background computation before asking for another.
PENDING_SECONDS = 600
# Labels people read, made in the language active when shown.
OUTCOME_LABELS = {
    "retention_12m": cast(str, gettext_lazy("Retention after 12 months")),
    "retention_24m": cast(str, gettext_lazy("Retention after 24 months")),
    "promotion_12m": cast(str, gettext_lazy("Promoted within 12 months")),
    "internal_move_12m": cast(str, gettext_lazy("Internal move within 12 months")),
    "team_retention_12m": cast(str, gettext_lazy("Direct reports retained after 12 months")),
}
# How a verdict names each outcome ("did better on promotion within 12 months").
_VERDICT_NOUNS = {
    "retention_12m": cast(str, gettext_lazy("retention after 12 months")),
    "retention_24m": cast(str, gettext_lazy("retention after 24 months")),
    "promotion_12m": cast(str, gettext_lazy("promotion within 12 months")),
    "internal_move_12m": cast(str, gettext_lazy("internal moves within 12 months")),
    "team_retention_12m": cast(str, gettext_lazy("their teams' retention after 12 months")),
}
OUTCOME_HELP = {
    "retention_12m": cast(
        str,
        gettext_lazy("Kaplan–Meier probability of not having left voluntarily within 12 months."),
    ),
    "retention_24m": cast(
        str,
        gettext_lazy("Kaplan–Meier probability of not having left voluntarily within 24 months."),
    ),
    "promotion_12m": cast(
        str, gettext_lazy("Share promoted (a recorded promotion) within 12 months of the start.")
    ),
    "internal_move_12m": cast(
        str, gettext_lazy("Share with a recorded internal move within 12 months of the start.")
    ),
    "team_retention_12m": cast(
        str,
        gettext_lazy(
            "Share of the manager's direct reports on the start date who had not "
            "left voluntarily 12 months later (managers with reports only)."
        ),
    ),
}


@dataclass(frozen=True)
class ProgramOutcomes:
    """Outcomes of one program run against its comparison group, ready to show.

    ``reason`` is set (and ``outcomes`` empty) when there is no cohort to analyse at all;
    each outcome carries its own ``reason`` when only that outcome cannot be estimated.
    """

    program_slug: str
    program_name: str
    kind: str
    start: dt.date | None
    as_of: dt.date
    n_participants: int = 0
    n_comparison: int = 0
    excluded_unknown: int = 0
    outcomes: dict[str, OutcomeEstimate] = field(default_factory=dict)
    curve: list[CurvePoint] = field(default_factory=list)
    balance: list[Balance] = field(default_factory=list)
    reason: str | None = None
    trials: list[Trial] = field(default_factory=list)
    diagnostics: Diagnostics | None = None
    unknown_exits: int = 0

    @property
    def follow_up_months(self) -> int:
        if self.start is None:
            return 0
        return int(max(0, (self.as_of - self.start).days) * 12 / 365 + 1e-9)

    def verdict_kind(self, name: str) -> str:
        """The verdict on an outcome in one word: "better" or "worse" (the adjusted 95%
        interval excludes zero), "unclear" (it includes zero) or "none" (no estimate)."""
        adjusted = self.outcomes[name].adjusted
        if adjusted is None:
            return "none"
        lo, hi = adjusted.ci95
        return "better" if lo > 0 else "worse" if hi < 0 else "unclear"

    def verdict(self, name: str) -> str:
        """One plain sentence about an outcome for a reader with no statistics."""
        estimate = self.outcomes[name]
        label = _VERDICT_NOUNS[name]
        kind = self.verdict_kind(name)
        if estimate.adjusted is None:
            return _("No conclusion on %(outcome)s: %(reason)s") % {
                "outcome": label,
                "reason": reason_words(estimate.reason),
            }
        lo, hi = estimate.adjusted.ci95
        values = {
            "outcome": label,
            "points": f"{abs(estimate.adjusted.estimate) * 100:.1f}",
            "low": f"{lo * 100:+.1f}",
            "high": f"{hi * 100:+.1f}",
        }
        if kind == "better":
            sentence = _(
                "Participants did better on %(outcome)s than comparable colleagues: "
                "%(points)s points higher (95%% interval %(low)s to %(high)s)."
            )
            return " ".join(filter(None, [sentence % values, self.sensitivity(name)]))
        if kind == "worse":
            sentence = _(
                "Participants did worse on %(outcome)s than comparable colleagues: "
                "%(points)s points lower (95%% interval %(low)s to %(high)s)."
            )
            return " ".join(filter(None, [sentence % values, self.sensitivity(name)]))
        return (
            _(
                "No clear difference on %(outcome)s against comparable colleagues "
                "(95%% interval %(low)s to %(high)s points includes zero)."
            )
            % values
        )

    def sensitivity(self, name: str) -> str:
        """The E-value in plain words (empty when there is none)."""
        e = self.outcomes[name].e_value
        if e is None:
            return ""
        return _(
            "An unmeasured difference between the groups would have to make both joining and "
            "this outcome %(estimate)s times as likely to explain the difference away, and "
            "%(ci)s times to make it possibly zero."
        ) % {"estimate": f"{e.estimate:.1f}", "ci": f"{e.ci:.1f}"}

    @property
    def verdicts(self) -> list[tuple[str, str]]:
        return [(name, self.verdict(name)) for name in self.outcomes]


def outcome_names(program: Program) -> tuple[str, ...]:
    names: tuple[str, ...] = (
        "retention_12m",
        "retention_24m",
        "promotion_12m",
        "internal_move_12m",
    )
    if program.kind == ProgramKind.FIRST_TIME_MANAGER:
        names += ("team_retention_12m",)
    return names


def organisation_version() -> tuple[Any, ...]:
    """What every program's estimate reads of the whole organization, as a version (four
    small queries): a page that shows several programs asks it once."""
    # Separate queries: alone, each maximum is an index lookup; together with the count
    # SQLite scans the table for all three.
    return (
        Person.objects.count(),
        Person.objects.aggregate(top=Max("pk")),
        Person.objects.aggregate(at=Max("updated_at")),
        CareerEvent.objects.aggregate(n=Count("pk"), top=Max("pk")),
    )


def data_version(
    program: Program, as_of: dt.date, organisation: tuple[Any, ...] | None = None
) -> str:
    """A key that changes whenever anything the estimate reads changes: the organization's
    version (`organisation_version`, asked here unless given) and two queries of the
    program's own."""
    parts: list[Any] = [
        program.pk,
        program.start_date,
        program.kind,
        sorted((program.eligibility or {}).get("mentee", {}).items()),
        as_of,
        organisation_version() if organisation is None else organisation,
        Relationship.objects.filter(program=program).aggregate(n=Count("pk"), top=Max("pk")),
        Enrollment.objects.filter(program=program).aggregate(n=Count("pk"), top=Max("pk")),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def _cache_key(
    program: Program, as_of: dt.date, organisation: tuple[Any, ...] | None = None
) -> str:
    return f"insights:outcomes:{data_version(program, as_of, organisation)}"


def program_outcomes_ready(
    *, program: Program, organisation: tuple[Any, ...] | None = None
) -> ProgramOutcomes | None:
    """The outcomes if they are computed for today's data, else None after asking a worker to
    compute them (once: later calls while it works ask nothing).

    Pages use this so that they never wait for the bootstrap (seconds at 100,000 people); the
    API, the CSV, the report and the CLI call `program_outcomes`, which computes if needed.
    A page asking for several programs passes `organisation_version()`, asked once.
    """
    as_of = timezone.localdate()
    key = _cache_key(program, as_of, organisation)
    cached = cache.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    if cache.add(f"{key}:pending", True, PENDING_SECONDS):
        outcomes_compute.enqueue(program.pk)
        cached = cache.get(key)  # an inline task backend (tests, no worker) has just run
    return cached  # type: ignore[no-any-return]


@task()
def outcomes_compute(program_id: int) -> None:
    """Background task: compute and cache a program's outcomes for today's data."""
    program = Program.objects.filter(pk=program_id).first()
    if program is not None:
        program_outcomes(program=program)


def program_outcomes(
    *, program: Program, as_of: dt.date | None = None, use_cache: bool = True
) -> ProgramOutcomes:
    """Naive and adjusted outcome effects of ``program`` with group sizes, balance and curves.

    The caller has checked that the actor may see the program (``access_insights_program``).
    """
    as_of = as_of or timezone.localdate()
    key = _cache_key(program, as_of)
    if use_cache:
        cached = cache.get(key)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
    result = _compute(program, as_of)
    cache.set(key, result, CACHE_SECONDS)
    return result


def _compute(program: Program, as_of: dt.date) -> ProgramOutcomes:
    base: dict[str, Any] = {
        "program_slug": program.slug,
        "program_name": program.name,
        "kind": program.kind,
        "start": program.start_date,
        "as_of": as_of,
    }
    try:
        data = cohort_data(program=program, as_of=as_of)
    except NoCohort as why:
        return ProgramOutcomes(**base, reason=why.reason)
    sizes: dict[str, Any] = {
        "n_participants": data.n_participants,
        "n_comparison": data.n_comparison,
        "excluded_unknown": data.excluded_unknown,
        "trials": data.trials,
        "unknown_exits": data.unknown_exits,
    }
    if data.n_participants == 0:
        return ProgramOutcomes(**base, **sizes, reason=Reason("no_participants"))
    if data.n_comparison == 0:
        return ProgramOutcomes(**base, **sizes, reason=Reason("no_comparison"))
    try:
        estimates = estimate_cohort(
            data.cohort(),
            outcome_names(program),
            # Seeded by the slug, not the id: the same data gives the same interval everywhere.
            seed=zlib.crc32(program.slug.encode()),
            n_bootstrap=N_BOOTSTRAP,
        )
    except OutcomesInputError as error:  # pragma: no cover - the builder gives valid arrays
        return ProgramOutcomes(**base, **sizes, reason=str(error))
    first = next(iter(estimates.outcomes.values()))
    return ProgramOutcomes(
        **base,
        **sizes,
        outcomes=estimates.outcomes,
        curve=estimates.curve,
        balance=first.balance,
        diagnostics=estimates.diagnostics,
    )


# ------------------------------------------------------------------------------------------
# JSON (CLI and API) and CSV


def _effect(effect: Any) -> dict[str, Any] | None:
    if effect is None:
        return None
    return {"estimate": effect.estimate, "ci95": [effect.ci95[0], effect.ci95[1]]}


def outcomes_json(result: ProgramOutcomes) -> dict[str, Any]:
    """The documented JSON: one key per outcome, then the cohort's description."""
    payload: dict[str, Any] = {}
    for name, estimate in result.outcomes.items():
        payload[name] = {
            "naive": _effect(estimate.naive),
            "adjusted": _effect(estimate.adjusted),
            "n_participants": estimate.n_participants,
            "n_comparison": estimate.n_comparison,
            "rate_participants": estimate.rate_participants,
            "rate_comparison": estimate.rate_comparison,
            "rate_comparison_adjusted": estimate.rate_comparison_adjusted,
            "reason": estimate.reason,
            "verdict": result.verdict(name),
            "e_value": e_value_json(estimate.e_value),
            "unknown_exits": unknown_exits_json(estimate.unknown_exits),
        }
    first = next(iter(result.outcomes.values()), None)
    payload.update(
        {
            "program": result.program_slug,
            "cohort_start": result.start.isoformat() if result.start else None,
            "as_of": result.as_of.isoformat(),
            "follow_up_months": result.follow_up_months,
            "n_participants": result.n_participants,
            "n_comparison": result.n_comparison,
            "excluded_unknown": result.excluded_unknown,
            "effective_n_comparison": first.effective_n_comparison if first else None,
            "share_outside_overlap": first.share_outside_overlap if first else None,
            "reason": result.reason,
            "design": design_json(result),
            "balance": balance_json(result.balance),
            "retention_curve": [
                {
                    "month": p.month,
                    "participants": p.participants,
                    "participants_ci95": list(p.participants_ci95),
                    "comparison": p.comparison,
                    "comparison_ci95": list(p.comparison_ci95),
                    "comparison_adjusted": p.comparison_adjusted,
                    "comparison_adjusted_ci95": list(p.comparison_adjusted_ci95)
                    if p.comparison_adjusted_ci95
                    else None,
                }
                for p in result.curve
            ],
        }
    )
    return payload


ESTIMAND = cast(
    str,
    gettext_lazy(
        "The average effect on participants of starting a mentoring relationship, against not "
        "starting one at that time: each participant is followed from their own first "
        "relationship's start; comparable colleagues — eligible, employed and not yet in the "
        "program on the same calendar days — from the same days (sequential monthly trials), and "
        "only until they join themselves."
    ),
)


def design_json(result: ProgramOutcomes) -> dict[str, Any]:
    """How the comparison was built and what its checks found."""
    d = result.diagnostics
    return {
        "estimand": str(ESTIMAND),
        "time_zero": "each participant's first relationship start; comparison rows: a start "
        "day of the same month's participants",
        "trials": [
            {
                "month": t.month,
                "start": t.start.isoformat(),
                "participants": t.participants,
                "comparison": t.comparison,
            }
            for t in result.trials
        ],
        "propensity": "covariate-balancing logistic model: job level, tenure band, function, "
        "location, trial month as categories; level × high potential, level × manager, tenure "
        "band × high potential, function × high potential; linear level and log tenure",
        "binary_outcomes": "doubly robust (augmented weighting, ridge logistic outcome model)",
        "retention": "weighted Kaplan–Meier; comparison rows cut short by joining count with "
        "censoring weights (by trial and propensity fifth)",
        "bootstrap": {
            "replicates": N_BOOTSTRAP,
            "resampled": "people",
            "refitted": "propensity and outcome models, censoring weights",
        },
        "unknown_exits": result.unknown_exits,
        "n_trimmed": d.n_trimmed if d else None,
        "thin_levels": d.thin_levels if d else [],
        "share_in_thin_levels": d.share_in_thin_levels if d else None,
        "effective_n_participants": d.effective_n_participants if d else None,
        "effective_n_comparison": d.effective_n_comparison if d else None,
        "continuous": [
            {
                "covariate": c.covariate,
                "variance_ratio_before": _finite(c.variance_ratio_before),
                "variance_ratio_after": _finite(c.variance_ratio_after),
                "ks_before": c.ks_before,
                "ks_after": c.ks_after,
            }
            for c in (d.continuous if d else [])
        ],
        "diagnostics_failed": d.reason if d else None,
    }


def _finite(value: float) -> float | None:
    return value if value == value and abs(value) != float("inf") else None


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def outcomes_csv(result: ProgramOutcomes) -> str:
    """Every figure of the outcomes page as CSV: effects, curve, balance (three blocks)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "section",
            "outcome",
            "participants",
            "comparison",
            "comparison_adjusted",
            "naive_difference",
            "naive_ci95_low",
            "naive_ci95_high",
            "adjusted_difference",
            "adjusted_ci95_low",
            "adjusted_ci95_high",
            "n_participants",
            "n_comparison",
            "note",
            "e_value",
            "e_value_ci",
        ]
    )
    if result.reason:
        writer.writerow(["cohort", "", "", "", "", "", "", "", "", "", "", "", "", result.reason])
    writer.writerow(["design", "", "", "", "", "", "", "", "", "", "", "", "", ESTIMAND])
    for t in result.trials:
        writer.writerow(
            ["trial", t.start.isoformat(), "", "", "", "", "", "", "", "", "", t.participants,
             t.comparison, "participants who started this month / comparison rows"]
        )  # fmt: skip
    for name, e in result.outcomes.items():
        naive, adj = e.naive, e.adjusted
        writer.writerow(
            [
                "effect",
                name,
                _number(e.rate_participants),
                _number(e.rate_comparison),
                _number(e.rate_comparison_adjusted),
                _number(naive.estimate if naive else None),
                _number(naive.ci95[0] if naive else None),
                _number(naive.ci95[1] if naive else None),
                _number(adj.estimate if adj else None),
                _number(adj.ci95[0] if adj else None),
                _number(adj.ci95[1] if adj else None),
                e.n_participants,
                e.n_comparison,
                csv_safe(e.reason or ""),
                _number(e.e_value.estimate if e.e_value else None),
                _number(e.e_value.ci if e.e_value else None),
            ]
        )
    for p in result.curve:
        writer.writerow(
            [
                "retention_curve",
                f"month {p.month}",
                _number(p.participants),
                _number(p.comparison),
                _number(p.comparison_adjusted),
                "",
                "",
                "",
                "",
                _number(p.comparison_adjusted_ci95[0] if p.comparison_adjusted_ci95 else None),
                _number(p.comparison_adjusted_ci95[1] if p.comparison_adjusted_ci95 else None),
                "",
                "",
                "adjusted comparison 95% band in the adjusted_ci95 columns",
            ]
        )
    for b in result.balance:
        writer.writerow(
            [
                "balance",
                csv_safe(b.covariate),
                "",
                _number(b.smd_before),
                _number(b.smd_after),
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "standardised mean difference before (comparison) and after (adjusted) weighting",
            ]
        )
    return out.getvalue()
