"""A program's emulated trials read from the database: who joined when, who was comparable then,
what followed. docs/insights-outcomes.md explains the design for readers.

**Sequential monthly trials** (target-trial emulation). The enrollment window is cut into
calendar months from the program's ``start_date``; each month with at least one relationship
start is a trial:

- **participant rows**: people whose *first* relationship as mentee in the program started that
  month, employed on that day; **time zero is their own start date**;
- **comparison rows**: people who, on the month's first day, were employed, met the program's
  mentee eligibility rules (job level, function and manager status as they were then) and had
  not started a relationship yet, and who did not start one that month. Each gets a time zero
  drawn from that month's participants' start dates (so both groups are followed from the same
  calendar days) and is dropped if they had left by then. People who join in a later month are
  comparison rows until then: their follow-up is **censored on the day they start**. Enrolled
  people not matched yet count as comparison rows: on that day they had not joined;
- **covariates** are measured on the month's first day: job level and function reconstructed
  from career events (the ``from`` side of the first change after that day), tenure, manager
  status (**active direct reports** that day, the eligibility rule's definition, from current
  reporting lines), high-potential flag and location (current values: no history in the HRIS);
- **outcomes** from time zero: days to a voluntary exit (other exits and the end of follow-up
  censor; exits of unknown kind — a blank or "unknown" termination kind — are flagged, for the
  estimator to show both assumptions); a promotion or internal move within 365 days, a departure
  first counting as none; for first-time-manager programs, the share of a manager's direct
  reports on the month's first day not gone voluntarily 365 days later.

Nobody is followed before their time zero, and nobody's eligibility depends on what happened
after it. Large comparison groups are sampled per month (at most ``COMPARISON_PER_PARTICIPANT``
rows per participant, never fewer than ``MIN_COMPARISON_ROWS``), which keeps the bootstrap cheap
and changes nothing the weights do not already correct.
"""

from __future__ import annotations

import calendar
import datetime as dt
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from mentorwise.insights.expressions import DaysSince
from mentorwise.insights.outcome_reasons import Reason
from mentorwise.insights.outcomes import Cohort
from mentorwise.people.models import (
    CareerEvent,
    CareerEventKind,
    Person,
    TerminationKind,
    employed_on,
)
from mentorwise.programs.eligibility import rules_q
from mentorwise.programs.models import Program, ProgramKind, Role
from mentorwise.relationships.models import Relationship

FOLLOW_UP_YEAR = 365
MAX_TRIALS = 24
COMPARISON_PER_PARTICIPANT = 20
MIN_COMPARISON_ROWS = 4000
_RECONSTRUCTED_RULES = ("level_min", "level_max", "functions", "exclude_functions", "is_manager")
_UNKNOWN_KINDS = ("", TerminationKind.UNKNOWN.value)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Trial:
    """One month of the enrollment window: its first day and how many rows it holds."""

    month: int
    start: dt.date
    participants: int
    comparison: int


@dataclass(frozen=True)
class CohortData:
    """The trials' rows as arrays (participant rows first within each trial).

    ``time_zero`` is days from the program's start date; ``exit_days``/``exited`` days from time
    zero to a voluntary exit (1) or censoring (0); ``exited_unknown`` an exit of unknown kind
    (censored in ``exited``); ``censor_days`` the day a comparison row stops being followed
    because the person joined (inf: never). Binary outcomes are NaN where not settled;
    ``*_day`` the day they were settled.
    """

    start: dt.date
    as_of: dt.date
    trials: list[Trial]
    person_id: IntArray
    treated: npt.NDArray[np.bool_]
    trial: IntArray
    time_zero: FloatArray
    job_level: IntArray
    function: npt.NDArray[np.str_]
    location: npt.NDArray[np.str_]
    tenure_years: FloatArray
    is_manager: npt.NDArray[np.bool_]
    high_potential: npt.NDArray[np.bool_]
    exit_days: FloatArray
    exited: npt.NDArray[np.bool_]
    exited_unknown: npt.NDArray[np.bool_]
    censor_days: FloatArray
    promotion_12m: FloatArray
    promotion_day: FloatArray
    internal_move_12m: FloatArray
    move_day: FloatArray
    team_retention_12m: FloatArray | None
    excluded_unknown: int
    unknown_exits: int

    @property
    def follow_up_days(self) -> int:
        return (self.as_of - self.start).days

    @property
    def n_participants(self) -> int:
        return int(np.unique(self.person_id[self.treated]).size)

    @property
    def n_comparison(self) -> int:
        return int(np.unique(self.person_id[~self.treated]).size)

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
            outcome_days={
                "promotion_12m": self.promotion_day,
                "internal_move_12m": self.move_day,
            },
            shares=shares,
            exit_days=self.exit_days,
            exited=self.exited,
            exited_unknown=self.exited_unknown,
            censor_days=self.censor_days,
            follow_up_days=float(self.follow_up_days),
            trial=self.trial,
            cluster=self.person_id,
        )


class NoCohort(Exception):
    """The program has no cohort to analyse yet; ``reason`` says why (``str()`` in English)."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason)
        self.reason = reason


def _rows(queryset: QuerySet[Any], *fields: str) -> list[tuple[Any, ...]]:
    # Straight from the cursor: values_list() would build and convert each row in Python.
    sql, params = queryset.values_list(*fields).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def _active_on(day: dt.date) -> Q:
    hired = Q(hire_date__isnull=True) | Q(hire_date__lte=day)
    return hired & employed_on(day)


def participant_ids(program: Program) -> QuerySet[Any]:
    """Person ids of the program's participants: mentees of at least one relationship."""
    return (
        Relationship.objects.filter(program=program)
        .order_by()
        .values("mentee__person_id")
        .distinct()
    )


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole calendar months (the month's last day if it is shorter)."""
    year, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month0 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def first_starts(program: Program) -> dict[int, dt.date]:
    """Each participant's first relationship start in the program (local date)."""
    rows = (
        Relationship.objects.filter(program=program)
        .order_by()
        .values("mentee__person_id")
        .annotate(first=Min("started_at"))
    )
    return {r["mentee__person_id"]: timezone.localtime(r["first"]).date() for r in rows}


@dataclass(frozen=True)
class _People:
    """Everyone who could be a row, sorted by id; days are offsets from the program start."""

    pk: IntArray
    level: IntArray
    function: npt.NDArray[Any]
    location: npt.NDArray[np.str_]
    hire_day: FloatArray
    exit_day: FloatArray
    voluntary: npt.NDArray[np.bool_]
    unknown_kind: npt.NDArray[np.bool_]
    high_potential: npt.NDArray[np.bool_]


@dataclass(frozen=True)
class _Events:
    person: IntArray
    kind: npt.NDArray[Any]
    day: FloatArray
    from_level: IntArray
    from_function: npt.NDArray[Any]


def cohort_data(
    *, program: Program, as_of: dt.date | None = None, seed: int | None = None
) -> CohortData:
    """The program's sequential trials followed up to ``as_of`` (today by default).

    Raises NoCohort when there is nothing to analyse (no start date, not started yet, nobody
    eligible). ``seed`` (default: from the slug) draws comparison time zeros and samples.
    """
    as_of = as_of or timezone.localdate()
    start = program.start_date
    if start is None:
        raise NoCohort(Reason("no_start"))
    if start >= as_of:
        raise NoCohort(Reason("not_started", start=start))
    rng = np.random.default_rng(zlib.crc32(program.slug.encode()) if seed is None else seed)
    horizon = float((as_of - start).days)
    starts = {
        pk: float(max((day - start).days, 0))
        for pk, day in first_starts(program).items()
        if day < as_of
    }
    # Trials: calendar months from the start date that saw a first relationship start.
    bounds = [0.0]
    while len(bounds) <= MAX_TRIALS and bounds[-1] < horizon:
        bounds.append(float((add_months(start, len(bounds)) - start).days))
    start_days = np.asarray(sorted(starts.values()))
    months = [k for k in range(len(bounds) - 1) if _in(start_days, bounds[k], bounds[k + 1]).any()]

    rules = dict(program.eligibility.get(Role.MENTEE, {}) or {})
    db_rules = {k: v for k, v in rules.items() if k not in _RECONSTRUCTED_RULES}
    eligible_by_month: dict[int, IntArray] = {}
    for k in months:
        day = start + dt.timedelta(days=int(bounds[k]))
        ids = Person.objects.filter(_active_on(day)).filter(rules_q(db_rules, today=day))
        eligible_by_month[k] = np.asarray(
            [r[0] for r in _rows(ids.order_by(), "pk")], dtype=np.int64
        )
    candidates = set(starts) | {int(i) for ids in eligible_by_month.values() for i in ids}
    if not candidates:
        raise NoCohort(Reason("nobody_eligible"))
    people = _read_people(candidates, start)
    events = _read_events(start)
    reports = _read_reports(start)

    parts: list[dict[str, Any]] = []
    trials: list[Trial] = []
    excluded: set[int] = set()
    start_of = np.full(len(people.pk), np.inf)
    pos = np.searchsorted(people.pk, np.fromiter(starts, dtype=np.int64, count=len(starts)))
    start_of[pos] = np.fromiter(starts.values(), dtype=np.float64, count=len(starts))
    for k in months:
        part = _trial(
            k, bounds[k], bounds[k + 1], horizon, people, events, reports, start_of,
            eligible_by_month[k], rules, rng, excluded,
        )  # fmt: skip
        if part is None:
            continue
        parts.append(part)
        n_t = int(part["treated"].sum())
        trials.append(
            Trial(k, start + dt.timedelta(days=int(bounds[k])), n_t, len(part["treated"]) - n_t)
        )
    if not parts:
        raise NoCohort(Reason("nobody_eligible"))
    cols = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    team = None
    if program.kind == ProgramKind.FIRST_TIME_MANAGER:
        team = cols["team"]
    unknown = cols["exited_unknown"] & (cols["exit_days"] <= FOLLOW_UP_YEAR)
    return CohortData(
        start=start,
        as_of=as_of,
        trials=trials,
        person_id=cols["person_id"],
        treated=cols["treated"],
        trial=cols["trial"],
        time_zero=cols["time_zero"],
        job_level=cols["job_level"],
        function=cols["function"].astype(str),
        location=cols["location"].astype(str),
        tenure_years=cols["tenure_years"],
        is_manager=cols["is_manager"],
        high_potential=cols["high_potential"],
        exit_days=cols["exit_days"],
        exited=cols["exited"],
        exited_unknown=cols["exited_unknown"],
        censor_days=cols["censor_days"],
        promotion_12m=cols["promotion_12m"],
        promotion_day=cols["promotion_day"],
        internal_move_12m=cols["internal_move_12m"],
        move_day=cols["move_day"],
        team_retention_12m=team,
        excluded_unknown=len(excluded),
        unknown_exits=int(np.unique(cols["person_id"][unknown]).size),
    )


def _in(values: FloatArray, low: float, high: float) -> npt.NDArray[np.bool_]:
    return (values >= low) & (values < high)


def _read_people(candidates: set[int], start: dt.date) -> _People:
    ids = sorted(candidates)
    rows = []
    for at in range(0, len(ids), 20000):  # bounded IN lists
        qs = Person.objects.filter(pk__in=ids[at : at + 20000]).annotate(
            hire_day=DaysSince("hire_date", start), exit_day=DaysSince("termination_date", start)
        )
        rows += _rows(
            qs.order_by("pk"),
            "pk", "job_level", "function", "location", "hire_day", "exit_day",
            "termination_kind", "is_high_potential",
        )  # fmt: skip
    rows.sort(key=lambda r: r[0])
    cols = list(zip(*rows, strict=True))
    exit_day = np.asarray(cols[5], dtype=np.float64)
    kind = np.asarray(cols[6], dtype=object)
    return _People(
        pk=np.asarray(cols[0], dtype=np.int64),
        level=np.asarray([-1 if v is None else v for v in cols[1]], dtype=np.int64),
        function=np.asarray(cols[2], dtype=object),
        location=np.asarray(cols[3], dtype=str),
        hire_day=np.asarray(cols[4], dtype=np.float64),
        exit_day=exit_day,
        voluntary=kind == TerminationKind.VOLUNTARY.value,
        unknown_kind=~np.isnan(exit_day) & np.isin(kind, _UNKNOWN_KINDS),
        high_potential=np.asarray(cols[7], dtype=bool),
    )


def _read_events(start: dt.date) -> _Events:
    rows = _rows(
        CareerEvent.objects.filter(date__gt=start)
        .order_by("person_id", "date", "pk")
        .annotate(day=DaysSince("date", start)),
        "person_id", "kind", "day", "from_level", "from_function",
    )  # fmt: skip
    if not rows:
        empty = np.zeros(0)
        return _Events(
            empty.astype(np.int64), empty.astype(object), empty, empty.astype(np.int64),
            empty.astype(object),
        )  # fmt: skip
    ev = list(zip(*rows, strict=True))
    return _Events(
        person=np.asarray(ev[0], dtype=np.int64),
        kind=np.asarray(ev[1], dtype=object),
        day=np.asarray(ev[2], dtype=np.float64),
        from_level=np.asarray([-1 if v is None else v for v in ev[3]], dtype=np.int64),
        from_function=np.asarray(ev[4], dtype=object),
    )


def _read_reports(start: dt.date) -> tuple[IntArray, FloatArray, FloatArray, FloatArray]:
    """Everyone with a manager: manager id, hire day, exit day, voluntary exit day (offsets)."""
    qs = Person.objects.filter(manager__isnull=False).order_by()
    qs = qs.annotate(
        hire_day=DaysSince("hire_date", start), exit_day=DaysSince("termination_date", start)
    )
    rows = _rows(qs, "manager_id", "hire_day", "exit_day", "termination_kind")
    if not rows:
        empty = np.zeros(0)
        return empty.astype(np.int64), empty, empty, empty
    cols = list(zip(*rows, strict=True))
    exit_day = np.asarray(cols[2], dtype=np.float64)
    voluntary = np.asarray(cols[3], dtype=object) == TerminationKind.VOLUNTARY.value
    return (
        np.asarray(cols[0], dtype=np.int64),
        np.nan_to_num(np.asarray(cols[1], dtype=np.float64), nan=-np.inf),
        np.nan_to_num(exit_day, nan=np.inf),
        np.where(voluntary, exit_day, np.inf),
    )


def _lookup(pk: IntArray, keys: IntArray, values: FloatArray, default: float) -> FloatArray:
    out = np.full(len(pk), default)
    if len(keys):
        pos = np.searchsorted(keys, pk)
        found = (pos < len(keys)) & (keys[np.minimum(pos, len(keys) - 1)] == pk)
        out[found] = values[pos[found]]
    return out


def _first_change(
    pk: IntArray, current: npt.NDArray[Any], events: _Events, after: float, values: npt.NDArray[Any]
) -> npt.NDArray[Any]:
    """``current`` replaced by the ``from`` value of each person's first change after ``after``."""
    usable = (events.day > after) & (values != -1) & (values != "")
    persons, first = np.unique(events.person[usable], return_index=True)
    out = current.copy()
    if persons.size:
        pos = np.searchsorted(pk, persons)
        found = (pos < len(pk)) & (pk[np.minimum(pos, len(pk) - 1)] == persons)
        out[pos[found]] = values[usable][first][found]
    return out


def _first_event_after(pk: IntArray, zero: FloatArray, events: _Events, kind: str) -> FloatArray:
    """Days from each row's time zero to the person's first ``kind`` event after it (inf)."""
    sel = events.kind == kind
    person, day = events.person[sel], events.day[sel]
    order = np.lexsort((day, person))
    person, day = person[order], day[order]
    out = np.full(len(pk), np.inf)
    if not len(person):
        return out
    # Rows and events on one axis: person first, then day.
    big = 1e6
    keys = person.astype(np.float64) * big + day
    q = pk.astype(np.float64) * big + zero
    at = np.searchsorted(keys, q, side="right")
    ok = at < len(keys)
    hit = ok.copy()
    hit[ok] = person[at[ok]] == pk[ok]
    out[hit] = day[at[hit]] - zero[hit]
    return out


def _trial(
    k: int,
    low: float,
    high: float,
    horizon: float,
    people: _People,
    events: _Events,
    reports: tuple[IntArray, FloatArray, FloatArray, FloatArray],
    start_of: FloatArray,
    eligible_ids: IntArray,
    rules: dict[str, Any],
    rng: np.random.Generator,
    excluded: set[int],
) -> dict[str, Any] | None:
    """The rows of the trial of month ``k`` (days ``low`` to ``high`` after the start)."""
    employed = ((np.isnan(people.hire_day)) | (people.hire_day <= low)) & ~(people.exit_day <= low)
    level = _first_change(people.pk, people.level, events, low, events.from_level)
    function = _first_change(people.pk, people.function, events, low, events.from_function)
    function = function.astype(str)
    mgr_id, r_hire, r_exit, r_vol = reports
    active = (r_hire <= low) & (r_exit > low)
    team_n = _lookup(people.pk, *_count(mgr_id[active]), 0.0)
    is_manager = team_n > 0

    treated = _in(start_of, low, high) & employed & ~(people.exit_day <= start_of)
    eligible = np.isin(people.pk, eligible_ids) & employed & ~(start_of < high)
    if "level_min" in rules:
        eligible &= (level < 0) | (level >= rules["level_min"])
    if "level_max" in rules:
        eligible &= level <= rules["level_max"]
    if "functions" in rules:
        eligible &= np.isin(function, rules["functions"])
    if "exclude_functions" in rules:
        eligible &= ~np.isin(function, rules["exclude_functions"])
    if "is_manager" in rules:
        eligible &= is_manager if rules["is_manager"] else ~is_manager
    known = (level >= 0) & ~np.isnan(people.hire_day)
    excluded.update(people.pk[(treated | eligible) & ~known].tolist())
    t_idx = np.flatnonzero(treated & known)
    c_idx = np.flatnonzero(eligible & known)
    if not len(t_idx) or not len(c_idx):
        return None
    cap = max(MIN_COMPARISON_ROWS, COMPARISON_PER_PARTICIPANT * len(t_idx))
    if len(c_idx) > cap:
        c_idx = np.sort(rng.choice(c_idx, size=cap, replace=False))
    # Comparison time zeros: the participants' start days of this month, drawn at random.
    c_zero = rng.choice(start_of[t_idx], size=len(c_idx))
    still = ~(people.exit_day[c_idx] <= c_zero)
    c_idx, c_zero = c_idx[still], c_zero[still]
    idx = np.concatenate([t_idx, c_idx])
    zero = np.concatenate([start_of[t_idx], c_zero])
    is_t = np.concatenate([np.ones(len(t_idx), bool), np.zeros(len(c_idx), bool)])
    pk = people.pk[idx]

    follow = horizon - zero
    censor = np.where(is_t, np.inf, start_of[idx] - zero)  # joined later: censored then
    exit_in = people.exit_day[idx] - zero  # nan: still employed
    gone = exit_in <= np.minimum(follow, censor)
    exit_days = np.where(gone, exit_in, np.minimum(follow, censor))
    exited = gone & people.voluntary[idx]
    exited_unknown = gone & people.unknown_kind[idx]

    window = float(FOLLOW_UP_YEAR)
    left = np.where(gone, exit_in, np.inf)
    outcome: dict[str, FloatArray] = {}
    for name, kind in (
        ("promotion", CareerEventKind.PROMOTION.value),
        ("internal_move", CareerEventKind.INTERNAL_MOVE.value),
    ):
        first = _first_event_after(pk, zero, events, kind)
        happened = (first <= window) & (first < left)
        settled = np.where(happened, first, np.minimum(left, window))
        known_row = (settled <= follow) & (settled < censor)
        outcome[f"{name}_12m"] = np.where(known_row, happened.astype(np.float64), np.nan)
        outcome["move_day" if name == "internal_move" else "promotion_day"] = settled

    team = np.full(len(idx), np.nan)
    if len(mgr_id):
        year = low + FOLLOW_UP_YEAR
        stayed = active & ~(r_vol <= year)
        m_keys, m_n = _count(mgr_id[active])
        s_keys, s_n = _count(mgr_id[stayed])
        total = _lookup(pk, m_keys, m_n, 0.0)
        kept = _lookup(pk, s_keys, s_n, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            team = np.where(total > 0, kept / total, np.nan)
    tenure = np.round((low - people.hire_day[idx]) / 365.25, 2)
    return {
        "person_id": pk,
        "treated": is_t,
        "trial": np.full(len(idx), k, dtype=np.int64),
        "time_zero": zero,
        "job_level": level[idx],
        "function": function[idx],
        "location": people.location[idx],
        "tenure_years": tenure,
        "is_manager": is_manager[idx],
        "high_potential": people.high_potential[idx],
        "exit_days": exit_days,
        "exited": exited,
        "exited_unknown": exited_unknown,
        "censor_days": censor,
        "promotion_12m": outcome["promotion_12m"],
        "promotion_day": outcome["promotion_day"],
        "internal_move_12m": outcome["internal_move_12m"],
        "move_day": outcome["move_day"],
        "team": team,
    }


def _count(ids: IntArray) -> tuple[IntArray, FloatArray]:
    keys, counts = np.unique(ids, return_counts=True)
    return keys, counts.astype(np.float64)
