"""The attacker's program over a whole linked system, kept while complementary cells are chosen.

One OR-Tools GLOP model holds every count of the population as a variable and every sum as an
equality; a published count is a variable fixed at its value, a hidden one ranges over
``[0, ceiling]``. Hiding a count only changes its bounds, so the model is built once (in
Python) and re-solved in C++ for each target and trial — about a millisecond for the largest
equity population.

Witnesses: every whole, non-negative solution of the sums that agrees with the published
counts is something the attacker cannot rule out — the true counts are one, and so is every
integral optimum found on the way. Hiding more only removes fixings, so a witness stays valid
for every later pattern. A sensitive count is protected as soon as witnesses show it both at
(or below) its lower level and at (or above) its upper level; most counts are settled this way
without a program of their own. Otherwise :meth:`LinkedProgram.bound` solves the linear
program, and the integer program (HiGHS through ``scipy.optimize.milp``) when the linear
optimum is fractional, so every bound is one over whole numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from ortools.linear_solver import pywraplp
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

Line = tuple[list[int], int]

#: Stands for "unbounded": no count of people comes near it.
CEILING = 1e8
_INTEGRAL = 1e-6
_REDUCED = 1e-9


class Seen:
    """The lowest and highest value of each count over the witnesses found so far."""

    def __init__(self, values: npt.NDArray[np.int64]) -> None:
        truth = values.astype(np.float64)
        self.lowest = truth.copy()
        self.highest = truth.copy()

    def add(self, cells: npt.NDArray[np.int64], whole: npt.NDArray[np.float64]) -> None:
        self.lowest[cells] = np.minimum(self.lowest[cells], whole)
        self.highest[cells] = np.maximum(self.highest[cells], whole)


class LinkedProgram:
    """The attacker's linear program over ``cells`` of a linked system (every sum on one of
    them, whole) under the shared, growing pattern ``hidden``."""

    def __init__(
        self,
        values: npt.NDArray[np.int64],
        lines: Sequence[Line],
        hidden: npt.NDArray[np.bool_],
        cells: Sequence[int],
        seen: Seen,
    ) -> None:
        self.cells = np.asarray(sorted(cells), dtype=np.int64)
        self.local = {int(c): j for j, c in enumerate(self.cells)}
        self.values = np.asarray(values, dtype=np.int64)[self.cells]
        self.hidden = hidden  # shared: the caller hides through :meth:`hide`
        self.seen = seen
        rows, columns, signs = [], [], []
        for n, (parts, total) in enumerate(lines):
            for i, sign in [*((c, 1.0) for c in parts), (total, -1.0)]:
                rows.append(n)
                columns.append(self.local[i])
                signs.append(sign)
        self.matrix = csr_matrix((signs, (rows, columns)), shape=(len(lines), len(self.cells)))
        self.solver = pywraplp.Solver.CreateSolver("GLOP")
        self.x = [self.solver.NumVar(0.0, CEILING, "") for _ in self.cells]
        for parts, total in lines:
            constraint = self.solver.Constraint(0.0, 0.0)
            for i in parts:
                constraint.SetCoefficient(self.x[self.local[i]], 1.0)
            constraint.SetCoefficient(self.x[self.local[total]], -1.0)
        for j, i in enumerate(self.cells):
            if not hidden[i]:
                self._fix(j)
        self.solved = False  # whether the last linear program reached its optimum
        self.optimum: float | None = None

    # The pattern ----------------------------------------------------------------------------

    def _fix(self, j: int) -> None:
        value = float(self.values[j])
        self.x[j].SetBounds(value, value)

    def hide(self, i: int) -> None:
        self.hidden[i] = True
        self.x[self.local[i]].SetBounds(0.0, CEILING)

    def unhide(self, i: int) -> None:
        """Undo :meth:`hide` (a trial): only for a count hidden by the trial itself."""
        self.hidden[i] = False
        self._fix(self.local[i])

    # Witnesses ------------------------------------------------------------------------------

    def _record(self, solution: npt.NDArray[np.float64]) -> bool:
        """Keep ``solution`` as a witness if it is whole, non-negative, agrees with every
        published count and satisfies every sum; returns whether it was kept."""
        whole = np.round(solution)
        if np.any(np.abs(solution - whole) > _INTEGRAL) or np.any(whole < 0):
            return False
        published = ~self.hidden[self.cells]
        if np.any(whole[published] != self.values[published]):
            return False
        if np.any(self.matrix @ whole != 0):
            return False
        self.seen.add(self.cells, whole)
        return True

    # Bounds ---------------------------------------------------------------------------------

    def relaxed(self, cell: int, sign: float) -> float | None:
        """The linear optimum of ``sign * x[cell]`` (min), or None when the solver fails."""
        objective = self.solver.Objective()
        objective.Clear()
        objective.SetCoefficient(self.x[self.local[cell]], sign)
        objective.SetMinimization()
        self.solved = self.solver.Solve() == pywraplp.Solver.OPTIMAL
        self.optimum = float(objective.Value()) if self.solved else None
        return self.optimum

    def solution(self) -> npt.NDArray[np.float64]:
        """The last optimum (published counts at their values, read for hidden ones only)."""
        values = self.values.astype(np.float64)
        for j in np.flatnonzero(self.hidden[self.cells]):
            values[j] = self.x[j].solution_value()
        return values

    def reduced_costs(self, counts: Sequence[int]) -> npt.NDArray[np.float64]:
        return np.array([self.x[self.local[i]].reduced_cost() for i in counts])

    def bound(self, cell: int, sign: float) -> float:
        """The smallest (sign 1) or largest (sign -1) whole value of ``cell`` the attacker
        cannot rule out; the optimum found is kept as a witness."""
        optimum = self.relaxed(cell, sign)
        if optimum is not None and self._record(self.solution()):
            return _as_bound(optimum, sign)
        return self._whole_bound(cell, sign)

    def _whole_bound(self, cell: int, sign: float) -> float:
        objective = np.zeros(len(self.cells))
        objective[self.local[cell]] = sign
        hidden = self.hidden[self.cells]
        low = np.where(hidden, 0.0, self.values.astype(np.float64))
        high = np.where(hidden, CEILING, self.values.astype(np.float64))
        zero = np.zeros(self.matrix.shape[0])
        exact = milp(
            objective,
            constraints=LinearConstraint(self.matrix, zero, zero),
            integrality=np.ones(len(self.cells)),
            bounds=Bounds(low, high),
        )
        if exact.status != 0:
            raise RuntimeError(f"interval audit: integer program failed ({exact.message})")
        self._record(exact.x)
        # The solver no longer holds this bound's optimum for reduced costs.
        self.relaxed(cell, sign)
        return _as_bound(float(exact.fun), sign)


class Blocks:
    """The system split where published totals separate it, one program per block.

    With the totals that several breakdowns share published, each breakdown is a system of
    its own (the totals are constants in each), so its program is small. Hiding a total
    merges the blocks on its sums into one (rebuilt from the current pattern). Witnesses of
    different blocks combine freely, since the counts they share are published."""

    def __init__(
        self,
        values: npt.NDArray[np.int64],
        lines: Sequence[Line],
        hidden: npt.NDArray[np.bool_],
        is_total: npt.NDArray[np.bool_],
    ) -> None:
        self.values, self.lines, self.hidden = values, lines, hidden
        self.seen = Seen(values)
        self.separator = is_total & ~hidden
        self.parent = list(range(len(values)))
        for parts, total in lines:
            joined = [i for i in [*parts, total] if not self.separator[i]]
            for i in joined[1:]:
                self._union(joined[0], i)
        self.programs: dict[int, LinkedProgram] = {}

    def _find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def _union(self, a: int, b: int) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra != rb:
            self.parent[rb] = ra

    def program(self, cell: int) -> LinkedProgram:
        root = self._find(cell)
        found = self.programs.get(root)
        if found is None:
            members = {i for i in range(len(self.values)) if self._find(i) == root}
            chosen = [line for line in self.lines if any(i in members for i in [*line[0], line[1]])]
            cells = members | {i for parts, total in chosen for i in [*parts, total]}
            found = LinkedProgram(self.values, chosen, self.hidden, sorted(cells), self.seen)
            self.programs[root] = found
        return found

    def hide(self, i: int) -> None:
        """Hide count ``i`` for good (merging blocks when it separated them)."""
        if not self.separator[i]:
            self.program(i).hide(i)
            return
        self.separator[i] = False
        self.hidden[i] = True
        roots = {
            self._find(j)
            for parts, total in self.lines
            if i in parts or i == total
            for j in [*parts, total]
            if not self.separator[j]
        }
        for root in roots:
            self.programs.pop(root, None)
            self._union(i, root)
        self.programs.pop(self._find(i), None)


def _as_bound(optimum: float, sign: float) -> float:
    value = sign * round(optimum)
    if abs(value) >= CEILING / 2:
        return math.inf if sign < 0 else -math.inf
    return float(value)


def useful_candidates(program: LinkedProgram, near: Sequence[int]) -> list[int]:
    """Of the published counts ``near``, those whose hiding can move the optimum just found
    (the objective is minimised): a negative reduced cost (raising the count lowers the
    objective) or a positive one on a count above 0 (lowering it does)."""
    reduced = program.reduced_costs(near)
    return [
        i
        for i, cost in zip(near, reduced, strict=True)
        if cost < -_REDUCED or (cost > _REDUCED and program.values[program.local[i]] > 0)
    ]
