"""The one primary rule and the complementary suppression, checked by the interval audit.

Primary rule (k is :func:`~mentorwise.disclosure.size.min_group_size`): a count in ``1..k-1``
is sensitive, and so is a ``0`` on a line whose total is in ``1..k-1`` ("none of the 3 ...")
unless another of its lines is empty (a published total of 0 already says it).

Protection level: every sensitive count keeps an attacker interval that contains both 0 and
k — from everything published about the population, with non-negativity and integrality, the
attacker can neither prove the group non-empty nor narrow it below k people.

Complementary suppression is greedy, guided by the attacker's own linear program
(:mod:`mentorwise.disclosure.program`): while a sensitive count's bound falls short of its
level, the published counts that hold the bound there (non-zero reduced costs) are tried,
cheapest first (counts on fewer sums, totals last), and the first that lets the bound reach
the level is hidden, else the one that moves it furthest. Bounds are over whole numbers
(the integer program decides when the linear optimum is fractional), and a count is settled
without a program when known whole solutions already show it at both levels. Hiding only
widens intervals, so a count once protected stays protected; at worst everything tied to it
is hidden, which protects it (nothing bounds it then) — so a figure whose protection cannot
otherwise be guaranteed is never published.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from mentorwise.disclosure.audit import Line, component, lines_by_count
from mentorwise.disclosure.figures import DisclosureInputError, LinkedCounts
from mentorwise.disclosure.floor import MIN_GROUP_SIZE_FLOOR
from mentorwise.disclosure.program import Blocks, useful_candidates

_TRIALS = 3


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
    sensitive: npt.NDArray[np.bool_] = small | ((values == 0) & small_line & ~empty_line)
    return sensitive


#: Per count: the attacker's lower bound must reach this value or below, and the upper bound
#: this value or above (the lower and upper protection levels of tau-ARGUS).
Levels = Mapping[int, tuple[int, int]]
Rank = tuple[bool, bool, int, bool, int, int]


def protect_mask(
    values: npt.NDArray[np.int64],
    lines: Sequence[Line],
    is_total: npt.NDArray[np.bool_],
    k: int,
    forced: npt.NDArray[np.bool_] | None = None,
    also_sensitive: npt.NDArray[np.bool_] | None = None,
    levels: Levels | None = None,
    preferred: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.bool_]:
    """Which counts to hide: the sensitive ones (and ``also_sensitive``, and every count with
    ``levels``), ``forced``, and complementary counts until every sensitive count is protected
    (module docstring). A sensitive count's levels are ``(0, k)``, widened by ``levels``;
    ``preferred`` complementary counts are tried first (e.g. what the previous release hid)."""
    check_k(k)
    sensitive = sensitive_cells(values, lines, k)
    if also_sensitive is not None:
        sensitive |= also_sensitive
    low = np.zeros(len(values), dtype=np.int64)
    high = np.full(len(values), k, dtype=np.int64)
    for i, (wanted_low, wanted_high) in (levels or {}).items():
        if not sensitive[i]:
            sensitive[i] = True
            low[i], high[i] = wanted_low, wanted_high
        else:
            low[i], high[i] = min(low[i], wanted_low), max(high[i], wanted_high)
    mask = sensitive.copy()
    if forced is not None:
        mask |= forced
    blocks = Blocks(values, lines, mask, is_total)
    lines_of = lines_by_count(lines)

    later = np.zeros(len(values), dtype=bool) if preferred is None else ~preferred

    def rank(i: int) -> Rank:
        # Preferred first, totals last; then counts on fewer sums (hiding them drags in fewer
        # others), then the smallest non-zero ones, zeros after.
        count = int(values[i])
        return (bool(later[i]), bool(is_total[i]), len(lines_of[i]), count == 0, count, i)

    for cell in (int(i) for i in np.flatnonzero(sensitive)):
        # Lower level first (sign 1: min x), then the upper one (sign -1: min -x).
        for sign, level in ((1.0, float(low[cell])), (-1.0, float(high[cell]))):
            while not _reached(blocks, cell, sign, level):
                near = _near(cell, mask, lines, lines_of)
                if not near:
                    break  # everything tied to it is hidden: nothing bounds it
                blocks.hide(_choose(blocks, cell, sign, level, near, rank))
    return mask


def _reached(blocks: Blocks, cell: int, sign: float, level: float) -> bool:
    """Whether ``cell``'s lower (sign 1) or upper (sign -1) whole bound reaches ``level``:
    from the witnesses when they show it, else from the bound's program."""
    if sign > 0 and blocks.seen.lowest[cell] <= level:
        return True
    if sign < 0 and blocks.seen.highest[cell] >= level:
        return True
    bound = blocks.program(cell).bound(cell, sign)
    return bound <= level if sign > 0 else bound >= level


def _choose(
    blocks: Blocks,
    cell: int,
    sign: float,
    level: float,
    near: list[int],
    rank: Callable[[int], Rank],
) -> int:
    """The complementary count to hide next. The program of ``cell`` still holds the bound
    just computed: its reduced costs name the published counts that hold the bound where it
    is (all of ``near`` when none does). The cheapest few within the block are tried and the
    first that reaches the level is chosen, else the one that moves the bound furthest; a
    total that separates blocks is taken only when nothing within the block moves it."""
    program = blocks.program(cell)
    inside = [i for i in near if i in program.local]
    useful = useful_candidates(program, inside) if program.solved else []
    candidates = sorted(useful or near, key=rank)
    current = program.optimum
    best, best_value = None, current if current is not None else math.inf
    for candidate in [c for c in candidates if not blocks.separator[c]][:_TRIALS]:
        program.hide(candidate)
        trial = program.relaxed(cell, sign)
        program.unhide(candidate)
        if trial is None:
            continue
        if sign * trial <= level if sign > 0 else sign * trial >= level:
            return candidate
        if trial < best_value:
            best, best_value = candidate, trial
    return best if best is not None else candidates[0]


def _near(
    cell: int, mask: npt.NDArray[np.bool_], lines: Sequence[Line], lines_of: dict[int, list[int]]
) -> list[int]:
    """The published counts on the sums that tie ``cell`` to other hidden counts."""
    group, _ = component(cell, mask, lines, lines_of)
    near = {j for i in group for n in lines_of.get(i, []) for j in [*lines[n][0], lines[n][1]]}
    return sorted(j for j in near if not mask[j])


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


def merge_shared_totals(
    systems: dict[str, tuple[LinkedCounts, int]], quantities: Sequence[str]
) -> tuple[LinkedCounts, dict[str, dict[str, str]]]:
    """Breakdowns of the same people by different dimensions as one population.

    Each system names its counts ``<quantity><group>``, the total row being group ``size``;
    the totals of every breakdown are the same numbers, so they are one count ``*<quantity>``
    here, and the other counts are ``<dimension>:<name>``. Returns the merged system and each
    dimension's names in it.
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
    return merged, names


def protect_shared_totals(
    systems: dict[str, tuple[LinkedCounts, int]],
    quantities: Sequence[str],
    *,
    k: int,
    sensitive: dict[str, set[str]] | None = None,
) -> dict[str, set[str]]:
    """Protect breakdowns of the same people by different dimensions as one population
    (:func:`merge_shared_totals`): the audit sees every breakdown at once. Returns the hidden
    names of each system."""
    merged, names = merge_shared_totals(systems, quantities)
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
