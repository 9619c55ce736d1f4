"""Small-cell suppression for published breakdowns: hide every figure about fewer than k people,
and every figure from which a hidden one could be worked out.

Pure Python + numpy, no Django, so the rules are proved by fast tests. Callers (selectors, exports)
build a table of *counts of people*, call one function here, and publish only what it returns.

Three shapes are supported:

* :func:`suppress_table` — a two-way breakdown (rows = groups such as self-identified gender,
  columns = categories such as "participating / not participating" or programs), published with
  its row totals, column totals and grand total. Each person must be counted in exactly one cell
  (the columns partition the rows); for overlapping categories publish separate one-way breakdowns.
* :func:`suppress_breakdown` — a one-way breakdown (group counts and their published total).
* :func:`suppress_rates` — a rate per group (numerator / denominator, e.g. matched / enrolled),
  protected through the two-way table ``[numerator, denominator - numerator]`` per group.

What a result guarantees (k is the minimum group size, at least :data:`MIN_GROUP_SIZE_FLOOR`):

1. **Primary suppression.** No published cell or total is in ``1..k-1``. A ``0`` is published only
   when the groups it is about are empty or have at least k people: a zero cell is hidden when its
   row total or its column total is in ``1..k-1`` and neither is 0 (otherwise "none of the 3
   people in program X are women" would reveal those 3 people's gender). Zeros in large groups
   are shown, as is common practice (the US CMS policy hides 1..10, not 0): "nobody in a group of
   40 did X" is the aggregate we mean to report, and hiding every zero would hide most of a sparse
   table for no protection.
2. **Complementary suppression.** No hidden value can be worked out from the published numbers by
   subtraction: every row and column (the totals row and column included) has either no hidden
   entry or at least two, and more strongly no hidden value is *uniquely determined* by the whole
   system of row and column sums (checked by linear algebra, which also catches a hidden cell that
   is only recoverable by combining several rows and columns).
3. **Pooling.** On every line whose total is published and non-zero, the hidden cells of that line
   hold at least k people together, so "total minus what is shown" never describes a group under
   k. (A published total of 0 already says that each of its cells is 0.)
4. **Determinism.** The same table and k always give the same result: candidates are ranked by
   (is a total, is zero, value, position), so the smallest non-zero cell of a line is hidden first,
   and a line total only when nothing else is left.

Not covered (by design, for the caller): ranges an attacker can derive from non-negativity beyond
rule 3, and *differences between two reports*. Two overlapping segments (e.g. "Engineering" and
"Engineering without Berlin", or this month against last month) must not differ by 1..k-1 people:
check each pair with :func:`difference_is_safe` before publishing the second one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

#: The product never lets the minimum group size go below this (Betterworks and Viva enforce 5).
MIN_GROUP_SIZE_FLOOR = 5

_TOLERANCE = 1e-9


class SuppressionInputError(ValueError):
    """A table this module cannot protect; the message names the input, position and rule."""


class SuppressionReason(StrEnum):
    """Why a figure is hidden; the value is the sentence shown to readers."""

    FEWER_THAN_K = "fewer than k people"
    COMPLEMENTARY = "could be worked out from the others"


@dataclass(frozen=True, eq=False)
class SuppressedTable:
    """A two-way breakdown as it may be published: suppressed figures are ``None``.

    ``mask`` is a read-only boolean array of shape ``(rows + 1, columns + 1)`` laid out like the
    printed table: ``mask[i, j]`` for cells, ``mask[i, -1]`` for row totals, ``mask[-1, j]`` for
    column totals and ``mask[-1, -1]`` for the grand total. ``reasons`` maps the same positions
    of every hidden figure (and only those) to why it is hidden.
    """

    k: int
    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    column_totals: tuple[int | None, ...]
    grand_total: int | None
    mask: npt.NDArray[np.bool_]
    reasons: dict[tuple[int, int], SuppressionReason]

    @property
    def cell_mask(self) -> npt.NDArray[np.bool_]:
        """The mask of the cells only, shape ``(rows, columns)``."""
        return self.mask[:-1, :-1]


@dataclass(frozen=True, eq=False)
class SuppressedBreakdown:
    """A one-way breakdown as it may be published: suppressed figures are ``None``.

    ``mask`` is a read-only boolean array of length ``len(counts) + 1``; the last entry is the
    total. ``reasons`` maps the index of every hidden figure (the total is ``len(counts)``).
    """

    k: int
    counts: tuple[int | None, ...]
    total: int | None
    mask: npt.NDArray[np.bool_]
    reasons: dict[int, SuppressionReason]


@dataclass(frozen=True, eq=False)
class SuppressedRates:
    """Per-group rates as they may be published: suppressed rates are ``None``.

    A group's rate is hidden when its denominator is under k, or when its numerator or its
    denominator is hidden in ``table`` (a published rate and denominator would give the numerator
    back). ``reasons`` maps the index of every hidden rate; ``len(rates)`` stands for the overall
    rate. ``table`` is the protected ``[numerator, denominator - numerator]`` table, whose published
    figures are safe to show beside the rates.
    """

    k: int
    rates: tuple[float | None, ...]
    overall_rate: float | None
    reasons: dict[int, SuppressionReason]
    table: SuppressedTable


def difference_is_safe(count_a: int, count_b: int, k: int) -> bool:
    """True when publishing both counts does not isolate a group of 1..k-1 people.

    For two overlapping segments (one contained in the other, or the same segment at two dates) the
    difference ``|a - b|`` is itself a group; it is safe when it is empty or has at least k people.
    """
    _check_k(k)
    difference = abs(_check_count("count_a", count_a) - _check_count("count_b", count_b))
    return difference == 0 or difference >= k


def suppress_table(counts: Sequence[Sequence[int]] | npt.ArrayLike, *, k: int) -> SuppressedTable:
    """Protect a two-way table of counts of people, published with all its totals.

    Totals are computed from ``counts`` (a published total that is not the sum of its cells is not a
    breakdown this module can reason about). Guarantees: see the module docstring.
    """
    _check_k(k)
    table = _check_table(counts)
    rows, columns = table.shape
    augmented = np.zeros((rows + 1, columns + 1), dtype=np.int64)
    augmented[:rows, :columns] = table
    augmented[:rows, columns] = table.sum(axis=1)
    augmented[rows, :columns] = table.sum(axis=0)
    augmented[rows, columns] = table.sum()

    width = columns + 1
    lines: list[tuple[list[int], int]] = []
    for i in range(rows + 1):
        lines.append(([i * width + j for j in range(columns)], i * width + columns))
    for j in range(columns + 1):
        lines.append(([i * width + j for i in range(rows)], rows * width + j))

    values = augmented.ravel()
    is_total = np.zeros_like(augmented, dtype=bool)
    is_total[rows, :] = True
    is_total[:, columns] = True

    primary = _is_small(values, k)
    # A zero about a small group still tells something about each of its members.
    small_row = _is_small(augmented[:, columns], k)
    small_column = _is_small(augmented[rows, :], k)
    # An empty line (total 0) says as much as its zeros, so those zeros stay published.
    in_nonempty_lines = (augmented[:, columns] > 0)[:, None] & (augmented[rows, :] > 0)[None, :]
    zero_in_small_group = (
        (augmented == 0) & in_nonempty_lines & (small_row[:, None] | small_column[None, :])
    )
    primary |= zero_in_small_group.ravel()

    mask, reasons = protect_linear_system(values, primary, is_total.ravel(), lines, k)
    grid = mask.reshape(augmented.shape)
    grid.flags.writeable = False
    published = [
        [None if grid[i, j] else int(augmented[i, j]) for j in range(columns + 1)]
        for i in range(rows + 1)
    ]
    return SuppressedTable(
        k=k,
        cells=tuple(tuple(line[:columns]) for line in published[:rows]),
        row_totals=tuple(line[columns] for line in published[:rows]),
        column_totals=tuple(published[rows][:columns]),
        grand_total=published[rows][columns],
        mask=grid,
        reasons={divmod(index, width): reason for index, reason in reasons.items()},
    )


def suppress_breakdown(counts: Sequence[int] | npt.ArrayLike, *, k: int) -> SuppressedBreakdown:
    """Protect a one-way breakdown of counts of people, published with its total.

    Guarantees: no published figure in 1..k-1 (zeros hidden too when the total is in 1..k-1), no
    hidden count recoverable as total minus the others, hidden counts holding at least k people
    together whenever the total is published, deterministic.
    """
    _check_k(k)
    groups = _check_vector("counts", counts)
    values = np.append(groups, groups.sum())
    primary = _is_small(values, k)
    if _is_small(values[-1:], k)[0]:
        primary |= values == 0
    is_total = np.zeros(len(values), dtype=bool)
    is_total[-1] = True
    lines = [(list(range(len(groups))), len(groups))]
    mask, reasons = protect_linear_system(values, primary, is_total, lines, k)
    mask.flags.writeable = False
    published = [None if mask[i] else int(values[i]) for i in range(len(values))]
    return SuppressedBreakdown(
        k=k, counts=tuple(published[:-1]), total=published[-1], mask=mask, reasons=reasons
    )


def suppress_rates(
    numerators: Sequence[int] | npt.ArrayLike,
    denominators: Sequence[int] | npt.ArrayLike,
    *,
    k: int,
) -> SuppressedRates:
    """Protect one rate per group (``numerators[g] / denominators[g]``) and the overall rate.

    The numerators and the complements ``denominator - numerator`` are protected together as a
    two-way table, since a rate and its group size give both back. Guarantees: see
    :class:`SuppressedRates` and the module docstring.
    """
    _check_k(k)
    top = _check_vector("numerators", numerators)
    bottom = _check_vector("denominators", denominators)
    if len(top) != len(bottom):
        raise SuppressionInputError(
            f"numerators has {len(top)} groups and denominators {len(bottom)}: must be equal"
        )
    for g, (n, d) in enumerate(zip(top.tolist(), bottom.tolist(), strict=True)):
        if n > d:
            raise SuppressionInputError(
                f"numerators[{g}] = {n}: must be <= denominators[{g}] = {d}"
            )
    table = suppress_table(np.column_stack([top, bottom - top]), k=k)

    rates: list[float | None] = []
    reasons: dict[int, SuppressionReason] = {}
    positions = [(g, int(top[g]), int(bottom[g])) for g in range(len(top))]
    positions.append((len(top), int(top.sum()), int(bottom.sum())))
    for g, numerator, denominator in positions:
        if denominator < k:
            reasons[g] = SuppressionReason.FEWER_THAN_K
        elif table.mask[g, 0]:
            reasons[g] = table.reasons[(g, 0)]
        elif table.mask[g, -1]:
            reasons[g] = table.reasons[(g, table.mask.shape[1] - 1)]
        rates.append(None if g in reasons else numerator / denominator)
    return SuppressedRates(
        k=k, rates=tuple(rates[:-1]), overall_rate=rates[-1], reasons=reasons, table=table
    )


# --- the algorithm ---------------------------------------------------------------------------


def protect_linear_system(
    values: npt.NDArray[np.int64],
    primary: npt.NDArray[np.bool_],
    is_total: npt.NDArray[np.bool_],
    lines: list[tuple[list[int], int]],
    k: int,
) -> tuple[npt.NDArray[np.bool_], dict[int, SuppressionReason]]:
    """Add complementary suppressions to ``primary`` until guarantees 2 and 3 hold.

    Public for figures that are tied by sums across several tables (``insights.equity``):
    ``values`` are all the counts, ``is_total`` marks the totals, and each line ``(parts,
    total)`` says that the counts at ``parts`` add up to the count at index ``total``.

    Each step hides one more entry, so this ends (at worst with everything hidden, which satisfies
    every rule because each line has at least two entries).
    """
    mask = primary.copy()
    reasons = {int(i): SuppressionReason.FEWER_THAN_K for i in np.flatnonzero(primary)}
    equations = np.zeros((len(lines), len(values)))
    for row, (cells, total) in enumerate(lines):
        equations[row, cells] = 1.0
        equations[row, total] = -1.0

    def rank(index: int, line_total: int | None) -> tuple[bool, bool, int, int]:
        # Smallest non-zero cell first: it costs least information and, unlike a zero, it
        # actually blurs the hidden value. A line's own total is the last resort.
        total_last = index == line_total if line_total is not None else bool(is_total[index])
        return (total_last, values[index] == 0, int(values[index]), index)

    while True:
        unsafe = _first_unsafe_line(values, mask, lines, k)
        if unsafe is not None:
            cells, total = lines[unsafe]
            candidates = [i for i in [*cells, total] if not mask[i]]
            chosen = min(candidates, key=lambda i: rank(i, total))
        else:
            exposed = _determined(equations, mask)
            if not exposed:
                return mask, reasons
            # Hidden in every line with company, yet pinned down by combining lines (two
            # blocks of hidden cells joined by one cell): hide a cell that frees it.
            candidates = sorted(np.flatnonzero(~mask).tolist(), key=lambda i: rank(i, None))
            chosen = candidates[0]
            for candidate in candidates:
                mask[candidate] = True
                freed = exposed[0] not in _determined(equations, mask)
                mask[candidate] = False
                if freed:
                    chosen = candidate
                    break
        mask[chosen] = True
        reasons[chosen] = SuppressionReason.COMPLEMENTARY


def _first_unsafe_line(
    values: npt.NDArray[np.int64],
    mask: npt.NDArray[np.bool_],
    lines: list[tuple[list[int], int]],
    k: int,
) -> int | None:
    """The first line with exactly one hidden entry, or whose published total exposes a hidden
    sum under k; ``None`` when every line is safe.

    A published total of 0 exposes nothing its zeros would not: every cell of it is 0.
    """
    for index, (cells, total) in enumerate(lines):
        hidden_cells = [i for i in cells if mask[i]]
        hidden = len(hidden_cells) + int(mask[total])
        if hidden == 1:
            return index
        published_total = not mask[total] and values[total] > 0
        if published_total and hidden_cells and int(values[hidden_cells].sum()) < k:
            return index
    return None


def _determined(equations: npt.NDArray[np.float64], mask: npt.NDArray[np.bool_]) -> list[int]:
    """Hidden entries whose value the published ones fix through the line equations.

    A hidden entry is free exactly when some solution of the homogeneous system restricted to the
    hidden entries moves it, i.e. when its coordinate is non-zero in that system's null space.
    """
    hidden = np.flatnonzero(mask)
    if len(hidden) == 0:
        return []
    system = equations[:, hidden]
    _, singular, right = np.linalg.svd(system, full_matrices=True)
    rank = int((singular > _TOLERANCE * max(1.0, float(singular.max(initial=0.0)))).sum())
    null_space = right[rank:].T
    if null_space.shape[1] == 0:
        return [int(i) for i in hidden]
    movable = np.abs(null_space).max(axis=1) > 1e-7
    return [int(i) for i, free in zip(hidden, movable, strict=True) if not free]


def _is_small(values: npt.NDArray[np.int64], k: int) -> npt.NDArray[np.bool_]:
    return (values > 0) & (values < k)


# --- input checks ----------------------------------------------------------------------------


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int | np.integer):
        raise SuppressionInputError(f"k = {k!r}: must be a whole number")
    if k < MIN_GROUP_SIZE_FLOOR:
        raise SuppressionInputError(f"k = {k}: must be >= {MIN_GROUP_SIZE_FLOOR}")


def _check_count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise SuppressionInputError(f"{name} = {value!r}: must be a whole number >= 0")
    return int(value)


def _check_vector(name: str, values: Any) -> npt.NDArray[np.int64]:
    items = list(values)
    if not items:
        raise SuppressionInputError(f"{name} is empty: must have at least one group")
    return np.array([_check_count(f"{name}[{i}]", v) for i, v in enumerate(items)], dtype=np.int64)


def _check_table(counts: Any) -> npt.NDArray[np.int64]:
    rows = [list(row) for row in counts]
    if not rows or not rows[0]:
        raise SuppressionInputError("counts is empty: must have at least one row and one column")
    for i, row in enumerate(rows):
        if len(row) != len(rows[0]):
            raise SuppressionInputError(
                f"counts[{i}] has {len(row)} columns: must have {len(rows[0])} like counts[0]"
            )
    return np.array(
        [
            [_check_count(f"counts[{i}][{j}]", v) for j, v in enumerate(row)]
            for i, row in enumerate(rows)
        ],
        dtype=np.int64,
    )
