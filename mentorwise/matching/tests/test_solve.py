"""Solver contract: optimality, feasibility, stability, determinism, reasons for bad input."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorwise.matching import MatchingInputError, solve
from mentorwise.matching.problem import CandidateGraph, graph_from_inputs

from .reference import reference_optimum

METHODS = ["optimal", "stable", "greedy"]


@st.composite
def instances(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Small random problems: forbidden pairs, zero capacities, more mentees than seats."""
    n = draw(st.integers(1, 7))
    m = draw(st.integers(1, 5))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    # Coarse scores create ties, which is where tie-breaking and optimality bugs hide.
    scores = rng.integers(-3, 10, size=(n, m)).astype(float) / draw(st.sampled_from([1, 4, 7]))
    capacities = rng.integers(0, 3, size=m)
    allowed = rng.random((n, m)) < draw(st.sampled_from([0.4, 0.8, 1.0]))
    return scores, capacities, allowed


def assert_feasible(result, scores_shape, capacities, allowed=None) -> None:
    pairs = result.pairs
    n, m = scores_shape
    assert pairs.shape[1] == 2
    assert len(np.unique(pairs[:, 0])) == len(pairs), "a mentee is matched twice"
    load = np.bincount(pairs[:, 1], minlength=m)
    assert (load <= capacities).all(), "a mentor is over capacity"
    if allowed is not None and len(pairs):
        assert allowed[pairs[:, 0], pairs[:, 1]].all(), "a forbidden pair was used"
    matched = set(pairs[:, 0].tolist())
    assert sorted(matched | set(result.unmatched.tolist())) == list(range(n))
    assert not matched & set(result.unmatched.tolist())


@settings(max_examples=100, deadline=None)
@given(instances())
def test_optimal_equals_brute_force_reference(instance) -> None:
    scores, capacities, allowed = instance
    card, total = reference_optimum(scores, capacities, allowed)
    result = solve(scores, capacities, allowed=allowed)
    assert_feasible(result, scores.shape, capacities, allowed)
    assert result.matched == card
    assert result.total_score == pytest.approx(total, abs=1e-9)
    assert result.upper_bound is not None
    assert result.upper_bound >= result.total_score
    assert result.upper_bound - result.total_score < 1e-6


@settings(max_examples=100, deadline=None)
@given(instances())
def test_optimal_on_sparse_candidates_equals_reference(instance) -> None:
    scores, capacities, allowed = instance
    rows, cols = np.nonzero(allowed)
    # Stored entries are the candidates; stored zeros are valid scores and must be kept.
    values = scores[rows, cols]
    sparse = sp.csr_array((values, (rows, cols)), shape=scores.shape)
    card, total = reference_optimum(scores, capacities, allowed)
    result = solve(sparse, capacities, certify=True)
    assert_feasible(result, scores.shape, capacities, allowed)
    assert (result.matched, pytest.approx(total, abs=1e-9)) == (card, result.total_score)


def test_stored_zero_is_a_valid_candidate() -> None:
    sparse = sp.csr_array((np.array([0.0]), (np.array([0]), np.array([1]))), shape=(1, 2))
    result = solve(sparse, [1, 1])
    assert result.pairs.tolist() == [[0, 1]]


def test_cardinality_comes_before_score() -> None:
    # Mentee 0 alone would take mentor 0 (score 10); matching both needs 0 -> 1.
    scores = np.array([[10.0, 1.0], [2.0, -5.0]])
    allowed = np.array([[True, True], [True, False]])
    result = solve(scores, [1, 1], allowed=allowed)
    assert result.pairs.tolist() == [[0, 1], [1, 0]]
    assert result.total_score == pytest.approx(3.0)


def test_min_score_forbids_low_pairs() -> None:
    scores = np.array([[0.9, 0.2], [0.1, 0.05]])
    result = solve(scores, [1, 1], min_score=0.15)
    assert result.pairs.tolist() == [[0, 0]]
    assert result.unmatched.tolist() == [1]


@settings(max_examples=60, deadline=None)
@given(instances(), st.sampled_from(METHODS))
def test_capacities_and_forbidden_pairs_are_never_violated(instance, method) -> None:
    scores, capacities, allowed = instance
    result = solve(scores, capacities, method=method, allowed=allowed)
    assert_feasible(result, scores.shape, capacities, allowed)


def _prefers(score_row: np.ndarray, a: int, b: int | None) -> bool:
    """Does this side prefer index ``a`` to ``b`` (None = nobody)? Higher score, lower index."""
    if b is None:
        return True
    return (score_row[a], -a) > (score_row[b], -b)


@settings(max_examples=80, deadline=None)
@given(instances(), st.booleans())
def test_stable_has_no_blocking_pair_checked_pair_by_pair(instance, own_mentor_view) -> None:
    scores, capacities, allowed = instance
    rng = np.random.default_rng(int(abs(scores).sum() * 1000) % 2**32)
    mentor_scores = rng.integers(0, 4, size=scores.shape).astype(float) if own_mentor_view else None
    result = solve(
        scores, capacities, method="stable", allowed=allowed, mentor_scores=mentor_scores
    )
    assert_feasible(result, scores.shape, capacities, allowed)
    mentor_view = scores if mentor_scores is None else mentor_scores
    mentor_of = {int(i): int(j) for i, j in result.pairs}
    held: dict[int, list[int]] = {}
    for i, j in result.pairs:
        held.setdefault(int(j), []).append(int(i))
    n, m = scores.shape
    for i in range(n):
        for j in range(m):
            if not allowed[i, j] or capacities[j] == 0 or mentor_of.get(i) == j:
                continue
            mentee_wants = _prefers(scores[i], j, mentor_of.get(i))
            holders = held.get(j, [])
            if len(holders) < capacities[j]:
                mentor_wants = True
            else:
                mentor_wants = any(_prefers(mentor_view[:, j], i, h) for h in holders)
            assert not (mentee_wants and mentor_wants), f"({i}, {j}) blocks"


@settings(max_examples=80, deadline=None)
@given(instances())
def test_stable_equals_greedy_when_both_sides_rank_by_the_same_scores(instance) -> None:
    scores, capacities, allowed = instance
    stable = solve(scores, capacities, method="stable", allowed=allowed)
    greedy = solve(scores, capacities, method="greedy", allowed=allowed)
    assert stable.pairs.tolist() == greedy.pairs.tolist()


@pytest.mark.parametrize("method", METHODS)
def test_same_input_gives_same_output(method) -> None:
    rng = np.random.default_rng(3)
    scores = rng.integers(0, 5, size=(60, 20)).astype(float)  # many ties
    capacities = rng.integers(0, 4, size=20)
    first = solve(scores, capacities, method=method)
    for _ in range(3):
        again = solve(scores.copy(), capacities.copy(), method=method)
        assert again.pairs.tolist() == first.pairs.tolist()
        assert again.total_score == first.total_score


def test_larger_dense_instance_matches_scipy_reference() -> None:
    rng = np.random.default_rng(11)
    scores = rng.random((120, 40))
    capacities = rng.integers(0, 4, size=40)
    allowed = rng.random((120, 40)) < 0.7
    card, total = reference_optimum(scores, capacities, allowed)
    result = solve(scores, capacities, allowed=allowed)
    assert result.matched == card
    assert result.total_score == pytest.approx(total, abs=1e-8)


def test_empty_and_degenerate_inputs() -> None:
    assert solve(np.zeros((0, 3)), [1, 1, 1]).matched == 0
    result = solve(np.zeros((3, 0)), np.zeros(0, dtype=int))
    assert result.unmatched.tolist() == [0, 1, 2]
    result = solve(np.ones((2, 2)), [0, 0])
    assert result.matched == 0
    assert result.unmatched.tolist() == [0, 1]


# -------------------------------------------------------------------------------- bad input


BAD_INPUTS = [
    ({"scores": np.array([[1.0, np.nan]]), "capacities": [1, 1]}, r"scores\[0, 1\] = nan"),
    ({"scores": np.array([[1.0], [np.inf]]), "capacities": [1]}, r"scores\[1, 0\] = inf"),
    (
        {"scores": sp.csr_array(np.array([[0.0, 2.0], [np.nan, 0.0]])), "capacities": [1, 1]},
        r"scores\[1, 0\] = nan",
    ),
    ({"scores": np.ones((2, 3)), "capacities": [1, -1, 2]}, r"capacities\[1\] = -1: must be >= 0"),
    ({"scores": np.ones((2, 3)), "capacities": [1, 1.5, 2]}, r"capacities\[1\] = 1.5: must be an"),
    ({"scores": np.ones((2, 3)), "capacities": [1, 2]}, r"capacities has 2 entries .* 3 mentor"),
    ({"scores": np.ones((2, 3)), "capacities": [[1, 2, 3]]}, r"capacities must be a 1-D"),
    ({"scores": np.ones((2, 3)), "capacities": ["a", "b", "c"]}, r"capacities must be integers"),
    ({"scores": np.ones(3), "capacities": [1, 1, 1]}, r"scores must be a 2-D array"),
    ({"scores": [["x"]], "capacities": [1]}, r"scores must hold real numbers"),
    (
        {"scores": np.ones((2, 3)), "capacities": [1, 1, 1], "allowed": np.ones((3, 2), bool)},
        r"allowed has shape \(3, 2\) but scores has shape \(2, 3\)",
    ),
    (
        {"scores": np.ones((2, 3)), "capacities": [1, 1, 1], "allowed": np.ones((2, 3))},
        r"allowed must be a boolean mask",
    ),
    (
        {"scores": np.ones((2, 3)), "capacities": [1, 1, 1], "mentor_scores": np.ones((2, 2))},
        r"mentor_scores has shape \(2, 2\)",
    ),
    (
        {
            "scores": np.ones((2, 3)),
            "capacities": [1, 1, 1],
            "mentor_scores": np.full((2, 3), np.nan),
        },
        r"mentor_scores\[0, 0\] = nan",
    ),
    ({"scores": np.ones((2, 3)), "capacities": [1, 1, 1], "min_score": np.nan}, r"min_score = nan"),
    ({"scores": np.ones((2, 3)), "capacities": [1, 1, 1], "method": "best"}, r"method = 'best'"),
]


@pytest.mark.parametrize(("kwargs", "message"), BAD_INPUTS)
def test_bad_input_is_refused_with_a_message_naming_it(kwargs, message) -> None:
    with pytest.raises(MatchingInputError, match=message):
        solve(**kwargs)


def test_input_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="must be >= 0"):
        solve(np.ones((1, 1)), [-2])


def test_sparse_mentor_scores_must_cover_candidates() -> None:
    scores = sp.csr_array(np.array([[1.0, 2.0]]))
    mentor_scores = sp.csr_array(np.array([[1.0, 0.0]]))
    with pytest.raises(MatchingInputError, match=r"no entry for candidate pair \(0, 1\)"):
        solve(scores, [1, 1], method="stable", mentor_scores=mentor_scores)


def test_graph_drops_zero_capacity_mentors_and_forbidden_pairs() -> None:
    scores = np.arange(6.0).reshape(2, 3)
    allowed = np.array([[True, False, True], [True, True, True]])
    graph: CandidateGraph = graph_from_inputs(scores, allowed, 1.0, None, np.array([1, 0, 1]))
    assert list(zip(graph.rows.tolist(), graph.cols.tolist(), strict=True)) == [
        (0, 2),
        (1, 0),
        (1, 2),
    ]


def test_vectorised_blocking_pair_check_agrees_with_the_definition() -> None:
    from mentorwise.matching.solvers.stable import blocking_pairs

    # Optimal pairs 0-1 and 1-0 (total 1.65); mentee 0 and mentor 0 both prefer each other.
    scores = np.array([[0.9, 0.8], [0.85, 0.1]])
    capacities = np.array([1, 1])
    graph = graph_from_inputs(scores, None, None, None, capacities)
    for method, expected in (("stable", []), ("optimal", [(0, 0)])):
        result = solve(scores, capacities, method=method)
        chosen = result.mentor_of[graph.rows] == graph.cols
        blocking = blocking_pairs(graph, capacities, chosen)
        found = list(zip(graph.rows[blocking].tolist(), graph.cols[blocking].tolist(), strict=True))
        assert found == expected


def test_oracle_input_rules() -> None:
    from mentorwise.matching.problem import DenseOracle

    scores = np.array([[0.9, 0.1], [0.2, 0.3]])
    oracle = DenseOracle(scores, None, None, np.array([1, 1]), block_size=1)
    with pytest.raises(MatchingInputError, match="allowed must be None when scores is a"):
        solve(oracle, [1, 1], allowed=np.ones((2, 2), bool))
    with pytest.raises(MatchingInputError, match=r"capacities\[0\] = -1"):
        solve(oracle, [-1, 1])
    result = solve(oracle, [1, 1], min_score=0.25, certify=True)
    assert result.pairs.tolist() == [[0, 0], [1, 1]]
    assert result.certified
