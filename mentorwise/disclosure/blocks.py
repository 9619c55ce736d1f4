"""Figures that change only in whole blocks, so that two readings never differ by one person.

* Survey-style aggregates are computed from the first ``floor(n / k) * k`` answers in a fixed
  order (:func:`block_prefix`): one new answer changes nothing; the published figure moves
  only when k new answers have come in, and the difference of two readings is then an
  aggregate of at least k answers.
* All sides together are the union of each side's blocks, hidden while a side is
  (:func:`sides_in_blocks`); a figure over several surveys and sides is the union of the
  blocks of each survey and side (:func:`union_of_blocks`), so that every published figure
  is a union of the same blocks and no two differ by less than a block.
* Date windows snap to whole calendar quarters (:func:`whole_quarters`), and figures over a
  window use only whole blocks, counted from the first answer ever, that lie inside it
  (:func:`whole_blocks_within`): two windows differ by whole blocks of k answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TypeVar

T = TypeVar("T")


def block_prefix(items: Sequence[T], k: int) -> list[T]:
    """The first ``floor(len(items) / k) * k`` items (``items`` in a fixed order)."""
    return list(items[: (len(items) // k) * k])


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def whole_quarters(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The smallest run of whole calendar quarters holding ``start..end``."""
    first = _quarter_start(start)
    last_start = _quarter_start(end)
    month = last_start.month + 3
    year = last_start.year + (month > 12)
    following = dt.date(year, (month - 1) % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def sides_in_blocks(
    values_by_side: Mapping[str, Sequence[T]], k: int
) -> tuple[dict[str, list[T]], list[T] | None]:
    """Each side's answers in whole blocks, and the all-sides answers: the union of the
    sides' blocks (so it says nothing the sides do not), or None when a side has answers but
    no whole block yet (all sides minus the published side would give the hidden one)."""
    sides = {side: block_prefix(values, k) for side, values in values_by_side.items()}
    if any(values and not sides[side] for side, values in values_by_side.items()):
        return sides, None
    return sides, [v for side in sides.values() for v in side]


def union_of_blocks(values_by_group: Mapping[str, Sequence[T]], k: int) -> list[T]:
    """The whole blocks of each group (e.g. each survey and side, answers in a fixed order),
    together: the same blocks as each group's own figure, never a block of its own across
    groups (which could differ from them by one answer)."""
    return [v for values in values_by_group.values() for v in block_prefix(values, k)]


def whole_blocks_within(
    dated: Sequence[tuple[dt.date, T]], start: dt.date, end: dt.date, k: int
) -> list[T]:
    """The values of the whole blocks (of k, in the order of ``dated``, counted from the
    first ever) that lie entirely within ``start..end``: two windows then differ by whole
    blocks of k, never by one answer."""
    chosen: list[T] = []
    for first in range(0, (len(dated) // k) * k, k):
        block = dated[first : first + k]
        if all(start <= day <= end for day, _ in block):
            chosen.extend(value for _, value in block)
    return chosen
