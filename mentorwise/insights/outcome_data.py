"""A program run's cohort read from the database: who took part, who is comparable, what followed.

Definitions (docs/insights-outcomes.md explains them for readers):

- **Cohort start**: the program's ``start_date``. Everyone is followed from that day, so
  participants and comparison people are compared over the same calendar time.
- **Participants**: people who were the mentee of at least one relationship in the program
  (active or closed), were employed on the start date (hired on or before it, not terminated
  by then) and whose job level and hire date are known.
- **Comparison group**: people who, on the start date, were employed and met the program's
  mentee eligibility rules (evaluated with their job level and function *as they were then*),
  who had no enrollment of any kind in the program (enrolled-but-unmatched and invited people
  are neither participants nor comparison: they chose or were chosen) and whose job level and
  hire date are known.
- **Covariates on the start date**: job level and function reconstructed from career events
  (the ``from_level``/``from_function`` of the first change after the start date; the current
  value when nothing changed since), tenure (years since hire), manager status (became a manager
  on or before the start date), high-potential flag and location (current values: the HRIS
  keeps no history of them).
- **Outcomes**: days from the start date to a voluntary exit (an involuntary or other exit, and
  the end of follow-up on ``as_of``, censor); a promotion, or an internal move, dated within
  365 days after the start; for first-time-manager programs, the share of a manager's direct
  reports on the start date who had not left voluntarily 365 days later (current reporting
  lines: the HRIS keeps no history of them).

Everything is read with a handful of aggregate or column queries and turned into numpy arrays:
no per-person Python loop over ORM objects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone

from mentorwise.insights.expressions import DaysSince
from mentorwise.insights.outcomes import Cohort
from mentorwise.people.models import CareerEvent, CareerEventKind, Person, TerminationKind
from mentorwise.programs.eligibility import rules_q
from mentorwise.programs.models import Enrollment, Program, ProgramKind, Role
from mentorwise.relationships.models import Relationship

FOLLOW_UP_YEAR = 365
# Rules that depend on a person's job level, function or manager status on the start date: the
# database holds today's values, so these are applied after reconstruction, in numpy.
_RECONSTRUCTED_RULES = ("level_min", "level_max", "functions", "exclude_functions", "is_manager")


@dataclass(frozen=True)
class CohortData:
    """The cohort as arrays (one entry per person, sorted by person id) and how it was built.

    ``exit_days``/``exited``: days from the start to a voluntary exit (1) or censoring (0).
    ``team_retention_12m`` is NaN for people without direct reports on the start date.
    ``excluded_unknown`` counts people left out because their job level or hire date is unknown.
    """

    start: dt.date
    as_of: dt.date
    person_id: npt.NDArray[np.int64]
    treated: npt.NDArray[np.bool_]
    job_level: npt.NDArray[np.int64]
    function: npt.NDArray[np.str_]
    location: npt.NDArray[np.str_]
    tenure_years: npt.NDArray[np.float64]
    is_manager: npt.NDArray[np.bool_]
    high_potential: npt.NDArray[np.bool_]
    exit_days: npt.NDArray[np.float64]
    exited: npt.NDArray[np.bool_]
    promotion_12m: npt.NDArray[np.bool_]
    internal_move_12m: npt.NDArray[np.bool_]
    team_retention_12m: npt.NDArray[np.float64] | None
    excluded_unknown: int

    @property
    def follow_up_days(self) -> int:
        return (self.as_of - self.start).days

    @property
    def n_participants(self) -> int:
        return int(self.treated.sum())

    @property
    def n_comparison(self) -> int:
        return int((~self.treated).sum())

    def cohort(self) -> Cohort:
        """The estimator's input."""
        shares = {}
        if self.team_retention_12m is not None:
            shares["team_retention_12m"] = self.team_retention_12m
        return Cohort(
            treated=self.treated,
            job_level=self.job_level,
            function=self.function,
            tenure_years=self.tenure_years,
            is_manager=self.is_manager,
            high_potential=self.high_potential,
            location=self.location,
            outcomes={
                "promotion_12m": self.promotion_12m,
                "internal_move_12m": self.internal_move_12m,
            },
            shares=shares,
            exit_days=self.exit_days,
            exited=self.exited,
            follow_up_days=float(self.follow_up_days),
        )


class NoCohort(Exception):
    """The program has no cohort to analyse yet; ``str()`` says why in plain language."""


def _rows(queryset: QuerySet[Any], *fields: str) -> list[tuple[Any, ...]]:
    # Straight from the cursor: values_list() would build and convert each row in Python.
    sql, params = queryset.values_list(*fields).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _active_on(start: dt.date) -> Q:
    hired = Q(hire_date__isnull=True) | Q(hire_date__lte=start)
    return hired & (Q(termination_date__isnull=True) | Q(termination_date__gt=start))


def participant_ids(program: Program) -> QuerySet[Relationship]:
    """Person ids of the program's participants: mentees of at least one relationship."""
    return (
        Relationship.objects.filter(program=program)
        .order_by()
        .values("mentee__person_id")
        .distinct()
    )


def cohort_data(*, program: Program, as_of: dt.date | None = None) -> CohortData:
    """The program's cohort on its start date, followed up to ``as_of`` (today by default).

    Raises NoCohort when there is nothing to analyse (no start date, not started yet).
    """
    as_of = as_of or timezone.localdate()
    start = program.start_date
    if start is None:
        raise NoCohort("The program has no start date, so there is no cohort to follow.")
    if start >= as_of:
        raise NoCohort(f"The program starts on {start:%-d %B %Y}: nothing to follow up yet.")
    rules = dict(program.eligibility.get(Role.MENTEE, {}) or {})
    db_rules = {k: v for k, v in rules.items() if k not in _RECONSTRUCTED_RULES}
    enrolled = Enrollment.objects.filter(program=program, person_id=OuterRef("pk"))
    # Participants' ids as one uncorrelated subquery (the database runs it once), not a
    # per-person EXISTS over the program's relationships.
    participants = participant_ids(program).values_list("mentee__person_id", flat=True)
    people = (
        Person.objects.order_by("pk")
        .filter(_active_on(start))
        .filter(Q(pk__in=participants) | (rules_q(db_rules, today=start) & ~Q(Exists(enrolled))))
        .annotate(
            hire_day=DaysSince("hire_date", start),
            manager_day=DaysSince("manager_since", start),
            exit_day=DaysSince("termination_date", start),
        )
    )
    rows = _rows(
        people,
        "pk",
        "job_level",
        "function",
        "location",
        "hire_day",
        "manager_day",
        "is_high_potential",
        "exit_day",
        "termination_kind",
    )
    if not rows:
        raise NoCohort("Nobody was eligible on the start date.")
    cols = list(zip(*rows, strict=True))
    pk = np.asarray(cols[0], dtype=np.int64)
    treated = np.isin(pk, np.fromiter(participants, dtype=np.int64))
    level = np.asarray([-1 if v is None else v for v in cols[1]], dtype=np.int64)
    function = np.asarray(cols[2], dtype=object)
    location = np.asarray(cols[3], dtype=str)
    hire_day = np.asarray(cols[4], dtype=np.float64)  # None -> nan
    manager_day = np.asarray(cols[5], dtype=np.float64)
    high_potential = np.asarray(cols[6], dtype=bool)
    exit_day = np.asarray(cols[7], dtype=np.float64)
    voluntary = np.asarray(cols[8], dtype=object) == TerminationKind.VOLUNTARY.value

    # Job level and function on the start date: the "from" side of the first change after it.
    events = _rows(
        CareerEvent.objects.filter(date__gt=start)
        .order_by("person_id", "date", "pk")
        .annotate(day=DaysSince("date", start)),
        "person_id",
        "kind",
        "day",
        "from_level",
        "from_function",
    )
    promoted = np.zeros(len(pk), dtype=bool)
    moved = np.zeros(len(pk), dtype=bool)
    if events:
        ev = list(zip(*events, strict=True))
        ev_person = np.asarray(ev[0], dtype=np.int64)
        ev_kind = np.asarray(ev[1], dtype=object)
        ev_day = np.asarray(ev[2], dtype=np.float64)
        ev_from_level = np.asarray([-1 if v is None else v for v in ev[3]], dtype=np.int64)
        ev_from_function = np.asarray(ev[4], dtype=object)
        level = _first_change(pk, level, ev_person, ev_from_level, ev_from_level >= 0)
        function = _first_change(pk, function, ev_person, ev_from_function, ev_from_function != "")
        within = ev_day <= FOLLOW_UP_YEAR
        for kind, flag in (
            (CareerEventKind.PROMOTION, promoted),
            (CareerEventKind.INTERNAL_MOVE, moved),
        ):
            who = np.unique(ev_person[within & (ev_kind == kind.value)])
            flag |= np.isin(pk, who)
    function = function.astype(str)
    is_manager = manager_day <= 0  # nan compares False: never a manager

    # Eligibility rules that need the start-date values; participants stay in regardless.
    eligible = np.ones(len(pk), dtype=bool)
    # An unknown level (-1) passes the level rules here, to be counted as left out below.
    unknown_level = level < 0
    if "level_min" in rules:
        eligible &= unknown_level | (level >= rules["level_min"])
    if "level_max" in rules:
        eligible &= level <= rules["level_max"]
    if "functions" in rules:
        eligible &= np.isin(function, rules["functions"])
    if "exclude_functions" in rules:
        eligible &= ~np.isin(function, rules["exclude_functions"])
    if "is_manager" in rules:
        eligible &= is_manager if rules["is_manager"] else ~is_manager
    known = (level >= 0) & ~np.isnan(hire_day)
    keep = (treated | eligible) & known
    excluded_unknown = int(((treated | eligible) & ~known).sum())

    follow_up = float((as_of - start).days)
    gone = exit_day <= follow_up  # nan: still employed
    exit_days = np.where(gone, exit_day, follow_up)
    exited = gone & voluntary

    team = None
    if program.kind == ProgramKind.FIRST_TIME_MANAGER:
        team = _team_retention(pk, start)

    def take(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
        return values[keep]

    return CohortData(
        start=start,
        as_of=as_of,
        person_id=take(pk),
        treated=take(treated),
        job_level=take(level),
        function=take(function),
        location=take(location),
        tenure_years=take(np.round(-hire_day / 365.25, 2)),
        is_manager=take(is_manager),
        high_potential=take(high_potential),
        exit_days=take(exit_days),
        exited=take(exited),
        promotion_12m=take(promoted),
        internal_move_12m=take(moved),
        team_retention_12m=take(team) if team is not None else None,
        excluded_unknown=excluded_unknown,
    )


def _first_change(
    pk: npt.NDArray[np.int64],
    current: npt.NDArray[Any],
    ev_person: npt.NDArray[np.int64],
    ev_from: npt.NDArray[Any],
    usable: npt.NDArray[np.bool_],
) -> npt.NDArray[Any]:
    """``current`` with each person's value replaced by the "from" value of their first change.

    Events come sorted by person then date, so the first usable row of a person is their first
    change after the start date.
    """
    persons, first = np.unique(ev_person[usable], return_index=True)
    values = ev_from[usable][first]
    pos = np.searchsorted(pk, persons)
    found = (pos < len(pk)) & (pk[np.minimum(pos, len(pk) - 1)] == persons)
    out = current.copy()
    out[pos[found]] = values[found]
    return out


def _team_retention(pk: npt.NDArray[np.int64], start: dt.date) -> npt.NDArray[np.float64]:
    """Per person: the share of their direct reports on ``start`` still there a year later.

    "Still there" means no voluntary exit within the year; NaN for people without reports.
    One grouped count in the database.
    """
    year_end = start + dt.timedelta(days=FOLLOW_UP_YEAR)
    counts = _rows(
        Person.objects.filter(_active_on(start), manager__isnull=False)
        .order_by()
        .values("manager_id")
        .annotate(
            n=Count("pk"),
            left=Count(
                "pk",
                filter=Q(
                    termination_date__lte=year_end,
                    termination_kind=TerminationKind.VOLUNTARY,
                ),
            ),
        ),
        "manager_id",
        "n",
        "left",
    )
    out = np.full(len(pk), np.nan)
    if not counts:
        return out
    managers, n, left = (np.asarray(c, dtype=np.float64) for c in zip(*counts, strict=True))
    pos = np.searchsorted(pk, managers.astype(np.int64))
    found = (pos < len(pk)) & (pk[np.minimum(pos, len(pk) - 1)] == managers)
    out[pos[found]] = 1.0 - left[found] / n[found]
    return out
