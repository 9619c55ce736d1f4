"""Dual prices and column generation prove the dense optimum without a dense graph."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorwise.matching import solve
from mentorwise.matching.problem import DenseOracle, Quantizer, graph_from_inputs
from mentorwise.matching.solvers.flow import dual_prices, flow_on_graph, solve_graph, solve_oracle

from .reference import reference_optimum


def _noop(stage: str, done: int, total: int) -> None:
    pass


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 30), st.integers(1, 12))
def test_dual_prices_are_feasible_and_complementary(seed, n, m) -> None:
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 6, size=(n, m)) / 5.0
    capacities = rng.integers(0, 3, size=m)
    allowed = rng.random((n, m)) < 0.6
    graph = graph_from_inputs(scores, allowed, None, None, capacities)
    if graph.n_arcs == 0:
        return
    quant = Quantizer(graph.scores.min(), graph.scores.max(), n)
    chosen = flow_on_graph(graph, capacities, quant)
    u, v = dual_prices(graph, chosen, capacities, quant)
    w = quant.big + quant.q(graph.scores)
    assert (u >= 0).all() and (v >= 0).all()
    slack = u[graph.rows] + v[graph.cols] - w
    assert (slack >= 0).all(), "dual infeasible on a candidate arc"
    assert (slack[chosen] == 0).all(), "a chosen arc is not tight"
    matched = np.zeros(n, bool)
    matched[graph.rows[chosen]] = True
    assert (u[~matched] == 0).all()
    load = np.bincount(graph.cols[chosen], minlength=m)
    assert (v[load < capacities] == 0).all()
    # Strong duality: the dual objective equals the primal one.
    primal = int(w[chosen].sum())
    dual = int(u.sum()) + int((capacities * v).sum())
    assert dual == primal


@pytest.mark.parametrize("seed", range(6))
def test_column_generation_equals_dense_optimum(seed) -> None:
    rng = np.random.default_rng(seed)
    n, m = 300, 90
    scores = rng.random((n, m)) * rng.random((1, m))  # popular mentors crowd the top lists
    capacities = rng.integers(0, 4, size=m)
    allowed = rng.random((n, m)) < 0.8
    oracle = DenseOracle(scores, allowed, 0.05, capacities, block_size=64)
    # One candidate per side forces several pricing rounds.
    result = solve_oracle(
        oracle, capacities, certify=True, progress=_noop, top_mentors=1, top_mentees=1
    )
    full = solve_graph(
        graph_from_inputs(scores, allowed, 0.05, None, capacities), capacities, False, _noop
    )
    mask = allowed & (scores >= 0.05)
    card, total = reference_optimum(scores, capacities, mask)
    assert result.certified
    assert result.rounds > 1
    assert result.matched == full.matched == card
    assert result.total_score == pytest.approx(total, abs=1e-8)
    assert result.upper_bound >= result.total_score - 1e-12
    assert result.upper_bound - result.total_score < 1e-6


@pytest.mark.parametrize("seed", range(4))
def test_every_round_reports_a_proven_upper_bound(seed) -> None:
    rng = np.random.default_rng(100 + seed)
    scores = rng.random((200, 60)) ** 3
    capacities = rng.integers(1, 3, size=60)
    _, optimum = reference_optimum(scores, capacities)
    oracle = DenseOracle(scores, None, None, capacities, block_size=50)
    result = solve_oracle(
        oracle, capacities, certify=True, progress=_noop, top_mentors=1, top_mentees=0
    )
    assert result.total_score == pytest.approx(optimum, abs=1e-8)
    for round_ in result.history:
        if not np.isnan(round_["upper_bound"]):
            assert round_["upper_bound"] >= optimum - 1e-9
            assert round_["total"] <= optimum + 1e-9


def test_uncertified_run_stops_within_the_gap_tolerance() -> None:
    rng = np.random.default_rng(5)
    scores = rng.random((400, 100))
    capacities = rng.integers(1, 4, size=100)
    oracle = DenseOracle(scores, None, None, capacities, block_size=100)
    result = solve_oracle(
        oracle, capacities, certify=False, progress=_noop, gap_tolerance=1e-3, top_mentors=2
    )
    assert result.upper_bound is not None
    assert result.gap is not None and result.gap <= 1e-3
    _, optimum = reference_optimum(scores, capacities)
    assert result.total_score <= optimum + 1e-9 <= result.upper_bound + 2e-9


def test_large_dense_input_goes_through_column_generation_and_stays_exact() -> None:
    rng = np.random.default_rng(9)
    scores = rng.random((2100, 1000))
    capacities = rng.integers(0, 3, size=1000)
    progress: list[str] = []
    result = solve(scores, capacities, progress=lambda stage, d, t: progress.append(stage))
    assert {"candidates", "flow", "pricing"} <= set(progress)
    assert result.certified
    full = solve_graph(
        graph_from_inputs(scores, None, None, None, capacities), capacities, False, _noop
    )
    assert result.matched == full.matched
    assert result.total_score == pytest.approx(full.total_score, abs=1e-8)
