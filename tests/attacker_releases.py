"""The attacker of `tests.attacker` reading two consecutive releases together.

The attacker knows both releases (every published figure of each, ``None`` where hidden),
the public sums of each, and that few people changed in between: every count moved by at
most ``step`` (one enrollment, one withdrawal or one HRIS change moves each count by at most
1). The two releases become one system: the counts of the first are named ``0:<name>``, of
the second ``1:<name>``, and for every count in both a hidden shift ``d:<name>`` =
``1:<name> - 0:<name> + step`` lies in ``[0, 2 * step]``. The same integer programs as
`tests.attacker.intervals` then bound every hidden count of either release and every shift.

Findings (`judge_pair`):

* the findings of `tests.attacker.judge` on each release, with the joint intervals; a count
  whose value one release gives away exactly (published, or derivable while it was not
  sensitive there) is known within ``step`` in the other from the attacker's own knowledge
  alone — no release can prevent that — so for it only an exact recovery counts;
* changed — a count that truly moved whose shift the attacker proves non-zero (the interval
  of ``d:<name>`` excludes ``step``): the attacker knows that group moved, i.e. where the
  changed person belongs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from tests.attacker import Findings, Sum, _Program, _solve, judge


def joint_model(
    first: Mapping[str, int | None],
    first_sums: Sequence[Sum],
    second: Mapping[str, int | None],
    second_sums: Sequence[Sum],
    step: int = 1,
) -> tuple[dict[str, int | None], list[Sum]]:
    published: dict[str, int | None] = {"one": step, "two": 2 * step}
    sums: list[Sum] = []
    for tag, figures, lines in (("0", first, first_sums), ("1", second, second_sums)):
        published.update({f"{tag}:{n}": v for n, v in figures.items()})
        sums += [([f"{tag}:{p}" for p in parts], f"{tag}:{total}") for parts, total in lines]
    for name in sorted(set(first) & set(second)):
        shift, both, room = f"d:{name}", f"both:{name}", f"room:{name}"
        published.update({shift: None, both: None, room: None})
        sums.append(([f"0:{name}", shift], both))  # 0 + d = 1 + step
        sums.append(([f"1:{name}", "one"], both))
        sums.append(([shift, room], "two"))  # d <= 2 * step
    return published, sums


def bounds(
    published: Mapping[str, int | None], sums: Sequence[Sum], targets: set[str]
) -> dict[str, tuple[float, float]]:
    """`tests.attacker.intervals`, for the hidden names in ``targets`` only (the joint
    model's helper counts need no bounds of their own)."""
    hidden = sorted(name for name, value in published.items() if value is None)
    column = {name: j for j, name in enumerate(hidden)}
    rows, rhs = [], []
    for parts, total in sums:
        row = np.zeros(len(hidden))
        constant = 0.0
        for name, sign in [*((p, 1.0) for p in parts), (total, -1.0)]:
            value = published[name]
            if value is None:
                row[column[name]] += sign
            else:
                constant += sign * value
        if row.any():
            rows.append(row)
            rhs.append(-constant)
    big = 1e7
    width = len(hidden)
    program = _Program(
        a_eq=np.array(rows) if rows else np.zeros((0, width)),
        b_eq=np.array(rhs),
        a_ub=np.zeros((0, width)),
        b_ub=np.zeros(0),
        low=np.zeros(width),
        high=np.full(width, big),
    )
    result: dict[str, tuple[float, float]] = {}
    for name in sorted(targets & set(column)):
        found = []
        for sign in (1.0, -1.0):
            objective = np.zeros(len(hidden))
            objective[column[name]] = sign
            bound = sign * _solve(objective, program)
            found.append(math.inf if bound > big / 2 else round(bound))
        result[name] = (found[0], found[1])
    return result


def _point(interval: tuple[float, float]) -> bool:
    return interval[0] == interval[1]


def judge_pair(
    first: Mapping[str, int | None],
    first_sums: Sequence[Sum],
    second: Mapping[str, int | None],
    second_sums: Sequence[Sum],
    truth: tuple[Mapping[str, int], Mapping[str, int]],
    k: int,
    step: int = 1,
) -> tuple[Findings, list[str]]:
    """Attack two releases together: the per-release findings with the joint intervals, and
    the truly changed counts whose change the attacker proves."""
    published, sums = joint_model(first, first_sums, second, second_sums, step)
    moved = {n for n in set(first) & set(second) if truth[0][n] != truth[1][n]}
    targets = {n for n, v in published.items() if v is None and n[:2] in ("0:", "1:")}
    found = bounds(published, sums, targets | {f"d:{n}" for n in moved})
    findings = Findings()

    def exact(tag: str, figures: Mapping[str, int | None]) -> set[str]:
        derived = {n for n, v in figures.items() if v is None and _point(found[f"{tag}:{n}"])}
        return {n for n, v in figures.items() if v is not None} | derived

    known = {"0": exact("0", first), "1": exact("1", second)}
    for tag, lines, true in (("0", first_sums, truth[0]), ("1", second_sums, truth[1])):
        mine = {n[2:]: v for n, v in found.items() if n.startswith(f"{tag}:")}
        found_here = judge(mine, true, k, lines)
        other = known["1" if tag == "0" else "0"]
        found_here.narrowed = [n for n in found_here.narrowed if n not in other]
        found_here.proved_non_empty = [n for n in found_here.proved_non_empty if n not in other]
        findings.add(found_here)
    changed = []
    for name in sorted(set(first) & set(second)):
        if truth[0][name] == truth[1][name]:
            continue
        if first[name] is not None and second[name] is not None:
            if abs(truth[1][name] - truth[0][name]) < k:
                changed.append(name)  # both published: plain subtraction
            continue
        low, high = found[f"d:{name}"]
        if not low <= step <= high:
            changed.append(name)
    return findings, changed
