"""API: a program's outcomes against a comparable group (the same selector as the page and CSV)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from mentorwise.api.errors import ERRORS
from mentorwise.insights.access import access_insights_program
from mentorwise.insights.program_outcomes import outcomes_json, program_outcomes

router = Router()


class EffectOut(Schema):
    estimate: float = Field(description="Difference in rates, participants − comparison.")
    ci95: list[float] = Field(description="95% confidence interval [low, high].")


class EValueOut(Schema):
    estimate: float | None = Field(
        description="Risk ratio an unmeasured factor would need with both joining and the "
        "outcome to explain the adjusted difference away."
    )
    ci: float | None = Field(description="The same, to make the 95% interval include zero.")


class UnknownExitsOut(Schema):
    count: int = Field(description="People whose exit within the horizon is of unknown kind.")
    as_staying: EffectOut | None
    as_voluntary: EffectOut | None


class OutcomeOut(Schema):
    naive: EffectOut | None = Field(description="Participants against everyone eligible.")
    adjusted: EffectOut | None = Field(
        description="Against comparable non-participants (doubly robust weighting); null with a "
        "reason."
    )
    n_participants: int
    n_comparison: int
    rate_participants: float | None
    rate_comparison: float | None
    rate_comparison_adjusted: float | None
    reason: str | None = Field(description="Why there is no adjusted number, in words.")
    verdict: str = Field(description="One plain sentence about this outcome.")
    e_value: EValueOut | None = Field(None, description="Sensitivity to unmeasured confounding.")
    unknown_exits: UnknownExitsOut | None = Field(
        None, description="Retention: the effect counting exits of unknown kind both ways."
    )


class BalanceOut(Schema):
    covariate: str
    smd_before: float | None = Field(description="Standardised mean difference, unweighted.")
    smd_after: float | None = Field(description="After weighting; within ±0.1 is balanced.")
    checked: bool = Field(True, description="False: too few participants to decide a refusal.")


class CurvePointOut(Schema):
    month: int
    participants: float
    participants_ci95: list[float]
    comparison: float
    comparison_ci95: list[float]
    comparison_adjusted: float | None
    comparison_adjusted_ci95: list[float] | None


class OutcomesOut(Schema):
    retention_12m: OutcomeOut | None = Field(
        None, description="Kaplan–Meier share without a voluntary exit 12 months after the start."
    )
    retention_24m: OutcomeOut | None = None
    promotion_12m: OutcomeOut | None = Field(None, description="Promoted within 12 months.")
    internal_move_12m: OutcomeOut | None = None
    team_retention_12m: OutcomeOut | None = Field(
        None, description="First-time-manager programs: direct reports retained after 12 months."
    )
    program: str
    cohort_start: dt.date | None
    as_of: dt.date
    follow_up_months: int
    n_participants: int
    n_comparison: int
    excluded_unknown: int
    effective_n_comparison: float | None
    share_outside_overlap: float | None
    reason: str | None = Field(description="Why nothing can be estimated yet, in words.")
    design: dict[str, Any] = Field(
        description="The estimand, the monthly trials, the models and the diagnostics."
    )
    balance: list[BalanceOut]
    retention_curve: list[CurvePointOut]


@router.get(
    "/programs/{slug}/outcomes",
    response={200: OutcomesOut, **ERRORS},
    summary="A program's outcomes against comparable non-participants",
)
def program_outcomes_get(request: HttpRequest, slug: str) -> OutcomesOut:
    """Retention, promotion and internal moves of participants against eligible people who did
    not take part, weighted to match them; the same figures as the outcomes page and its CSV.
    HR admins and the program's managers only (404 otherwise)."""
    program = access_insights_program(actor=request.user, slug=slug)
    return OutcomesOut(**outcomes_json(program_outcomes(program=program)))
