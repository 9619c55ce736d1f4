"""API: program health figures (the same figures as the dashboard and its CSV)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema

from mentorwise.api.errors import ERRORS
from mentorwise.core.errors import NotFound
from mentorwise.insights.access import access_insights_program, may_read_insights
from mentorwise.insights.figures import health_figures
from mentorwise.insights.health import program_health, programs_overview

router = Router()


class FigureOut(Schema):
    section: str
    key: str = Field(description="Stable name of the figure.")
    label: str
    value: float | None = Field(description="Null when suppressed or not computable.")
    n: int | None = Field(description="How many people or items the figure rests on.")
    unit: str = Field(description="'%' for shares (value in 0–1), 'days', or empty.")
    note: str


class TrendPointOut(Schema):
    period: dt.date
    mean_pulse: float | None  # null: fewer than k people checked in that month
    n: int


class HealthOut(Schema):
    program: str
    as_of: dt.datetime
    figures: list[FigureOut]
    check_in_trend: list[TrendPointOut]


class OverviewRowOut(Schema):
    program: str
    name: str
    enrolled: int
    active: int
    on_track_share: float | None
    satisfaction: float | None = Field(description="Null below the minimum group size.")
    satisfaction_n: int


@router.get(
    "/programs",
    response={200: list[OverviewRowOut], **ERRORS},
    summary="Health of every program I manage",
)
def overview(request: HttpRequest) -> list[OverviewRowOut]:
    """HR admins and executives see every program; program managers their own."""
    if not may_read_insights(request.user):
        raise NotFound("No such resource.")
    return [
        OverviewRowOut(
            program=row.program.slug,
            name=row.program.name,
            enrolled=row.enrolled,
            active=row.active,
            on_track_share=row.on_track_share,
            satisfaction=row.satisfaction,
            satisfaction_n=row.satisfaction_n,
        )
        for row in programs_overview(actor=request.user)
    ]


@router.get(
    "/programs/{slug}/health",
    response={200: HealthOut, **ERRORS},
    summary="A program's health figures",
)
def program_health_get(request: HttpRequest, slug: str) -> HealthOut:
    program = access_insights_program(actor=request.user, slug=slug)
    health = program_health(program=program, actor=request.user)
    return HealthOut(
        program=program.slug,
        as_of=health.as_of,
        figures=[
            FigureOut(
                section=f.section,
                key=f.key,
                label=f.label,
                value=None if f.value is None else float(f.value),
                n=f.n,
                unit=f.unit,
                note=f.note,
            )
            for f in health_figures(health)
        ],
        check_in_trend=[
            TrendPointOut(period=p.period, mean_pulse=p.mean_pulse, n=p.n)
            for p in health.check_in_trend
        ],
    )
