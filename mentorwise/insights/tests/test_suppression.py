"""Small-cell suppression: nothing about fewer than k people is published or can be worked out.

The checkers here are written independently of the module: one solves every row and column
equation that has a single unknown (repeating with what it learned, as a reader with a
spreadsheet would), one asks linear algebra whether any hidden value is fixed by all equations.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorwise.insights.suppression import (
    MIN_GROUP_SIZE_FLOOR,
    SuppressedTable,
    SuppressionInputError,
    SuppressionReason,
    difference_is_safe,
    suppress_breakdown,
    suppress_rates,
    suppress_table,
)

SMALL = SuppressionReason.FEWER_THAN_K
COMPLEMENTARY = SuppressionReason.COMPLEMENTARY


# --- independent checkers ---------------------------------------------------------------------


def published_grid(result: SuppressedTable) -> list[list[int | None]]:
    """The printed table, totals included, with None where a figure is hidden."""
    grid = [[*row, total] for row, total in zip(result.cells, result.row_totals, strict=True)]
    grid.append([*result.column_totals, result.grand_total])
    return grid


def grid_lines(rows: int, columns: int) -> list[tuple[list[tuple[int, int]], tuple[int, int]]]:
    """Every additive equation of a printed table: cells of a line add up to its total."""
    lines = [([(i, j) for j in range(columns)], (i, columns)) for i in range(rows + 1)]
    lines += [([(i, j) for i in range(rows)], (rows, j)) for j in range(columns + 1)]
    return lines


def recoverable_by_subtraction(grid: list[list[int | None]]) -> dict[tuple[int, int], int]:
    """Hidden figures a reader can compute from one row or column at a time, to a fixed point."""
    known = [row[:] for row in grid]
    rows, columns = len(grid) - 1, len(grid[0]) - 1
    recovered: dict[tuple[int, int], int] = {}
    progress = True
    while progress:
        progress = False
        for cells, total in grid_lines(rows, columns):
            unknown = [p for p in [*cells, total] if known[p[0]][p[1]] is None]
            if len(unknown) != 1:
                continue
            (i, j) = unknown[0]
            shown = sum(known[a][b] or 0 for a, b in cells if (a, b) != (i, j))
            value = shown if (i, j) == total else known[total[0]][total[1]] - shown
            known[i][j] = recovered[(i, j)] = value
            progress = True
    return recovered


def fixed_by_linear_algebra(grid: list[list[int | None]]) -> list[tuple[int, int]]:
    """Hidden figures whose value every solution of the row and column equations agrees on."""
    rows, columns = len(grid) - 1, len(grid[0]) - 1
    hidden = [(i, j) for i in range(rows + 1) for j in range(columns + 1) if grid[i][j] is None]
    if not hidden:
        return []
    system = np.zeros((len(grid_lines(rows, columns)), len(hidden)))
    for row, (cells, total) in enumerate(grid_lines(rows, columns)):
        for column, position in enumerate(hidden):
            if position in cells:
                system[row, column] = 1
            elif position == total:
                system[row, column] = -1
    rank = np.linalg.matrix_rank(system)
    fixed = []
    for column, position in enumerate(hidden):
        probe = np.zeros((1, len(hidden)))
        probe[0, column] = 1
        if np.linalg.matrix_rank(np.vstack([system, probe])) == rank:
            fixed.append(position)
    return fixed


def full_grid(counts: list[list[int]]) -> list[list[int]]:
    grid = [[*row, sum(row)] for row in counts]
    grid.append([sum(column) for column in zip(*grid, strict=True)])
    return grid


tables = st.integers(1, 6).flatmap(
    lambda rows: st.integers(1, 6).flatmap(
        lambda columns: st.lists(
            st.lists(st.integers(0, 30), min_size=columns, max_size=columns),
            min_size=rows,
            max_size=rows,
        )
    )
)
# Small counts are the interesting ones: bias towards them so most tables need suppression.
sparse_tables = st.integers(1, 6).flatmap(
    lambda rows: st.integers(1, 6).flatmap(
        lambda columns: st.lists(
            st.lists(
                st.one_of(st.integers(0, 6), st.integers(0, 30)),
                min_size=columns,
                max_size=columns,
            ),
            min_size=rows,
            max_size=rows,
        )
    )
)
ks = st.integers(5, 10)


# --- properties -------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(counts=st.one_of(tables, sparse_tables), k=ks)
def test_no_hidden_figure_can_be_worked_out_by_subtraction(counts, k):
    grid = published_grid(suppress_table(counts, k=k))
    assert recoverable_by_subtraction(grid) == {}
    assert fixed_by_linear_algebra(grid) == []


@settings(max_examples=150, deadline=None)
@given(counts=st.one_of(tables, sparse_tables), k=ks)
def test_nothing_about_fewer_than_k_people_is_published(counts, k):
    result = suppress_table(counts, k=k)
    truth = full_grid(counts)
    grid = published_grid(result)
    rows, columns = len(counts), len(counts[0])
    for i in range(rows + 1):
        for j in range(columns + 1):
            shown = grid[i][j]
            if shown is None:
                continue
            assert shown == truth[i][j]
            assert not 0 < shown < k
            group_sizes = (truth[i][columns], truth[rows][j])
            if shown == 0 and 0 not in group_sizes:  # a zero about two non-empty groups ...
                assert all(size >= k for size in group_sizes)  # ... that have at least k people
    for cells, total in grid_lines(rows, columns):
        if grid[total[0]][total[1]] in (None, 0):
            continue
        hidden = [truth[i][j] for i, j in cells if grid[i][j] is None]
        assert not hidden or sum(hidden) >= k, "a published total minus the shown cells is < k"


@settings(max_examples=100, deadline=None)
@given(counts=st.one_of(tables, sparse_tables), k=ks)
def test_suppression_is_deterministic_and_every_hidden_figure_has_its_reason(counts, k):
    first, second = suppress_table(counts, k=k), suppress_table(counts, k=k)
    assert first.mask.tolist() == second.mask.tolist()
    assert first.reasons == second.reasons
    assert set(first.reasons) == {tuple(p) for p in np.argwhere(first.mask).tolist()}
    truth = full_grid(counts)
    for (i, j), reason in first.reasons.items():
        if 0 < truth[i][j] < k:
            assert reason is SMALL


@settings(max_examples=150, deadline=None)
@given(counts=st.lists(st.one_of(st.integers(0, 6), st.integers(0, 30)), min_size=1, max_size=8))
def test_one_way_breakdown_hides_small_groups_and_their_complement(counts):
    k = 5
    result = suppress_breakdown(counts, k=k)
    values = [*counts, sum(counts)]
    shown = [*result.counts, result.total]
    assert all(s is None or (s == v and not 0 < s < k) for s, v in zip(shown, values, strict=True))
    assert sum(s is None for s in shown) != 1
    hidden = [v for v, s in zip(counts, result.counts, strict=True) if s is None]
    if result.total and hidden:
        assert sum(hidden) >= k


@settings(max_examples=100, deadline=None)
@given(
    pairs=st.lists(
        st.integers(0, 30).flatmap(lambda d: st.tuples(st.integers(0, d), st.just(d))),
        min_size=1,
        max_size=6,
    ),
    k=ks,
)
def test_a_rate_is_published_only_over_k_people_with_its_figures_safe(pairs, k):
    numerators, denominators = zip(*pairs, strict=True)
    result = suppress_rates(list(numerators), list(denominators), k=k)
    for g, rate in enumerate(result.rates):
        if rate is None:
            assert g in result.reasons
            continue
        assert denominators[g] >= k
        assert result.table.cells[g][0] == numerators[g]
        assert result.table.row_totals[g] == denominators[g]
        assert rate == numerators[g] / denominators[g]
    assert recoverable_by_subtraction(published_grid(result.table)) == {}


# --- hand-checked cases -----------------------------------------------------------------------


def test_one_small_cell_hides_a_cell_in_its_row_and_in_its_column():
    # participating / not participating, by group; 3 is the only small cell.
    result = suppress_table([[3, 10], [12, 20], [15, 25]], k=5)

    # (0, 1) hides it in its row, (1, 0) in its column; (1, 0) then left row 1 with one hidden
    # cell, so (1, 1) goes too. Every total stays published.
    assert result.cell_mask.astype(int).tolist() == [[1, 1], [1, 1], [0, 0]]
    assert result.cells == ((None, None), (None, None), (15, 25))
    assert result.row_totals == (13, 32, 40)
    assert result.column_totals == (30, 55)
    assert result.grand_total == 85
    assert result.reasons == {
        (0, 0): SMALL,
        (0, 1): COMPLEMENTARY,
        (1, 0): COMPLEMENTARY,
        (1, 1): COMPLEMENTARY,
    }
    assert str(result.reasons[(0, 0)]) == "fewer than k people"
    assert str(result.reasons[(0, 1)]) == "could be worked out from the others"


def test_a_table_without_small_figures_is_published_whole():
    result = suppress_table([[5, 0, 12], [9, 7, 30]], k=5)

    assert not result.mask.any()
    assert result.cells == ((5, 0, 12), (9, 7, 30))
    assert result.reasons == {}


def test_a_zero_is_hidden_only_when_its_group_is_small():
    # Row 0 has 4 people: its zero in program 1 would say "none of these 4 is in program 1".
    # Program 2 is empty: its zeros say nothing its published total of 0 does not.
    result = suppress_table([[4, 0, 0], [10, 6, 0], [20, 30, 0]], k=5)

    assert result.cells == ((None, None, 0), (None, None, 0), (20, 30, 0))
    assert result.row_totals == (None, None, 50)
    assert result.column_totals == (34, 36, 0)
    assert result.reasons == {
        (0, 0): SMALL,
        (0, 1): SMALL,
        (0, 3): SMALL,
        (1, 0): COMPLEMENTARY,
        (1, 1): COMPLEMENTARY,
        (1, 3): COMPLEMENTARY,
    }


def test_the_line_total_is_hidden_when_nothing_else_is_left():
    # One column: the row total of row 1 equals its only cell, so it must go with it.
    result = suppress_table([[3], [10]], k=5)

    assert result.mask.astype(int).tolist() == [[1, 1], [1, 1], [0, 0]]
    assert result.reasons == {
        (0, 0): SMALL,
        (0, 1): SMALL,
        (1, 0): COMPLEMENTARY,
        (1, 1): COMPLEMENTARY,
    }
    assert (result.column_totals, result.grand_total) == ((13,), 13)


def test_a_cell_joining_two_hidden_blocks_is_protected_too():
    # Every row and column has two or more hidden cells, yet cell (1, 2) = 4 would follow from
    # rows 0-1 against columns 0-1: the module hides one more cell to free it.
    counts = [
        [2, 3, 20, 20, 30],
        [3, 2, 4, 20, 30],
        [20, 20, 3, 2, 30],
        [20, 20, 2, 3, 30],
        [30, 30, 30, 30, 30],
    ]
    primary_only = [[None if 0 < v < 5 else v for v in row] for row in full_grid(counts)]
    assert recoverable_by_subtraction(primary_only) == {}
    assert fixed_by_linear_algebra(primary_only) == [(1, 2)]

    result = suppress_table(counts, k=5)

    assert result.reasons[(0, 2)] is COMPLEMENTARY
    assert [p for p, r in result.reasons.items() if r is COMPLEMENTARY] == [(0, 2)]
    assert fixed_by_linear_algebra(published_grid(result)) == []


def test_one_way_breakdown_hides_the_next_smallest_group():
    result = suppress_breakdown([3, 20, 30], k=5)

    assert result.counts == (None, None, 30)
    assert result.total == 53
    assert result.mask.tolist() == [True, True, False, False]
    assert result.reasons == {0: SMALL, 1: COMPLEMENTARY}


def test_one_way_breakdown_pools_hidden_groups_to_at_least_k_people():
    # 1 and 2 hidden together would still be a group of 3 (53 - 0 - 40 - ... = 3): hide 40 too.
    result = suppress_breakdown([0, 1, 2, 40], k=5)

    assert result.counts == (0, None, None, None)
    assert result.total == 43
    assert result.reasons == {1: SMALL, 2: SMALL, 3: COMPLEMENTARY}


def test_one_way_breakdown_of_a_small_population_shows_nothing():
    result = suppress_breakdown([0, 3], k=5)

    assert result.counts == (None, None)
    assert result.total is None
    assert result.reasons == {0: SMALL, 1: SMALL, 2: SMALL}


def test_rates_hide_small_groups_and_rates_whose_numerator_is_hidden():
    # matched / enrolled per group: 2 of 8 is a small cell, a group of 4 has no rate at all, and
    # the two hide each other in the matched column; 0 of 12 is shown.
    result = suppress_rates([2, 10, 0, 3], [8, 30, 12, 4], k=5)
    assert result.rates == (None, 10 / 30, 0.0, None)
    assert result.reasons == {0: SMALL, 3: SMALL}

    # Without the group of 4, group 1's figures would give 2 back (12 matched in all).

    result = suppress_rates([2, 10, 0], [8, 30, 12], k=5)
    assert result.rates == (None, None, 0.0)
    assert result.reasons == {0: SMALL, 1: COMPLEMENTARY}
    assert result.overall_rate == 12 / 50
    assert result.table.row_totals == (8, 30, 12)


def test_difference_of_two_overlapping_segments():
    assert difference_is_safe(40, 40, 5)
    assert difference_is_safe(40, 35, 5)
    assert difference_is_safe(35, 40, 5)
    assert not difference_is_safe(40, 39, 5)
    assert not difference_is_safe(40, 36, 5)
    assert not difference_is_safe(12, 8, 5)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: suppress_table([[10]], k=3), "k = 3: must be >= 5"),
        (lambda: suppress_table([[10, -1]], k=5), "counts[0][1] = -1: must be a whole number >= 0"),
        (lambda: suppress_table([[1, 2], [3]], k=5), "counts[1] has 1 columns: must have 2"),
        (lambda: suppress_table([], k=5), "counts is empty"),
        (lambda: suppress_breakdown([2.5], k=5), "counts[0] = 2.5: must be a whole number >= 0"),
        (lambda: suppress_rates([6], [5], k=5), "numerators[0] = 6: must be <= denominators[0]"),
        (lambda: difference_is_safe(1, 2, 4), "k = 4: must be >= 5"),
    ],
)
def test_bad_input_is_refused_by_name(call, message):
    with pytest.raises(
        SuppressionInputError, match=message.replace("[", r"\[").replace("]", r"\]")
    ):
        call()


def test_the_floor_is_the_product_minimum():
    assert MIN_GROUP_SIZE_FLOOR == 5


def test_numpy_counts_from_a_query_are_accepted():
    counts = np.array([[3, 10], [12, 20], [15, 25]], dtype=np.int64)

    result = suppress_table(counts, k=np.int64(5))

    assert result.cell_mask.astype(int).tolist() == [[1, 1], [1, 1], [0, 0]]
    assert result.row_totals == (13, 32, 40)
    assert type(result.grand_total) is int
