"""An attacker who does the arithmetic, written apart from `mentorwise.disclosure`.

It sees only what is published — numbers parsed from a page, a CSV or an API answer, with
``None`` for every hidden figure — and the public definitions of how they add up. For each
hidden count it solves two integer programs (HiGHS through ``scipy.optimize``: the relaxation,
then the integer program when the relaxation stops at a fraction; never the defence's code):
the smallest and the largest whole, non-negative value consistent with everything published.
It also differences views: two readings of one group figure whose populations differ by a few
people give those people's figure.

Findings, per hidden count whose true value is known to the test:

* recovered — the attacker's interval is a single value;
* narrowed — a sensitive count (1..k-1 people) pinned to an interval shorter than k;
* proved non-empty — a hidden count in 1..k-1 whose lower bound is above 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

#: (names that add up, name of their sum)
Sum = tuple[Sequence[str], str]


@dataclass
class Findings:
    recovered: list[str] = field(default_factory=list)
    narrowed: list[str] = field(default_factory=list)
    proved_non_empty: list[str] = field(default_factory=list)

    def add(self, other: Findings) -> None:
        self.recovered += other.recovered
        self.narrowed += other.narrowed
        self.proved_non_empty += other.proved_non_empty

    @property
    def total(self) -> int:
        return len(self.recovered) + len(self.narrowed) + len(self.proved_non_empty)


#: sum(names) lies within [low, high]: a rounded figure, or what a ratio says about a count.
Range = tuple[Sequence[str], float, float]


@dataclass
class _Program:
    """Equalities, inequalities and bounds over the hidden names (one column each)."""

    a_eq: np.ndarray
    b_eq: np.ndarray
    a_ub: np.ndarray
    b_ub: np.ndarray
    low: np.ndarray
    high: np.ndarray


def _solve(objective: np.ndarray, program: _Program) -> float:
    """min objective·x over whole x within the bounds (the relaxation first; the integer
    program when the relaxation's optimum is fractional)."""
    p = program
    relaxed = linprog(
        objective,
        A_eq=p.a_eq if len(p.a_eq) else None,
        b_eq=p.b_eq if len(p.a_eq) else None,
        A_ub=p.a_ub if len(p.a_ub) else None,
        b_ub=p.b_ub if len(p.a_ub) else None,
        bounds=list(zip(p.low, p.high, strict=True)),
        method="highs",
    )
    assert relaxed.status == 0, relaxed.message
    if np.all(np.abs(relaxed.x - np.round(relaxed.x)) < 1e-7):
        return float(relaxed.fun)
    constraints = []
    if len(p.a_eq):
        constraints.append(LinearConstraint(p.a_eq, p.b_eq, p.b_eq))
    if len(p.a_ub):
        constraints.append(LinearConstraint(p.a_ub, -np.inf, p.b_ub))
    answer = milp(
        objective,
        constraints=constraints,
        integrality=np.ones(len(objective)),
        bounds=Bounds(p.low, p.high),
    )
    assert answer.status == 0, answer.message
    return float(answer.fun)


def intervals(
    published: Mapping[str, int | None],
    sums: Sequence[Sum],
    ranges: Sequence[Range] = (),
    limits: Mapping[str, tuple[float, float]] | None = None,
) -> dict[str, tuple[float, float]]:
    """The attacker's [low, high] for every hidden name (``None`` in ``published``): whole
    numbers within ``limits`` (default: never negative), every sum, every range."""
    hidden = sorted(name for name, value in published.items() if value is None)
    column = {name: j for j, name in enumerate(hidden)}

    def row_of(terms: Sequence[tuple[str, float]]) -> tuple[np.ndarray, float]:
        row = np.zeros(len(hidden))
        constant = 0.0
        for name, sign in terms:
            value = published[name]
            if value is None:
                row[column[name]] += sign
            else:
                constant += sign * value
        return row, constant

    rows, rhs = [], []
    for parts, total in sums:
        row, constant = row_of([*((p, 1.0) for p in parts), (total, -1.0)])
        if row.any():
            rows.append(row)
            rhs.append(-constant)
        elif abs(constant) > 1e-9:
            raise AssertionError(f"published figures contradict {parts} = {total}")
    upper, upper_rhs = [], []
    for names, low, high in ranges:
        row, constant = row_of([(n, 1.0) for n in names])
        if not row.any():
            assert low - 1e-9 <= constant <= high + 1e-9, (names, low, constant, high)
            continue
        upper += [row, -row]
        upper_rhs += [high - constant, constant - low]
    result: dict[str, tuple[float, float]] = {}
    if not hidden:
        return result
    big = 1e7
    bounds = [(limits or {}).get(name, (0.0, big)) for name in hidden]
    program = _Program(
        np.array(rows).reshape(len(rows), len(hidden)),
        np.array(rhs),
        np.array(upper).reshape(len(upper), len(hidden)),
        np.array(upper_rhs),
        np.array([b[0] for b in bounds], dtype=float),
        np.array([b[1] for b in bounds], dtype=float),
    )
    for name, j in column.items():
        found = []
        for sign in (1.0, -1.0):
            objective = np.zeros(len(hidden))
            objective[j] = sign
            bound = sign * _solve(objective, program)
            found.append(math.inf if bound > big / 2 else round(bound))
        result[name] = (found[0], found[1])
    return result


def sensitive(truth: Mapping[str, int], sums: Sequence[Sum], k: int) -> set[str]:
    """What must never be learnt: counts of 1..k-1 people, and a 0 about a group of 1..k-1
    people (unless an empty total already says it)."""
    small = {name for name, value in truth.items() if 0 < value < k}
    in_small: set[str] = set()
    in_empty: set[str] = set()
    for parts, total in sums:
        if 0 < truth[total] < k:
            in_small.update(parts)
        if truth[total] == 0:
            in_empty.update(parts)
    return small | {n for n in in_small - in_empty if truth[n] == 0}


def judge(
    found: Mapping[str, tuple[float, float]],
    truth: Mapping[str, int],
    k: int,
    sums: Sequence[Sum] = (),
) -> Findings:
    """Score the attacker's intervals against the true values (sensitive counts only: a
    hidden count of 0 in an empty line or of k or more people is no finding)."""
    findings = Findings()
    targets = sensitive(truth, sums, k)
    for name, (low, high) in found.items():
        value = truth[name]
        assert low <= value <= high, (name, low, value, high)  # the attacker is sound
        if name not in targets:
            continue
        small = 0 < value < k
        if low == high:
            findings.recovered.append(name)
        elif small and high - low < k - 1:
            findings.narrowed.append(name)
        if small and low > 0:
            findings.proved_non_empty.append(name)
    return findings


def table_sums(rows: int, columns: int) -> list[Sum]:
    """The public sums of a two-way table printed with its totals (names ``"i,j"``)."""
    sums: list[Sum] = []
    for i in range(rows + 1):
        sums.append(([f"{i},{j}" for j in range(columns)], f"{i},{columns}"))
    for j in range(columns + 1):
        sums.append(([f"{i},{j}" for i in range(rows)], f"{rows},{j}"))
    return sums


def table_truth(table: Sequence[Sequence[int]]) -> dict[str, int]:
    grid = np.asarray(table, dtype=np.int64)
    rows, columns = grid.shape
    full = np.zeros((rows + 1, columns + 1), dtype=np.int64)
    full[:rows, :columns] = grid
    full[:rows, columns] = grid.sum(axis=1)
    full[rows, :columns] = grid.sum(axis=0)
    full[rows, columns] = grid.sum()
    return {f"{i},{j}": int(full[i, j]) for i in range(rows + 1) for j in range(columns + 1)}


def attack_table(table: Sequence[Sequence[int]], hidden: np.ndarray, k: int) -> Findings:
    """Attack one published two-way table; ``hidden`` is the printed table's mask."""
    truth = table_truth(table)
    rows, columns = np.asarray(table).shape
    published = {
        name: None if hidden[tuple(int(p) for p in name.split(","))] else value
        for name, value in truth.items()
    }
    for name, value in published.items():
        assert value is None or not 0 < value < k, f"{name} = {value} published"
    sums = table_sums(rows, columns)
    return judge(intervals(published, sums), truth, k, sums)


def difference(before: int | None, after: int | None, k: int) -> bool:
    """True when two published readings of one figure isolate 1..k-1 people."""
    return before is not None and after is not None and 0 < abs(after - before) < k


# Equity of access (page, CSV and API publish the same figures) ---------------------------

#: Published counts of an equity row, and the unpublished complements the definitions imply:
#: (part, rest, whole) — part + rest = whole.
EQUITY_SPLITS = (
    ("enrolled", "not_enrolled", "population"),
    ("matched", "unmatched", "enrolled"),
    ("sponsored", "matched_not_sponsored", "matched"),
    ("promoted", "not_promoted", "enrolled"),
    ("still_employed", "left", "enrolled"),
)
EQUITY_RATES = (
    ("participation", "enrolled", "population"),
    ("match_rate", "matched", "enrolled"),
    ("sponsorship_rate", "sponsored", "matched"),
    ("promotion_rate", "promoted", "enrolled"),
    ("retention_rate", "still_employed", "enrolled"),
)
EQUITY_COUNTS = ("population", "enrolled", "matched", "sponsored", "promoted", "still_employed")


def _cell(value: object) -> float | None:
    if value is None or value == "":
        return None
    return float(value)  # type: ignore[arg-type]


def equity_attack_model(
    rows: Sequence[Mapping[str, object]],
) -> tuple[dict[str, int | None], list[Sum]]:
    """Everything one side's published rows say (CSV rows or API groups with ``dimension``,
    ``group`` and the figure columns; the total row's group is "All"), as named counts and
    the sums that tie them. Every breakdown's total row is the same people, so one name; a
    published rate with one of its counts gives the other back, so the attacker uses it."""
    published: dict[str, int | None] = {}
    sums: list[Sum] = []
    groups: dict[str, list[str]] = {}

    def name(dimension: str, group: str, column: str) -> str:
        return f"*:{column}" if group == "All" else f"{dimension}:{group}:{column}"

    for row in rows:
        dimension, group = str(row["dimension"]), str(row["group"])
        if group != "All" and group not in groups.setdefault(dimension, []):
            groups[dimension].append(group)
        counts = {c: _cell(row.get(c)) for c in EQUITY_COUNTS}
        for rate, part, whole in EQUITY_RATES:
            value = _cell(row.get(rate))
            if value is None:
                continue
            known_part, known_whole = counts[part], counts[whole]
            if known_part is None and known_whole is not None:
                counts[part] = round(value * known_whole)
            elif known_whole is None and known_part is not None and value > 0:
                counts[whole] = round(known_part / value)
        for column, value in counts.items():
            key = name(dimension, group, column)
            if value is not None or key not in published:
                published[key] = None if value is None else int(value)
        for part, rest, whole in EQUITY_SPLITS:
            published.setdefault(name(dimension, group, rest), None)
            if any(name(dimension, group, rest) in s[0] for s in sums):
                continue  # the same row again (CSV and API): its sums are known
            sums.append(
                (
                    [name(dimension, group, part), name(dimension, group, rest)],
                    name(dimension, group, whole),
                )
            )
    for dimension, members in groups.items():
        for column in [*EQUITY_COUNTS, *(rest for _, rest, _ in EQUITY_SPLITS)]:
            sums.append(
                ([name(dimension, g, column) for g in members], name(dimension, "All", column))
            )
    return published, sums


def exposed_by_rates(
    rows: Sequence[Mapping[str, object]],
    rates: Sequence[tuple[str, str, str]],
    statistics: Sequence[tuple[str, str]] = (),
) -> list[str]:
    """Figures that give back or vouch for a hidden count (requirement 4): a rate published
    beside a hidden part or whole (``rate x whole = part``), and a median, mean or ratio
    published about a group whose count is hidden. ``rates`` are (rate, part, whole) columns,
    ``statistics`` (statistic, group count) columns; rows carry ``dimension`` and ``group``."""
    found = []
    for row in rows:
        where = f"{row.get('section', '')}:{row['dimension']}:{row['group']}"
        for rate, part, whole in rates:
            if _cell(row.get(rate)) is not None and (
                _cell(row.get(part)) is None or _cell(row.get(whole)) is None
            ):
                found.append(f"{where}:{rate}")
        for statistic, group in statistics:
            if _cell(row.get(statistic)) is not None and _cell(row.get(group)) is None:
                found.append(f"{where}:{statistic}")
    return found


# Pipeline (page, CSV and API publish the same figures) -----------------------------------

#: section -> (whole, part, rest) columns: part + rest = whole, per group and per column.
PIPELINE_SPLITS = {
    "coverage": ("people", "covered", "not_covered"),
    "senior_leaders": ("people", "giving", "not_giving"),
}


def pipeline_attack_model(
    rows: Sequence[Mapping[str, object]], ratio_digits: int | None = None
) -> tuple[dict[str, int | None], list[Sum], dict[str, tuple[float, float]]]:
    """Everything the pipeline publishes (rows with ``section`` — a population or
    ``senior_leaders`` —, ``dimension``, ``group`` ("All" for the total), ``people``,
    ``part`` and, for senior leaders, ``mentees_per_leader`` / ``proteges_per_leader``), as
    named counts, the sums that tie them, and bounds: a ratio per leader times the published
    number of leaders is the number of relationships ``r``, and a hidden number of givers
    then lies in [1, r] when r > 0 (in [0, 0] when r = 0). ``ratio_digits``: how the ratios
    are rounded (None: exact)."""
    published: dict[str, int | None] = {}
    sums: list[Sum] = []
    limits: dict[str, tuple[float, float]] = {}
    groups: dict[tuple[str, str], list[str]] = {}
    sections = set()

    def name(section: str, dimension: str, group: str, column: str) -> str:
        if group == "All":
            return f"{section}:*:{column}"
        return f"{section}:{dimension}:{group}:{column}"

    for row in rows:
        section, dimension, group = str(row["section"]), str(row["dimension"]), str(row["group"])
        sections.add(section)
        kind = "senior_leaders" if section == "senior_leaders" else "coverage"
        whole, part, rest = PIPELINE_SPLITS[kind]
        if group != "All" and group not in groups.setdefault((section, dimension), []):
            groups[(section, dimension)].append(group)
        names = {c: name(section, dimension, group, c) for c in (whole, part, rest)}
        for column, value in ((whole, row.get("people")), (part, row.get("part"))):
            cell = _cell(value)
            if cell is not None or names[column] not in published:
                published[names[column]] = None if cell is None else int(cell)
        if names[rest] not in published:
            published[names[rest]] = None
            sums.append(([names[part], names[rest]], names[whole]))
        leaders = _cell(row.get("people"))
        if kind == "senior_leaders" and leaders is not None and published[names[part]] is None:
            low_total, high_total = 0.0, 0.0
            for column in ("mentees_per_leader", "proteges_per_leader"):
                ratio = _cell(row.get(column))
                if ratio is None:
                    high_total = math.inf
                    continue
                eps = 0.0 if ratio_digits is None else 0.5 * 10.0**-ratio_digits
                low_total += math.ceil((ratio - eps) * leaders - 1e-9)
                high_total += math.floor((ratio + eps) * leaders + 1e-9)
            if low_total > 0 or high_total < math.inf:
                old = limits.get(names[part], (0.0, math.inf))
                limits[names[part]] = (
                    max(old[0], 1.0 if low_total > 0 else 0.0),
                    min(old[1], high_total),
                )
    for (section, dimension), members in groups.items():
        kind = "senior_leaders" if section == "senior_leaders" else "coverage"
        for column in PIPELINE_SPLITS[kind]:
            sums.append(
                (
                    [name(section, dimension, g, column) for g in members],
                    name(section, dimension, "All", column),
                )
            )
    return published, sums, {n: (lo, min(hi, 1e7)) for n, (lo, hi) in limits.items()}
