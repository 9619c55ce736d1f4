"""Peer matching: brute force over all matchings, invariants, stable roommates, bad input."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorwise.matching import peer
from mentorwise.matching.errors import MatchingInputError
from mentorwise.matching.peer import PeerProblem, solve_peers


def all_matchings(n: int, edges: list[tuple[int, int]]):
    """Every matching of the graph (sets of disjoint edges), by recursion over edges."""

    def rec(start: int, used: frozenset[int], chosen: list[int]):
        yield list(chosen)
        for e in range(start, len(edges)):
            a, b = edges[e]
            if a in used or b in used:
                continue
            chosen.append(e)
            yield from rec(e + 1, used | {a, b}, chosen)
            chosen.pop()

    yield from rec(0, frozenset(), [])


@st.composite
def graphs(draw: st.DrawFn) -> PeerProblem:
    n = draw(st.integers(0, 9))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    pairs = [(a, b) for a, b in itertools.combinations(range(n), 2)]
    density = draw(st.sampled_from([0.3, 0.6, 1.0]))
    edges = [p for p in pairs if rng.random() < density]
    weights = rng.integers(-3, 9, size=len(edges)) / draw(st.sampled_from([1.0, 3.0]))
    pref = rng.integers(0, 5, size=(len(edges), 2)).astype(float)
    arr = np.array(edges, dtype=np.int64).reshape(-1, 2)
    # Shuffle edge direction: the solver must not depend on (a, b) vs (b, a).
    flip = rng.random(len(edges)) < 0.5
    arr[flip] = arr[flip][:, ::-1]
    pref[flip] = pref[flip][:, ::-1]
    return PeerProblem(n, arr, weights, pref if draw(st.booleans()) else None)


def check_matching(problem: PeerProblem, solution) -> None:
    edges = {tuple(sorted(map(int, e))) for e in problem.edges}
    seen: set[int] = set()
    for a, b in solution.pairs.tolist():
        assert (a, b) in edges, "a pair outside the candidate graph"
        assert a not in seen and b not in seen, "someone is paired twice"
        seen |= {a, b}
        assert solution.partner[a] == b and solution.partner[b] == a
    assert len(solution.reasons) == problem.n


def brute(problem: PeerProblem) -> float:
    """The largest total weight over every matching."""
    edges = [tuple(map(int, e)) for e in problem.edges]
    return max(float(sum(problem.weights[e] for e in m)) for m in all_matchings(problem.n, edges))


@pytest.mark.parametrize("exact_edges", [peer.EXACT_EDGES, -1])
@settings(max_examples=120, deadline=None)
@given(problem=graphs())
def test_optimal_against_all_matchings(problem, exact_edges) -> None:
    total = brute(problem)
    old = peer.EXACT_EDGES
    peer.EXACT_EDGES = exact_edges
    try:
        solution = solve_peers(problem)
    finally:
        peer.EXACT_EDGES = old
    check_matching(problem, solution)
    assert solution.bound >= total - 1e-6, "the bound is below the optimum"
    if exact_edges > 0:
        assert solution.status == "optimal"
        assert solution.weight == pytest.approx(total, abs=1e-9)
    else:
        # Relaxation + rounding: never better than the optimum, honest gap.
        assert solution.weight <= total + 1e-9
        if solution.status == "optimal":
            assert solution.weight == pytest.approx(total, abs=1e-6)


def is_stable(problem: PeerProblem, partner: np.ndarray) -> bool:
    """Independent check from the definition, with the raw preference matrix."""
    pref: dict[tuple[int, int], float] = {}
    for e, (a, b) in enumerate(problem.edges.tolist()):
        pa, pb = (
            (problem.weights[e], problem.weights[e])
            if problem.preference is None
            else (problem.preference[e, 0], problem.preference[e, 1])
        )
        pref[(a, b)], pref[(b, a)] = pa, pb

    def wants(x: int, y: int) -> bool:
        c = int(partner[x])
        return c < 0 or (pref[(x, y)], -y) > (pref[(x, c)], -c)

    return not any(
        partner[a] != b and wants(a, b) and wants(b, a) for a, b in problem.edges.tolist()
    )


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_stable_roommates_against_brute_force(problem) -> None:
    edges = [tuple(map(int, e)) for e in problem.edges]
    stable_exists = False
    for m in all_matchings(problem.n, edges):
        partner = np.full(problem.n, -1)
        for e in m:
            a, b = edges[e]
            partner[a], partner[b] = b, a
        if is_stable(problem, partner):
            stable_exists = True
            break
    solution = solve_peers(problem, method="stable")
    if stable_exists:
        assert solution.status == "stable"
        check_matching(problem, solution)
        assert is_stable(problem, solution.partner)
    else:
        assert solution.status == "no_stable"
        assert solution.matched == 0


def test_a_classic_instance_without_a_stable_matching() -> None:
    # Three people each preferring the next, all preferring each other to the fourth.
    edges = np.array([[0, 1], [1, 2], [0, 2], [0, 3], [1, 3], [2, 3]])
    pref = np.array([[3, 1], [3, 1], [1, 3], [0, 3], [0, 2], [0, 1]], dtype=float)
    solution = solve_peers(PeerProblem(4, edges, np.ones(6), pref), method="stable")
    assert solution.status == "no_stable"


def test_larger_graph_bound_and_gap_are_honest() -> None:
    rng = np.random.default_rng(5)
    n = 600
    a = rng.integers(0, n, 6000)
    b = rng.integers(0, n, 6000)
    keep = a != b
    key = np.unique(np.minimum(a, b)[keep] * n + np.maximum(a, b)[keep])
    edges = np.column_stack([key // n, key % n])
    weights = rng.random(edges.shape[0])
    problem = PeerProblem(n, edges, weights)
    relaxed = solve_peers(problem)
    assert relaxed.status in ("feasible", "optimal")
    check_matching(problem, relaxed)
    old = peer.EXACT_EDGES
    peer.EXACT_EDGES = 10**9
    try:
        exact = solve_peers(problem)
    finally:
        peer.EXACT_EDGES = old
    assert relaxed.bound >= exact.weight - 1e-9
    assert relaxed.weight <= exact.weight + 1e-9
    assert relaxed.gap < 0.02


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 2, "edges": [[0, 2]], "weights": [1.0]}, r"edges\[0, 1\] = 2: not a person"),
        ({"n": 2, "edges": [[1, 1]], "weights": [1.0]}, r"edges\[0\] = \(1, 1\): a self-pair"),
        ({"n": 3, "edges": [[0, 1], [1, 0]], "weights": [1, 2]}, r"edges\[0\] .* more than once"),
        ({"n": 2, "edges": [[0, 1]], "weights": [np.nan]}, r"weights\[0\] = nan"),
        ({"n": 2, "edges": [[0, 1]], "weights": [1, 2]}, r"weights has shape \(2,\)"),
        ({"n": -1, "edges": [], "weights": []}, r"n = -1"),
    ],
)
def test_bad_input_names_the_entry(kwargs, message) -> None:
    with pytest.raises(MatchingInputError, match=message):
        solve_peers(
            PeerProblem(kwargs["n"], np.asarray(kwargs["edges"]), np.asarray(kwargs["weights"]))
        )
