"""Exact "optimal" matching: min-cost flow, dual prices and column generation.

Objective (lexicographic): first match as many mentees as possible, then maximise the total
score. As a linear program over the bipartite b-matching polytope (integral, so the LP optimum
is the integer optimum) with weights ``w = BIG + q`` (``q`` = quantised score >= 0, ``BIG``
larger than any total of quantised scores)::

    max  sum w_ij x_ij   s.t.  sum_j x_ij <= 1,  sum_i x_ij <= c_j,  x >= 0
    dual min  sum_i u_i + sum_j c_j v_j   s.t.  u_i + v_j >= w_ij,  u, v >= 0

The flow (OR-Tools ``SimpleMinCostFlow.solve_max_flow_with_min_cost``: maximum flow, then
minimum cost among maximum flows; mentor capacities on the mentor->sink arcs, no slot
duplication) solves the primal on a candidate graph. OR-Tools does not expose node
potentials, so :func:`dual_prices` derives them from the optimal flow: by complementary
slackness ``u_i = w_{i,m(i)} - v_{m(i)}`` for matched mentees and ``u_i = 0`` otherwise, which
turns dual feasibility into difference constraints on the mentor prices ``v`` alone, solved as
shortest paths (Bellman-Ford) from a zero node. Any dual solution that is feasible for *all*
pairs bounds the optimum (weak duality); :func:`_price_blocks` re-scores every pair block by
block, raises ``u_i`` just enough to cover the pairs the candidate graph lacked (a proven
bound) and returns the pairs with positive reduced cost to add (column generation). When
none is left, the candidate optimum is the dense optimum.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

import numpy as np
from ortools.graph.python import min_cost_flow

from ..problem import (
    CandidateGraph,
    MatchResult,
    ProgressCallback,
    Quantizer,
    ScoreOracle,
    iter_blocks,
)

_UNREACHED = np.int64(2**62)

T = TypeVar("T")  # what a block's work returns (_map_blocks)


def flow_on_graph(graph: CandidateGraph, capacities: np.ndarray, quant: Quantizer) -> np.ndarray:
    """Solve max-cardinality / max-score on the candidate arcs; return the chosen-arc mask.

    Exact for the quantised scores: OR-Tools' min-cost flow is exact on integers.
    """
    n, m = graph.n_mentees, graph.n_mentors
    e = graph.n_arcs
    if e == 0:
        return np.zeros(0, dtype=bool)
    source, sink = n + m, n + m + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    # Arc order: mentee arcs first so their flows are read back by index 0..e-1.
    tails = np.concatenate([graph.rows, np.full(n, source), n + np.arange(m)])
    heads = np.concatenate([n + graph.cols, np.arange(n), np.full(m, sink)])
    caps = np.concatenate([np.ones(e, np.int64), np.ones(n, np.int64), capacities.astype(np.int64)])
    costs = np.concatenate([-quant.q(graph.scores), np.zeros(n + m, np.int64)])
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int64), heads.astype(np.int64), caps, costs
    )
    supply = int(min(n, int(capacities.sum())))
    flow.set_node_supply(source, supply)
    flow.set_node_supply(sink, -supply)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    used: np.ndarray = flow.flows(np.arange(e, dtype=np.int64)) > 0  # OR-Tools is untyped
    return used


def _bellman_ford(
    n_nodes: int, tails: np.ndarray, heads: np.ndarray, weights: np.ndarray, source: int
) -> np.ndarray:
    """Shortest distances (int64, exact) from ``source``; raises if a negative cycle exists.

    Vectorised Jacobi relaxation over edges grouped by head, parallel edges reduced to the
    cheapest first. The number of passes is the edge depth of the shortest-path tree, which is
    small on matching residual graphs (tens of passes for 100,000 x 20,000).
    """
    key = heads * np.int64(n_nodes) + tails
    order = np.argsort(key, kind="stable")
    key = key[order]
    weights = weights[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    weights = np.minimum.reduceat(weights, starts)
    key = key[starts]
    tails = key % n_nodes
    heads = key // n_nodes
    group = np.flatnonzero(np.r_[True, heads[1:] != heads[:-1]])
    group_heads = heads[group]
    dist = np.full(n_nodes, _UNREACHED, dtype=np.int64)
    dist[source] = 0
    for _ in range(n_nodes + 1):
        reached = dist[tails] < _UNREACHED
        cand = np.where(reached, dist[tails] + weights, _UNREACHED)
        best = np.minimum.reduceat(cand, group)
        better = best < dist[group_heads]
        if not better.any():
            return dist
        dist[group_heads[better]] = best[better]
    raise RuntimeError("negative cycle in the residual graph: the flow is not optimal")


def dual_prices(
    graph: CandidateGraph, chosen: np.ndarray, capacities: np.ndarray, quant: Quantizer
) -> tuple[np.ndarray, np.ndarray]:
    """Optimal dual prices ``(u, v)`` (int64) of the candidate LP, from its optimal flow.

    Guarantees: ``u, v >= 0``; ``u_i + v_j >= BIG + q_ij`` on every candidate arc, with
    equality on chosen arcs; ``u_i = 0`` for unmatched mentees and ``v_j = 0`` for mentors
    with spare capacity (complementary slackness), so the dual objective equals the primal.
    """
    n, m = graph.n_mentees, graph.n_mentors
    big = quant.big
    w = big + quant.q(graph.scores)
    mentor_of = np.full(n, -1, dtype=np.int64)
    mentor_of[graph.rows[chosen]] = graph.cols[chosen]
    w_of = np.zeros(n, dtype=np.int64)
    w_of[graph.rows[chosen]] = w[chosen]
    load = np.bincount(graph.cols[chosen], minlength=m)
    zero = m  # node m is the zero-price reference
    row_mentor = mentor_of[graph.rows]
    matched_arc = row_mentor >= 0
    other = matched_arc & ~chosen
    unmatched_arc = ~matched_arc
    not_full = np.flatnonzero((load < capacities) & (capacities > 0))
    tails = np.concatenate(
        [
            graph.cols[other],  # u_i >= w_ij - v_j with u_i = w_im - v_m
            graph.cols[unmatched_arc],  # unmatched: v_j >= w_ij
            np.arange(m),  # v_j >= 0
            np.full(not_full.shape[0], zero),  # spare capacity: v_j <= 0
            np.full(int(chosen.sum()), zero),  # u_i >= 0: v_m <= w_im
        ]
    )
    heads = np.concatenate(
        [
            row_mentor[other],
            np.full(int(unmatched_arc.sum()), zero),
            np.full(m, zero),
            not_full,
            graph.cols[chosen],
        ]
    )
    weights = np.concatenate(
        [
            w_of[graph.rows[other]] - w[other],
            -w[unmatched_arc],
            np.zeros(m, np.int64),
            np.zeros(not_full.shape[0], np.int64),
            w[chosen],
        ]
    ).astype(np.int64)
    dist = _bellman_ford(m + 1, tails.astype(np.int64), heads.astype(np.int64), weights, zero)
    if dist[zero] != 0:
        raise RuntimeError("dual prices infeasible: the flow is not optimal")
    v = dist[:m].copy()
    v[v >= _UNREACHED] = 0  # mentors of capacity 0: no arcs, price irrelevant (c_j = 0)
    u = np.zeros(n, dtype=np.int64)
    matched = mentor_of >= 0
    u[matched] = w_of[matched] - v[mentor_of[matched]]
    return u, v


def _bound_from_duals(
    u: np.ndarray, v: np.ndarray, capacities: np.ndarray, k: int, quant: Quantizer
) -> float | None:
    """Proven upper bound on the float total of a max-cardinality assignment, or None.

    ``W = sum u + sum c v`` bounds ``BIG * k* + q_total`` for every assignment. Any assignment
    with ``k + 1`` pairs weighs at least ``(k + 1) BIG``; if ``W`` is below that, no assignment
    matches more than ``k`` mentees, so the optimum has exactly ``k`` pairs and its quantised
    total is at most ``W - k BIG``. Python integers avoid int64 overflow in the sums.
    """
    w_total = sum(int(x) for x in u) + sum(
        int(c) * int(p) for c, p in zip(capacities, v, strict=True) if c
    )
    if w_total >= (k + 1) * quant.big:
        return None
    q_bound = w_total - k * quant.big
    return q_bound * quant.step + k * quant.lo + quant.slack(k)


def _result(
    graph: CandidateGraph,
    chosen: np.ndarray,
    method: str,
    upper_bound: float | None,
    certified: bool,
    quant: Quantizer,
    **extra: object,
) -> MatchResult:
    rows = graph.rows[chosen]
    cols = graph.cols[chosen]
    order = np.argsort(rows, kind="stable")
    pairs = np.column_stack([rows[order], cols[order]]).astype(np.int64).reshape(-1, 2)
    matched = np.zeros(graph.n_mentees, dtype=bool)
    matched[rows] = True
    total = float(np.sum(graph.scores[chosen], dtype=np.float64))
    if upper_bound is not None:
        upper_bound = max(upper_bound, total)
    return MatchResult(
        pairs=pairs,
        total_score=total,
        unmatched=np.flatnonzero(~matched).astype(np.int64),
        upper_bound=upper_bound,
        method=method,
        n_mentees=graph.n_mentees,
        n_mentors=graph.n_mentors,
        certified=certified,
        n_candidates=graph.n_arcs,
        score_step=quant.step,
        **extra,  # type: ignore[arg-type]
    )


def _kmax(n: int, capacities: np.ndarray) -> int:
    return int(min(n, int(capacities.sum())))


def solve_graph(
    graph: CandidateGraph,
    capacities: np.ndarray,
    certify: bool,
    progress: ProgressCallback,
) -> MatchResult:
    """Exact optimum on a given candidate graph (the graph *is* the set of allowed pairs).

    The flow is optimal for the quantised scores, so the bound is the quantised total plus the
    rounding slack. With ``certify=True`` the dual prices are also derived and the bound comes
    from LP duality (an independent check of the flow).
    """
    t0 = time.perf_counter()
    lo, hi = (float(graph.scores.min()), float(graph.scores.max())) if graph.n_arcs else (0, 0)
    quant = Quantizer(lo, hi, _kmax(graph.n_mentees, capacities))
    progress("flow", 0, 1)
    chosen = flow_on_graph(graph, capacities, quant)
    progress("flow", 1, 1)
    timings = {"flow": time.perf_counter() - t0}
    k = int(chosen.sum())
    if certify and graph.n_arcs:
        t1 = time.perf_counter()
        u, v = dual_prices(graph, chosen, capacities, quant)
        bound = _bound_from_duals(u, v, capacities, k, quant)
        timings["duals"] = time.perf_counter() - t1
    else:
        q_total = int(np.sum(quant.q(graph.scores[chosen])))
        bound = q_total * quant.step + k * quant.lo + quant.slack(k)
    return _result(graph, chosen, "optimal", bound, True, quant, rounds=1, timings=timings)


# --------------------------------------------------------------------------------------------
# Column generation over a score oracle
# --------------------------------------------------------------------------------------------


def _nonzero2d(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.nonzero`` for a C-contiguous 2-D mask, via the much faster flat variant."""
    flat = np.flatnonzero(mask)
    return flat // mask.shape[1], flat % mask.shape[1]


def _row_top(s: np.ndarray, k: int, stride: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """(row, col) of each row's ``k`` best finite entries; ties to the lower column.

    A threshold from a strided sample is never above the row's true k-th best value (the
    sample's k-th best is reached by k entries of the full row), so filtering by it keeps
    every true top-k entry while touching the full block only with one comparison.
    """
    h, m = s.shape
    if m <= k * stride:
        thr = np.full(h, -np.inf, dtype=s.dtype)
    else:
        sub = s[:, ::stride]
        thr = np.partition(sub, sub.shape[1] - k, axis=1)[:, sub.shape[1] - k]
    # -inf (forbidden) entries never pass a finite threshold.
    floor = np.maximum(thr, np.finfo(np.float32).min).astype(s.dtype)
    rows, cols = _nonzero2d(s >= floor[:, None])
    vals = s[rows, cols]
    order = np.lexsort((cols, -vals, rows))
    rows, cols = rows[order], cols[order]
    rank = np.arange(rows.shape[0]) - np.searchsorted(rows, rows)
    keep = rank < k
    return rows[keep], cols[keep]


class _ColumnTop:
    """Running top-``L`` mentees of every mentor over the blocks (ties to the lower mentee)."""

    def __init__(self, m: int, size: int) -> None:
        self.m = m
        self.size = size
        self.rows = np.zeros(0, np.int64)
        self.cols = np.zeros(0, np.int64)
        self.vals = np.zeros(0, np.float64)
        self.threshold = np.full(m, -np.inf)

    def survivors(self, s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Entries of block ``s`` that may enter some mentor's top list (run in a worker).

        Filtering against a snapshot of the running thresholds is safe: thresholds only rise,
        so an older snapshot keeps a superset of the entries that matter.
        """
        threshold = self.threshold
        if not np.isfinite(threshold).any() and s.shape[0] > self.size:
            # First blocks: a block's own L-th best per mentor never exceeds the final L-th
            # best over all mentees, so it is a safe (and tight) filter.
            part = np.partition(s, s.shape[0] - self.size, axis=0)
            threshold = np.maximum(threshold, part[s.shape[0] - self.size])
        # -inf (forbidden) entries never pass a finite threshold.
        floor = np.maximum(threshold, np.finfo(np.float32).min).astype(s.dtype)
        r, c = _nonzero2d(s >= floor[None, :])
        return r, c, s[r, c].astype(np.float64)

    def merge(self, r: np.ndarray, c: np.ndarray, vals: np.ndarray, start: int) -> None:
        """Merge a block's survivors (consumer side, in block order)."""
        # Running entries (earlier mentees) come first and new ones are in row order, so a
        # stable sort on (mentor, -score) keeps ties ordered by mentee index.
        rows = np.concatenate([self.rows, r + start])
        cols = np.concatenate([self.cols, c])
        vals = np.concatenate([self.vals, vals])
        order = np.lexsort((-vals, cols))
        rows, cols, vals = rows[order], cols[order], vals[order]
        rank = np.arange(cols.shape[0]) - np.searchsorted(cols, cols)
        keep = rank < self.size
        self.rows, self.cols, self.vals = rows[keep], cols[keep], vals[keep]
        last = np.flatnonzero(rank[keep] == self.size - 1)
        threshold = np.full(self.m, -np.inf)
        threshold[self.cols[last]] = self.vals[last]
        self.threshold = threshold


def _map_blocks(
    oracle: ScoreOracle,
    func: Callable[[int, int, np.ndarray], T],
    progress: ProgressCallback,
    stage: str,
) -> Iterator[tuple[int, int, T]]:
    """Apply ``func(start, stop, block)`` to every block, two at a time, results in order.

    numpy and BLAS release the GIL, so two worker threads keep both cores busy on the
    non-BLAS work; results are consumed in block order, so the outcome is deterministic.
    """
    blocks = list(iter_blocks(oracle.n_mentees, oracle.block_size))

    def run(bounds: tuple[int, int]) -> tuple[int, int, T]:
        start, stop = bounds
        return start, stop, func(start, stop, oracle.block(start, stop))

    # At most three blocks in flight: the consumer may be slower than the workers, and an
    # unbounded queue of finished blocks would hold the dense matrix after all.
    with ThreadPoolExecutor(max_workers=2) as pool:
        pending: deque[Future[tuple[int, int, T]]] = deque()
        done = 0
        for bounds in blocks:
            pending.append(pool.submit(run, bounds))
            if len(pending) >= 3:
                yield pending.popleft().result()
                done += 1
                progress(stage, done, len(blocks))
        while pending:
            yield pending.popleft().result()
            done += 1
            progress(stage, done, len(blocks))


def initial_candidates(
    oracle: ScoreOracle,
    capacities: np.ndarray,
    top_mentors: int,
    top_mentees: int,
    progress: ProgressCallback,
) -> CandidateGraph:
    """Candidate graph from both sides: each mentee's top mentors and each mentor's top mentees.

    One pass over the blocks; per-mentor lists are merged block by block, so memory stays at a
    couple of blocks plus ``top_mentees x n_mentors``.
    """
    n, m = oracle.n_mentees, oracle.n_mentors
    closed = capacities == 0
    kk = min(top_mentors, m)
    col_top = _ColumnTop(m, top_mentees)
    row_parts: list[np.ndarray] = []
    col_parts: list[np.ndarray] = []
    val_parts: list[np.ndarray] = []

    def work(
        start: int, stop: int, s: np.ndarray
    ) -> tuple[
        np.ndarray, np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray] | None
    ]:
        if closed.any():
            s[:, closed] = -np.inf
        r, c = _row_top(s, kk) if kk > 0 else (np.zeros(0, np.int64), np.zeros(0, np.int64))
        col = col_top.survivors(s) if top_mentees > 0 else None
        return r, c, s[r, c].astype(np.float64), col

    for start, _stop, (r, c, vals, col) in _map_blocks(oracle, work, progress, "candidates"):
        row_parts.append(r + start)
        col_parts.append(c)
        val_parts.append(vals)
        if col is not None:
            col_rows, col_cols, col_vals = col
            col_top.merge(col_rows, col_cols, col_vals, start)
    row_parts.append(col_top.rows)
    col_parts.append(col_top.cols)
    val_parts.append(col_top.vals)
    rows = np.concatenate(row_parts).astype(np.int64)
    cols = np.concatenate(col_parts).astype(np.int64)
    vals = np.concatenate(val_parts).astype(np.float64)
    return _merge(CandidateGraph(n, m, rows, cols, vals), None)


def _merge(graph: CandidateGraph, extra: CandidateGraph | None) -> CandidateGraph:
    """Union of arcs, sorted by (mentee, mentor), first occurrence kept."""
    if extra is not None:
        graph = CandidateGraph(
            graph.n_mentees,
            graph.n_mentors,
            np.concatenate([graph.rows, extra.rows]),
            np.concatenate([graph.cols, extra.cols]),
            np.concatenate([graph.scores, extra.scores]),
        )
    key = graph.rows * np.int64(graph.n_mentors) + graph.cols
    _, first = np.unique(key, return_index=True)  # sorted unique keys
    return graph.subset(first)


def _price_blocks(
    oracle: ScoreOracle,
    capacities: np.ndarray,
    quant: Quantizer,
    u: np.ndarray,
    v: np.ndarray,
    max_new_per_mentee: int,
    progress: ProgressCallback,
) -> tuple[np.ndarray, CandidateGraph]:
    """Re-score every pair; return (covering mentee prices u', arcs with positive reduced cost).

    ``u'_i = max(u_i, max_j (BIG + q_ij - v_j))`` over all allowed pairs makes ``(u', v)``
    feasible for the full LP, hence ``sum u' + sum c v`` is a proven bound.

    Numerics: the reduced cost in score units is ``s_ij - theta_j - t_i`` where
    ``theta_j = lo + (v_j - BIG)/scale`` and ``t_i = u_i/scale``. Prices sit near 0 or near
    BIG, so both terms can be ~1e5 while their difference is O(1); mentors are therefore split
    in two groups (price above / below BIG/2) with the BIG shifted to the mentee side for the
    second, which keeps float32 terms small. A float32 pass with a margin larger than its
    rounding error (and half a quantisation step) keeps every pair that could have a
    non-negative reduced cost; those few are re-checked exactly in integers, and ``u'`` is
    computed from them exactly (a pair outside the filter has negative reduced cost).
    """
    n, m = oracle.n_mentees, oracle.n_mentors
    closed = capacities == 0
    big = quant.big
    eps = float(np.finfo(np.float32).eps)
    high = v >= big // 2
    groups = []
    for in_group, shift in ((high, big), (~high, 0)):
        if not in_group.any():
            continue
        theta = quant.lo + (v.astype(np.float64) - shift) / quant.scale
        theta[~in_group] = np.inf  # never passes this group's filter
        t = (u.astype(np.float64) - (big - shift)) / quant.scale
        spread = float(np.abs(theta[in_group]).max()) + abs(quant.lo) + abs(quant.hi) + 2.0
        margin = 8 * eps * (spread + np.abs(t)) + 2.0 / quant.scale
        groups.append((theta.astype(np.float32), (t - margin).astype(np.float32)))

    def work(
        start: int, stop: int, s: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        if closed.any():
            s[:, closed] = -np.inf
        s32 = s if s.dtype == np.float32 else s.astype(np.float32)
        mask = None
        for theta32, low in groups:
            hit = np.subtract(s32, theta32) > low[start:stop, None]
            mask = hit if mask is None else mask | hit
        if mask is None:
            empty = np.zeros(0, np.int64)
            return empty, empty, empty, np.zeros(0)
        rr, cc = _nonzero2d(mask)
        rows = rr + start
        vals = s[rr, cc].astype(np.float64)
        gain = big + quant.q(vals) - v[cc]  # BIG + q_ij - v_j, exact
        return rows, cc.astype(np.int64), vals, gain

    u_cover = u.copy()
    new_r: list[np.ndarray] = []
    new_c: list[np.ndarray] = []
    new_s: list[np.ndarray] = []
    for _start, _stop, (rows, cols, vals, gain) in _map_blocks(oracle, work, progress, "pricing"):
        np.maximum.at(u_cover, rows, gain)
        red = gain - u[rows]
        pos = red > 0
        rows, cols, vals, red = rows[pos], cols[pos], vals[pos], red[pos]
        if max_new_per_mentee > 0 and rows.size:
            order = np.lexsort((cols, -red, rows))
            rows, cols, vals = rows[order], cols[order], vals[order]
            keep = (np.arange(rows.shape[0]) - np.searchsorted(rows, rows)) < max_new_per_mentee
            rows, cols, vals = rows[keep], cols[keep], vals[keep]
        new_r.append(rows)
        new_c.append(cols)
        new_s.append(vals)
    extra = CandidateGraph(
        n,
        m,
        np.concatenate(new_r) if new_r else np.zeros(0, np.int64),
        np.concatenate(new_c) if new_c else np.zeros(0, np.int64),
        np.concatenate(new_s) if new_s else np.zeros(0),
    )
    return u_cover, extra


def solve_oracle(
    oracle: ScoreOracle,
    capacities: np.ndarray,
    certify: bool,
    progress: ProgressCallback,
    gap_tolerance: float = 5e-4,
    top_mentors: int = 8,
    top_mentees: int | None = None,
    max_rounds: int = 50,
    max_new_per_mentee: int = 10,
) -> MatchResult:
    """Optimal assignment over all pairs of an oracle by column generation.

    Guarantees: with ``certify=True`` the result is the exact optimum over all allowed pairs
    (no pair prices out) — unless ``max_rounds`` is hit, in which case ``certified`` is False.
    With ``certify=False`` it stops as soon as the proven relative gap is at most
    ``gap_tolerance``. ``upper_bound`` is always a proven bound (or None if the cardinality is
    not yet proven maximal).
    """
    n, m = oracle.n_mentees, oracle.n_mentors
    timings: dict[str, float] = {}
    history: list[dict[str, float | None]] = []
    if top_mentees is None:
        top_mentees = int(min(64, max(8, 2 * int(capacities.max(initial=0)) + 4)))
    lo, hi = oracle.score_range()
    quant = Quantizer(lo, hi, _kmax(n, capacities))
    t = time.perf_counter()
    graph = initial_candidates(oracle, capacities, top_mentors, top_mentees, progress)
    timings["candidates"] = time.perf_counter() - t
    bound: float | None = None  # best proven bound so far (each round's bound stays valid)
    certified = False
    chosen = np.zeros(graph.n_arcs, dtype=bool)
    rounds = 0

    def gap_of(total: float) -> float | None:
        return None if bound is None else max(0.0, bound - total) / max(abs(bound), 1e-12)

    for rounds in range(1, max_rounds + 1):
        t = time.perf_counter()
        progress("flow", rounds, max_rounds)
        chosen = flow_on_graph(graph, capacities, quant)
        timings["flow"] = timings.get("flow", 0.0) + time.perf_counter() - t
        k = int(chosen.sum())
        total = float(np.sum(graph.scores[chosen]))
        entry: dict[str, float | None] = {
            "round": rounds,
            "candidates": graph.n_arcs,
            "matched": k,
            "total": total,
        }
        # A bound proven in an earlier round still holds (it bounds the full problem), so
        # the better assignment on the enlarged graph may already close the gap: no pricing.
        gap = gap_of(total)
        if not certify and gap is not None and gap <= gap_tolerance:
            history.append({**entry, "upper_bound": bound, "added": 0, "priced": 0})
            break
        t = time.perf_counter()
        if graph.n_arcs == 0:
            u, v = np.zeros(n, np.int64), np.zeros(m, np.int64)
        else:
            u, v = dual_prices(graph, chosen, capacities, quant)
        timings["duals"] = timings.get("duals", 0.0) + time.perf_counter() - t
        t = time.perf_counter()
        u_cover, extra = _price_blocks(
            oracle, capacities, quant, u, v, max_new_per_mentee, progress
        )
        timings["pricing"] = timings.get("pricing", 0.0) + time.perf_counter() - t
        round_bound = _bound_from_duals(u_cover, v, capacities, k, quant)
        if round_bound is not None:
            bound = round_bound if bound is None else min(bound, round_bound)
        history.append(
            {
                **entry,
                "upper_bound": float("nan") if bound is None else bound,
                "added": extra.n_arcs,
                "priced": 1,
            }
        )
        if extra.n_arcs == 0:
            # No pair prices out: (u, v) itself is feasible for every pair, so the dual
            # objective is the bound and equals the optimum.
            certified = True
            break
        gap = gap_of(total)
        if not certify and gap is not None and gap <= gap_tolerance:
            break
        if rounds < max_rounds:
            graph = _merge(graph, extra)
    return _result(
        graph,
        chosen,
        "optimal",
        bound,
        certified,
        quant,
        rounds=rounds,
        timings=timings,
        history=history,
    )
