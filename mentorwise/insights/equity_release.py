"""Equity figures as published: one release per program, side and calendar month.

`released_equity` serves the CSV, API and PDF report, `released_equity_ready` the page. A
month's release computes every breakdown of the side (`equity.program_equity`, protected by
`mentorwise.disclosure`) jointly with the side's previous release (so that two months cannot
be differenced: `mentorwise.disclosure.releases`) and stores the published figures with the
record the next month needs; every read that month gets the same figures, whatever changed
since (an eligibility edit, one enrollment or withdrawal), so two readings cannot be
differenced either. Releases are prepared ahead of readers: `equity_releases_prepare`
(`mentorwise insights equity-releases`, from cron) and, when a reader of the page comes first,
a background task (`equity_release_task`) while the page says the figures are being prepared.
A draft program's eligibility is not in force, so it feeds no demographic figures: a draft
gets a release with every figure withheld.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from mentorwise.disclosure import ReleaseRecord, min_group_size
from mentorwise.insights.equity import Breakdown, GroupFigures, ProgramEquity, program_equity
from mentorwise.insights.equity_groups import DIMENSION_LABELS, DIMENSIONS, SIDES
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


#: How long a page waits before asking a worker again for a release still missing.
PENDING_SECONDS = 600


def _stored(program: Program, side: str, now: dt.datetime) -> EquityRelease | None:
    period, k = release_period(now), min_group_size()
    return EquityRelease.objects.filter(program=program, side=side, period=period, k=k).first()


def _previous(program: Program, side: str, period: dt.date, k: int) -> ReleaseRecord | None:
    """The record of the side's latest release before ``period`` (None for the first)."""
    found = (
        EquityRelease.objects.filter(program=program, side=side, k=k, period__lt=period)
        .order_by("-period")
        .values_list("record", flat=True)
        .first()
    )
    return ReleaseRecord.from_json(found) if found else None


def equity_release_prepare(program: Program, side: str, now: dt.datetime) -> EquityRelease:
    """This month's release of one side, computed and stored if there is none yet (a draft's
    is withheld and not stored)."""
    found = _stored(program, side, now)
    if found is not None:
        return found
    period, k = release_period(now), min_group_size()
    if program.status == ProgramStatus.DRAFT:
        # A draft's rules are not in force and may change at will: nothing is released.
        equity = _withheld(
            program_equity(program=program, side=side, dimensions=DIMENSIONS, as_of=now)
        )
        return EquityRelease(
            program=program, side=side, period=period, k=k, figures=_serialise(equity)
        )
    previous = _previous(program, side, period, k)
    equity = program_equity(
        program=program, side=side, dimensions=DIMENSIONS, as_of=now, previous=previous
    )
    record = equity.record.as_json() if equity.record is not None else {}
    try:
        with transaction.atomic():
            return EquityRelease.objects.create(
                program=program,
                side=side,
                period=period,
                k=k,
                figures=_serialise(equity),
                record=record,
                created_at=now,
            )
    except IntegrityError:  # another request released it first: theirs is the release
        return EquityRelease.objects.get(program=program, side=side, period=period, k=k)


def _pending_key(program_id: int, side: str, now: dt.datetime) -> str:
    return f"insights:equity-release:{program_id}:{side}:{release_period(now)}:pending"


@task()
def equity_release_task(program_id: int, side: str) -> None:
    """Background task: prepare this month's release of one side of a program."""
    program = Program.objects.filter(pk=program_id).first()
    now = timezone.now()
    if program is not None:
        equity_release_prepare(program, side, now)
    cache.delete(_pending_key(program_id, side, now))


def equity_releases_prepare(now: dt.datetime | None = None) -> int:
    """Prepare this month's release of both sides of every program that is not a draft
    (idempotent; for a daily cron job). Returns how many were computed."""
    now = now or timezone.now()
    made = 0
    for program in Program.objects.exclude(status=ProgramStatus.DRAFT).order_by("pk"):
        for side in SIDES:
            if _stored(program, side, now) is None:
                equity_release_prepare(program, side, now)
                made += 1
    return made


def released_equity(
    *, program: Program, side: str, dimensions: Sequence[str] = DIMENSIONS
) -> ProgramEquity:
    """The published equity figures of one side of `program` this month, for `dimensions`
    (in that order). Callers check the actor first (`equity.access_equity`) and audit
    demographic reads."""
    unknown = [d for d in dimensions if d not in DIMENSIONS]
    if unknown:
        raise ValueError(f"dimension = {unknown[0]!r}: must be one of {', '.join(DIMENSIONS)}")
    return _published(
        equity_release_prepare(program, side, timezone.now()), program, side, dimensions
    )


def released_equity_ready(
    *, program: Program, side: str, dimensions: Sequence[str] = DIMENSIONS
) -> ProgramEquity | None:
    """Like `released_equity`, but None instead of computing while this month's release is
    missing: a background worker is asked to prepare it (once in a while, not per reader).
    Draft programs release nothing to compute, so they are always ready."""
    unknown = [d for d in dimensions if d not in DIMENSIONS]
    if unknown:
        raise ValueError(f"dimension = {unknown[0]!r}: must be one of {', '.join(DIMENSIONS)}")
    now = timezone.now()
    if program.status == ProgramStatus.DRAFT:
        return _published(equity_release_prepare(program, side, now), program, side, dimensions)
    release = _stored(program, side, now)
    if release is None:
        if cache.add(_pending_key(program.pk, side, now), True, PENDING_SECONDS):
            equity_release_task.enqueue(program.pk, side)
            release = _stored(program, side, now)  # an inline task backend has just run
        if release is None:
            return None
    return _published(release, program, side, dimensions)


def _published(
    release: EquityRelease, program: Program, side: str, dimensions: Sequence[str]
) -> ProgramEquity:
    data = release.figures
    breakdowns = {
        d: Breakdown(
            dimension=d,
            label=str(DIMENSION_LABELS[d]),
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
