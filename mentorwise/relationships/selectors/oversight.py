"""Health, as each actor may see it, and what a program's managers read of its pairs:
the list of relationships with their figures and the safety reports they oversee.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from mentorwise.accounts.actors import Actor
from mentorwise.programs.models import Program
from mentorwise.relationships.health import HealthResult, relationship_health
from mentorwise.relationships.models import (
    AgreementVersion,
    CheckIn,
    Goal,
    GoalStatus,
    Meeting,
    MeetingStatus,
    Relationship,
    RelationshipStatus,
    SafetyReport,
    SafetyStatus,
)
from mentorwise.relationships.permissions import (
    actor_side,
    may_oversee_any,
    overseen_relationships,
)
from mentorwise.relationships.selectors.pair import agreements_current


def health_by_relationship(
    relationships: Sequence[Relationship],
    *,
    now: dt.datetime | None = None,
    include_safety_reports: bool = True,
) -> dict[int, HealthResult]:
    """Health of each active relationship, in a fixed number of queries.

    Shown to the pair, health must not count safety reports (include_safety_reports=False):
    the other person would learn of a report through an "at risk".
    """
    now = now or timezone.now()
    active = [r for r in relationships if r.status == RelationshipStatus.ACTIVE]
    ids = [r.pk for r in active]
    if not ids:
        return {}
    cadence: dict[int, int] = {}
    for rel_id, days in (
        AgreementVersion.objects.filter(agreement__relationship_id__in=ids)
        .order_by("agreement__relationship_id", "number")
        .values_list("agreement__relationship_id", "meeting_cadence_days")
    ):
        cadence[rel_id] = days  # the last (highest) version wins
    longest = max([*cadence.values(), *(r.program.meeting_cadence_days for r in active)])
    pulses: dict[int, dict[str, int]] = defaultdict(dict)
    recent = CheckIn.objects.filter(
        relationship_id__in=ids, created_at__gte=now - dt.timedelta(days=2 * longest)
    ).order_by("created_at", "id")
    for check_in in recent.values("relationship_id", "side", "pulse", "created_at"):
        rel_cadence = cadence.get(check_in["relationship_id"], longest)
        if check_in["created_at"] >= now - dt.timedelta(days=2 * rel_cadence):
            pulses[check_in["relationship_id"]][check_in["side"]] = check_in["pulse"]
    reports = (
        {}
        if not include_safety_reports
        else dict(
            SafetyReport.objects.filter(relationship_id__in=ids)
            .exclude(status=SafetyStatus.RESOLVED)
            .values("relationship_id")
            .annotate(n=Count("id"))
            .values_list("relationship_id", "n")
        )
    )
    return {
        r.pk: relationship_health(
            now=now,
            started_at=r.started_at,
            last_meeting_at=r.last_meeting_at,
            cadence_days=cadence.get(r.pk, r.program.meeting_cadence_days),
            latest_pulses=list(pulses[r.pk].values()),
            open_safety_reports=reports.get(r.pk, 0),
        )
        for r in active
    }


def health_for_actor(
    *, actor: Actor, relationships: Sequence[Relationship], now: dt.datetime | None = None
) -> dict[int, HealthResult]:
    """Health as this actor may see it: safety reports count only in relationships the actor
    oversees (`can_oversee`), never in one they are in, whatever their role; every page, API
    operation and export that shows health to someone calls this."""
    overseen_ids = (
        set(
            overseen_relationships(actor)
            .filter(pk__in=[r.pk for r in relationships])
            .values_list("pk", flat=True)
        )
        if may_oversee_any(actor)
        else set()
    )
    overseen = [r for r in relationships if r.pk in overseen_ids]
    others = [r for r in relationships if r.pk not in overseen_ids]
    return {
        **health_by_relationship(overseen, now=now),
        **health_by_relationship(others, now=now, include_safety_reports=False),
    }


@dataclass
class ProgramRow:
    relationship: Relationship
    health: HealthResult | None
    meetings_held: int
    goals: int
    goals_achieved: int
    agreement: AgreementVersion | None  # the current version; None: none was ever written
    in_pair: bool  # the actor is in it: they see it as the pair does and do not act on it

    @property
    def agreement_confirmed(self) -> bool:
        return self.agreement is not None and self.agreement.is_confirmed


def _count_of(rows: QuerySet[Any]) -> Coalesce:
    """How many of `rows` belong to each relationship, as a subquery. Counting through joins
    multiplied every meeting by every goal of the pair before DISTINCT folded them again."""
    counts = (
        rows.filter(relationship=OuterRef("pk"))
        .order_by()
        .values("relationship")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


# What a row of a program's relationships shows (page, API, health): every column of the
# relationship, and of each side only the role and the person's name. The enrollments and
# people are wide (texts, answers, JSON lists): reading them whole for every row of a
# program was most of this list's time.
_ROW_COLUMNS = (
    *(f.name for f in Relationship._meta.concrete_fields),
    *(
        f"{side}__{column}"
        for side in ("mentee", "mentor")
        for column in ("role", "person__first_name", "person__last_name")
    ),
)


def program_relationships(
    *, actor: Actor, program: Program, health: str = "", status: str = "", q: str = ""
) -> list[ProgramRow]:
    """A program's relationships with their health as the actor may see it, for its managers
    (caller checks access). A relationship the actor is in is listed as the pair sees it."""
    relationships = (
        Relationship.objects.filter(program=program)
        .select_related("mentee__person", "mentor__person")
        .only(*_ROW_COLUMNS)
        .annotate(
            n_held=_count_of(Meeting.objects.filter(status=MeetingStatus.HELD)),
            n_goals=_count_of(Goal.objects.all()),
            n_achieved=_count_of(Goal.objects.filter(status=GoalStatus.ACHIEVED)),
        )
        .order_by("status", "-started_at")
    )
    if status:
        relationships = relationships.filter(status=status)
    if q:
        for word in q.split():
            relationships = relationships.filter(
                Q(mentee__person__first_name__icontains=word)
                | Q(mentee__person__last_name__icontains=word)
                | Q(mentor__person__first_name__icontains=word)
                | Q(mentor__person__last_name__icontains=word)
            )
    items = list(relationships)
    for r in items:
        r.program = program  # one instance for every row, already read by the caller
    healths = health_for_actor(actor=actor, relationships=items)
    agreements = agreements_current(relationships=items)
    rows = [
        ProgramRow(
            relationship=r,
            health=healths.get(r.pk),
            meetings_held=r.n_held,
            goals=r.n_goals,
            goals_achieved=r.n_achieved,
            agreement=agreements.get(r.pk),
            in_pair=actor_side(actor, r) is not None,
        )
        for r in items
    ]
    return with_health(rows, health)


def with_health(rows: list[ProgramRow], health: str) -> list[ProgramRow]:
    """The rows whose health (as the actor sees it) is `health`; every row without one."""
    if not health:
        return rows
    return [row for row in rows if row.health and row.health.health == health]


def safety_reports_for_program(*, actor: Actor, program: Program) -> QuerySet[SafetyReport]:
    """A program's safety reports the actor oversees, open first: never those about a
    relationship the actor is in (the caller checks that the actor manages the program)."""
    return (
        SafetyReport.objects.filter(
            relationship__program=program, relationship__in=overseen_relationships(actor)
        )
        .select_related(
            "relationship__mentee__person", "relationship__mentor__person", "reporter__person"
        )
        .order_by("status", "-created_at")
    )
