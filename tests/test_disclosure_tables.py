"""The interval audit against an independent attacker on random tables (k = 5).

`tests.attacker` sees only the published cells (hidden ones are unknown) and solves integer
programs for each hidden cell; no hidden value may be recovered, no sensitive cell narrowed
below the protection level or proved non-empty.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentorwise.disclosure import protect_table
from tests.attacker import attack_table, intervals, table_sums, table_truth

K = 5

counts = st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 40))
tables = st.integers(2, 5).flatmap(
    lambda rows: st.integers(2, 5).flatmap(
        lambda columns: st.lists(
            st.lists(counts, min_size=columns, max_size=columns), min_size=rows, max_size=rows
        )
    )
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables)
def test_no_hidden_cell_is_recovered_narrowed_or_proved_non_empty(table: list[list[int]]) -> None:
    hidden = protect_table(table, k=K)
    findings = attack_table(table, hidden, K)
    truth = table_truth(table)
    sensitive_hidden = [name for name, v in truth.items() if 0 < v < K]
    assert findings.recovered == [], (table, hidden.astype(int).tolist())
    assert findings.narrowed == [], (table, hidden.astype(int).tolist())
    assert findings.proved_non_empty == [], (table, hidden.astype(int).tolist())
    # Every small count is hidden, and each keeps room for both 0 and k people.
    found = intervals(
        {n: None if hidden[tuple(map(int, n.split(",")))] else v for n, v in truth.items()},
        table_sums(*np.asarray(table).shape),
    )
    for name in sensitive_hidden:
        low, high = found[name]
        assert low == 0 and high >= K, (name, low, high)


def test_the_issue_table_no_longer_gives_its_hidden_cells_back() -> None:
    """The issue's example: with non-negativity the old pattern gave every hidden cell back."""
    table = [[0, 0, 10], [0, 8, 7], [2, 4, 10]]
    hidden = protect_table(table, k=K)
    findings = attack_table(table, hidden, K)
    assert findings.total == 0
    assert hidden[2, 0] and hidden[2, 1]  # the 2 and the 4


def test_a_table_without_small_cells_is_published_whole() -> None:
    hidden = protect_table([[10, 20], [30, 0]], k=K)
    assert not hidden.any()


def test_the_attacker_finds_the_old_leak() -> None:
    """The attacker is not toothless: the pattern hiding only the small cells and one
    partner per line (what linear algebra accepts) is broken with non-negativity."""
    table = [[0, 0, 10], [0, 8, 7], [2, 4, 10]]
    naive = np.zeros((4, 4), dtype=bool)
    naive[2, 0] = naive[2, 1] = naive[3, 0] = naive[0, 0] = naive[1, 0] = True
    naive[1, 1] = naive[3, 1] = naive[2, 2] = naive[1, 2] = True
    findings = attack_table(table, naive, K)
    assert findings.total > 0


@pytest.mark.parametrize("k", [4, 0])
def test_k_below_the_floor_is_refused(k: int) -> None:
    from mentorwise.disclosure import DisclosureInputError

    with pytest.raises(DisclosureInputError, match="must be >= 5"):
        protect_table([[1, 2]], k=k)
