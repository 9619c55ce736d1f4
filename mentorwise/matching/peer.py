"""Peer matching: anyone eligible may be paired with anyone (non-bipartite).

The problem (:class:`PeerProblem`) is a sparse candidate graph: ``edges[e] = (a, b)`` is an
allowed pair (the hard rules already applied by the caller) with ``weights[e]`` its fit.

``method="optimal"``: a maximum-weight matching (the most total fit; a pair of negative
weight is never worth making, and with positive fits this pairs nearly everyone).

* Small graphs (``EXACT_EDGES``): Edmonds' blossom algorithm (``networkx``), exact; the bound
  is the optimum itself.
* Large graphs: the **fractional matching relaxation** (``x_e >= 0``, at most 1 at each node)
  is solved exactly as an assignment on the bipartite double cover (each person once as
  "left", once as "right"; an edge gives both arcs), by OR-Tools' min-cost flow with the
  lexicographic weight ``BIG + q(w)``. Half its optimum bounds every matching (the double
  cover of a matching is an assignment), so it is the proven **bound**. The assignment is a
  set of paths and cycles; the best matching inside each (a dynamic program per path, two
  choices per cycle), a greedy pass over what is left and improving exchanges (a lone person
  takes a partner whose old partner pairs with another lone person, when that adds weight)
  give the answer. Mutual pairs and even cycles lose nothing, so the gap is small; it is
  reported honestly.

``method="stable"``: Irving's stable roommates algorithm on the preference lists (each person
ranks their candidates by ``preference`` — their own view of the pair, by default the
weight — ties by index; pairs outside the graph are unacceptable). A stable matching may not
exist: then ``status = "no_stable"`` and no pairs. When it exists every stable matching pairs
the same people.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.graph.python import min_cost_flow

from .errors import MatchingInputError
from .words import ENGLISH, Words

PEER_METHODS = ("optimal", "stable")
# Edmonds' blossom (networkx, pure Python) is exact and fast enough up to about this many
# edges; above it the relaxation and decomposition take over.
EXACT_EDGES = 3_000
RESOLUTION = 10_000_000


@dataclass(frozen=True)
class PeerProblem:
    """A candidate graph: ``n`` people, allowed ``edges`` (m x 2) with ``weights`` (m,).

    ``preference`` (m x 2, optional) is how much ``edges[e, 0]`` wants ``edges[e, 1]``
    (column 0) and the other way round (column 1); it only orders the stable method's lists.
    """

    n: int
    edges: np.ndarray
    weights: np.ndarray
    preference: np.ndarray | None = None


@dataclass(frozen=True)
class PeerSolution:
    """Pairs (``a < b``, sorted), each person at most once, only candidate edges.

    ``bound`` is a proven upper bound on the total weight of any matching (``inf`` for the
    stable method, which does not maximise weight); ``gap = (bound - weight) / |bound|``.
    ``status``: ``"optimal"``, ``"feasible"`` (within ``gap``), ``"stable"`` or
    ``"no_stable"`` (no stable matching exists).
    """

    pairs: np.ndarray
    partner: np.ndarray
    weight: float
    bound: float
    gap: float
    status: str
    method: str
    reasons: list[list[str]]
    timings: dict[str, float]

    @property
    def matched(self) -> int:
        return int(self.pairs.shape[0])


@dataclass(frozen=True)
class _Graph:
    n: int
    a: np.ndarray
    b: np.ndarray
    w: np.ndarray
    pa: np.ndarray  # preference of a for b
    pb: np.ndarray  # preference of b for a


def check_peer_problem(problem: PeerProblem) -> _Graph:
    """Validate; raise :class:`MatchingInputError` naming the bad entry."""
    n = problem.n
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise MatchingInputError(f"n = {n!r}: must be an integer >= 0")
    n = int(n)
    edges = np.asarray(problem.edges)
    if edges.size == 0:
        edges = edges.reshape(0, 2)
    if edges.ndim != 2 or edges.shape[1] != 2:
        raise MatchingInputError(f"edges must have shape (m, 2), got {edges.shape}")
    if edges.dtype == bool or not np.issubdtype(edges.dtype, np.integer):
        if edges.shape[0]:
            raise MatchingInputError(f"edges must hold integer indices, got dtype {edges.dtype}")
        edges = edges.astype(np.int64)
    bad = (edges < 0) | (edges >= n)
    if bad.any():
        e, side = (int(x) for x in np.argwhere(bad)[0])
        raise MatchingInputError(
            f"edges[{e}, {side}] = {edges[e, side]}: not a person index (0..{n - 1})"
        )
    loops = edges[:, 0] == edges[:, 1]
    if loops.any():
        e = int(np.flatnonzero(loops)[0])
        raise MatchingInputError(f"edges[{e}] = ({edges[e, 0]}, {edges[e, 1]}): a self-pair")
    weights = np.asarray(problem.weights, dtype=np.float64)
    if weights.shape != (edges.shape[0],):
        raise MatchingInputError(
            f"weights has shape {weights.shape} but there are {edges.shape[0]} edges"
        )
    if not np.isfinite(weights).all():
        e = int(np.flatnonzero(~np.isfinite(weights))[0])
        raise MatchingInputError(f"weights[{e}] = {weights[e]}: must be finite")
    a = np.minimum(edges[:, 0], edges[:, 1]).astype(np.int64)
    b = np.maximum(edges[:, 0], edges[:, 1]).astype(np.int64)
    key = a * max(n, 1) + b
    _, first, counts = np.unique(key, return_index=True, return_counts=True)
    if (counts > 1).any():
        dup = int(first[np.flatnonzero(counts > 1)[0]])
        raise MatchingInputError(f"edges[{dup}] = ({a[dup]}, {b[dup]}): listed more than once")
    if problem.preference is None:
        pa, pb = weights, weights
    else:
        pref = np.asarray(problem.preference, dtype=np.float64)
        if pref.shape != (edges.shape[0], 2):
            raise MatchingInputError(
                f"preference has shape {pref.shape} but must be ({edges.shape[0]}, 2)"
            )
        if not np.isfinite(pref).all():
            e, side = (int(x) for x in np.argwhere(~np.isfinite(pref))[0])
            raise MatchingInputError(f"preference[{e}, {side}] = {pref[e, side]}: must be finite")
        swapped = edges[:, 0] > edges[:, 1]
        pa = np.where(swapped, pref[:, 1], pref[:, 0])
        pb = np.where(swapped, pref[:, 0], pref[:, 1])
    order = np.argsort(key, kind="stable")
    return _Graph(n, a[order], b[order], weights[order], pa[order], pb[order])


def _double_cover(g: _Graph) -> tuple[np.ndarray, float]:
    """Exact fractional-matching relaxation: (right partner per left node, bound on weight)."""
    n = g.n
    top = max(float(np.abs(g.w).max(initial=0.0)), 1e-12)
    scale = RESOLUTION / top
    positive = g.w > 0  # an edge of weight <= 0 never raises a maximum-weight matching
    a, b = g.a[positive], g.b[positive]
    q = np.rint(g.w[positive] * scale).astype(np.int64)
    tails = np.concatenate([a, b])
    heads = np.concatenate([b, a])
    gain = np.concatenate([q, q])
    e2 = tails.shape[0]
    source, sink = 2 * n, 2 * n + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    # A left node may also stay alone (source -> left -> sink) at no gain.
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([tails, np.full(n, source), n + np.arange(n), np.arange(n)]),
        np.concatenate([n + heads, np.arange(n), np.full(n, sink), np.full(n, sink)]),
        np.ones(e2 + 3 * n, dtype=np.int64),
        np.concatenate([-gain, np.zeros(3 * n, dtype=np.int64)]),
    )
    flow.set_node_supply(source, n)
    flow.set_node_supply(sink, -n)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    used = flow.flows(np.arange(e2, dtype=np.int64)) > 0
    right = np.full(n, -1, dtype=np.int64)
    right[tails[used]] = heads[used]
    total = -int(flow.optimal_cost())
    # The double cover of any matching M is an assignment of weight 2 q(M), so q(M) <= total/2;
    # each pair of M rounds its weight by at most half a step, at most n / 2 pairs.
    return right, total / 2 / scale + (n / 2) * 0.5 / scale


def _path_best(weights: list[float], cyclic: bool) -> list[int]:
    """Indices of a max-weight set of non-adjacent edges on a path (or a cycle)."""

    def on_path(ws: list[float]) -> tuple[float, list[int]]:
        # (best total, chosen) up to edge t: dynamic program over "take t or not".
        take: list[tuple[float, list[int]]] = []
        for t, w in enumerate(ws):
            skip = take[t - 1] if t >= 1 else (0.0, [])
            with_t = (
                (take[t - 2][0] if t >= 2 else 0.0) + w,
                [
                    *(take[t - 2][1] if t >= 2 else []),
                    t,
                ],
            )
            take.append(max(skip, with_t, key=lambda x: (x[0], -len(x[1]))))
        return take[-1] if take else (0.0, [])

    if not cyclic:
        return on_path(weights)[1]
    # A cycle: leave out edge 0, or take it (and so leave out its two neighbours).
    without_first = on_path(weights[1:])
    idx_without = [t + 1 for t in without_first[1]]
    rest = weights[2:-1]
    with_first = on_path(rest)
    total_with = weights[0] + with_first[0]
    idx_with = [0, *(t + 2 for t in with_first[1])]
    if (total_with, len(idx_with)) > (without_first[0], len(idx_without)) and len(weights) > 2:
        return idx_with
    return idx_without


def _decompose(g: _Graph, right: np.ndarray) -> np.ndarray:
    """A matching from the double cover's assignment (paths and cycles); partner per node."""
    n = g.n
    weight_of: dict[tuple[int, int], float] = {
        (int(x), int(y)): float(w) for x, y, w in zip(g.a, g.b, g.w, strict=True)
    }

    def w_of(x: int, y: int) -> float:
        return weight_of[(min(x, y), max(x, y))]

    left = np.full(n, -1, dtype=np.int64)
    has = right >= 0
    left[right[has]] = np.flatnonzero(has)
    partner = np.full(n, -1, dtype=np.int64)
    seen = np.zeros(n, dtype=bool)
    # Mutual pairs first (2-cycles).
    for i in range(n):
        j = int(right[i])
        if j >= 0 and right[j] == i and not seen[i]:
            partner[i], partner[j] = j, i
            seen[i] = seen[j] = True
    for i in range(n):
        if seen[i]:
            continue
        # Walk back to the start of the path, or around the cycle back to i.
        start = i
        while left[start] >= 0 and not seen[left[start]] and left[start] != i:
            start = int(left[start])
        if left[start] == i:
            start = i
        nodes = [start]
        seen[start] = True
        nxt = int(right[start])
        while nxt >= 0 and not seen[nxt]:
            nodes.append(nxt)
            seen[nxt] = True
            nxt = int(right[nxt])
        cyclic = nxt == start and len(nodes) > 2
        ws = [w_of(nodes[t], nodes[t + 1]) for t in range(len(nodes) - 1)]
        if cyclic:
            ws.append(w_of(nodes[-1], nodes[0]))
        for t in _path_best(ws, cyclic):
            if ws[t] <= 0:
                continue
            x, y = nodes[t], nodes[(t + 1) % len(nodes)]
            partner[x], partner[y] = y, x
    return partner


def _greedy_fill(g: _Graph, partner: np.ndarray) -> None:
    """Pair people still alone along the best remaining edges (in place)."""
    order = np.lexsort((g.b, g.a, -g.w))
    for e in order.tolist():
        x, y = int(g.a[e]), int(g.b[e])
        if g.w[e] <= 0:
            break
        if partner[x] < 0 and partner[y] < 0:
            partner[x], partner[y] = y, x


def _improve(g: _Graph, partner: np.ndarray, deadline: float) -> None:
    """Improving exchanges (in place): a lone x takes u from (u, v), and v takes a lone y or
    stays alone, whenever that adds weight. Each step raises the weight, so it ends."""
    adj: list[list[tuple[int, float]]] = [[] for _ in range(g.n)]
    weight: dict[tuple[int, int], float] = {}
    for x, y, w in zip(g.a.tolist(), g.b.tolist(), g.w.tolist(), strict=True):
        adj[x].append((y, w))
        adj[y].append((x, w))
        weight[(x, y)] = weight[(y, x)] = w
    changed = True
    while changed and time.perf_counter() < deadline:
        changed = False
        for x in range(g.n):
            if partner[x] >= 0:
                continue
            best_gain, best = 1e-12, (-1, -1, -1)
            for u, w_xu in adj[x]:
                v = int(partner[u])
                if v < 0:
                    if w_xu > best_gain:
                        best_gain, best = w_xu, (u, -1, -1)
                    continue
                lost = weight[(u, v)]
                follow = max(
                    ((w_vy, y) for y, w_vy in adj[v] if partner[y] < 0 and y != x),
                    default=(0.0, -1),
                )
                gain = w_xu - lost + max(follow[0], 0.0)
                if gain > best_gain:
                    best_gain, best = gain, (u, v, follow[1] if follow[0] > 0 else -1)
            u, v, y = best
            if u < 0:
                continue
            partner[x], partner[u] = u, x
            if v >= 0:
                partner[v] = -1
                if y >= 0:
                    partner[v], partner[y] = y, v
            changed = True


def _networkx(g: _Graph) -> np.ndarray:
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(range(g.n))
    graph.add_weighted_edges_from(zip(g.a.tolist(), g.b.tolist(), g.w.tolist(), strict=True))
    partner = np.full(g.n, -1, dtype=np.int64)
    for x, y in nx.max_weight_matching(graph):
        partner[x], partner[y] = y, x
    return partner


# --------------------------------------------------------------------------------------------
# Stable roommates (Irving 1985)
# --------------------------------------------------------------------------------------------


def _preference_lists(g: _Graph) -> list[list[int]]:
    """Each person's acceptable partners, most preferred first (ties: lower index first)."""
    owner = np.concatenate([g.a, g.b])
    other = np.concatenate([g.b, g.a])
    pref = np.concatenate([g.pa, g.pb])
    order = np.lexsort((other, -pref, owner))
    lists: list[list[int]] = [[] for _ in range(g.n)]
    for o, x in zip(owner[order].tolist(), other[order].tolist(), strict=True):
        lists[o].append(x)
    return lists


def stable_roommates(n: int, lists: list[list[int]]) -> np.ndarray | None:
    """Irving's algorithm; partner per person (-1 alone), or None if no stable matching exists.

    Phase 1: proposals (each holds the best proposal received, rejects worse ones, and the
    lists are cut so that y is on x's list iff x is on y's). Phase 2: while some list has two
    or more entries, find a rotation and eliminate it; an emptied list means no stable
    matching. Lists may be incomplete (unacceptable pairs are simply absent).
    """
    rank = [{y: r for r, y in enumerate(lst)} for lst in lists]
    # Live entries as a per-person set plus the ordered list; removals are symmetric.
    alive = [set(lst) for lst in lists]
    for x in range(n):
        for y in list(alive[x]):
            if x not in rank[y]:
                alive[x].discard(y)

    def first(x: int) -> int:
        for y in lists[x]:
            if y in alive[x]:
                return y
        return -1

    def second(x: int) -> int:
        seen_first = False
        for y in lists[x]:
            if y in alive[x]:
                if seen_first:
                    return y
                seen_first = True
        return -1

    def last(x: int) -> int:
        for y in reversed(lists[x]):
            if y in alive[x]:
                return y
        return -1

    def remove(x: int, y: int) -> None:
        alive[x].discard(y)
        alive[y].discard(x)

    # Phase 1.
    holds = [-1] * n  # the proposer y currently holds
    free = list(range(n - 1, -1, -1))
    while free:
        x = free.pop()
        while True:
            y = first(x)
            if y < 0:
                break
            current = holds[y]
            if current >= 0 and rank[y][current] < rank[y][x]:
                remove(x, y)
                continue
            holds[y] = x
            if current >= 0:
                free.append(current)
            # y rejects everyone worse than x.
            for z in [z for z in alive[y] if rank[y][z] > rank[y][x]]:
                remove(y, z)
            break
    # Phase 2: rotations.
    while True:
        start = next((x for x in range(n) if len(alive[x]) >= 2), -1)
        if start < 0:
            break
        ps: list[int] = []
        pos: dict[int, int] = {}
        p = start
        while p not in pos:
            pos[p] = len(ps)
            ps.append(p)
            q = second(p)
            if q < 0:
                return None
            p = last(q)
            if p < 0:
                return None
        cycle = ps[pos[p] :]
        qs = [second(x) for x in cycle]
        had = [x for x in range(n) if alive[x]]
        for x, y in zip(cycle, qs, strict=True):
            # y accepts x: everyone y likes less than x leaves y's list.
            for z in [z for z in alive[y] if rank[y][z] > rank[y][x]]:
                remove(y, z)
        if any(not alive[x] for x in had):
            return None  # a list emptied: no stable matching
    partner = np.full(n, -1, dtype=np.int64)
    for x in range(n):
        if len(alive[x]) == 1:
            partner[x] = next(iter(alive[x]))
    # Consistency: a stable matching needs mutual single entries.
    for x in range(n):
        if partner[x] >= 0 and partner[partner[x]] != x:
            return None
    return partner


def blocking_pairs(g: _Graph, partner: np.ndarray) -> list[tuple[int, int]]:
    """Candidate pairs (a, b) not matched together who both prefer each other to their lot."""
    pref: dict[tuple[int, int], float] = {}
    for a, b, pa, pb in zip(g.a.tolist(), g.b.tolist(), g.pa.tolist(), g.pb.tolist(), strict=True):
        pref[(a, b)] = pa
        pref[(b, a)] = pb

    def prefers(x: int, y: int, current: int) -> bool:
        if current < 0:
            return True
        return (pref[(x, y)], -y) > (pref[(x, current)], -current)

    out = []
    for a, b in zip(g.a.tolist(), g.b.tolist(), strict=True):
        if partner[a] == b:
            continue
        if prefers(a, b, int(partner[a])) and prefers(b, a, int(partner[b])):
            out.append((a, b))
    return out


# --------------------------------------------------------------------------------------------
# Reasons and entry point
# --------------------------------------------------------------------------------------------


def _reasons(g: _Graph, partner: np.ndarray, words: Words) -> list[list[str]]:
    degree = np.bincount(np.concatenate([g.a, g.b]), minlength=g.n)
    weight_of = {(int(x), int(y)): float(w) for x, y, w in zip(g.a, g.b, g.w, strict=True)}
    best = np.full(g.n, -np.inf)
    np.maximum.at(best, g.a, g.w)
    np.maximum.at(best, g.b, g.w)
    out: list[list[str]] = []
    for x in range(g.n):
        y = int(partner[x])
        if y >= 0:
            w = weight_of[(min(x, y), max(x, y))]
            if w >= best[x]:
                text = words.gettext("fit %(fit).2f, the best of %(count)d allowed peers") % {
                    "fit": w,
                    "count": int(degree[x]),
                }
            else:
                text = words.gettext(
                    "fit %(fit).2f (best possible %(best).2f): better-fitting peers were paired "
                    "with someone who fits them better, or pairing them would leave someone "
                    "alone"
                ) % {"fit": w, "best": float(best[x])}
            out.append([text])
        elif degree[x] == 0:
            out.append(
                [
                    words.gettext(
                        "No peer is allowed: everyone is excluded by a hard rule (management "
                        "chain, language, veto or forbid)."
                    )
                ]
            )
        else:
            out.append(
                [
                    words.ngettext(
                        "The %(count)d allowed peer is paired with someone else.",
                        "All %(count)d allowed peers are paired with someone else.",
                        int(degree[x]),
                    )
                    % {"count": int(degree[x])}
                ]
            )
    return out


def _finish(
    g: _Graph,
    partner: np.ndarray,
    bound: float,
    status: str,
    method: str,
    words: Words,
    timings: dict[str, float],
) -> PeerSolution:
    xs = np.flatnonzero(partner > np.arange(g.n))
    pairs = np.column_stack([xs, partner[xs]]).astype(np.int64).reshape(-1, 2)
    key = g.a * max(g.n, 1) + g.b
    pos = np.searchsorted(key, pairs[:, 0] * max(g.n, 1) + pairs[:, 1])
    weight = float(g.w[pos].sum()) if pairs.shape[0] else 0.0
    if math.isfinite(bound):
        bound = max(bound, weight)
        gap = (bound - weight) / max(abs(bound), 1e-9)
    else:
        gap = math.inf
    if status == "feasible" and gap <= 1e-9:
        status = "optimal"
    return PeerSolution(
        pairs, partner, weight, bound, gap, status, method, _reasons(g, partner, words), timings
    )


def solve_peers(
    problem: PeerProblem,
    *,
    method: str = "optimal",
    time_limit_s: float = 30.0,
    words: Words = ENGLISH,
) -> PeerSolution:
    """Pair people on the candidate graph (see the module docstring). Deterministic."""
    started = time.perf_counter()
    if method not in PEER_METHODS:
        raise MatchingInputError(f"method = {method!r}: must be one of {', '.join(PEER_METHODS)}")
    g = check_peer_problem(problem)
    timings: dict[str, float] = {}
    if method == "stable":
        partner = stable_roommates(g.n, _preference_lists(g))
        timings["stable"] = time.perf_counter() - started
        if partner is None:
            return PeerSolution(
                np.zeros((0, 2), dtype=np.int64),
                np.full(g.n, -1, dtype=np.int64),
                0.0,
                math.inf,
                math.inf,
                "no_stable",
                method,
                [
                    [
                        words.gettext(
                            "No stable pairing exists for these preferences: every pairing "
                            "leaves two people who would both rather be together."
                        )
                    ]
                    for _ in range(g.n)
                ],
                timings,
            )
        return _finish(g, partner, math.inf, "stable", method, words, timings)
    if g.a.shape[0] <= EXACT_EDGES:
        partner = _networkx(g)
        timings["blossom"] = time.perf_counter() - started
        xs = np.flatnonzero(partner > np.arange(g.n))
        key = g.a * max(g.n, 1) + g.b
        exact = float(g.w[np.searchsorted(key, xs * max(g.n, 1) + partner[xs])].sum())
        return _finish(g, partner, exact, "optimal", method, words, timings)
    t = time.perf_counter()
    right, bound = _double_cover(g)
    timings["relaxation"] = time.perf_counter() - t
    t = time.perf_counter()
    partner = _decompose(g, right)
    _greedy_fill(g, partner)
    _improve(g, partner, started + time_limit_s)
    timings["rounding"] = time.perf_counter() - t
    return _finish(g, partner, bound, "feasible", method, words, timings)


def peer_candidates(oracle: Any, *, per_person: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """The candidate graph of a peer pool from a square score oracle (``block(start, stop)``
    gives rows of ``score[i, j]``, how well peer ``j`` suits peer ``i``; ``-inf`` = a hard
    rule forbids it): each person's ``per_person`` best allowed peers, as undirected edges
    weighted by the mean of both directions; a pair is allowed only if both directions are.
    Returns ``(edges, weights)``; never holds the full matrix (two passes over the blocks).
    """
    n = int(oracle.n_mentees)
    if oracle.n_mentors != n:
        raise MatchingInputError(f"a peer pool is square: {n} rows but {oracle.n_mentors} columns")
    size = int(oracle.block_size)
    keys: list[np.ndarray] = []
    for start in range(0, n, size):
        stop = min(n, start + size)
        s = np.array(oracle.block(start, stop), dtype=np.float64)
        s[np.arange(stop - start), np.arange(start, stop)] = -np.inf
        top = min(per_person, max(n - 1, 1))
        cand = np.argpartition(-s, top - 1, axis=1)[:, :top]
        rows = np.repeat(np.arange(start, stop), top)
        cols = cand.ravel()
        ok = np.isfinite(s[rows - start, cols])
        rows, cols = rows[ok], cols[ok]
        keys.append(np.minimum(rows, cols) * n + np.maximum(rows, cols))
    key = np.unique(np.concatenate(keys)) if keys else np.zeros(0, dtype=np.int64)
    a, b = key // max(n, 1), key % max(n, 1)
    forward = np.full(key.shape[0], np.nan)
    backward = np.full(key.shape[0], np.nan)
    for start in range(0, n, size):
        stop = min(n, start + size)
        s = np.array(oracle.block(start, stop), dtype=np.float64)
        in_a = (a >= start) & (a < stop)
        forward[in_a] = s[a[in_a] - start, b[in_a]]
        in_b = (b >= start) & (b < stop)
        backward[in_b] = s[b[in_b] - start, a[in_b]]
    ok = np.isfinite(forward) & np.isfinite(backward)
    edges = np.column_stack([a[ok], b[ok]]).astype(np.int64).reshape(-1, 2)
    return edges, (forward[ok] + backward[ok]) / 2
