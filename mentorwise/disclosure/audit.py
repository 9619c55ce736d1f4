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


def components(mask: npt.NDArray[np.bool_], lines: Sequence[Line]) -> dict[int, int]:
    """Each hidden index -> a representative of the hidden counts tied to it by sums."""
    parent = {int(i): int(i) for i in np.flatnonzero(mask)}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for cells, total in lines:
        hidden = [i for i in [*cells, total] if mask[i]]
        for i in hidden[1:]:
            a, b = find(hidden[0]), find(i)
            if a != b:
                parent[b] = a
    return {i: find(i) for i in parent}


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
    ) -> None:
        position = {v: j for j, v in enumerate(members)}
        rows: list[npt.NDArray[np.float64]] = []
        rhs: list[float] = []
        for cells, total in lines:
            if not any(i in position for i in [*cells, total]):
                continue
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


def attacker_intervals(
    values: Sequence[int] | npt.NDArray[np.int64],
    lines: Sequence[Line],
    mask: npt.NDArray[np.bool_],
    cells: Iterable[int],
) -> dict[int, Interval]:
    """The attacker's interval of each hidden count in ``cells`` (indices into ``values``),
    given the published counts (``~mask``), the sums ``lines`` and non-negativity."""
    counts = np.asarray(values, dtype=np.int64)
    component_of = components(mask, lines)
    members: dict[int, list[int]] = {}
    for i, root in component_of.items():
        members.setdefault(root, []).append(i)
    programs: dict[int, _Program] = {}
    result: dict[int, Interval] = {}
    for cell in cells:
        if not mask[cell]:
            value = float(counts[cell])
            result[cell] = Interval(value, value)
            continue
        root = component_of[cell]
        if root not in programs:
            programs[root] = _Program(sorted(members[root]), counts, mask, lines)
        program = programs[root]
        low = program.bound(cell, 1.0)
        high = -program.bound(cell, -1.0)
        result[cell] = Interval(low, high)
    return result
