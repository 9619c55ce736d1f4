"""Rates, statistics, lone counts and block unions: the rules of `mentorwise.disclosure`."""

from __future__ import annotations

from mentorwise.disclosure import lone_count, rate, statistic, union_of_blocks

K = 5


def test_a_rate_needs_both_of_its_counts() -> None:
    assert rate(3, 12) == 0.25
    assert rate(None, 12) is None
    assert rate(3, None) is None
    assert rate(0, 0) is None


def test_a_statistic_goes_with_its_group_and_its_values() -> None:
    assert statistic(2.5, group=K, k=K) == 2.5
    assert statistic(2.5, group=None, k=K) is None  # the group is hidden
    assert statistic(2.5, group=K - 1, k=K) is None
    assert statistic(2.5, group=20, k=K, values=K - 1) is None  # rests on too few values
    assert statistic(None, group=20, k=K) is None


def test_a_lone_count_follows_the_primary_rule() -> None:
    assert [lone_count(n, k=K) for n in (0, 1, K - 1, K, 40)] == [0, None, None, K, 40]


def test_a_union_of_blocks_uses_each_groups_own_blocks() -> None:
    by_group = {"midpoint:mentee": [1, 2, 3, 4, 5, 6], "closing:mentee": [7, 8], "x": []}
    # The midpoint's block is its first five answers; the closing answers make no block, and
    # are never drawn into one with the sixth midpoint answer.
    assert union_of_blocks(by_group, K) == [1, 2, 3, 4, 5]
