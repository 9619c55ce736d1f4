"""Figures that change only in whole blocks, so that two readings never differ by one person.

* Survey-style aggregates are computed from the first ``floor(n / k) * k`` answers in a fixed
  order (:func:`block_prefix`): one new answer changes nothing; the published figure moves
  only when k new answers have come in, and the difference of two readings is then an
  aggregate of at least k answers.
* Date windows snap to whole calendar quarters (:func:`whole_quarters`), so two windows differ
  by whole quarters, never by a chosen day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
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
