"""Equity of access: who takes part in a program, gets matched and is sponsored, by group.

For one program and one side (mentees, or mentors and sponsors), `program_equity` breaks
the figures below down by self-identified gender and ethnicity, job level, function and
location. Definitions (docs/insights-equity.md says the same in words for readers):

- population: the people the side's eligibility rules admit today (active employees; for
  the mentor side the union of every giving role's rules) together with everyone who holds
  an active enrollment on that side, so that the enrolled are always a subset of it;
- enrolled: people with an active enrollment on that side (a person enrolled both as mentor
  and as sponsor counts once); participation = enrolled / population;
- matched: enrolled people with at least one relationship (active or closed) in the program,
  i.e. an accepted match; match rate = matched / enrolled;
- days to match: median days from the enrollment to the start of the person's first
  relationship, over the matched;
- seniority (mentee side): mean, over the matched, of the highest job level among the
  mentors and sponsors they were matched with; mentees per mentor (mentor side): mean number
  of relationships per matched mentor;
- sponsored (mentee side: received, mentor side: recorded): matched people with at least one
  sponsorship action in their relationships; sponsorship rate = sponsored / matched;
- outcomes: promoted = enrolled people with a promotion (CareerEvent) dated on or after the
  program's start date (its creation date when it has none); still employed = enrolled people
  without a termination date on or before today. Plain rates, not effects: the comparison
  with a like-for-like group lives in `insights.outcomes`.

Gaps: a published participation, match or sponsorship rate is flagged when it is below
four-fifths of the same rate among everyone else on that side (the adverse-impact
"four-fifths" convention, compared with the rest rather than with the best group, whose rate
is the noisiest), provided the rest has at least the minimum group size.

Suppression: every figure is a count of people or rests on one. The counts of a side are tied
by sums (population = enrolled + not enrolled, enrolled = matched + unmatched, ..., and each
column adds up to its total, which the five breakdowns share), so they are protected together
as one population by `mentorwise.disclosure` (primary rule, interval audit, complementary
suppression). A median or mean is published only with its group's published count of at
least k. Suppressed figures are None here and are shown as "—" everywhere.

Counts come from three queries per side: one GROUP BY of the eligible people over the five
dimensions together, the side's enrollments (a few columns each) and their relationships
grouped by enrollment; the enrolled are grouped with numpy, never row by row in Python.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
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
from django.utils import timezone

from mentorwise.accounts.roles import is_hr_admin
from mentorwise.core.audit import audit_record
from mentorwise.core.csv import csv_safe
from mentorwise.disclosure import (
    LinkedCounts,
    ReleaseRecord,
    merge_shared_totals,
    min_group_size,
    protect_release,
    rate,
    statistic,
)
from mentorwise.insights.access import access_insights_program
from mentorwise.insights.expressions import DaysBetween
from mentorwise.people.models import (
    CareerEvent,
    CareerEventKind,
    Ethnicity,
    Gender,
    Person,
    employed_on,
)
from mentorwise.programs.eligibility import rules_q
from mentorwise.programs.models import (
    GIVING_ROLES,
    Enrollment,
    EnrollmentStatus,
    Program,
    Role,
)
from mentorwise.relationships.models import Relationship

MENTEE, MENTOR = "mentee", "mentor"
SIDES = (MENTEE, MENTOR)
SIDE_LABELS = {MENTEE: "Mentees", MENTOR: "Mentors and sponsors"}
DIMENSIONS = ("gender", "ethnicity", "level", "function", "location")
DEMOGRAPHIC_DIMENSIONS = ("gender", "ethnicity")
DIMENSION_LABELS = {
    "gender": "Gender (self-identified)",
    "ethnicity": "Ethnicity (self-identified)",
    "level": "Job level",
    "function": "Function",
    "location": "Location",
}
NOT_STATED = "Not stated"
FOUR_FIFTHS = 0.8
GAP_METRICS = ("participation", "match", "sponsorship")

# Person columns of each dimension, as seen from Person and from an Enrollment.
_PERSON_COLUMN = {
    "gender": "demographics__gender",
    "ethnicity": "demographics__ethnicity",
    "level": "job_level",
    "function": "function",
    "location": "location",
}


# Results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupFigures:
    """One group's figures; None means suppressed (or, for rates, nothing to divide by)."""

    key: str
    label: str
    population: int | None
    enrolled: int | None
    participation: float | None
    matched: int | None
    match_rate: float | None
    median_days_to_match: float | None
    seniority: float | None
    sponsored: int | None
    sponsorship_rate: float | None
    promoted: int | None
    promotion_rate: float | None
    still_employed: int | None
    retention_rate: float | None
    gaps: tuple[str, ...] = ()
    suppressed: bool = False


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    label: str
    groups: list[GroupFigures]
    total: GroupFigures

    @property
    def has_suppressed(self) -> bool:
        return any(g.suppressed for g in [*self.groups, self.total])

    @property
    def gaps(self) -> list[tuple[GroupFigures, str]]:
        return [(g, metric) for g in self.groups for metric in g.gaps]


@dataclass(frozen=True)
class ProgramEquity:
    program: Program
    side: str
    k: int
    as_of: dt.datetime
    outcomes_since: dt.date
    breakdowns: dict[str, Breakdown] = field(default_factory=dict)
    #: What the protection knew and hid, for the next release only (never published).
    record: ReleaseRecord | None = None

    @property
    def seniority_label(self) -> str:
        return "Mentor seniority (mean level)" if self.side == MENTEE else "Mentees per mentor"

    @property
    def sponsorship_label(self) -> str:
        return "Sponsorship received" if self.side == MENTEE else "Sponsorship recorded"


# Permissions ----------------------------------------------------------------------------


def equity_dimensions_for(actor: Any, program: Program) -> tuple[str, ...]:
    """The breakdowns `actor` may read for `program` (already checked with
    `access_insights_program`): all five for HR admins; level, function and location for the
    program's managers and for executives."""
    if is_hr_admin(actor):
        return DIMENSIONS
    return tuple(d for d in DIMENSIONS if d not in DEMOGRAPHIC_DIMENSIONS)


def access_equity(*, actor: Any, slug: str) -> tuple[Program, tuple[str, ...]]:
    """The program and the breakdowns the actor may read; NotFound for anyone who may not
    read the program's insights (mentees, mentors, outsiders, other programs' managers)."""
    program = access_insights_program(actor=actor, slug=slug)
    return program, equity_dimensions_for(actor, program)


DEMOGRAPHICS_VIEWED = "insights.demographics_viewed"


def record_demographics_viewed(
    *, actor: Any, program: Program, dimensions: Sequence[str], sides: Sequence[str], via: str
) -> None:
    """Audit a read of demographic breakdowns (page, CSV or API); nothing when none is read."""
    shown = [d for d in dimensions if d in DEMOGRAPHIC_DIMENSIONS]
    if shown:
        audit_record(
            actor=actor,
            action=DEMOGRAPHICS_VIEWED,
            target=program,
            data={"dimensions": shown, "sides": list(sides), "via": via},
        )


# The selector ---------------------------------------------------------------------------


def _side_roles(program: Program, side: str) -> tuple[str, ...]:
    if side == MENTEE:
        return (Role.MENTEE,)
    if side == MENTOR:
        return tuple(GIVING_ROLES)
    raise ValueError(f"side = {side!r}: must be one of {', '.join(SIDES)}")


def _eligible_q(program: Program, side: str, today: dt.date) -> Q:
    rules = program.eligibility or {}
    roles = [r for r in _side_roles(program, side) if r in program.roles]
    if not roles:
        roles = [Role.MENTOR] if side == MENTOR else [Role.MENTEE]
    q = Q(pk__in=[])
    for role in roles:
        q |= rules_q(rules.get(role, {}), today=today)
    return q


def _key(dimension: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    return str(value)


def _keys(dimension: str, values: Sequence[Any]) -> np.ndarray:
    """The group key of each value, computed once per distinct value."""
    keys = {v: _key(dimension, v) for v in set(values)}
    return np.array([keys[v] for v in values], dtype=object)


def _label(dimension: str, key: str) -> str:
    if key == "":
        return NOT_STATED
    if dimension == "gender":
        return str(Gender(key).label) if key in Gender.values else key
    if dimension == "ethnicity":
        return str(Ethnicity(key).label) if key in Ethnicity.values else key
    if dimension == "level":
        return f"Level {key}"
    return key


def _order(dimension: str, keys: Iterable[str]) -> list[str]:
    keys = set(keys)
    stated = [k for k in keys if k != ""]
    if dimension in ("gender", "ethnicity"):
        choices = list(Gender.values if dimension == "gender" else Ethnicity.values)
        stated.sort(key=lambda k: (choices.index(k) if k in choices else len(choices), k))
    elif dimension == "level":
        stated.sort(key=lambda k: int(k))
    else:
        stated.sort(key=str.casefold)
    return stated + ([""] if "" in keys else [])


@dataclass
class _Enrolled:
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
        return cursor.fetchall()


def _enrolled(
    program: Program, side: str, eligible: Q, since: dt.date, today: dt.date
) -> _Enrolled:
    """The side's enrolled people: one query for the people (dimensions, eligibility,
    promotion, employment), one for their relationships grouped by enrollment; joined and
    merged per person with numpy."""
    enrollments = Enrollment.objects.filter(
        program=program, role__in=_side_roles(program, side), status=EnrollmentStatus.ACTIVE
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
            *(f"person__{_PERSON_COLUMN[d]}" for d in DIMENSIONS),
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
        return _Enrolled(
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
    return _Enrolled(
        dims={d: _keys(d, columns[2 + i])[first] for i, d in enumerate(DIMENSIONS)},
        eligible=reduce_any(flags[0]),
        matched=~np.isnan(first_days),
        days=first_days,
        seniority=seniority,
        sponsored=reduce_any(actions > 0),
        promoted=reduce_any(flags[1]),
        employed=reduce_any(flags[2]),
    )


def _eligible_counts(eligible: Q) -> dict[str, dict[str, int]]:
    """Eligible people per group of each dimension, from one GROUP BY over all five (one
    scan of the people table instead of five)."""
    columns = [_PERSON_COLUMN[d] for d in DIMENSIONS]
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
            key = _key(dimension, value)
            totals[key] = totals.get(key, 0) + int(sums[j])
        result[dimension] = totals
    return result


_QUANTITIES = ("N", "E", "NE", "M", "EM", "A", "MA", "P", "EP", "R", "ER")
# (cells, total) of every row of the linked system.
_ROW_LINES = (
    (("E", "NE"), "N"),
    (("M", "EM"), "E"),
    (("A", "MA"), "M"),
    (("P", "EP"), "E"),
    (("R", "ER"), "E"),
)


@dataclass
class _Raw:
    keys: list[str]
    counts: dict[str, np.ndarray]  # quantity -> per group (last entry: total)
    median_days: list[float | None]
    seniority: list[float | None]
    seniority_n: list[int]


def _raw(dimension: str, eligible_counts: dict[str, int], people: _Enrolled, side: str) -> _Raw:
    column = people.dims[dimension]
    extra = Counter(column[~people.eligible].tolist())
    keys = _order(dimension, set(eligible_counts) | set(column.tolist()))
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
    return _Raw(keys, counts, medians, seniority, seniority_n)


def _system(raw: _Raw) -> LinkedCounts:
    system = LinkedCounts()
    size = len(raw.keys)
    for g in range(size + 1):
        for q in _QUANTITIES:
            system.add(f"{q}{g}", int(raw.counts[q][g]), total=g == size)
    for g in range(size + 1):
        for cells, total in _ROW_LINES:
            system.line([f"{c}{g}" for c in cells], f"{total}{g}")
    for q in _QUANTITIES:
        system.line([f"{q}{g}" for g in range(size)], f"{q}{size}")
    return system


def _published(
    dimension: str, raw: _Raw, hidden: set[str], k: int
) -> tuple[list[GroupFigures], GroupFigures]:
    size = len(raw.keys)

    def value(q: str, g: int) -> int | None:
        return None if f"{q}{g}" in hidden else int(raw.counts[q][g])

    figures = []
    for g in range(size + 1):
        population, enrolled, matched = value("N", g), value("E", g), value("M", g)
        sponsored, promoted, employed = value("A", g), value("P", g), value("R", g)
        figures.append(
            GroupFigures(
                key="total" if g == size else raw.keys[g] or "not_stated",
                label="All" if g == size else _label(dimension, raw.keys[g]),
                population=population,
                enrolled=enrolled,
                participation=rate(enrolled, population),
                matched=matched,
                match_rate=rate(matched, enrolled),
                median_days_to_match=statistic(raw.median_days[g], group=matched, k=k),
                seniority=statistic(
                    raw.seniority[g], group=matched, k=k, values=raw.seniority_n[g]
                ),
                sponsored=sponsored,
                sponsorship_rate=rate(sponsored, matched),
                promoted=promoted,
                promotion_rate=rate(promoted, enrolled),
                still_employed=employed,
                retention_rate=rate(employed, enrolled),
                suppressed=any(f"{q}{g}" in hidden for q in _QUANTITIES),
            )
        )
    total = figures[-1]
    groups = [_with_gaps(g, total, k) for g in figures[:-1]]
    return groups, total


def _with_gaps(group: GroupFigures, total: GroupFigures, k: int) -> GroupFigures:
    """Flag each published rate under four-fifths of the same rate among everyone else."""
    pairs = {
        "participation": ("enrolled", "population"),
        "match": ("matched", "enrolled"),
        "sponsorship": ("sponsored", "matched"),
    }
    gaps = []
    for metric, (num, den) in pairs.items():
        values = [
            getattr(group, num),
            getattr(group, den),
            getattr(total, num),
            getattr(total, den),
        ]
        if any(v is None for v in values) or values[1] == 0:
            continue
        rest_num, rest_den = values[2] - values[0], values[3] - values[1]
        if rest_den < k or rest_num <= 0:
            continue
        if values[0] / values[1] < FOUR_FIFTHS * rest_num / rest_den:
            gaps.append(metric)
    return GroupFigures(**{**group.__dict__, "gaps": tuple(gaps)})


def program_equity(
    *,
    program: Program,
    side: str = MENTEE,
    dimensions: Sequence[str] = DIMENSIONS,
    as_of: dt.datetime | None = None,
    previous: ReleaseRecord | None = None,
) -> ProgramEquity:
    """Equity figures of one side of `program`, broken down by each of `dimensions`.

    Every breakdown of the side is computed and protected (the totals they share must be
    hidden consistently), and those in `dimensions` are returned, in that order; with
    `previous` (the record of the side's previous release), jointly with it, so that the two
    releases cannot be differenced (`mentorwise.disclosure.releases`). Callers check the
    actor first (`access_equity`); demographic breakdowns are for HR admins and every read
    of them is audited by the caller. Three queries.
    """
    unknown = [d for d in dimensions if d not in DIMENSIONS]
    if unknown:
        raise ValueError(f"dimension = {unknown[0]!r}: must be one of {', '.join(DIMENSIONS)}")
    now = as_of or timezone.now()
    today = timezone.localdate(now)
    since = program.start_date or timezone.localdate(program.created_at)
    k = min_group_size()
    eligible = _eligible_q(program, side, today)
    people = _enrolled(program, side, eligible, since, today)
    counts = _eligible_counts(eligible)
    raws = {d: _raw(d, counts[d], people, side) for d in DIMENSIONS}
    hidden, record = _protect_breakdowns(raws, k, previous)
    breakdowns = {}
    for dimension in dimensions:
        groups, total = _published(dimension, raws[dimension], hidden[dimension], k)
        breakdowns[dimension] = Breakdown(
            dimension=dimension, label=DIMENSION_LABELS[dimension], groups=groups, total=total
        )
    return ProgramEquity(
        program=program,
        side=side,
        k=k,
        as_of=now,
        outcomes_since=since,
        breakdowns=breakdowns,
        record=record,
    )


def _protect_breakdowns(
    raws: dict[str, _Raw], k: int, previous: ReleaseRecord | None
) -> tuple[dict[str, set[str]], ReleaseRecord]:
    """Protect every breakdown of the side as one population (`mentorwise.disclosure`),
    jointly with the `previous` release. Counts are named the same way month after month:
    ``<dimension>:<quantity>:<group key>``, the shared totals ``*<quantity>``."""
    systems = {d: (_system(raw), len(raw.keys)) for d, raw in raws.items()}
    merged, names = merge_shared_totals(systems, _QUANTITIES)

    def stable(name: str) -> str:
        if name.startswith("*"):
            return name
        dimension, cell = name.split(":", 1)
        quantity = cell.rstrip("0123456789")
        key = raws[dimension].keys[int(cell[len(quantity) :])]
        return f"{dimension}:{quantity}:{key or 'not_stated'}"

    record = protect_release(merged.renamed(stable), k=k, previous=previous)
    hidden = {
        dimension: {
            name for name, merged_name in mapping.items() if stable(merged_name) in record.hidden
        }
        for dimension, mapping in names.items()
    }
    return hidden, record


# Display and export ---------------------------------------------------------------------

DASH = "—"
GAP_LABELS = {
    "participation": "participation under four-fifths of the rest",
    "match": "match rate under four-fifths of the rest",
    "sponsorship": "sponsorship under four-fifths of the rest",
}


def fmt_count(value: int | None) -> str:
    return DASH if value is None else f"{value:,}"


def fmt_share(value: float | None) -> str:
    return DASH if value is None else f"{100 * value:.0f}%"


def fmt_number(value: float | None, digits: int = 1) -> str:
    return DASH if value is None else f"{value:.{digits}f}"


@dataclass(frozen=True)
class TableRow:
    """One printed row: its label, its cells as text ("—" when suppressed) and its flags."""

    label: str
    cells: list[str]
    gaps: tuple[str, ...] = ()
    suppressed: bool = False
    is_total: bool = False

    @property
    def gap_labels(self) -> list[str]:
        return [GAP_LABELS[g] for g in self.gaps]


def equity_table(equity: ProgramEquity, breakdown: Breakdown) -> tuple[list[str], list[TableRow]]:
    """The accessible table of one breakdown (page and PDF): headers and rows, total last."""
    headers = [
        "Population",
        "Enrolled",
        "Participation",
        "Matched",
        "Match rate",
        "Median days to match",
        equity.seniority_label,
        equity.sponsorship_label,
        "Promoted since start",
        "Still employed",
    ]
    rows = []
    for group in [*breakdown.groups, breakdown.total]:
        seniority = fmt_number(group.seniority, 1 if equity.side == MENTEE else 2)
        rows.append(
            TableRow(
                label=group.label,
                cells=[
                    fmt_count(group.population),
                    fmt_count(group.enrolled),
                    fmt_share(group.participation),
                    fmt_count(group.matched),
                    fmt_share(group.match_rate),
                    fmt_number(group.median_days_to_match, 0),
                    seniority,
                    fmt_share(group.sponsorship_rate),
                    fmt_share(group.promotion_rate),
                    fmt_share(group.retention_rate),
                ],
                gaps=group.gaps,
                suppressed=group.suppressed,
                is_total=group is breakdown.total,
            )
        )
    return headers, rows


CSV_COLUMNS = (
    "side",
    "dimension",
    "group",
    "population",
    "enrolled",
    "participation",
    "matched",
    "match_rate",
    "median_days_to_match",
    "mentor_seniority",
    "mentees_per_mentor",
    "sponsored",
    "sponsorship_rate",
    "promoted",
    "promotion_rate",
    "still_employed",
    "retention_rate",
    "gaps",
    "suppressed",
)


def csv_figure(value: float | int | None, digits: int = 4) -> str | int | float:
    """A figure as a CSV cell: empty when suppressed, rates rounded (equity and pipeline)."""
    if value is None:
        return ""
    return round(value, digits) if isinstance(value, float) else value


def equity_csv(results: Iterable[ProgramEquity]) -> str:
    """The breakdowns as CSV (formula-safe); a suppressed figure is an empty cell."""

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for equity in results:
        for dimension, breakdown in equity.breakdowns.items():
            for group in [*breakdown.groups, breakdown.total]:
                writer.writerow(
                    [
                        equity.side,
                        dimension,
                        csv_safe(group.label),
                        csv_figure(group.population),
                        csv_figure(group.enrolled),
                        csv_figure(group.participation),
                        csv_figure(group.matched),
                        csv_figure(group.match_rate),
                        csv_figure(group.median_days_to_match, 1),
                        csv_figure(group.seniority if equity.side == MENTEE else None, 2),
                        csv_figure(group.seniority if equity.side == MENTOR else None, 2),
                        csv_figure(group.sponsored),
                        csv_figure(group.sponsorship_rate),
                        csv_figure(group.promoted),
                        csv_figure(group.promotion_rate),
                        csv_figure(group.still_employed),
                        csv_figure(group.retention_rate),
                        " ".join(group.gaps),
                        "yes" if group.suppressed else "",
                    ]
                )
    return out.getvalue()
