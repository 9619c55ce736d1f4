"""Circle matching: brute-force optimality on small instances, invariants, bad input."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorwise.matching import circles
from mentorwise.matching.circles import CircleProblem, solve_circles


def brute_force(problem: CircleProblem) -> tuple[int, float] | None:
    """(most members placed, best value at that placement) over every assignment, or None.

    Written from the module docstring's definition, independently of the solver's code.
    """
    fit = np.asarray(problem.fit, dtype=float)
    n, k = fit.shape
    best: tuple[int, float] | None = None
    forbidden = {tuple(sorted(p)) for p in problem.forbidden_pairs}
    cap = math.ceil(problem.max_size / 2)
    w = problem.mix_weight if problem.groups is not None else 0.0
    for combo in itertools.product(range(-1, k), repeat=n):
        sizes = [0] * k
        ok = True
        for i, j in enumerate(combo):
            if j >= 0:
                if not problem.allowed[i][j]:
                    ok = False
                    break
                sizes[j] += 1
        if not ok or any(s < problem.min_size or s > problem.max_size for s in sizes):
            continue
        if any(combo[u] >= 0 and combo[u] == combo[v] for u, v in forbidden):
            continue
        value = sum(fit[i, j] for i, j in enumerate(combo) if j >= 0)
        if w:
            for j in range(k):
                members = [int(problem.groups[i]) for i, c in enumerate(combo) if c == j]
                tally: dict[int, int] = {}
                for g in members:
                    tally[g] = tally.get(g, 0) + 1
                if problem.objective == "diversity":
                    value += w * len(tally) - w * sum(max(0, c - cap) for c in tally.values())
                else:
                    value += w * max(tally.values(), default=0)
        placed = sum(1 for j in combo if j >= 0)
        if best is None or placed > best[0] or (placed == best[0] and value > best[1] + 1e-12):
            best = (placed, value)
    return best


@st.composite
def small_problems(draw: st.DrawFn) -> CircleProblem:
    n = draw(st.integers(1, 8))
    k = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    fit = rng.integers(-2, 8, size=(n, k)) / draw(st.sampled_from([1.0, 3.0, 7.0]))
    allowed = rng.random((n, k)) < draw(st.sampled_from([0.5, 0.8, 1.0]))
    min_size = draw(st.integers(0, 2))
    max_size = draw(st.integers(max(1, min_size), 4))
    n_pairs = draw(st.integers(0, 4))
    pairs = (
        [tuple(rng.choice(n, 2, replace=False).tolist()) for _ in range(n_pairs)] if n > 1 else []
    )
    grouped = draw(st.booleans())
    groups = rng.integers(0, draw(st.integers(1, 3)), size=n) if grouped else None
    return CircleProblem(
        fit=fit,
        allowed=allowed,
        min_size=min_size,
        max_size=max_size,
        forbidden_pairs=pairs,
        groups=groups,
        objective=draw(st.sampled_from(["diversity", "similarity"])),
        mix_weight=draw(st.sampled_from([0.0, 0.5, 2.0])),
    )


def assert_valid(problem: CircleProblem, solution) -> None:
    a = solution.assignment
    n, k = np.asarray(problem.fit).shape
    assert a.shape == (n,)
    assert len(solution.reasons) == n and all(solution.reasons)
    if solution.status == "infeasible":
        assert (a == -1).all()
        return
    placed = np.flatnonzero(a >= 0)
    assert ((a >= -1) & (a < k)).all()
    assert problem.allowed[placed, a[placed]].all(), "a member is in a circle not allowed"
    sizes = np.bincount(a[placed], minlength=k)
    assert (sizes >= problem.min_size).all() and (sizes <= problem.max_size).all()
    for u, v in problem.forbidden_pairs:
        assert a[u] < 0 or a[u] != a[v], f"forbidden pair {u}, {v} share a circle"
    assert solution.bound >= solution.objective - 1e-9


@settings(max_examples=150, deadline=None)
@given(small_problems())
def test_solver_equals_brute_force(problem) -> None:
    expected = brute_force(problem)
    solution = solve_circles(problem, time_limit_s=10)
    assert_valid(problem, solution)
    if expected is None:
        assert solution.status == "infeasible"
        return
    assert solution.status == "optimal"
    assert solution.placed == expected[0]
    assert solution.objective == pytest.approx(expected[1], abs=1e-6)
    assert solution.bound >= expected[1] - 1e-9
    assert solution.gap < 1e-5


@settings(max_examples=60, deadline=None)
@given(small_problems())
def test_heuristic_path_is_feasible_and_below_its_bound(problem) -> None:
    """The large-problem path (flow, repair, theme search) on small instances."""
    expected = brute_force(problem)
    old = circles.EXACT_LIMIT
    circles.EXACT_LIMIT = -1
    try:
        solution = solve_circles(problem, time_limit_s=10)
    finally:
        circles.EXACT_LIMIT = old
    assert_valid(problem, solution)
    if expected is None:
        assert solution.status == "infeasible" or solution.placed < 0
        return
    if solution.status == "infeasible":
        # The repair may fail to find a feasible assignment; it must never claim a bad one.
        return
    assert solution.placed <= expected[0]
    if solution.placed == expected[0]:
        assert solution.objective <= expected[1] + 1e-9
        assert solution.bound >= expected[1] - 1e-6
