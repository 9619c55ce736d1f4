"""Equity figures as published: one release per program, side and calendar month.

`released_equity` serves the pages, CSV, API and PDF report. The first read in a month
computes every breakdown of the side (`equity.program_equity`, protected by
`mentorwise.disclosure`) and stores the published figures; later reads that month get the
same figures, whatever changed since (an eligibility edit, one enrollment or withdrawal), so
two readings cannot be differenced. A draft program's eligibility is not in force, so it
feeds no demographic figures: a draft gets a release with every figure withheld.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from mentorwise.disclosure import min_group_size
from mentorwise.insights.equity import (
    DIMENSION_LABELS,
    DIMENSIONS,
    Breakdown,
    GroupFigures,
    ProgramEquity,
    program_equity,
)
from mentorwise.insights.models import EquityRelease
from mentorwise.programs.models import Program, ProgramStatus


def release_period(now: dt.datetime | None = None) -> dt.date:
    """The first day of the current calendar month (local time)."""
    return timezone.localdate(now or timezone.now()).replace(day=1)


def _group_data(group: GroupFigures) -> dict[str, Any]:
    data = dataclasses.asdict(group)
    data["gaps"] = list(group.gaps)
    return data


def _group(data: dict[str, Any]) -> GroupFigures:
    return GroupFigures(**{**data, "gaps": tuple(data["gaps"])})


def _serialise(equity: ProgramEquity) -> dict[str, Any]:
    return {
        "as_of": equity.as_of.isoformat(),
        "outcomes_since": equity.outcomes_since.isoformat(),
        "breakdowns": {
            d: {"groups": [_group_data(g) for g in b.groups], "total": _group_data(b.total)}
            for d, b in equity.breakdowns.items()
        },
    }


def _withheld(equity: ProgramEquity) -> ProgramEquity:
    """Every figure hidden (a draft program): only the group labels remain."""
    kept = ("key", "label", "gaps", "suppressed")
    blank = [f.name for f in dataclasses.fields(GroupFigures) if f.name not in kept]

    def hide(g: GroupFigures) -> GroupFigures:
        data = {**dataclasses.asdict(g), **dict.fromkeys(blank), "gaps": (), "suppressed": True}
        return GroupFigures(**data)

    return dataclasses.replace(
        equity,
        breakdowns={
            d: dataclasses.replace(b, groups=[hide(g) for g in b.groups], total=hide(b.total))
            for d, b in equity.breakdowns.items()
        },
    )


def _release(program: Program, side: str, now: dt.datetime) -> EquityRelease:
    period, k = release_period(now), min_group_size()
    found = EquityRelease.objects.filter(program=program, side=side, period=period, k=k).first()
    if found is not None:
        return found
    equity = program_equity(program=program, side=side, dimensions=DIMENSIONS, as_of=now)
    if program.status == ProgramStatus.DRAFT:
        # A draft's rules are not in force and may change at will: nothing is released.
        equity = _withheld(equity)
        return EquityRelease(
            program=program, side=side, period=period, k=k, figures=_serialise(equity)
        )
    try:
        with transaction.atomic():
            return EquityRelease.objects.create(
                program=program,
                side=side,
                period=period,
                k=k,
                figures=_serialise(equity),
                created_at=now,
            )
    except IntegrityError:  # another request released it first: theirs is the release
        return EquityRelease.objects.get(program=program, side=side, period=period, k=k)


def released_equity(
    *, program: Program, side: str, dimensions: Sequence[str] = DIMENSIONS
) -> ProgramEquity:
    """The published equity figures of one side of `program` this month, for `dimensions`
    (in that order). Callers check the actor first (`equity.access_equity`) and audit
    demographic reads."""
    unknown = [d for d in dimensions if d not in DIMENSIONS]
    if unknown:
        raise ValueError(f"dimension = {unknown[0]!r}: must be one of {', '.join(DIMENSIONS)}")
    release = _release(program, side, timezone.now())
    data = release.figures
    breakdowns = {
        d: Breakdown(
            dimension=d,
            label=DIMENSION_LABELS[d],
            groups=[_group(g) for g in data["breakdowns"][d]["groups"]],
            total=_group(data["breakdowns"][d]["total"]),
        )
        for d in dimensions
    }
    return ProgramEquity(
        program=program,
        side=side,
        k=release.k,
        as_of=dt.datetime.fromisoformat(data["as_of"]),
        outcomes_since=dt.date.fromisoformat(data["outcomes_since"]),
        breakdowns=breakdowns,
    )
