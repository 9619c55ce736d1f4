"""Independent reference solutions for small instances (scipy assignment on expanded slots)."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment


def reference_optimum(
    scores: np.ndarray, capacities: np.ndarray, allowed: np.ndarray | None = None
) -> tuple[int, float]:
    """(max cardinality, max total score among max-cardinality assignments), by brute force.

    Slot-expanded assignment: one column per mentor seat plus one "stay unmatched" column per
    mentee; a real pair weighs ``BIG + score`` so cardinality dominates lexicographically.
    """
    n, m = scores.shape
    slots = np.repeat(np.arange(m), capacities)
    big = 1e4 * (1.0 + float(np.abs(scores).max(initial=0.0))) * max(n, 1)
    weight = np.full((n, slots.shape[0] + n), 0.0)
    real = big + scores[:, slots]
    if allowed is not None:
        real = np.where(allowed[:, slots], real, -1e12)
    weight[:, : slots.shape[0]] = real
    r, c = linear_sum_assignment(weight, maximize=True)
    is_real = c < slots.shape[0]
    is_real &= weight[r, c] > 0
    card = int(is_real.sum())
    total = float(scores[r[is_real], slots[c[is_real]]].sum())
    return card, total
