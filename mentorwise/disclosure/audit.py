"""The interval audit: what an attacker can derive about each hidden count.

The attacker knows every published count of a population, every sum that ties them (the
definitions are public) and that counts are whole numbers, never negative. For a hidden count
the attacker's knowledge is the interval ``[low, high]`` of the values it takes over every
such solution — the smallest and the largest value of an integer program. Statistical agencies
audit suppression patterns this way (tau-ARGUS, sdcTable: "protection intervals").

The linear relaxation is solved with OR-Tools' GLOP (built once per group of hidden counts,
re-solved per objective: a tenth of a millisecond each); when its optimum lies at a fractional
point, the integer program is solved too (HiGHS through ``scipy.optimize.milp``), so the
bounds are those of whole numbers. Hidden counts that share no sum are independent, so each
connected group of hidden counts is solved on its own (small programs, fast).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.linear_solver import pywraplp
from scipy.optimize import Bounds, LinearConstraint, milp

_INTEGRAL = 1e-6


@dataclass(frozen=True)
class Interval:
    """What an attacker can prove about one hidden count: ``low <= value <= high``."""

    low: float
    high: float  # math.inf when nothing bounds it


Line = tuple[list[int], int]


#: Stands for "unbounded": no count of people comes near it.
_CEILING = 1e8


class _Program:
    """The linear program of one connected group of hidden counts (OR-Tools GLOP: built once,
    solved twice per count with a new objective)."""

    def __init__(
        self,
        members: list[int],
        values: npt.NDArray[np.int64],
        mask: npt.NDArray[np.bool_],
        lines: Sequence[Line],
        touching: Sequence[int],
    ) -> None:
        position = {v: j for j, v in enumerate(members)}
        rows: list[npt.NDArray[np.float64]] = []
        rhs: list[float] = []
        for n in touching:
            cells, total = lines[n]
            row = np.zeros(len(members))
            constant = 0.0
            for i, sign in [*((c, 1.0) for c in cells), (total, -1.0)]:
                if mask[i]:
                    row[position[i]] += sign
                else:
                    constant += sign * float(values[i])
            rows.append(row)
            rhs.append(-constant)
        self.position = position
        self.matrix = np.array(rows) if rows else np.zeros((0, len(members)))
        self.rhs = np.array(rhs)
        self.solver = pywraplp.Solver.CreateSolver("GLOP")
        self.x = [self.solver.NumVar(0.0, _CEILING, f"x{j}") for j in range(len(members))]
        for row, b in zip(self.matrix, self.rhs, strict=True):
            constraint = self.solver.Constraint(float(b), float(b))
            for j in np.flatnonzero(row):
                constraint.SetCoefficient(self.x[int(j)], float(row[j]))

    def bound(self, target: int, sign: float) -> float:
        """min (sign=1) or -max (sign=-1) of the target over non-negative whole solutions."""
        j = self.position[target]
        objective = self.solver.Objective()
        objective.Clear()
        objective.SetCoefficient(self.x[j], sign)
        objective.SetMinimization()
        status = self.solver.Solve()
        if status != pywraplp.Solver.OPTIMAL:  # numerically awkward: the exact program decides
            return self._whole_bound(j, sign)
        value = self.x[j].solution_value()
        if value >= _CEILING / 2:
            return -math.inf
        solution = np.array([x.solution_value() for x in self.x])
        if np.all(np.abs(solution - np.round(solution)) < _INTEGRAL):
            return float(round(sign * value))
        return self._whole_bound(j, sign)

    def _whole_bound(self, j: int, sign: float) -> float:
        """The same bound over whole numbers (the relaxation stopped at a fractional point)."""
        objective = np.zeros(len(self.x))
        objective[j] = sign
        exact = milp(
            objective,
            constraints=LinearConstraint(self.matrix, self.rhs, self.rhs),
            integrality=np.ones(len(self.x)),
            bounds=Bounds(0, _CEILING),
        )
        if exact.status != 0:
            raise RuntimeError(f"interval audit: integer program failed ({exact.message})")
        if abs(exact.fun) >= _CEILING / 2:
            return -math.inf
        return float(round(exact.fun))


def lines_by_count(lines: Sequence[Line]) -> dict[int, list[int]]:
    """Each count -> the indices of the lines it is on."""
    on: dict[int, list[int]] = {}
    for n, (cells, total) in enumerate(lines):
        for i in [*cells, total]:
            on.setdefault(i, []).append(n)
    return on


def component(
    cell: int,
    mask: npt.NDArray[np.bool_],
    lines: Sequence[Line],
    on: dict[int, list[int]],
) -> tuple[list[int], list[int]]:
    """The hidden counts tied to ``cell`` by sums (itself included), and the lines they are
    on: a search from ``cell`` through lines, never over the whole system."""
    members, touching = {cell}, set()
    frontier = [cell]
    while frontier:
        i = frontier.pop()
        for n in on.get(i, []):
            if n in touching:
                continue
            touching.add(n)
            cells, total = lines[n]
            for j in [*cells, total]:
                if mask[j] and j not in members:
                    members.add(j)
                    frontier.append(j)
    return sorted(members), sorted(touching)


def attacker_intervals(
    values: Sequence[int] | npt.NDArray[np.int64],
    lines: Sequence[Line],
    mask: npt.NDArray[np.bool_],
    cells: Iterable[int],
    on: dict[int, list[int]] | None = None,
) -> dict[int, Interval]:
    """The attacker's interval of each hidden count in ``cells`` (indices into ``values``),
    given the published counts (``~mask``), the sums ``lines`` and non-negativity.
    ``on`` is :func:`lines_by_count` of ``lines`` (computed when not given)."""
    counts = np.asarray(values, dtype=np.int64)
    on = lines_by_count(lines) if on is None else on
    programs: dict[int, _Program] = {}
    result: dict[int, Interval] = {}
    for cell in cells:
        if not mask[cell]:
            value = float(counts[cell])
            result[cell] = Interval(value, value)
            continue
        program = programs.get(cell)
        if program is None:
            members, touching = component(cell, mask, lines, on)
            program = _Program(members, counts, mask, lines, touching)
            for member in members:
                programs[member] = program
        low = program.bound(cell, 1.0)
        high = -program.bound(cell, -1.0)
        result[cell] = Interval(low, high)
    return result
