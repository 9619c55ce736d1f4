"""API: equity of access per program and pipeline coverage (the same selectors as the pages
and their CSV exports). Suppressed figures are null."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from mentorwise.api.errors import ERRORS
from mentorwise.core.errors import NotFound
from mentorwise.insights.equity import Breakdown, GroupFigures
from mentorwise.insights.equity_access import access_equity, record_demographics_viewed
from mentorwise.insights.equity_groups import SIDES
from mentorwise.insights.equity_release import released_equity
from mentorwise.insights.pipeline import (
    CoverageBreakdown,
    CoverageGroup,
    LeaderBreakdown,
    LeaderGroup,
    pipeline,
    require_pipeline_reader,
)

router = Router()

Dimension = Literal["gender", "ethnicity", "level", "function", "location"]
Side = Literal["mentee", "mentor"]


class EquityGroupOut(Schema):
    key: str = Field(description="Stable key of the group ('not_stated' for no answer).")
    label: str
    population: int | None = Field(description="Eligible or enrolled people; null: suppressed.")
    enrolled: int | None
    participation: float | None = Field(description="enrolled / population (0–1).")
    matched: int | None = Field(description="Enrolled people with a relationship.")
    match_rate: float | None = Field(description="matched / enrolled (0–1).")
    median_days_to_match: float | None
    seniority: float | None = Field(
        description="Mentee side: mean highest job level of their mentors and sponsors; "
        "mentor side: mean relationships per matched mentor."
    )
    sponsored: int | None = Field(
        description="Matched people with at least one sponsorship action (received or recorded)."
    )
    sponsorship_rate: float | None
    promoted: int | None = Field(description="Enrolled people promoted since the program start.")
    promotion_rate: float | None
    still_employed: int | None
    retention_rate: float | None
    gaps: list[str] = Field(
        description="Rates under four-fifths of everyone else's: participation, match, sponsorship."
    )
    suppressed: bool = Field(description="True when at least one figure of the group is hidden.")


class EquityBreakdownOut(Schema):
    dimension: str
    label: str
    groups: list[EquityGroupOut]
    total: EquityGroupOut


class EquityOut(Schema):
    program: str
    side: str
    as_of: dt.datetime
    min_group_size: int
    outcomes_since: dt.date
    breakdowns: list[EquityBreakdownOut]


class CoverageGroupOut(Schema):
    key: str
    label: str
    people: int | None
    covered: int | None = Field(description="With an active mentor, sponsor or coach.")
    coverage: float | None
    median_days_to_match: float | None = Field(
        description="From the latest promotion (first-time managers: becoming a manager)."
    )
    gap: bool = Field(description="Coverage under four-fifths of everyone else's.")
    lowest: bool = Field(description="Among the lowest published coverage figures.")
    suppressed: bool


class CoverageBreakdownOut(Schema):
    population: str = Field(description="high_potential or first_time_manager.")
    dimension: str
    label: str
    groups: list[CoverageGroupOut]
    total: CoverageGroupOut


class LeaderGroupOut(Schema):
    key: str
    label: str
    leaders: int | None
    giving: int | None = Field(description="Senior leaders mentoring or sponsoring now.")
    giving_share: float | None
    mentees_per_leader: float | None
    proteges_per_leader: float | None
    suppressed: bool


class LeaderBreakdownOut(Schema):
    dimension: str
    label: str
    groups: list[LeaderGroupOut]
    total: LeaderGroupOut


class PipelineOut(Schema):
    as_of: dt.datetime
    min_group_size: int
    senior_leader_level: int
    first_time_manager_months: int
    coverage: list[CoverageBreakdownOut]
    senior_leaders: list[LeaderBreakdownOut]
    givers: int | None = Field(description="People mentoring or sponsoring now.")
    givers_per_senior_leader: float | None


class EquityQuery(Schema):
    side: Side = Field("mentee", description="mentee, or mentor (mentors and sponsors).")
    dimension: Dimension | None = Field(
        None, description="One breakdown; all those the caller may read when omitted."
    )


def _group(g: GroupFigures) -> EquityGroupOut:
    return EquityGroupOut(**{**g.__dict__, "gaps": list(g.gaps)})


def _breakdown(b: Breakdown) -> EquityBreakdownOut:
    return EquityBreakdownOut(
        dimension=b.dimension,
        label=b.label,
        groups=[_group(g) for g in b.groups],
        total=_group(b.total),
    )


@router.get(
    "/programs/{slug}/equity",
    response={200: EquityOut, **ERRORS},
    summary="Equity of access in a program, by group",
)
def program_equity_get(request: HttpRequest, slug: str, query: Query[EquityQuery]) -> EquityOut:
    """Gender and ethnicity breakdowns are for HR admins only, and every read of them is
    recorded in the audit log; program managers and executives get level, function and
    location. Asking for a breakdown you may not read answers 404."""
    program, allowed = access_equity(actor=request.user, slug=slug)
    if query.side not in SIDES:
        raise NotFound("No such breakdown.")
    if query.dimension is not None and query.dimension not in allowed:
        raise NotFound("No such breakdown.")
    dimensions = [query.dimension] if query.dimension else list(allowed)
    equity = released_equity(program=program, side=query.side, dimensions=dimensions)
    record_demographics_viewed(
        actor=request.user, program=program, dimensions=dimensions, sides=[query.side], via="api"
    )
    return EquityOut(
        program=program.slug,
        side=equity.side,
        as_of=equity.as_of,
        min_group_size=equity.k,
        outcomes_since=equity.outcomes_since,
        breakdowns=[_breakdown(b) for b in equity.breakdowns.values()],
    )


def _coverage_group(g: CoverageGroup) -> CoverageGroupOut:
    return CoverageGroupOut(**g.__dict__)


def _leader_group(g: LeaderGroup) -> LeaderGroupOut:
    return LeaderGroupOut(**g.__dict__)


def _coverage(b: CoverageBreakdown) -> CoverageBreakdownOut:
    return CoverageBreakdownOut(
        population=b.population,
        dimension=b.dimension,
        label=b.label,
        groups=[_coverage_group(g) for g in b.groups],
        total=_coverage_group(b.total),
    )


def _leaders(b: LeaderBreakdown) -> LeaderBreakdownOut:
    return LeaderBreakdownOut(
        dimension=b.dimension,
        label=b.label,
        groups=[_leader_group(g) for g in b.groups],
        total=_leader_group(b.total),
    )


@router.get(
    "/pipeline",
    response={200: PipelineOut, **ERRORS},
    summary="Pipeline coverage of high-potentials and first-time managers",
)
def pipeline_get(request: HttpRequest) -> PipelineOut:
    """Organisation-wide aggregates for HR admins and executives (no person is named)."""
    require_pipeline_reader(request.user)
    result = pipeline()
    return PipelineOut(
        as_of=result.as_of,
        min_group_size=result.k,
        senior_leader_level=result.senior_level,
        first_time_manager_months=result.first_time_manager_months,
        coverage=[
            _coverage(b) for by_dimension in result.coverage.values() for b in by_dimension.values()
        ],
        senior_leaders=[_leaders(b) for b in result.leaders.values()],
        givers=result.givers,
        givers_per_senior_leader=result.givers_per_leader,
    )
