"""The one primary rule and the complementary suppression, checked by the interval audit.

Primary rule (k is :func:`~mentorwise.disclosure.size.min_group_size`): a count in ``1..k-1``
is sensitive, and so is a ``0`` on a line whose total is in ``1..k-1`` ("none of the 3 ...")
unless another of its lines is empty (a published total of 0 already says it).

Protection level: every sensitive count keeps an attacker interval that contains both 0 and
k — from everything published about the population, with non-negativity and integrality, the
attacker can neither prove the group non-empty nor narrow it below k people.

Complementary suppression is greedy: while a sensitive count is under-protected, the cheapest
published counts on the sums that tie it (smallest non-zero cells first, totals last) are
tried, and the first that protects it is hidden (or, failing that, the one that helps most).
Hiding only widens intervals, so a count once protected stays protected; at worst everything
tied to it is hidden, which protects it (nothing bounds it then) — so a figure whose
protection cannot otherwise be guaranteed is never published.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from mentorwise.disclosure.audit import (
    Interval,
    Line,
    attacker_intervals,
    component,
    lines_by_count,
)
from mentorwise.disclosure.figures import DisclosureInputError, LinkedCounts
from mentorwise.disclosure.size import MIN_GROUP_SIZE_FLOOR

_TRIALS = 6


def check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int | np.integer):
        raise DisclosureInputError(f"k = {k!r}: must be a whole number")
    if k < MIN_GROUP_SIZE_FLOOR:
        raise DisclosureInputError(f"k = {k}: must be >= {MIN_GROUP_SIZE_FLOOR}")


def sensitive_cells(
    values: npt.NDArray[np.int64], lines: Sequence[Line], k: int
) -> npt.NDArray[np.bool_]:
    """The primary rule: which counts may never be published or narrowed."""
    small = (values > 0) & (values < k)
    small_line = np.zeros(len(values), dtype=bool)
    empty_line = np.zeros(len(values), dtype=bool)
    for cells, total in lines:
        if 0 < values[total] < k:
            small_line[cells] = True
        if values[total] == 0:
            empty_line[cells] = True
    return small | ((values == 0) & small_line & ~empty_line)


def protected(interval: Interval, k: int) -> bool:
    return interval.low <= 0 and interval.high >= k


def _shortfall(interval: Interval, k: int) -> float:
    high = 0.0 if math.isinf(interval.high) else max(0.0, k - interval.high)
    return max(0.0, interval.low) + high


def protect_mask(
    values: npt.NDArray[np.int64],
    lines: Sequence[Line],
    is_total: npt.NDArray[np.bool_],
    k: int,
    forced: npt.NDArray[np.bool_] | None = None,
    also_sensitive: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.bool_]:
    """Which counts to hide: the sensitive ones (and ``also_sensitive``), ``forced``, and
    complementary counts until every sensitive count is protected (module docstring)."""
    check_k(k)
    sensitive = sensitive_cells(values, lines, k)
    if also_sensitive is not None:
        sensitive |= also_sensitive
    mask = sensitive.copy()
    if forced is not None:
        mask |= forced
    lines_of = lines_by_count(lines)

    def rank(i: int) -> tuple[bool, bool, int, int]:
        return (bool(is_total[i]), values[i] == 0, int(values[i]), i)

    def interval_of(cell: int, trial: npt.NDArray[np.bool_]) -> Interval:
        return attacker_intervals(values, lines, trial, [cell], lines_of)[cell]

    cells = [int(i) for i in np.flatnonzero(sensitive)]
    # One pass over the starting pattern (solved per group of tied counts); hiding more only
    # widens intervals, so a count protected now stays protected.
    start = attacker_intervals(values, lines, mask, cells, lines_of)
    for cell in cells:
        if protected(start[cell], k):
            continue
        interval = interval_of(cell, mask)
        while not protected(interval, k):
            group, _ = component(cell, mask, lines, lines_of)
            near = {
                j for i in group for n in lines_of.get(i, []) for j in [*lines[n][0], lines[n][1]]
            }
            candidates = sorted((j for j in near if not mask[j]), key=rank)
            if not candidates:  # everything tied to it is hidden: nothing bounds it
                break
            best = candidates[0]
            chosen: Interval | None = None
            for candidate in candidates[:_TRIALS]:
                mask[candidate] = True
                trial = interval_of(cell, mask)
                mask[candidate] = False
                if chosen is None or _shortfall(trial, k) < _shortfall(chosen, k):
                    best, chosen = candidate, trial
                if protected(trial, k):
                    break
            mask[best] = True
            interval = chosen if chosen is not None else interval_of(cell, mask)
    return mask


def protect_linked(
    system: LinkedCounts, *, k: int, hide: Iterable[str] = (), sensitive: Iterable[str] = ()
) -> set[str]:
    """The names of the counts of ``system`` to hide (everything in ``hide`` included);
    ``sensitive`` names counts to protect like small ones (e.g. an empty group whose
    emptiness is itself telling)."""
    values = np.array(system.values, dtype=np.int64)
    forced = np.zeros(len(values), dtype=bool)
    for name in hide:
        forced[system.index[name]] = True
    extra = np.zeros(len(values), dtype=bool)
    for name in sensitive:
        extra[system.index[name]] = True
    is_total = np.array(system.is_total, dtype=bool)
    mask = protect_mask(values, system.lines, is_total, k, forced, extra)
    return {name for name, i in system.index.items() if mask[i]}


def protect_shared_totals(
    systems: dict[str, tuple[LinkedCounts, int]],
    quantities: Sequence[str],
    *,
    k: int,
    sensitive: dict[str, set[str]] | None = None,
) -> dict[str, set[str]]:
    """Protect breakdowns of the same people by different dimensions as one population.

    Each system names its counts ``<quantity><group>``, the total row being group ``size``;
    the totals of every breakdown are the same numbers, so they are one count here, and the
    audit sees every breakdown at once. Returns the hidden names of each system.
    """
    merged = LinkedCounts()
    names: dict[str, dict[str, str]] = {}
    for dimension, (system, size) in systems.items():
        totals = {f"{q}{size}": f"*{q}" for q in quantities}
        names[dimension] = {}
        for name, i in system.index.items():
            shared = totals.get(name)
            merged_name = shared or f"{dimension}:{name}"
            names[dimension][name] = merged_name
            if shared and shared in merged.index:
                if merged.values[merged.index[shared]] != system.values[i]:
                    raise DisclosureInputError(
                        f"{dimension}: total {name} = {system.values[i]} differs from the "
                        f"other breakdowns' {merged.values[merged.index[shared]]}"
                    )
                continue
            merged.add(merged_name, system.values[i], total=system.is_total[i])
        inverse = {i: name for name, i in system.index.items()}
        for cells, total in system.lines:
            merged.line(
                [names[dimension][inverse[c]] for c in cells], names[dimension][inverse[total]]
            )
    extra = [names[d][n] for d, chosen in (sensitive or {}).items() for n in chosen]
    hidden = protect_linked(merged, k=k, sensitive=extra)
    return {
        dimension: {name for name, merged_name in mapping.items() if merged_name in hidden}
        for dimension, mapping in names.items()
    }


def table_system(counts: Sequence[Sequence[int]] | npt.ArrayLike) -> tuple[LinkedCounts, int, int]:
    """A two-way table with its row, column and grand totals as linked counts; the names are
    ``"i,j"`` laid out like the printed table (row ``rows`` and column ``columns`` are totals)."""
    table = np.asarray(counts, dtype=np.int64)
    if table.ndim != 2 or 0 in table.shape:
        raise DisclosureInputError("counts: must be a non-empty table (rows of equal length)")
    rows, columns = table.shape
    grid = np.zeros((rows + 1, columns + 1), dtype=np.int64)
    grid[:rows, :columns] = table
    grid[:rows, columns] = table.sum(axis=1)
    grid[rows, :columns] = table.sum(axis=0)
    grid[rows, columns] = table.sum()
    system = LinkedCounts()
    for i in range(rows + 1):
        for j in range(columns + 1):
            system.add(f"{i},{j}", int(grid[i, j]), total=i == rows or j == columns)
    for i in range(rows + 1):
        system.line([f"{i},{j}" for j in range(columns)], f"{i},{columns}")
    for j in range(columns + 1):
        system.line([f"{i},{j}" for i in range(rows)], f"{rows},{j}")
    return system, rows, columns


def protect_table(
    counts: Sequence[Sequence[int]] | npt.ArrayLike, *, k: int
) -> npt.NDArray[np.bool_]:
    """The hidden mask of a two-way table published with all its totals, shaped like the
    printed table ``(rows + 1, columns + 1)``."""
    system, rows, columns = table_system(counts)
    hidden = protect_linked(system, k=k)
    mask = np.zeros((rows + 1, columns + 1), dtype=bool)
    for name in hidden:
        i, j = (int(p) for p in name.split(","))
        mask[i, j] = True
    return mask
