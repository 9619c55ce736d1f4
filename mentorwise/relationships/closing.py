"""What closing a relationship will do, said before it is done (the confirmation step)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from mentorwise.accounts.actors import Actor
from mentorwise.core.clock import zone_of
from mentorwise.relationships.models import (
    ClosureKind,
    Meeting,
    MeetingStatus,
    Relationship,
)


def meetings_to_cancel(relationship: Relationship, now: dt.datetime) -> QuerySet[Meeting]:
    """The scheduled meetings a closure cancels: those that have not started yet."""
    return relationship.meetings.filter(
        status=MeetingStatus.SCHEDULED, starts_at__gte=now
    ).order_by("starts_at")


def closure_kind_default(relationship: Relationship, today: dt.date) -> str:
    """Planned only once the planned end has come; any closure before it is early."""
    end = relationship.planned_end_date
    return ClosureKind.PLANNED if end is not None and today >= end else ClosureKind.EARLY


@dataclass(frozen=True)
class ClosingPreview:
    default_kind: str
    planned_end_date: dt.date | None
    meetings: list[Meeting]


def closing_preview(*, actor: Actor, relationship: Relationship) -> ClosingPreview:
    """The kind to preset (the actor's today decides) and the meetings that will be cancelled."""
    now = timezone.now()
    today = now.astimezone(zone_of(actor)).date()
    return ClosingPreview(
        default_kind=closure_kind_default(relationship, today),
        planned_end_date=relationship.planned_end_date,
        meetings=list(meetings_to_cancel(relationship, now)),
    )
