"""Pipeline and succession: does mentoring reach the people the organisation is counting on?

Organisation-wide (all programs), for HR admins and executives, aggregates only. Definitions
(docs/insights-equity.md says the same for readers):

- high-potentials: active people with the HRIS high-potential flag;
- first-time managers: active people who became a manager (`manager_since`) within the last
  `MENTORWISE_FIRST_TIME_MANAGER_MONTHS` months (default 12, as the program templates use);
- covered: has an active relationship as a mentee in any program, i.e. an active mentor,
  sponsor or coach; coverage = covered / people;
- days from promotion to match: from the latest promotion (a CareerEvent promotion on or
  before today; for first-time managers the day they became a manager) to the start of the
  first relationship that started on or after that day; the median over the people who have
  one (those without a promotion, or matched only before it, are left out);
- senior leaders: active people at job level `MENTORWISE_SENIOR_LEADER_LEVEL` (default 8) or
  above; giving = with an active relationship as mentor, coach or sponsor; mentees and
  protégés per senior leader = their active relationships as mentor or coach, and as
  sponsor, divided by the number of senior leaders of the group;
- where the pipeline lacks mentoring: a published coverage under four-fifths of the coverage
  of everyone else in the same population (the rule of `insights.equity`), and the five
  lowest published coverages across both populations and both breakdowns.

Every count is protected like the equity breakdowns (`mentorwise.disclosure`, each population's
breakdowns audited together): no published count in 1..k-1, and every hidden small count keeps
an attacker interval holding 0 and k; medians and ratios are published only with a published
group of at least k people. No selector here returns a person.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from django.conf import settings
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorwise.accounts.actors import Actor
from mentorwise.core.aggregates import cached_aggregate
from mentorwise.core.csv import csv_safe
from mentorwise.core.errors import NotFound
from mentorwise.disclosure import (
    LinkedCounts,
    lone_count,
    min_group_size,
    protect_shared_totals,
    rate,
    statistic,
)
from mentorwise.insights.access import may_read_organisation_insights
from mentorwise.insights.equity import FOUR_FIFTHS
from mentorwise.insights.equity_counts import fetch_rows
from mentorwise.insights.equity_display import (
    TableRow,
    csv_figure,
    fmt_count,
    fmt_number,
    fmt_share,
)
from mentorwise.insights.equity_groups import NOT_STATED
from mentorwise.insights.expressions import DaysBetween
from mentorwise.people.models import CareerEvent, CareerEventKind, Person, employed_on
from mentorwise.programs.eligibility import rules_q
from mentorwise.programs.models import Role
from mentorwise.relationships.models import Relationship, RelationshipStatus

HIGH_POTENTIAL, FIRST_TIME_MANAGER = "high_potential", "first_time_manager"
POPULATIONS = (HIGH_POTENTIAL, FIRST_TIME_MANAGER)
POPULATION_LABELS = {
    HIGH_POTENTIAL: cast(str, gettext_lazy("High-potentials")),
    FIRST_TIME_MANAGER: cast(str, gettext_lazy("First-time managers")),
}
PIPELINE_DIMENSIONS = ("level", "function")
DIMENSION_LABELS = {
    "level": cast(str, gettext_lazy("Job level")),
    "function": cast(str, gettext_lazy("Function")),
}
LOWEST_CELLS = 5
_COVERAGE = ("N", "C", "U")  # people, covered, not covered
_LEADERS = ("N", "G", "H")  # senior leaders, giving, not giving


def senior_leader_level() -> int:
    return int(settings.MENTORWISE_SENIOR_LEADER_LEVEL)


def first_time_manager_months() -> int:
    return int(settings.MENTORWISE_FIRST_TIME_MANAGER_MONTHS)


def require_pipeline_reader(actor: Actor) -> None:
    """HR admins and executives read the pipeline; anyone else gets NotFound."""
    if not may_read_organisation_insights(actor):
        raise NotFound(_("No such page."))


# Results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageGroup:
    key: str
    label: str
    people: int | None
    covered: int | None
    coverage: float | None
    median_days_to_match: float | None
    gap: bool = False
    lowest: bool = False
    suppressed: bool = False
    dimension: str = ""

    @property
    def shown_label(self) -> str:
        return _shown_label(self.dimension, self.key, self.label)

    @property
    def lacking(self) -> bool:
        return self.gap or self.lowest


@dataclass(frozen=True)
class CoverageBreakdown:
    population: str
    dimension: str
    groups: list[CoverageGroup]
    total: CoverageGroup

    @property
    def label(self) -> str:
        if self.population == HIGH_POTENTIAL:
            if self.dimension == "level":
                return _("High-potentials by job level")
            return _("High-potentials by function")
        if self.dimension == "level":
            return _("First-time managers by job level")
        return _("First-time managers by function")

    @property
    def has_suppressed(self) -> bool:
        return any(g.suppressed for g in [*self.groups, self.total])


@dataclass(frozen=True)
class LeaderGroup:
    key: str
    label: str
    leaders: int | None
    giving: int | None
    giving_share: float | None
    mentees_per_leader: float | None
    proteges_per_leader: float | None
    suppressed: bool = False
    dimension: str = ""

    @property
    def shown_label(self) -> str:
        return _shown_label(self.dimension, self.key, self.label)


@dataclass(frozen=True)
class LeaderBreakdown:
    dimension: str
    groups: list[LeaderGroup]
    total: LeaderGroup

    @property
    def label(self) -> str:
        if self.dimension == "level":
            return _("Senior leaders by job level")
        return _("Senior leaders by function")

    @property
    def has_suppressed(self) -> bool:
        return any(g.suppressed for g in [*self.groups, self.total])


@dataclass(frozen=True)
class Pipeline:
    as_of: dt.datetime
    k: int
    senior_level: int
    first_time_manager_months: int
    coverage: dict[str, dict[str, CoverageBreakdown]]  # population -> dimension -> breakdown
    leaders: dict[str, LeaderBreakdown]
    givers: int | None
    givers_per_leader: float | None
    lacking: list[tuple[CoverageBreakdown, CoverageGroup]]


# Helpers --------------------------------------------------------------------------------


def _key(dimension: str, value: Any) -> str:
    return "" if value is None or value == "" else str(value)


def _label(dimension: str, key: str) -> str:
    """The stored (English) label of a group; people read `shown_label`."""
    if key == "":
        return NOT_STATED
    return f"Level {key}" if dimension == "level" else key


def _shown_label(dimension: str, key: str, label: str) -> str:
    # The results are cached for readers of every language (`core.aggregates`): the label
    # people read is made when shown, in the reader's language.
    if key == "total":
        return _("All")
    if key == "not_stated":
        return _("Not stated")
    if dimension == "level":
        return _("Level %(level)s") % {"level": key}
    return label


def _order(dimension: str, keys: set[str]) -> list[str]:
    stated = [k for k in keys if k != ""]
    stated.sort(key=(lambda k: int(k)) if dimension == "level" else str.casefold)
    return stated + ([""] if "" in keys else [])


def _groups(dimension: str, values: list[Any]) -> tuple[list[str], np.ndarray]:
    distinct = {v: _key(dimension, v) for v in set(values)}
    column = [distinct[v] for v in values]
    keys = _order(dimension, set(column))
    position = {key: i for i, key in enumerate(keys)}
    return keys, np.array([position[k] for k in column], dtype=np.int64)


def _system(counts: dict[str, np.ndarray], quantities: tuple[str, str, str]) -> LinkedCounts:
    """Rows [covered, not covered] -> people, and a column line per quantity."""
    total, part, rest = quantities
    size = len(counts[total]) - 1
    system = LinkedCounts()
    for g in range(size + 1):
        for q in quantities:
            system.add(f"{q}{g}", int(counts[q][g]), total=g == size or q == total)
    for g in range(size + 1):
        system.line([f"{part}{g}", f"{rest}{g}"], f"{total}{g}")
    for q in quantities:
        system.line([f"{q}{g}" for g in range(size)], f"{q}{size}")
    return system


# Coverage -------------------------------------------------------------------------------


def _population_rows(population: str, today: dt.date) -> list[tuple[Any, ...]]:
    """(level, function, covered, days from promotion to match or None) per person."""
    if population == HIGH_POTENTIAL:
        people = Person.objects.filter(rules_q({"high_potential": True}, today=today))
        reference: Any = Subquery(
            CareerEvent.objects.filter(
                person=OuterRef("pk"), kind=CareerEventKind.PROMOTION, date__lte=today
            )
            .order_by("-date")
            .values("date")[:1]
        )
    else:
        people = Person.objects.filter(
            rules_q({"first_time_manager_months": first_time_manager_months()}, today=today)
        )
        reference = F("manager_since")
    relationships = Relationship.objects.filter(mentee__person=OuterRef("pk"))
    first_after = Subquery(
        relationships.filter(started_at__gte=OuterRef("reference"))
        .order_by("started_at")
        .values("started_at")[:1]
    )
    return fetch_rows(
        people.annotate(
            reference=reference,
            covered=Exists(relationships.filter(status=RelationshipStatus.ACTIVE)),
        )
        .annotate(days=DaysBetween(first_after, F("reference")))
        .order_by()
        .values_list("job_level", "function", "covered", "days")
    )


def _coverage(population: str, today: dt.date, k: int) -> dict[str, CoverageBreakdown]:
    rows = _population_rows(population, today)
    columns: list[tuple[Any, ...]] = list(zip(*rows, strict=True)) if rows else [()] * 4
    covered = np.array(columns[2], dtype=bool)
    days = np.array(columns[3], dtype=float)  # None becomes NaN
    raws: dict[str, tuple[list[str], dict[str, np.ndarray], list[float | None], list[int]]] = {}
    for i, dimension in enumerate(PIPELINE_DIMENSIONS):
        keys, group = _groups(dimension, list(columns[i]))
        size = len(keys)
        people = np.bincount(group, minlength=size)
        yes = np.bincount(group[covered], minlength=size)
        counts = {
            "N": np.append(people, people.sum()),
            "C": np.append(yes, yes.sum()),
            "U": np.append(people - yes, (people - yes).sum()),
        }
        medians: list[float | None] = []
        measured: list[int] = []
        for g in [*range(size), None]:
            chosen = days[(group == g) if g is not None else np.ones(len(group), dtype=bool)]
            chosen = chosen[~np.isnan(chosen)]
            medians.append(float(np.median(chosen)) if len(chosen) else None)
            measured.append(len(chosen))
        raws[dimension] = (keys, counts, medians, measured)
    hidden = protect_shared_totals(
        {d: (_system(raw[1], _COVERAGE), len(raw[0])) for d, raw in raws.items()},
        _COVERAGE,
        k=k,
    )
    result = {}
    for dimension, (keys, counts, medians, measured) in raws.items():
        size = len(keys)

        def value(
            q: str, g: int, counts: dict[str, np.ndarray] = counts, d: str = dimension
        ) -> int | None:
            return None if f"{q}{g}" in hidden[d] else int(counts[q][g])

        figures = []
        for g in range(size + 1):
            n, c = value("N", g), value("C", g)
            figures.append(
                CoverageGroup(
                    key="total" if g == size else keys[g] or "not_stated",
                    label="All" if g == size else _label(dimension, keys[g]),
                    dimension=dimension,
                    people=n,
                    covered=c,
                    coverage=rate(c, n),
                    median_days_to_match=statistic(medians[g], group=c, k=k, values=measured[g]),
                    suppressed=any(f"{q}{g}" in hidden[dimension] for q in _COVERAGE),
                )
            )
        total = figures[-1]
        groups = [_with_gap(g, total, k) for g in figures[:-1]]
        result[dimension] = CoverageBreakdown(population, dimension, groups, total)
    return result


def _with_gap(group: CoverageGroup, total: CoverageGroup, k: int) -> CoverageGroup:
    covered, people = group.covered, group.people
    if covered is None or not people or total.covered is None or total.people is None:
        return group
    rest_covered = total.covered - covered
    rest_people = total.people - people
    if rest_people < k or rest_covered <= 0:
        return group
    gap = covered / people < FOUR_FIFTHS * rest_covered / rest_people
    return CoverageGroup(**{**group.__dict__, "gap": gap})


# Senior leaders -------------------------------------------------------------------------


def _leaders(today: dt.date, k: int) -> tuple[dict[str, LeaderBreakdown], int]:
    active = Relationship.objects.filter(
        mentor__person=OuterRef("pk"), status=RelationshipStatus.ACTIVE
    )

    def held(roles: tuple[str, ...]) -> Coalesce:
        counted = (
            active.filter(mentor__role__in=roles)
            .order_by()
            .values("mentor__person")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

    rows = fetch_rows(
        Person.objects.filter(rules_q({"level_min": senior_leader_level()}, today=today))
        .annotate(
            giving=Exists(active),
            mentoring=held((Role.MENTOR, Role.COACH)),
            sponsoring=held((Role.SPONSOR,)),
        )
        .order_by()
        .values_list("job_level", "function", "giving", "mentoring", "sponsoring")
    )
    givers = (
        Relationship.objects.filter(status=RelationshipStatus.ACTIVE)
        .filter(employed_on(today, via="mentor__person__"))
        .order_by()
        .values("mentor__person")
        .distinct()
        .count()
    )
    columns: list[tuple[Any, ...]] = list(zip(*rows, strict=True)) if rows else [()] * 5
    giving = np.array(columns[2], dtype=bool)
    mentoring = np.array(columns[3], dtype=np.int64)
    sponsoring = np.array(columns[4], dtype=np.int64)
    raws = {}
    for i, dimension in enumerate(PIPELINE_DIMENSIONS):
        keys, group = _groups(dimension, list(columns[i]))
        size = len(keys)
        leaders = np.bincount(group, minlength=size)
        yes = np.bincount(group[giving], minlength=size)
        counts = {
            "N": np.append(leaders, leaders.sum()),
            "G": np.append(yes, yes.sum()),
            "H": np.append(leaders - yes, (leaders - yes).sum()),
        }
        ment = np.bincount(group, weights=mentoring, minlength=size)
        spon = np.bincount(group, weights=sponsoring, minlength=size)
        raws[dimension] = (keys, counts, np.append(ment, ment.sum()), np.append(spon, spon.sum()))
    hidden = protect_shared_totals(
        {d: (_system(raw[1], _LEADERS), len(raw[0])) for d, raw in raws.items()},
        _LEADERS,
        k=k,
    )
    result = {}
    for dimension, (keys, counts, ment, spon) in raws.items():
        size = len(keys)
        figures = []
        for g in range(size + 1):
            names = hidden[dimension]
            n = None if f"N{g}" in names else int(counts["N"][g])
            yes_g = None if f"G{g}" in names else int(counts["G"][g])
            figures.append(
                LeaderGroup(
                    key="total" if g == size else keys[g] or "not_stated",
                    label="All" if g == size else _label(dimension, keys[g]),
                    dimension=dimension,
                    leaders=n,
                    giving=yes_g,
                    giving_share=rate(yes_g, n),
                    # Ratios over the leaders rest on those who give: a ratio above 0 would
                    # prove a hidden group of givers non-empty, so it goes with that group.
                    mentees_per_leader=statistic(rate(int(ment[g]), n), group=yes_g, k=k),
                    proteges_per_leader=statistic(rate(int(spon[g]), n), group=yes_g, k=k),
                    suppressed=any(f"{q}{g}" in names for q in _LEADERS),
                )
            )
        result[dimension] = LeaderBreakdown(dimension, figures[:-1], figures[-1])
    return result, givers


# The selector ---------------------------------------------------------------------------


def pipeline(*, as_of: dt.datetime | None = None) -> Pipeline:
    """Every pipeline figure, organisation-wide (7 queries; cached until the next write,
    `core.aggregates`, when `as_of` is now). Callers check the reader first
    (`require_pipeline_reader`); nothing returned names a person, and the figures are the
    same for every reader."""
    if as_of is None:
        return cached_aggregate("pipeline", lambda: (), lambda: _pipeline(timezone.now()))
    return _pipeline(as_of)


def _pipeline(now: dt.datetime) -> Pipeline:
    today = timezone.localdate(now)
    k = min_group_size()
    coverage = {population: _coverage(population, today, k) for population in POPULATIONS}
    cells = [
        (breakdown, group)
        for by_dimension in coverage.values()
        for breakdown in by_dimension.values()
        for group in breakdown.groups
        if group.coverage is not None
    ]
    lowest = sorted(cells, key=lambda cell: (cell[1].coverage, cell[0].population, cell[1].label))
    lowest_ids = {id(group) for _, group in lowest[:LOWEST_CELLS]}
    marked: dict[str, dict[str, CoverageBreakdown]] = {}
    for population, by_dimension in coverage.items():
        marked[population] = {}
        for dimension, breakdown in by_dimension.items():
            groups = [
                CoverageGroup(**{**g.__dict__, "lowest": True}) if id(g) in lowest_ids else g
                for g in breakdown.groups
            ]
            marked[population][dimension] = CoverageBreakdown(
                population, dimension, groups, breakdown.total
            )
    lacking = sorted(
        (
            (breakdown, group)
            for by_dimension in marked.values()
            for breakdown in by_dimension.values()
            for group in breakdown.groups
            if group.lacking
        ),
        key=lambda cell: (cell[1].coverage, cell[0].population, cell[1].label),
    )
    leaders, givers = _leaders(today, k)
    total_leaders = leaders["level"].total.leaders
    published_givers = lone_count(givers, k=k)
    return Pipeline(
        as_of=now,
        k=k,
        senior_level=senior_leader_level(),
        first_time_manager_months=first_time_manager_months(),
        coverage=marked,
        leaders=leaders,
        givers=published_givers,
        givers_per_leader=rate(published_givers, total_leaders),
        lacking=lacking,
    )


# Display and export ---------------------------------------------------------------------


def coverage_table(breakdown: CoverageBreakdown) -> tuple[list[str], list[TableRow]]:
    """The accessible table of one coverage breakdown: headers and rows, total last."""
    headers = [
        _("People"),
        _("With a mentor or sponsor"),
        _("Coverage"),
        _("Median days from becoming a manager")
        if breakdown.population == FIRST_TIME_MANAGER
        else _("Median days from promotion"),
    ]
    rows = [
        TableRow(
            label=g.shown_label,
            cells=[
                fmt_count(g.people),
                fmt_count(g.covered),
                fmt_share(g.coverage),
                fmt_number(g.median_days_to_match, 0),
            ],
            gaps=("coverage",) if g.gap else (),
            suppressed=g.suppressed,
            is_total=g is breakdown.total,
        )
        for g in [*breakdown.groups, breakdown.total]
    ]
    return headers, rows


def leaders_table(breakdown: LeaderBreakdown) -> tuple[list[str], list[TableRow]]:
    headers = [
        _("Senior leaders"),
        _("Mentoring or sponsoring"),
        _("Share"),
        _("Mentees per leader"),
        _("Protégés per leader"),
    ]
    rows = [
        TableRow(
            label=g.shown_label,
            cells=[
                fmt_count(g.leaders),
                fmt_count(g.giving),
                fmt_share(g.giving_share),
                fmt_number(g.mentees_per_leader, 2),
                fmt_number(g.proteges_per_leader, 2),
            ],
            suppressed=g.suppressed,
            is_total=g is breakdown.total,
        )
        for g in [*breakdown.groups, breakdown.total]
    ]
    return headers, rows


def pipeline_csv(result: Pipeline) -> str:
    """Every pipeline figure as CSV (formula-safe); a suppressed figure is an empty cell."""

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "section",
            "dimension",
            "group",
            "people",
            "covered_or_giving",
            "share",
            "median_days_to_match",
            "mentees_per_leader",
            "proteges_per_leader",
            "flag",
            "suppressed",
        ]
    )
    for population, by_dimension in result.coverage.items():
        for dimension, breakdown in by_dimension.items():
            for g in [*breakdown.groups, breakdown.total]:
                flags = [name for name, on in (("gap", g.gap), ("lowest", g.lowest)) if on]
                writer.writerow(
                    [
                        population,
                        dimension,
                        csv_safe(g.shown_label),
                        csv_figure(g.people),
                        csv_figure(g.covered),
                        csv_figure(g.coverage),
                        csv_figure(g.median_days_to_match, 1),
                        "",
                        "",
                        " ".join(flags),
                        "yes" if g.suppressed else "",
                    ]
                )
    for dimension, leaders in result.leaders.items():
        for leader in [*leaders.groups, leaders.total]:
            writer.writerow(
                [
                    "senior_leaders",
                    dimension,
                    csv_safe(leader.shown_label),
                    csv_figure(leader.leaders),
                    csv_figure(leader.giving),
                    csv_figure(leader.giving_share),
                    "",
                    csv_figure(leader.mentees_per_leader, 3),
                    csv_figure(leader.proteges_per_leader, 3),
                    "",
                    "yes" if leader.suppressed else "",
                ]
            )
    writer.writerow(
        [
            "givers_per_senior_leader",
            "",
            _("All"),
            "",
            csv_figure(result.givers),
            csv_figure(result.givers_per_leader, 3),
            "",
            "",
            "",
            "",
            "yes" if result.givers is None else "",
        ]
    )
    return out.getvalue()
