"""The true counts behind the equity figures of one side of a program (before protection).

Three queries: one GROUP BY of the eligible people over the five dimensions together
(`eligible_counts`), the side's enrollments and their relationships grouped by enrollment
(`enrolled_people`); the enrolled are grouped per dimension with numpy (`raw_counts`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
)

from mentorwise.insights.equity_groups import (
    DIMENSIONS,
    MENTEE,
    MENTOR,
    PERSON_COLUMN,
    group_key,
    group_keys,
    group_order,
    side_roles,
)
from mentorwise.insights.expressions import DaysBetween
from mentorwise.people.models import CareerEvent, CareerEventKind, Person, employed_on
from mentorwise.programs.eligibility import rules_q
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program, Role
from mentorwise.relationships.models import Relationship


def eligible_q(program: Program, side: str, today: dt.date) -> Q:
    rules = program.eligibility or {}
    roles = [r for r in side_roles(program, side) if r in program.roles]
    if not roles:
        roles = [Role.MENTOR] if side == MENTOR else [Role.MENTEE]
    q = Q(pk__in=[])
    for role in roles:
        q |= rules_q(rules.get(role, {}), today=today)
    return q


@dataclass
class Enrolled:
    """One entry per enrolled person (numpy columns), after merging a person's enrollments."""

    dims: dict[str, np.ndarray]
    eligible: np.ndarray
    matched: np.ndarray
    days: np.ndarray  # NaN when not matched
    seniority: np.ndarray  # NaN when unknown
    sponsored: np.ndarray
    promoted: np.ndarray
    employed: np.ndarray


def fetch_rows(queryset: Any) -> list[tuple[Any, ...]]:
    """The rows of a `values_list` queryset as the database driver returns them.

    Django's per-value converters (booleans on SQLite, floats) cost ~0.1 s at 20,000 rows;
    numpy casts the raw values (0/1 or booleans, numbers, text) just as well.
    """
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def enrolled_people(
    program: Program, side: str, eligible: Q, since: dt.date, today: dt.date
) -> Enrolled:
    """The side's enrolled people: one query for the people (dimensions, eligibility,
    promotion, employment), one for their relationships grouped by enrollment; joined and
    merged per person with numpy."""
    enrollments = Enrollment.objects.filter(
        program=program, role__in=side_roles(program, side), status=EnrollmentStatus.ACTIVE
    ).order_by()
    rows = fetch_rows(
        enrollments.annotate(
            eligible=Exists(Person.objects.filter(eligible, pk=OuterRef("person_id"))),
            promoted=Exists(
                CareerEvent.objects.filter(
                    person=OuterRef("person_id"),
                    kind=CareerEventKind.PROMOTION,
                    date__gte=since,
                    date__lte=today,
                )
            ),
            employed=ExpressionWrapper(
                employed_on(today, via="person__"),
                output_field=BooleanField(),
            ),
        ).values_list(
            "pk",
            "person_id",
            *(f"person__{PERSON_COLUMN[d]}" for d in DIMENSIONS),
            "eligible",
            "promoted",
            "employed",
        )
    )
    own = "mentee" if side == MENTEE else "mentor"
    # Per enrollment: days to the first relationship, the highest level among its mentors
    # (mentee side) or its number of relationships (mentor side), and sponsorship actions.
    related = fetch_rows(
        Relationship.objects.filter(**{f"{own}__in": enrollments.values("pk")})
        .order_by()
        .values(f"{own}_id")
        .annotate(
            days=DaysBetween(Min("started_at"), F(f"{own}__created_at")),
            seniority=(
                Max("mentor__person__job_level") if side == MENTEE else Count("pk", distinct=True)
            ),
            actions=Count("sponsorship_actions"),
        )
        .values_list(f"{own}_id", "days", "seniority", "actions")
    )
    n = len(rows)
    if not n:
        empty = np.zeros(0, dtype=bool)
        return Enrolled(
            dims={d: np.zeros(0, dtype=object) for d in DIMENSIONS},
            eligible=empty,
            matched=empty,
            days=np.zeros(0),
            seniority=np.zeros(0),
            sponsored=empty,
            promoted=empty,
            employed=empty,
        )
    columns = list(zip(*rows, strict=True))
    enrollment = np.array(columns[0], dtype=np.int64)
    person = np.array(columns[1], dtype=np.int64)
    offset = 2 + len(DIMENSIONS)
    flags = [np.array(columns[offset + i], dtype=bool) for i in range(3)]
    days = np.full(n, np.nan)
    senior = np.full(n, np.nan)
    actions = np.zeros(n, dtype=np.int64)
    if related:
        rel = list(zip(*related, strict=True))
        order = np.argsort(enrollment)
        at = order[np.searchsorted(enrollment, np.array(rel[0], dtype=np.int64), sorter=order)]
        days[at] = np.array(rel[1], dtype=float)  # None becomes NaN
        senior[at] = np.array(rel[2], dtype=float)
        actions[at] = np.array(rel[3], dtype=np.int64)
    # A person enrolled in two giving roles counts once: sort by person and reduce.
    order = np.argsort(person, kind="stable")
    person = person[order]
    starts = np.flatnonzero(np.r_[True, person[1:] != person[:-1]])
    first = order[starts]

    def reduce_any(a: np.ndarray) -> np.ndarray:
        return np.maximum.reduceat(a[order].astype(np.int8), starts).astype(bool)

    first_days = np.fmin.reduceat(days[order], starts)
    if side == MENTEE:
        seniority = np.fmax.reduceat(senior[order], starts)
    else:
        seniority = np.add.reduceat(np.nan_to_num(senior[order]), starts)
    return Enrolled(
        dims={d: group_keys(d, columns[2 + i])[first] for i, d in enumerate(DIMENSIONS)},
        eligible=reduce_any(flags[0]),
        matched=~np.isnan(first_days),
        days=first_days,
        seniority=seniority,
        sponsored=reduce_any(actions > 0),
        promoted=reduce_any(flags[1]),
        employed=reduce_any(flags[2]),
    )


def eligible_counts(eligible: Q) -> dict[str, dict[str, int]]:
    """Eligible people per group of each dimension, from one GROUP BY over all five (one
    scan of the people table instead of five)."""
    columns = [PERSON_COLUMN[d] for d in DIMENSIONS]
    rows = fetch_rows(
        Person.objects.filter(eligible)
        .order_by()
        .values_list(*columns)
        .annotate(n=Count("pk"))
        .values_list(*columns, "n")
    )
    result: dict[str, dict[str, int]] = {}
    if not rows:
        return {d: {} for d in DIMENSIONS}
    values = list(zip(*rows, strict=True))
    weights = np.array(values[-1], dtype=np.int64)
    for i, dimension in enumerate(DIMENSIONS):
        # Group the (few thousand at most) combinations by this dimension's value.
        distinct = {v: j for j, v in enumerate(dict.fromkeys(values[i]))}
        index = np.array([distinct[v] for v in values[i]], dtype=np.int64)
        sums = np.bincount(index, weights=weights, minlength=len(distinct))
        totals: dict[str, int] = {}
        for value, j in distinct.items():
            key = group_key(dimension, value)
            totals[key] = totals.get(key, 0) + int(sums[j])
        result[dimension] = totals
    return result


@dataclass
class RawCounts:
    keys: list[str]
    counts: dict[str, np.ndarray]  # quantity -> per group (last entry: total)
    median_days: list[float | None]
    seniority: list[float | None]
    seniority_n: list[int]


def raw_counts(
    dimension: str, eligible_counts: dict[str, int], people: Enrolled, side: str
) -> RawCounts:
    column = people.dims[dimension]
    extra = Counter(column[~people.eligible].tolist())
    keys = group_order(dimension, set(eligible_counts) | set(column.tolist()))
    position = {key: i for i, key in enumerate(keys)}
    group = np.array([position[k] for k in column.tolist()], dtype=np.int64)
    size = len(keys)

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(group[mask], minlength=size)

    everyone = np.ones(len(group), dtype=bool)
    enrolled = count(everyone)
    population = np.array([eligible_counts.get(k, 0) + extra.get(k, 0) for k in keys])
    matched = count(people.matched)
    sponsored = count(people.matched & people.sponsored)
    promoted = count(people.promoted)
    employed = count(people.employed)
    counts = {
        "N": population,
        "E": enrolled,
        "NE": population - enrolled,
        "M": matched,
        "EM": enrolled - matched,
        "A": sponsored,
        "MA": matched - sponsored,
        "P": promoted,
        "EP": enrolled - promoted,
        "R": employed,
        "ER": enrolled - employed,
    }
    counts = {name: np.append(values, values.sum()) for name, values in counts.items()}
    medians: list[float | None] = []
    seniority: list[float | None] = []
    seniority_n: list[int] = []
    for g in [*range(size), None]:
        chosen = people.matched if g is None else people.matched & (group == g)
        days = people.days[chosen]
        medians.append(float(np.median(days)) if len(days) else None)
        values = people.seniority[chosen]
        values = values[~np.isnan(values)]
        seniority.append(float(values.mean()) if len(values) else None)
        seniority_n.append(len(values))
    return RawCounts(keys, counts, medians, seniority, seniority_n)
