"""Stable matching (mentee-proposing deferred acceptance with mentor capacities) and checks.

Preferences come from scores: a mentee prefers a higher score, ties broken by lower mentor
index; a mentor prefers a higher mentor-side score (``mentor_scores`` or, by default, the same
scores), ties broken by lower mentee index. Only candidate (allowed) pairs are acceptable.

The algorithm runs in synchronous rounds, vectorised with numpy: every free mentee proposes
to the next mentor on its list, each mentor who received proposals keeps its best
``capacity`` among old and new holders and rejects the rest. Gale-Shapley's result does not
depend on the order of proposals, so the rounds give the mentee-optimal stable matching.
"""

from __future__ import annotations

import numpy as np

from ..problem import CandidateGraph, ProgressCallback


def mentee_orders(graph: CandidateGraph) -> tuple[np.ndarray, np.ndarray]:
    """Mentee preference lists as arc indices (best first) and their CSR pointer."""
    # Arcs are sorted by (mentee, mentor). A stable sort on -score, then a stable (radix) sort
    # on the mentee, gives (mentee, -score) order with ties left in mentor-index order.
    by_score = np.argsort(-graph.scores, kind="stable")
    pref = by_score[np.argsort(graph.rows[by_score], kind="stable")]
    return pref, graph.indptr()


def preference_orders(graph: CandidateGraph) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (mentee preference list as arc indices, its CSR pointer, mentor rank per arc).

    ``mentor_rank[a]`` is the 0-based position of arc ``a``'s mentee in its mentor's list.
    """
    rows, cols = graph.rows, graph.cols
    mentor_side = graph.scores if graph.mentor_scores is None else graph.mentor_scores
    # Arcs are sorted by (mentee, mentor). Two stable sorts (score, then the integer owner,
    # which numpy radix-sorts) give (owner, -score) order with ties left in index order —
    # the same as a three-key lexsort, at a fraction of the cost.
    by_score = np.argsort(-graph.scores, kind="stable")
    pref = by_score[np.argsort(rows[by_score], kind="stable")]
    indptr = graph.indptr()
    by_mentor_score = np.argsort(-mentor_side, kind="stable")
    by_mentor = by_mentor_score[np.argsort(cols[by_mentor_score], kind="stable")]
    sorted_cols = cols[by_mentor]
    group_start = np.searchsorted(sorted_cols, sorted_cols, side="left")
    mentor_rank = np.empty(graph.n_arcs, dtype=np.int64)
    mentor_rank[by_mentor] = np.arange(graph.n_arcs) - group_start
    return pref, indptr, mentor_rank


def deferred_acceptance(
    graph: CandidateGraph, capacities: np.ndarray, progress: ProgressCallback
) -> np.ndarray:
    """Mentee-optimal stable matching; returns the chosen-arc mask.

    Guarantees: no mentee holds two mentors, no mentor exceeds its capacity, and no candidate
    pair (i, j) blocks (i prefers j to its outcome and j has room or prefers i to one it holds).
    """
    n = graph.n_mentees
    e = graph.n_arcs
    chosen = np.zeros(e, dtype=bool)
    if e == 0:
        return chosen
    pref, indptr = mentee_orders(graph)
    cols = graph.cols
    rows = graph.rows
    # Mentors compare only the contested pairs of a round, so their order is computed on
    # the fly (higher mentor-side score, then lower mentee index) instead of sorted upfront.
    neg_mentor_score = -(graph.scores if graph.mentor_scores is None else graph.mentor_scores)
    caps = capacities.astype(np.int64)
    ptr = indptr[:-1].copy()  # next position to propose to, per mentee
    end = indptr[1:]
    held = np.zeros(0, dtype=np.int64)  # arcs currently held by mentors
    free = np.flatnonzero(ptr < end)
    touched_flag = np.zeros(graph.n_mentors, dtype=bool)
    rounds = 0
    while free.size:
        rounds += 1
        arcs = pref[ptr[free]]
        ptr[free] += 1
        touched = np.unique(cols[arcs])
        touched_flag[touched] = True
        in_touched = touched_flag[cols[held]]
        contest = np.concatenate([held[in_touched], arcs])
        keep_held = held[~in_touched]
        touched_flag[touched] = False
        order = np.lexsort((rows[contest], neg_mentor_score[contest], cols[contest]))
        contest = contest[order]
        c = cols[contest]
        first = np.searchsorted(c, c, side="left")
        accept = (np.arange(contest.shape[0]) - first) < caps[c]
        held = np.concatenate([keep_held, contest[accept]])
        rejected_mentees = rows[contest[~accept]]
        free = rejected_mentees[ptr[rejected_mentees] < end[rejected_mentees]]
        if rounds % 64 == 0:
            progress("stable", int(held.shape[0]), n)
    chosen[held] = True
    return chosen


def greedy(graph: CandidateGraph, capacities: np.ndarray) -> np.ndarray:
    """Greedy baseline: scan pairs by score (desc), then mentee, then mentor; take if free.

    With both sides ranking by the same scores this equals the stable matching (the pair
    order is a common "master list" both sides agree with, which makes it unique).
    """
    e = graph.n_arcs
    chosen = np.zeros(e, dtype=bool)
    if e == 0:
        return chosen
    order = np.lexsort((graph.cols, graph.rows, -graph.scores))
    room = capacities.astype(np.int64).tolist()
    taken = [False] * graph.n_mentees
    left = min(graph.n_mentees, int(capacities.sum()))
    rows = graph.rows[order].tolist()
    cols = graph.cols[order].tolist()
    picked: list[int] = []
    for pos, (i, j) in enumerate(zip(rows, cols, strict=True)):
        if taken[i] or room[j] == 0:
            continue
        taken[i] = True
        room[j] -= 1
        picked.append(pos)
        left -= 1
        if left == 0:
            break
    chosen[order[np.asarray(picked, dtype=np.int64)]] = True
    return chosen


def blocking_pairs(graph: CandidateGraph, capacities: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Arc indices of the candidate pairs that block the matching ``chosen`` (empty = stable)."""
    e = graph.n_arcs
    if e == 0:
        return np.zeros(0, dtype=np.int64)
    pref, indptr, mentor_rank = preference_orders(graph)
    mentee_pos = np.empty(e, dtype=np.int64)
    mentee_pos[pref] = np.arange(e) - np.repeat(indptr[:-1], np.diff(indptr))
    inf = np.int64(2**62)
    own = np.full(graph.n_mentees, inf)
    own[graph.rows[chosen]] = mentee_pos[chosen]
    worst = np.full(graph.n_mentors, -1, dtype=np.int64)
    np.maximum.at(worst, graph.cols[chosen], mentor_rank[chosen])
    load = np.bincount(graph.cols[chosen], minlength=graph.n_mentors)
    mentee_wants = mentee_pos < own[graph.rows]
    mentor_wants = (load[graph.cols] < capacities[graph.cols]) | (mentor_rank < worst[graph.cols])
    return np.flatnonzero(mentee_wants & mentor_wants & ~chosen)
