"""Circle matching: members into circles with size bounds, topic fit and a group-mix term.

The problem (:class:`CircleProblem`): ``n`` members, ``k`` circles, ``fit[i, j]`` the topic fit
of member ``i`` with circle ``j``, ``allowed[i, j]`` the hard rules (management chain,
language, vetoes, forbids — computed by the caller), every circle between ``min_size`` and
``max_size`` members, ``forbidden_pairs`` of members who may not share a circle, and
``groups[i]`` a category per member (function, seniority band, ...) for the mix term.

Objective, lexicographic: first place as many members as possible (a member is in at most one
circle), then maximise ``value = sum of fit of placed members + mix``. The mix term, with
``w = mix_weight``:

* ``"diversity"``: per circle and group, ``+w`` when the group is present at all (reward for
  each distinct group) and ``-w`` for every member of one group beyond ``cap =
  ceil(max_size / 2)`` (no group more than half a circle). Both are concave in the count of
  a group in a circle, so they are exact in a min-cost flow: member -> (circle, group) ->
  circle arcs, the (circle, group) -> circle arc split into parallel arcs of increasing cost
  (``-w`` for the first member, ``0`` up to the cap, ``+w`` beyond).
* ``"similarity"``: each circle has a main group (its theme); ``+w`` for every member of the
  circle's main group, i.e. ``w * max_g count(circle, g)``. Linearised with a theme boolean
  per circle and group (``sum_g theme <= 1``, ``reward_ij <= x_ij``, ``reward_ij <=
  theme_{j, g_i}``).

``objective`` and ``bound`` are always in these units (``value``), ``gap = (bound -
objective) / max(|bound|, largest |fit| or w)``. The bound is a proven upper bound on the
value of every solution that places as many members as the reported one, and the placement
is proven maximal (otherwise the bound is ``inf`` and the status ``feasible``).

How it is solved:

1. **Flow relaxation** (OR-Tools min-cost flow, exact on integers; solved on each member's
   best circles and proven for the other pairs by node prices, see ``_flow_certified``):
   the problem without the
   forbidden pairs, with the diversity term exact (above) and, for similarity, the fit alone
   (the similarity reward is bounded separately, below). Lower bounds on circle
   sizes are node demands; a member's "unplaced" arc costs more than any value difference,
   so the flow is lexicographic. Infeasible flow = the minimum sizes cannot be met, proven.
   The relaxation's optimum (plus the rounding slack) is the bound.
2. **Small problems** (few allowed pairs): CP-SAT on the exact model, two phases (placement,
   then value at that placement), hinted with the flow (for similarity: with the heuristic
   of 3, searched from the dual's themes too, and stopped once it reaches the dual bound);
   CP-SAT's own bound is reported when it is the smaller.
3. **Large problems**: the flow's assignment repaired for forbidden pairs by best moves and
   swaps; for similarity, alternating "each circle's theme = its dominant group" and a flow
   with the theme bonus on candidate arcs (each step never lowers the value), then once more
   from the themes of the dual below.

**The similarity bound.** Let ``P`` be the placement the flow proves maximal, ``F`` the fit
flow's optimum at ``P``, and ``x`` any assignment placing ``P`` members; give each circle
``j`` of ``x`` its theme ``t_j`` (a largest group, so its reward is ``c_j = count(j, t_j)``)
and let ``R = sum_j c_j``, so ``value(x) = fit(x) + w R``. The old bound ``F + w P`` gives
every member the reward; two valid bounds are tighter (the smaller of all is reported, and
none of them applies to another placement):

* *Counting* (``_reward_cap``): the circles themed ``g`` reward at most ``N_g`` members (the
  members of ``g`` with an allowed circle) and at most ``u[j, g] = min(max_size, members of
  g allowed in j)`` each, so at most ``f_g(m_g) = min(N_g, sum of the m_g largest u[., g])``
  with ``sum_g m_g <= k``: ``R <= R* = min(P, sum of the k largest increments f_g(m) -
  f_g(m - 1) over all g and m)`` (any ``m`` uses at most ``k`` increments, all >= 0), and
  ``value(x) <= F + w R*``. This catches groups too small or too large for the circles.
* *Lagrangian dual* (``_Dual``): for any ``pi`` (``pi >= 0`` unless ``P = n``), ``sigma`` and
  ``0 <= theta <= w``, adding the non-negative ``theta (R* - R) + sum_i pi_i (1 - x_i) +
  sigma (P - sum_i x_i)`` (``x_i`` = 1 if ``i`` is placed) to ``value(x)`` and regrouping by
  circle gives ``value(x) <= sum(pi) + sigma P + theta R* + sum_j [sum_{i in S_j} (fit_ij -
  pi_i - sigma) + (w - theta) |S_j in t_j|] <= D(pi, sigma, theta)``, where ``D`` replaces
  each circle's bracket by its maximum over every theme ``g`` and member set ``S`` allowed in
  ``j`` with ``min_size <= |S| <= max_size`` (exact: per theme, the ``min_size`` best values
  and then every positive one, up to ``max_size``). Forbidden pairs are dropped, so ``D``
  bounds the optimum. It is evaluated in floats plus a worst-case rounding slack, and
  minimised by deflected subgradient steps (``_similarity_bound``), each value a bound; its
  minimum is the LP over each circle's (theme, members) configurations, which charges every
  circle for a single theme: a member earns ``w`` only in a circle themed by its group, at the
  fit it has there. On large problems where too few steps fit in the time the dual is
  skipped (the 10,000-member bench: one step takes about a second).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from .errors import MatchingInputError
from .words import ENGLISH, Words

OBJECTIVES = ("diversity", "similarity")
# Problems with at most this many allowed (member, circle) pairs are solved by CP-SAT on the
# exact model; larger ones by the flow relaxation and repair (CP-SAT does not scale to
# millions of booleans within a minute, the flow does).
EXACT_LIMIT = 4_000
# Above this many allowed pairs a failed repair is not handed to CP-SAT (too large to build
# in the time): the result is then "infeasible" without a proof (see solve_circles).
FALLBACK_LIMIT = 200_000
# The quantised scale: the largest |fit| or mix weight maps to this many integer steps (fewer
# on very large flows, so that every cost the flow algorithm scales stays within int64).
RESOLUTION = 100_000_000
# CP-SAT works on smaller integers.
CP_SAT_RESOLUTION = 10_000_000
# A solution proven optimal up to the rounding of scores to integers (relative gap below this)
# is reported "optimal".
OPTIMAL_GAP = 1e-5
# Candidate circles per member for the flows (the rest is proven by prices, see
# `_flow_certified`) and the similarity search.
CANDIDATES = 24
# Flows over at most this many allowed pairs are solved on all of them directly.
CERTIFY_ABOVE = 200_000
CERTIFY_ROUNDS = 5
MAX_PRICE_PASSES = 20_000

# Circles tried per member when separating a forbidden pair (best fit first); all of them
# when that finds no move.
REPAIR_TARGETS = 40

# The similarity dual (see `_similarity_bound`): at most this many subgradient steps, the step
# halved after this many without a better value, and the share of the previous direction.
DUAL_ROUNDS = 3000
DUAL_PATIENCE = 15
DUAL_MOMENTUM = 0.7
# The dual is skipped on problems of at least DUAL_LARGE (member, circle) cells when fewer
# than DUAL_MIN_ROUNDS steps fit in its time.
DUAL_MIN_ROUNDS = 50
DUAL_LARGE = 1_000_000
# Share of the time left that the dual may use.
DUAL_SHARE = 0.4

NO_ALLOWED_CIRCLE = "no_allowed_circle"
CIRCLES_FULL = "circles_full"
FORBIDDEN_PARTNER = "forbidden_partner"


@dataclass(frozen=True)
class CircleProblem:
    """One circle matching problem; validated by :func:`solve_circles`."""

    fit: np.ndarray  # (n_members, n_circles) float: topic fit of member i with circle j
    allowed: np.ndarray  # (n_members, n_circles) bool: hard rules
    min_size: int
    max_size: int
    forbidden_pairs: Sequence[tuple[int, int]]  # members who may not share a circle
    groups: np.ndarray | None  # (n_members,) int category per member for the mix term
    objective: str  # "diversity" | "similarity"
    mix_weight: float


@dataclass(frozen=True)
class CircleSolution:
    """The outcome: a circle per member (or -1), the value, its proven bound and reasons.

    Guarantees: only allowed (member, circle) pairs; no forbidden pair shares a circle; when
    ``status`` is not ``"infeasible"`` every circle holds ``min_size..max_size`` members.
    ``reasons[i]`` are plain-language sentences about member ``i``'s placement.
    """

    assignment: np.ndarray  # (n,) circle index or -1 (unassigned, with the reason)
    objective: float
    bound: float
    gap: float
    status: str  # "optimal" | "feasible" | "infeasible"
    reasons: list[list[str]]
    timings: dict[str, float] | None = None

    @property
    def placed(self) -> int:
        """Number of members placed in a circle."""
        return int((self.assignment >= 0).sum())


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Checked:
    fit: np.ndarray
    allowed: np.ndarray
    min_size: int
    max_size: int
    pairs: np.ndarray  # (p, 2) int64, u < v, unique
    groups: np.ndarray  # (n,) int64 codes 0..G-1 (all 0 when no groups)
    n_groups: int
    objective: str
    weight: float  # 0 when there are no groups

    @property
    def n(self) -> int:
        return int(self.fit.shape[0])

    @property
    def k(self) -> int:
        return int(self.fit.shape[1])

    @property
    def cap(self) -> int:
        return max(1, math.ceil(self.max_size / 2))


def _int(name: str, value: object, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise MatchingInputError(f"{name} = {value!r}: must be an integer")
    if int(value) < low:
        raise MatchingInputError(f"{name} = {value}: must be >= {low}")
    return int(value)


def check_problem(problem: CircleProblem) -> _Checked:
    """Validate and normalise; raise :class:`MatchingInputError` naming the bad entry."""
    try:
        fit = np.asarray(problem.fit)
    except (TypeError, ValueError) as exc:
        raise MatchingInputError(f"fit could not be read as an array: {exc}") from exc
    if fit.ndim != 2:
        raise MatchingInputError(
            f"fit must be a 2-D array (members x circles), got shape {fit.shape}"
        )
    if fit.dtype == bool or not np.issubdtype(fit.dtype, np.number):
        raise MatchingInputError(f"fit must hold real numbers, got dtype {fit.dtype}")
    if np.issubdtype(fit.dtype, np.complexfloating):
        raise MatchingInputError(f"fit must hold real numbers, got dtype {fit.dtype}")
    fit = fit.astype(np.float64)
    bad = ~np.isfinite(fit)
    if bad.any():
        i, j = (int(x) for x in np.argwhere(bad)[0])
        raise MatchingInputError(f"fit[{i}, {j}] = {fit[i, j]}: must be finite")
    n = fit.shape[0]
    allowed = np.asarray(problem.allowed)
    if allowed.shape != fit.shape:
        raise MatchingInputError(f"allowed has shape {allowed.shape} but fit has shape {fit.shape}")
    if allowed.dtype != bool:
        raise MatchingInputError(
            f"allowed must be a boolean mask (True = allowed), got dtype {allowed.dtype}"
        )
    min_size = _int("min_size", problem.min_size, 0)
    max_size = _int("max_size", problem.max_size, 1)
    if max_size < min_size:
        raise MatchingInputError(f"max_size = {max_size}: must be >= min_size = {min_size}")
    pairs = []
    for index, pair in enumerate(problem.forbidden_pairs):
        try:
            u, v = pair
        except (TypeError, ValueError) as exc:
            raise MatchingInputError(
                f"forbidden_pairs[{index}] = {pair!r}: must be a pair of member indices"
            ) from exc
        for x in (u, v):
            if isinstance(x, bool) or not isinstance(x, (int, np.integer)) or not 0 <= x < n:
                raise MatchingInputError(
                    f"forbidden_pairs[{index}] = {pair!r}: {x!r} is not a member index (0..{n - 1})"
                )
        if u == v:
            raise MatchingInputError(
                f"forbidden_pairs[{index}] = {pair!r}: a member cannot be forbidden with itself"
            )
        pairs.append((min(int(u), int(v)), max(int(u), int(v))))
    pair_arr = (
        np.unique(np.array(pairs, dtype=np.int64), axis=0)
        if pairs
        else np.zeros((0, 2), dtype=np.int64)
    )
    if problem.objective not in OBJECTIVES:
        raise MatchingInputError(
            f"objective = {problem.objective!r}: must be one of {', '.join(OBJECTIVES)}"
        )
    try:
        weight = float(problem.mix_weight)
    except (TypeError, ValueError) as exc:
        raise MatchingInputError(f"mix_weight = {problem.mix_weight!r}: must be a number") from exc
    if not math.isfinite(weight) or weight < 0:
        raise MatchingInputError(f"mix_weight = {weight}: must be finite and >= 0")
    if problem.groups is None:
        codes = np.zeros(n, dtype=np.int64)
        n_groups = 1
        weight = 0.0
    else:
        raw = np.asarray(problem.groups)
        if raw.shape != (n,):
            raise MatchingInputError(
                f"groups has shape {raw.shape} but there are {n} members (fit rows)"
            )
        if raw.dtype == bool or not np.issubdtype(raw.dtype, np.integer):
            raise MatchingInputError(f"groups must be integers, got dtype {raw.dtype}")
        _, codes = np.unique(raw, return_inverse=True)
        codes = codes.astype(np.int64).reshape(n)
        n_groups = int(codes.max()) + 1 if n else 1
    return _Checked(fit, allowed, min_size, max_size, pair_arr, codes, n_groups,
                    problem.objective, weight)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Value of an assignment (the one definition every solver and test relies on)
# --------------------------------------------------------------------------------------------


def mix_value(
    assignment: np.ndarray, groups: np.ndarray, k: int, n_groups: int, objective: str,
    weight: float, cap: int,
) -> float:  # fmt: skip
    """The mix term of an assignment (see the module docstring)."""
    if weight == 0:
        return 0.0
    placed = assignment >= 0
    counts = np.zeros((k, n_groups), dtype=np.int64)
    np.add.at(counts, (assignment[placed], groups[placed]), 1)
    if objective == "diversity":
        present = int((counts > 0).sum())
        excess = int(np.maximum(counts - cap, 0).sum())
        return weight * (present - excess)
    return weight * float(counts.max(axis=1, initial=0).sum())


def assignment_value(checked: _Checked, assignment: np.ndarray) -> float:
    """``sum of fit of placed members + mix`` of an assignment."""
    placed = np.flatnonzero(assignment >= 0)
    fit = float(checked.fit[placed, assignment[placed]].sum())
    return fit + mix_value(
        assignment, checked.groups, checked.k, checked.n_groups, checked.objective,
        checked.weight, checked.cap,
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# Flow relaxation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _FlowResult:
    assignment: np.ndarray
    placed: int
    bound: float  # proven bound on the relaxation's value at its (maximal) placement
    potentials: np.ndarray | None = None  # node prices proving optimality on the arcs given
    circle0: int = 0  # first circle node (after members and (circle, group) nodes)


def _scale(checked: _Checked, resolution: float) -> float:
    top = max(float(np.abs(checked.fit).max(initial=0.0)), checked.weight, 1e-12)
    return resolution / top


def _flow_resolution(checked: _Checked) -> float:
    # Costs reach about 4 (n + 1) * resolution (the placement weight) and the cost-scaling
    # algorithm multiplies them by the number of nodes: keep that below 2**62.
    nodes = checked.n + checked.k * (checked.n_groups + 1) + 2
    return float(min(RESOLUTION, 4e18 / (4 * (checked.n + 2) * nodes)))


def _flow(
    checked: _Checked,
    rows: np.ndarray,
    cols: np.ndarray,
    bonus: np.ndarray | None,
    diversity_nodes: bool,
    prices: bool = False,
) -> _FlowResult | None:
    """Lexicographic min-cost flow on the arcs ``(rows, cols)``; None when infeasible.

    ``bonus`` (float per arc) is added to the fit of that arc. With ``diversity_nodes`` the
    diversity term is modelled exactly through (circle, group) nodes.
    """
    n, k, g = checked.n, checked.k, checked.n_groups
    scale = _scale(checked, _flow_resolution(checked))
    value = checked.fit[rows, cols] if bonus is None else checked.fit[rows, cols] + bonus
    q = np.rint(value * scale).astype(np.int64)
    qw = round(checked.weight * scale)
    # Any difference in value between two placements is below BIG, so one more placed member
    # always wins (lexicographic): |value| per member <= max|q| + qw.
    # The same BIG for every arc set of one problem (prices are compared across them).
    top_q = round(float(np.abs(checked.fit).max(initial=0.0)) * scale) + 1
    if bonus is not None:
        top_q += round(float(np.abs(bonus).max(initial=0.0)) * scale)
    big = 2 * (n + 1) * (top_q + qw + 1) + 1
    circle0 = n + (k * g if diversity_nodes else 0)
    sink = circle0 + k
    if diversity_nodes:
        mid = n + cols * g + checked.groups[rows]
        jg = np.arange(k * g)
        cap = checked.cap
        mid_tails = n + np.concatenate([jg, jg, jg])
        mid_heads = circle0 + np.concatenate([jg // g] * 3)
        mid_caps = np.concatenate(
            [np.ones(k * g), np.full(k * g, cap - 1), np.full(k * g, n)]
        ).astype(np.int64)
        mid_costs = np.concatenate(
            [np.full(k * g, -qw), np.zeros(k * g), np.full(k * g, qw)]
        ).astype(np.int64)
        keep = mid_caps > 0
        mid_tails, mid_heads, mid_caps, mid_costs = (
            mid_tails[keep], mid_heads[keep], mid_caps[keep], mid_costs[keep],
        )  # fmt: skip
    else:
        mid = circle0 + cols
        mid_tails = mid_heads = mid_caps = mid_costs = np.zeros(0, dtype=np.int64)
    e = rows.shape[0]
    tails = np.concatenate([rows, mid_tails, circle0 + np.arange(k), np.arange(n)])
    heads = np.concatenate([mid, mid_heads, np.full(k, sink), np.full(n, sink)])
    caps = np.concatenate(
        [np.ones(e, np.int64), mid_caps,
         np.full(k, checked.max_size - checked.min_size, np.int64), np.ones(n, np.int64)]
    )  # fmt: skip
    costs = np.concatenate([-q, mid_costs, np.zeros(k, np.int64), np.full(n, big, np.int64)])
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int64), heads.astype(np.int64), caps, costs.astype(np.int64)
    )
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[:n] = 1
    supplies[circle0 : circle0 + k] = -checked.min_size
    supplies[sink] = -(n - k * checked.min_size)
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int64), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        return None
    flows = flow.flows(np.arange(tails.shape[0], dtype=np.int64))
    used = flows[:e] > 0
    assignment = np.full(n, -1, dtype=np.int64)
    assignment[rows[used]] = cols[used]
    placed = int(used.sum())
    total_q = -(int(flow.optimal_cost()) - (n - placed) * big)
    potentials = None
    if prices:
        # Residual arcs: forward where there is room, backward where there is flow.
        fwd = flows < caps
        back = flows > 0
        potentials = _potentials(
            sink + 1,
            np.concatenate([tails[fwd], heads[back]]).astype(np.int64),
            np.concatenate([heads[fwd], tails[back]]).astype(np.int64),
            np.concatenate([costs[fwd], -costs[back]]).astype(np.int64),
        )
    # Each placed member's path rounds one fit (<= 0.5 step) and at most one mix arc
    # (<= 0.5 step); the float optimum of the relaxation is at most this.
    return _FlowResult(assignment, placed, total_q / scale + placed / scale, potentials, circle0)


def _potentials(
    n_nodes: int, tails: np.ndarray, heads: np.ndarray, weights: np.ndarray
) -> np.ndarray | None:
    """Node prices ``p`` with ``w + p[tail] - p[head] >= 0`` on every residual arc (shortest
    distances from a virtual node joined to all at cost 0; Jacobi Bellman-Ford), or None if
    it does not settle (only for a flow that is not optimal)."""
    order = np.argsort(heads, kind="stable")
    tails, heads, weights = tails[order], heads[order], weights[order]
    starts = np.flatnonzero(np.r_[True, heads[1:] != heads[:-1]]) if heads.size else heads
    group_heads = heads[starts]
    dist = np.zeros(n_nodes, dtype=np.int64)
    for _ in range(min(n_nodes + 1, MAX_PRICE_PASSES)):
        if not heads.size:
            return dist
        best = np.minimum.reduceat(dist[tails] + weights, starts)
        better = best < dist[group_heads]
        if not better.any():
            return dist
        dist[group_heads[better]] = best[better]
    return None


def _flow_certified(checked: _Checked, diversity_nodes: bool) -> _FlowResult | None:
    """The flow over *all* allowed arcs, solved on each member's best candidates and proven
    optimal for the rest by prices: an arc outside the candidates with a non-negative reduced
    cost cannot improve the flow (no negative cycle can use it). Arcs that price out are
    added and the flow solved again; after a few rounds, the flow on all arcs."""
    n, k = checked.n, checked.k
    rows_all, cols_all = _all_arcs(checked)
    if rows_all.shape[0] <= CERTIFY_ABOVE or k <= CANDIDATES:
        return _flow(checked, rows_all, cols_all, None, diversity_nodes)
    value = np.where(checked.allowed, checked.fit, -np.inf)
    top = np.argpartition(-value, CANDIDATES - 1, axis=1)[:, :CANDIDATES]
    candidate = np.zeros((n, k), dtype=bool)
    np.put_along_axis(candidate, top, True, axis=1)
    candidate &= checked.allowed
    scale = _scale(checked, _flow_resolution(checked))
    member_cost = -np.rint(checked.fit * scale).astype(np.int64)
    g = checked.n_groups
    for _ in range(CERTIFY_ROUNDS):
        rows, cols = np.nonzero(candidate)
        res = _flow(
            checked, rows.astype(np.int64), cols.astype(np.int64), None, diversity_nodes,
            prices=True,
        )  # fmt: skip
        if res is None or res.potentials is None:
            break  # infeasible on the candidates, or no prices: decide on all arcs
        p = res.potentials
        if diversity_nodes:
            head_price = p[n + np.arange(k)[None, :] * g + checked.groups[:, None]]
        else:
            head_price = p[res.circle0 + np.arange(k)][None, :]
        reduced = member_cost + p[:n, None] - head_price
        prices_out = checked.allowed & ~candidate & (reduced < 0)
        if not prices_out.any():
            return res
        candidate |= prices_out
    return _flow(checked, rows_all, cols_all, None, diversity_nodes)


def _violated(checked: _Checked, assignment: np.ndarray) -> bool:
    """Does a forbidden pair share a circle?"""
    u, v = assignment[checked.pairs[:, 0]], assignment[checked.pairs[:, 1]]
    return bool(((u >= 0) & (u == v)).any())


def _all_arcs(checked: _Checked) -> tuple[np.ndarray, np.ndarray]:
    rows, cols = np.nonzero(checked.allowed)
    return rows.astype(np.int64), cols.astype(np.int64)


# --------------------------------------------------------------------------------------------
# Similarity bound: counting and a Lagrangian dual (see the module docstring for the proof)
# --------------------------------------------------------------------------------------------


def _reward_cap(checked: _Checked, placed: int) -> int:
    """An upper bound on ``sum_j max_g count(j, g)`` over every assignment placing ``placed``
    members (the rule, the circle capacities and the group sizes; forbidden pairs ignored).

    A circle themed ``g`` (its largest group) rewards at most ``u[j, g] = min(max_size,
    members of g allowed in j)`` members; the circles themed ``g`` reward at most ``N_g`` (the
    placeable members of ``g``) and at most the sum of their ``u[., g]``, which is at most the
    sum of the ``m_g`` largest. So group ``g`` earns at most ``f_g(m_g) = min(N_g, prefix_g(m_g))``
    with ``sum_g m_g <= k``: at most the ``k`` largest of all increments ``f_g(m) - f_g(m - 1)``.
    """
    k, n_groups = checked.k, checked.n_groups
    groups = checked.groups
    placeable = checked.allowed.any(axis=1)
    members = np.bincount(groups[placeable], minlength=n_groups)
    room = np.zeros((k, n_groups), dtype=np.int64)
    for g in range(n_groups):
        room[:, g] = checked.allowed[groups == g].sum(axis=0)
    room = -np.sort(-np.minimum(room, checked.max_size), axis=0)
    earned = np.minimum(np.cumsum(room, axis=0), members[None, :])
    steps = np.diff(earned, axis=0, prepend=0).ravel()
    top = int(np.sort(steps)[-k:].sum()) if steps.size else 0
    return min(placed, top)


class _Dual:
    """The Lagrangian dual of the similarity problem at a fixed placement (module docstring).

    ``value(pi, sigma, theta)`` is an upper bound on ``fit + w * reward`` of every assignment
    that places ``placed`` members, for every ``theta >= 0`` and ``pi`` (``pi >= 0`` unless every
    member is placed), and returns a subgradient.
    """

    def __init__(self, checked: _Checked, placed: int, reward_cap: int) -> None:
        self.c = checked
        self.placed = placed
        self.cap = reward_cap
        self.rows = [np.flatnonzero(checked.groups == g) for g in range(checked.n_groups)]
        self.masked = np.where(checked.allowed, checked.fit, -np.inf)
        self.same = checked.groups[:, None] == np.arange(checked.n_groups)[None, :]

    def value(
        self, pi: np.ndarray, sigma: float, theta: float, gradient: bool = True
    ) -> tuple[float, np.ndarray, float, float, np.ndarray]:
        c = self.c
        k, size, low = c.k, c.max_size, c.min_size
        bonus = c.weight - theta
        base = self.masked - (pi + sigma)[:, None]
        tops = np.full((c.n_groups, size, k), -np.inf)
        for g, rows in enumerate(self.rows):
            block = base[rows]
            if rows.shape[0] > size:
                block = np.partition(block, rows.shape[0] - size, axis=0)[-size:]
            tops[g, : block.shape[0]] = block
        flat = tops.reshape(-1, k)
        best = np.full(k, -np.inf)
        theme = np.zeros(k, dtype=np.int64)
        for g in range(c.n_groups):
            shifted = flat.copy()
            shifted[g * size : (g + 1) * size] += bonus
            ranked = -np.sort(-shifted, axis=0)[:size]
            circle = ranked[:low].sum(axis=0) + np.maximum(ranked[low:], 0.0).sum(axis=0)
            better = circle > best
            best[better] = circle[better]
            theme[better] = g
        total = float(pi.sum()) + sigma * self.placed + theta * self.cap + float(best.sum())
        # Rounding: every term above is a float sum of at most `terms` roundings of numbers
        # no larger than `top`; add their worst case, so the value stays a bound.
        top = float(np.abs(c.fit).max(initial=0.0)) + float(np.abs(pi).max(initial=0.0))
        top += abs(sigma) + c.weight + theta
        terms = c.n + k * (size * c.n_groups + 2) + 3
        magnitude = float(np.abs(pi).sum()) + abs(sigma) * self.placed + theta * self.cap
        total += 4e-16 * terms * (magnitude + k * size * top)
        if not gradient or not math.isfinite(total):
            return total, np.zeros(0), 0.0, 0.0, theme
        adjusted = base + bonus * self.same[:, theme]
        # Each circle takes its min_size best and then every positive one, up to max_size.
        ranked = adjusted
        if ranked.shape[0] > size:
            ranked = np.partition(ranked, ranked.shape[0] - size, axis=0)[-size:]
        ranked = -np.sort(-ranked, axis=0)
        taken = low + (ranked[low:] > 0).sum(axis=0)
        threshold = np.where(taken > 0, ranked[np.maximum(taken - 1, 0), np.arange(k)], np.inf)
        chosen = adjusted >= threshold[None, :]
        cover = chosen.sum(axis=1).astype(np.float64)
        themed = float((chosen & self.same[:, theme]).sum())
        return total, cover, float(chosen.sum()), themed, theme


def _similarity_bound(
    checked: _Checked, placed: int, assignment: np.ndarray, target: float, deadline: float,
    rounds: int = DUAL_ROUNDS,
) -> tuple[float, np.ndarray | None]:  # fmt: skip
    """The smallest dual value found (and each circle's theme there), by deflected projected
    subgradient steps (Polyak steps towards ``target``, the best value known).

    Started at the multipliers ``assignment`` suggests: each member's price is what it earns
    there (fit, plus ``w`` when in its circle's dominant group), ``theta = sigma = 0``.
    """
    cap = _reward_cap(checked, placed)
    dual = _Dual(checked, placed, cap)
    w = checked.weight
    here = np.flatnonzero(assignment >= 0)
    counts = np.zeros((checked.k, checked.n_groups), dtype=np.int64)
    np.add.at(counts, (assignment[here], checked.groups[here]), 1)
    dominant = counts.argmax(axis=1)
    pi = np.zeros(checked.n)
    pi[here] = checked.fit[here, assignment[here]] + w * (
        checked.groups[here] == dominant[assignment[here]]
    )
    sigma = theta = 0.0
    free = placed == checked.n
    if not free:
        pi = np.maximum(pi, 0.0)  # the member rows are inequalities: pi >= 0
    best, best_theme = math.inf, None
    step, stall = 1.0, 0
    d_pi, d_sigma, d_theta = np.zeros(checked.n), 0.0, 0.0
    for round_ in range(rounds):
        began = time.perf_counter()
        value, cover, chosen, themed, theme = dual.value(pi, sigma, theta)
        if not math.isfinite(value):
            break
        slow = (time.perf_counter() - began) * DUAL_MIN_ROUNDS > deadline - began
        if round_ == 0 and slow and checked.n * checked.k >= DUAL_LARGE:
            # Too large for enough steps in the time: subgradient steps from this start
            # need many rounds to beat the counting bound. (Small problems always run: a
            # slow first step there is the machine, not the size.)
            return value, None
        if value < best - 1e-12 * max(1.0, abs(value)):
            best, best_theme, stall = value, theme, 0
        else:
            stall += 1
            if stall >= DUAL_PATIENCE:
                step, stall = step / 2, 0
        if best - target <= 1e-9 * max(1.0, abs(target)) or time.perf_counter() > deadline:
            break
        if (
            not (cover != 1.0).any()
            and (free or chosen == placed)
            and (themed == cap or (theta <= 0 and themed <= cap))
        ):
            break  # a zero subgradient: these multipliers are optimal
        # Deflected direction: the subgradient plus a share of the previous direction.
        d_pi = 1.0 - cover + DUAL_MOMENTUM * d_pi
        d_sigma = (0.0 if free else placed - chosen) + DUAL_MOMENTUM * d_sigma
        d_theta = cap - themed + DUAL_MOMENTUM * d_theta
        if theta <= 0 and d_theta > 0:
            d_theta = 0.0
        norm = float(d_pi @ d_pi) + d_sigma**2 + d_theta**2
        if norm == 0:
            break
        t = step * max(value - target, 1e-9 * max(1.0, abs(target))) / norm
        pi = pi - t * d_pi
        if not free:
            pi = np.maximum(pi, 0.0)
        sigma -= t * d_sigma
        theta = min(w, max(0.0, theta - t * d_theta))
    return best, best_theme


# --------------------------------------------------------------------------------------------
# Exact model (CP-SAT) for small problems
# --------------------------------------------------------------------------------------------


class _StopAtBound(cp_model.CpSolverSolutionCallback):
    """Stops the search once a solution's value reaches a bound proven elsewhere."""

    def __init__(self, checked: _Checked, x: list[cp_model.IntVar], rows: np.ndarray,
                 cols: np.ndarray, stop_at: float) -> None:  # fmt: skip
        super().__init__()
        self.checked, self.x, self.rows, self.cols = checked, x, rows, cols
        top = max(abs(stop_at), float(np.abs(checked.fit).max(initial=0.0)), checked.weight)
        self.stop_at = stop_at - OPTIMAL_GAP / 2 * top

    def on_solution_callback(self) -> None:
        chosen = np.array([self.boolean_value(v) for v in self.x], dtype=bool)
        assignment = np.full(self.checked.n, -1, dtype=np.int64)
        assignment[self.rows[chosen]] = self.cols[chosen]
        if assignment_value(self.checked, assignment) >= self.stop_at:
            self.stop_search()


def _cp_sat(
    checked: _Checked, hint: np.ndarray | None, time_limit_s: float,
    stop_at: float | None = None,
) -> tuple[np.ndarray, float, str] | None:  # fmt: skip
    """Exact two-phase CP-SAT; returns (assignment, bound on value, status) or None.

    ``stop_at``: a proven bound on the value at the flow's placement; the value phase stops
    when a solution reaches it (the caller then reports it optimal by that bound).
    """
    n, k = checked.n, checked.k
    scale = _scale(checked, CP_SAT_RESOLUTION)
    rows, cols = _all_arcs(checked)
    qfit = np.rint(checked.fit[rows, cols] * scale).astype(np.int64)
    qw = round(checked.weight * scale)
    started = time.perf_counter()

    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{a}") for a in range(rows.shape[0])]
    by_member: list[list[int]] = [[] for _ in range(n)]
    by_circle: list[list[int]] = [[] for _ in range(k)]
    arc_of: dict[tuple[int, int], int] = {}
    for a, (i, j) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
        by_member[i].append(a)
        by_circle[j].append(a)
        arc_of[(i, j)] = a
    for arcs in by_member:
        if len(arcs) > 1:
            model.add_at_most_one(x[a] for a in arcs)
    for arcs in by_circle:
        size = sum(x[a] for a in arcs)
        model.add(size >= checked.min_size)
        model.add(size <= checked.max_size)
    for u, v in checked.pairs.tolist():
        for j in range(k):
            if (u, j) in arc_of and (v, j) in arc_of:
                model.add_bool_or([x[arc_of[(u, j)]].Not(), x[arc_of[(v, j)]].Not()])
    terms = [int(c) * x[a] for a, c in enumerate(qfit.tolist())]
    if qw > 0:
        g_of = checked.groups[rows]
        if checked.objective == "diversity":
            for j in range(k):
                for g in range(checked.n_groups):
                    arcs = [a for a in by_circle[j] if g_of[a] == g]
                    if not arcs:
                        continue
                    count = sum(x[a] for a in arcs)
                    present = model.new_bool_var(f"p{j}_{g}")
                    model.add(count >= 1).only_enforce_if(present)
                    excess = model.new_int_var(0, len(arcs), f"e{j}_{g}")
                    model.add(excess >= count - checked.cap)
                    terms.append(qw * present)
                    terms.append(-qw * excess)
        else:
            for j in range(k):
                theme = [model.new_bool_var(f"t{j}_{g}") for g in range(checked.n_groups)]
                model.add_at_most_one(theme)
                for a in by_circle[j]:
                    reward = model.new_bool_var(f"r{a}")
                    model.add_implication(reward, x[a])
                    model.add_implication(reward, theme[int(g_of[a])])
                    terms.append(qw * reward)
    if hint is not None:
        for a, (i, j) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
            model.add_hint(x[a], int(hint[i] == j))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = max(1.0, time_limit_s / 2)
    placed_expr = sum(x)
    model.maximize(placed_expr)
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        return np.full(n, -1, dtype=np.int64), -math.inf, "infeasible"
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    placement_proven = status == cp_model.OPTIMAL
    best_placed = round(solver.objective_value)
    model.clear_objective()  # type: ignore[no-untyped-call]
    model.add(placed_expr == best_placed)
    model.clear_hints()  # type: ignore[no-untyped-call]
    for a in range(rows.shape[0]):
        model.add_hint(x[a], bool(solver.value(x[a])))
    model.maximize(sum(terms))
    solver.parameters.max_time_in_seconds = max(1.0, time_limit_s - (time.perf_counter() - started))
    callback = None
    if stop_at is not None and math.isfinite(stop_at):
        callback = _StopAtBound(checked, x, rows, cols, stop_at)
    status = solver.solve(model, callback)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    chosen = np.array([solver.value(v) for v in x], dtype=bool)
    assignment = np.full(n, -1, dtype=np.int64)
    assignment[rows[chosen]] = cols[chosen]
    # Each placed member rounds one fit term and contributes at most one mix unit (present,
    # excess or reward), each off by at most half a step.
    bound = solver.best_objective_bound / scale + best_placed / scale
    proven = placement_proven and status == cp_model.OPTIMAL
    if not placement_proven:
        bound = math.inf
    return assignment, bound, "optimal" if proven else "feasible"


# --------------------------------------------------------------------------------------------
# Repair and local search for large problems
# --------------------------------------------------------------------------------------------


class _State:
    """An assignment with its circle sizes and group counts, for cheap move deltas."""

    def __init__(self, checked: _Checked, assignment: np.ndarray) -> None:
        self.c = checked
        self.a = assignment.copy()
        self.size = np.bincount(self.a[self.a >= 0], minlength=checked.k).astype(np.int64)
        self.counts = np.zeros((checked.k, checked.n_groups), dtype=np.int64)
        placed = self.a >= 0
        np.add.at(self.counts, (self.a[placed], checked.groups[placed]), 1)
        partners: list[list[int]] = [[] for _ in range(checked.n)]
        for u, v in checked.pairs.tolist():
            partners[u].append(v)
            partners[v].append(u)
        self.partners = partners
        self.members: list[set[int]] = [set() for _ in range(checked.k)]
        for i in np.flatnonzero(placed).tolist():
            self.members[int(self.a[i])].add(i)

    def _mix_circle(self, counts: np.ndarray) -> float:
        c = self.c
        if c.weight == 0:
            return 0.0
        if c.objective == "diversity":
            return c.weight * float((counts > 0).sum() - np.maximum(counts - c.cap, 0).sum())
        return c.weight * float(counts.max(initial=0))

    def delta_remove(self, i: int) -> float:
        j = int(self.a[i])
        g = int(self.c.groups[i])
        before = self._mix_circle(self.counts[j])
        after_counts = self.counts[j].copy()
        after_counts[g] -= 1
        return -float(self.c.fit[i, j]) + self._mix_circle(after_counts) - before

    def delta_add(self, i: int, j: int, without: int = -1) -> float:
        g = int(self.c.groups[i])
        counts = self.counts[j].copy()
        if without >= 0:
            counts[int(self.c.groups[without])] -= 1
        before = self._mix_circle(counts)
        counts[g] += 1
        return float(self.c.fit[i, j]) + self._mix_circle(counts) - before

    def conflicts(self, i: int, j: int, ignore: int = -1) -> bool:
        return any(self.a[p] == j and p != ignore for p in self.partners[i])

    def move(self, i: int, j: int) -> None:
        old = int(self.a[i])
        g = int(self.c.groups[i])
        if old >= 0:
            self.size[old] -= 1
            self.counts[old, g] -= 1
            self.members[old].discard(i)
        if j >= 0:
            self.size[j] += 1
            self.counts[j, g] += 1
            self.members[j].add(i)
        self.a[i] = j


def _best_repair(
    state: _State, u: int, v: int, limit: int, deadline: float
) -> tuple[float, int, int, int] | None:
    """The best move or swap that separates ``u`` and ``v``: (delta, member, circle, swap)."""
    checked = state.c
    allowed = checked.allowed
    best: tuple[float, int, int, int] | None = None  # (delta, member, circle, swap with)
    for i in (u, v):
        j = int(state.a[i])
        out = state.delta_remove(i)
        leave_ok = state.size[j] - 1 >= checked.min_size
        targets = np.flatnonzero(allowed[i])
        if targets.shape[0] > limit:
            # The best-fitting circles first: a repair far down the list costs more fit.
            top = np.argpartition(-checked.fit[i, targets], limit - 1)
            targets = targets[top[:limit]]
        for t in targets.tolist():
            if t == j or state.conflicts(i, t):
                continue
            if leave_ok and state.size[t] < checked.max_size:
                d = out + state.delta_add(i, t)
                if best is None or d > best[0]:
                    best = (d, i, t, -1)
            # Swap with a member of t who may join j without a conflict.
            for w in sorted(state.members[t]):
                if not allowed[w, j] or state.conflicts(w, j, ignore=i):
                    continue
                if state.conflicts(i, t, ignore=w):
                    continue
                d = (
                    out + state.delta_add(i, t, without=w)
                    + state.delta_remove(w) + state.delta_add(w, j, without=i)
                )  # fmt: skip
                if best is None or d > best[0]:
                    best = (d, i, t, w)
        if time.perf_counter() > deadline:
            break
    return best


def _repair(checked: _Checked, assignment: np.ndarray, deadline: float) -> np.ndarray | None:
    """Separate forbidden pairs sharing a circle by the best move or swap; None if stuck."""
    state = _State(checked, assignment)
    for u, v in checked.pairs.tolist():
        if state.a[u] < 0 or state.a[u] != state.a[v]:
            continue
        best = _best_repair(state, u, v, REPAIR_TARGETS, deadline)
        if best is None:
            best = _best_repair(state, u, v, checked.k, deadline)
        if best is None:
            return None
        _, i, t, w = best
        j = int(state.a[i])
        if w >= 0:
            state.move(w, -1)
            state.move(i, t)
            state.move(w, j)
        else:
            state.move(i, t)
    return state.a


def _similarity_search(
    checked: _Checked, start: np.ndarray, deadline: float, first_theme: np.ndarray | None = None
) -> np.ndarray:
    """Alternate themes (dominant group per circle; ``first_theme`` first when given) and
    flows with the theme bonus."""
    best = start
    best_value = assignment_value(checked, best)
    rows_all, cols_all = _all_arcs(checked)
    for step in range(20):
        if time.perf_counter() > deadline:
            break
        counts = np.zeros((checked.k, checked.n_groups), dtype=np.int64)
        placed = best >= 0
        np.add.at(counts, (best[placed], checked.groups[placed]), 1)
        theme = counts.argmax(axis=1)
        if step == 0 and first_theme is not None:
            theme = first_theme
        bonus_all = checked.weight * (checked.groups[rows_all] == theme[cols_all])
        # Candidate arcs: the current circle plus the best CANDIDATES by fit + bonus.
        value = np.full(checked.fit.shape, -np.inf)
        value[rows_all, cols_all] = checked.fit[rows_all, cols_all] + bonus_all
        top = min(CANDIDATES, checked.k)
        cand = np.argpartition(-value, top - 1, axis=1)[:, :top]
        rr = np.repeat(np.arange(checked.n), top)
        cc = cand.ravel()
        keep = np.isfinite(value[rr, cc])
        here = np.flatnonzero(placed)
        rr = np.concatenate([rr[keep], here])
        cc = np.concatenate([cc[keep], best[here]])
        key = np.unique(rr * checked.k + cc)
        rr, cc = key // checked.k, key % checked.k
        bonus = checked.weight * (checked.groups[rr] == theme[cc])
        res = _flow(checked, rr, cc, bonus, diversity_nodes=False)
        if res is None:
            break
        candidate = res.assignment
        if checked.pairs.shape[0]:
            fixed = _repair(checked, candidate, deadline)
            if fixed is None:
                break
            candidate = fixed
        value_new = assignment_value(checked, candidate)
        if (candidate >= 0).sum() < (best >= 0).sum() or value_new <= best_value + 1e-12:
            break
        best, best_value = candidate, value_new
    return best


# --------------------------------------------------------------------------------------------
# Reasons
# --------------------------------------------------------------------------------------------


def _reasons(checked: _Checked, assignment: np.ndarray, words: Words) -> list[list[str]]:
    """Plain-language reasons per member: why this circle, or why none."""
    fit, allowed = checked.fit, checked.allowed
    size = np.bincount(assignment[assignment >= 0], minlength=checked.k)
    counts = np.zeros((checked.k, checked.n_groups), dtype=np.int64)
    placed = assignment >= 0
    np.add.at(counts, (assignment[placed], checked.groups[placed]), 1)
    partners: list[list[int]] = [[] for _ in range(checked.n)]
    for u, v in checked.pairs.tolist():
        partners[u].append(v)
        partners[v].append(u)
    out: list[list[str]] = []
    for i in range(checked.n):
        n_allowed = int(allowed[i].sum())
        j = int(assignment[i])
        if j >= 0:
            better = int((allowed[i] & (fit[i] > fit[i, j])).sum())
            lines = [
                words.gettext("topic fit %(fit).2f with this circle") % {"fit": fit[i, j]}
                + (
                    words.gettext(", the best of %(count)d allowed circles") % {"count": n_allowed}
                    if better == 0
                    else words.ngettext(
                        ", %(better)d allowed circle fits better but is full or "
                        "balances the circles less well",
                        ", %(better)d allowed circles fit better but are full or "
                        "balance the circles less well",
                        better,
                    )
                    % {"better": better}
                )
            ]
            if checked.weight > 0:
                same = int(counts[j, checked.groups[i]])
                if checked.objective == "diversity":
                    if same == 1:
                        lines.append(words.gettext("brings a group the circle had no one from"))
                    else:
                        lines.append(
                            words.gettext("shares a group with %(count)d others in the circle")
                            % {"count": same - 1}
                        )
                elif same == int(counts[j].max()):
                    lines.append(words.gettext("belongs to the circle's main group"))
            out.append(lines)
            continue
        if n_allowed == 0:
            out.append(
                [
                    words.gettext(
                        "No circle is allowed: every circle is excluded by a hard rule "
                        "(management chain, language, veto or forbid)."
                    )
                ]
            )
            continue
        open_circles = allowed[i] & (size < checked.max_size)
        blocked = np.zeros(checked.k, dtype=bool)
        for p in partners[i]:
            if assignment[p] >= 0:
                blocked[assignment[p]] = True
        if not open_circles.any():
            out.append(
                [
                    words.ngettext(
                        "The %(count)d allowed circle is full.",
                        "All %(count)d allowed circles are full.",
                        n_allowed,
                    )
                    % {"count": n_allowed}
                ]
            )
        elif not (open_circles & ~blocked).any():
            out.append(
                [
                    words.gettext(
                        "Every allowed circle with room holds someone this member may not share "
                        "a circle with."
                    )
                ]
            )
        else:
            out.append(
                [
                    words.gettext(
                        "Not placed: placing this member would leave a circle below its minimum "
                        "size or lower the total fit."
                    )
                ]
            )
    return out


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def _solution(
    checked: _Checked,
    assignment: np.ndarray,
    bound: float,
    status: str,
    words: Words,
    timings: dict[str, float],
) -> CircleSolution:
    if status == "infeasible":
        assignment = np.full(checked.n, -1, dtype=np.int64)
        reasons = [
            [
                words.gettext(
                    "No assignment gives every circle its minimum size under the hard rules."
                )
            ]
            for _ in range(checked.n)
        ]
        return CircleSolution(assignment, 0.0, -math.inf, math.inf, status, reasons, timings)
    value = assignment_value(checked, assignment)
    bound = max(bound, value)  # the rounding slack can only make the bound looser
    # Relative to the bound, or to the largest single term when the bound is near zero (a
    # rounding step of a zero bound is not a 100% gap).
    scale = max(abs(bound), float(np.abs(checked.fit).max(initial=0.0)), checked.weight, 1e-9)
    gap = math.inf if not math.isfinite(bound) else (bound - value) / scale
    if status == "optimal" and gap > OPTIMAL_GAP:
        status = "feasible"
    reasons = _reasons(checked, assignment, words)
    return CircleSolution(assignment, value, bound, gap, status, reasons, timings)


def solve_circles(
    problem: CircleProblem, *, time_limit_s: float = 60.0, words: Words = ENGLISH
) -> CircleSolution:
    """Assign members to circles (see the module docstring for the model and the bound).

    Raises :class:`MatchingInputError` naming the bad input. Deterministic for a given input
    when the time limit does not bind (CP-SAT runs on small problems only, with a fixed model
    and hint; the similarity dual and searches stop at shares of the time limit, so on a
    loaded machine the answer may differ, never the validity of its bound). ``"infeasible"`` is a
    proof (by the flow or CP-SAT), except in one case: a large problem (more than
    ``FALLBACK_LIMIT`` allowed pairs) whose forbidden pairs no move or swap could separate.
    """
    started = time.perf_counter()
    deadline = started + time_limit_s
    checked = check_problem(problem)
    timings: dict[str, float] = {}
    n, k = checked.n, checked.k
    if k * checked.min_size > n:
        return _solution(checked, np.full(n, -1), -math.inf, "infeasible", words, timings)
    n_arcs = int(checked.allowed.sum())
    exact_mix = checked.objective == "diversity" and checked.weight > 0
    similarity = checked.objective == "similarity" and checked.weight > 0
    t = time.perf_counter()
    relaxed = _flow_certified(checked, diversity_nodes=exact_mix)
    timings["flow"] = time.perf_counter() - t
    if relaxed is None:
        return _solution(checked, np.full(n, -1), -math.inf, "infeasible", words, timings)
    if similarity:
        # Counting bound: the fit flow's optimum plus w for as many members as the circles
        # can reward (`_reward_cap`); the dual below is usually tighter still.
        cap = _reward_cap(checked, relaxed.placed)
        relaxed = _FlowResult(
            relaxed.assignment,
            relaxed.placed,
            relaxed.bound + checked.weight * cap * (1 + 1e-12),
        )
    start = relaxed.assignment
    violated = _violated(checked, start)
    if not similarity and not violated:
        return _solution(checked, start, relaxed.bound, "optimal", words, timings)
    if n_arcs <= EXACT_LIMIT:
        t = time.perf_counter()
        hint, stop_at, heuristic = start, None, None
        if similarity:
            # The heuristic and the dual first (fast at this size): the dual's bound stops
            # CP-SAT once reached, the heuristic (searched from the dual's themes too) is
            # CP-SAT's first solution and kept when CP-SAT finds none better.
            share = deadline - (deadline - time.perf_counter()) * (1 - DUAL_SHARE)
            heuristic = _repair(checked, start, share) if violated else start
            if heuristic is not None:
                heuristic = _similarity_search(checked, heuristic, share)
            guess = start if heuristic is None else heuristic
            dual, theme = _similarity_bound(
                checked, relaxed.placed, guess, assignment_value(checked, guess), share
            )
            relaxed = _FlowResult(relaxed.assignment, relaxed.placed, min(relaxed.bound, dual))
            stop_at = relaxed.bound
            if heuristic is not None and theme is not None:
                heuristic = _similarity_search(checked, heuristic, share, first_theme=theme)
            hint = guess if heuristic is None else heuristic
            timings["dual"] = time.perf_counter() - t
        t = time.perf_counter()
        exact = _cp_sat(checked, hint, max(1.0, deadline - time.perf_counter()), stop_at)
        timings["cp_sat"] = time.perf_counter() - t
        if exact is not None:
            assignment, bound, status = exact
            if (
                heuristic is not None
                and (heuristic >= 0).sum() == (assignment >= 0).sum()
                and assignment_value(checked, heuristic) > assignment_value(checked, assignment)
            ):
                assignment = heuristic
            if (assignment >= 0).sum() == relaxed.placed:
                # The relaxations bound the value at their placement only.
                bound = min(bound, relaxed.bound)
                if bound - assignment_value(checked, assignment) <= OPTIMAL_GAP / 2 * max(
                    abs(bound), float(np.abs(checked.fit).max(initial=0.0)), checked.weight
                ):
                    status = "optimal"
            return _solution(checked, assignment, bound, status, words, timings)
        if heuristic is not None:
            # CP-SAT found nothing in its time: the heuristic's answer, with its bound.
            bound = relaxed.bound if (heuristic >= 0).sum() == relaxed.placed else math.inf
            return _solution(checked, heuristic, bound, "optimal", words, timings)
    t = time.perf_counter()
    current: np.ndarray | None = start
    if violated:
        current = _repair(checked, start, deadline)
    if current is None:
        # No repair found: fall back to the exact model on what time is left (when it is
        # small enough to build; otherwise none was found, which is not a proof).
        exact = (
            _cp_sat(checked, start, max(1.0, deadline - time.perf_counter()))
            if n_arcs <= FALLBACK_LIMIT
            else None
        )
        if exact is None:
            return _solution(checked, np.full(n, -1), -math.inf, "infeasible", words, timings)
        assignment, bound, status = exact
        if (assignment >= 0).sum() == relaxed.placed:
            bound = min(bound, relaxed.bound)
        return _solution(checked, assignment, bound, status, words, timings)
    timings["repair"] = time.perf_counter() - t
    bound = relaxed.bound if (current >= 0).sum() == relaxed.placed else math.inf
    if similarity:
        t = time.perf_counter()
        current = _similarity_search(checked, current, deadline)
        timings["search"] = time.perf_counter() - t
        if math.isfinite(bound):
            t = time.perf_counter()
            share = deadline - (deadline - time.perf_counter()) * (1 - DUAL_SHARE)
            dual, theme = _similarity_bound(
                checked, relaxed.placed, current, assignment_value(checked, current), share
            )
            bound = min(bound, dual)
            timings["dual"] = time.perf_counter() - t
            if theme is not None:
                # The dual's themes often beat the dominant groups: search from them too.
                t = time.perf_counter()
                current = _similarity_search(checked, current, deadline, first_theme=theme)
                timings["search"] += time.perf_counter() - t
    return _solution(checked, current, bound, "optimal", words, timings)
