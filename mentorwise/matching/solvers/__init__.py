"""The public entry point :func:`solve` and its dispatch to the three methods."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..errors import MatchingInputError
from ..problem import (
    METHODS,
    CandidateGraph,
    DenseOracle,
    MatchResult,
    ProgressCallback,
    ScoreOracle,
    _noop_progress,
    check_allowed,
    check_capacities,
    check_min_score,
    check_scores,
    graph_from_inputs,
)
from .flow import initial_candidates, solve_graph, solve_oracle
from .stable import deferred_acceptance, greedy

# Dense inputs with more pairs than this are solved by column generation over the matrix
# (candidate graph + dual pricing) instead of one flow over every pair: same exact optimum,
# far less memory and time from about 1,000 x 250 up.
DENSE_GRAPH_LIMIT = 250_000


def solve(
    scores: Any,
    capacities: Any,
    method: str = "optimal",
    allowed: Any = None,
    min_score: float | None = None,
    mentor_scores: Any = None,
    certify: bool = False,
    progress: ProgressCallback | None = None,
) -> MatchResult:
    """Match mentees (rows) to mentors (columns) within mentor capacities.

    ``scores`` is a dense array, a ``scipy.sparse`` matrix whose stored entries are the
    candidate pairs (a stored 0 is a valid score), or a :class:`ScoreOracle` (block scorer,
    e.g. from :mod:`mentorwise.matching.scoring`) for problems too large to hold.

    * ``"optimal"``: among assignments matching the most mentees, one with the largest total
      score — exact (see :mod:`.flow` for the quantisation bound). Dense and sparse inputs are
      always solved exactly; an oracle is solved exactly with ``certify=True`` and otherwise
      to a proven relative gap of 5e-4 (0.05%).
    * ``"stable"``: mentee-proposing deferred acceptance; no blocking candidate pair.
    * ``"greedy"``: highest score first while capacity lasts.

    Raises :class:`MatchingInputError` (a ``ValueError``) naming the bad input. Deterministic.
    """
    started = time.perf_counter()
    if method not in METHODS:
        raise MatchingInputError(f"method = {method!r}: must be one of {', '.join(METHODS)}")
    report = progress or _noop_progress
    min_value = check_min_score(min_score)
    if isinstance(scores, ScoreOracle):
        result = _solve_oracle(
            scores, capacities, method, allowed, min_value, mentor_scores, certify, report
        )
    else:
        checked = check_scores("scores", scores)
        n, m = checked.shape
        caps = check_capacities(capacities, m)
        mask = check_allowed(allowed, (n, m))
        ms = None
        if mentor_scores is not None:
            ms = check_scores("mentor_scores", mentor_scores)
            if ms.shape != (n, m):
                raise MatchingInputError(
                    f"mentor_scores has shape {ms.shape} but scores has shape {(n, m)}"
                )
        dense_large = not sp.issparse(checked) and method == "optimal" and n * m > DENSE_GRAPH_LIMIT
        if dense_large:
            dense_mask = mask
            if mask is not None and not isinstance(mask, np.ndarray):
                dense_mask = mask.toarray().astype(bool)
            oracle = DenseOracle(checked, dense_mask, min_value, caps)
            result = solve_oracle(oracle, caps, certify=True, progress=report)
        else:
            graph = graph_from_inputs(checked, mask, min_value, ms, caps)
            result = _solve_graph(graph, caps, method, certify, report)
    timings = dict(result.timings)
    timings["total"] = time.perf_counter() - started
    return replace(result, timings=timings)


def _solve_graph(
    graph: CandidateGraph,
    caps: np.ndarray,
    method: str,
    certify: bool,
    progress: ProgressCallback,
) -> MatchResult:
    if method == "optimal":
        return solve_graph(graph, caps, certify, progress)
    t = time.perf_counter()
    chosen = (
        deferred_acceptance(graph, caps, progress) if method == "stable" else greedy(graph, caps)
    )
    rows, cols = graph.rows[chosen], graph.cols[chosen]
    matched = np.zeros(graph.n_mentees, dtype=bool)
    matched[rows] = True
    return MatchResult(
        pairs=np.column_stack([rows, cols]).astype(np.int64).reshape(-1, 2),
        total_score=float(np.sum(graph.scores[chosen], dtype=np.float64)),
        unmatched=np.flatnonzero(~matched).astype(np.int64),
        upper_bound=None,
        method=method,
        n_mentees=graph.n_mentees,
        n_mentors=graph.n_mentors,
        n_candidates=graph.n_arcs,
        timings={method: time.perf_counter() - t},
    )


def _solve_oracle(
    oracle: ScoreOracle,
    capacities: Any,
    method: str,
    allowed: Any,
    min_score: float | None,
    mentor_scores: Any,
    certify: bool,
    progress: ProgressCallback,
) -> MatchResult:
    caps = check_capacities(capacities, oracle.n_mentors)
    if allowed is not None:
        raise MatchingInputError(
            "allowed must be None when scores is a ScoreOracle: the oracle encodes forbidden "
            "pairs as -inf"
        )
    if mentor_scores is not None:
        raise MatchingInputError("mentor_scores is not supported with a ScoreOracle")
    source: ScoreOracle = oracle if min_score is None else _MinScoreOracle(oracle, min_score)
    if method == "optimal":
        return solve_oracle(source, caps, certify=certify, progress=progress)
    # Stable and greedy run on the two-sided candidate graph (top mentors of each mentee and
    # top mentees of each mentor): their answers are defined relative to those pairs.
    graph = initial_candidates(source, caps, 16, 16, progress)
    return _solve_graph(graph, caps, method, certify, progress)


class _MinScoreOracle:
    """Wraps an oracle so scores below ``min_score`` become forbidden (-inf)."""

    def __init__(self, inner: ScoreOracle, min_score: float) -> None:
        self.inner = inner
        self.min_score = min_score
        self.n_mentees = inner.n_mentees
        self.n_mentors = inner.n_mentors
        self.block_size = inner.block_size

    def block(self, start: int, stop: int) -> np.ndarray:
        s = self.inner.block(start, stop)
        s[s < self.min_score] = -np.inf
        return s

    def score_range(self) -> tuple[float, float]:
        return self.inner.score_range()
