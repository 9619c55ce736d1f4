"""Figures that rest on protected counts: rates, statistics of a group, a lone count.

* A rate is published only when both of its counts are: a published rate beside one published
  count would give the hidden one back (``rate x whole = part``).
* A median, mean or ratio about a group is published only when the group's count is published
  and at least k, and the values it is computed over number at least k. A statistic of a
  hidden group would tell about the hidden group (a "mentees per leader" above 0 proves
  that somebody of a hidden group of givers gives); one over fewer than k values is close to
  a person's own value.
* A count tied to no other published count is protected by the same primary rule and audit
  as any other (:func:`lone_count`).
"""

from __future__ import annotations

from mentorwise.disclosure.figures import LinkedCounts
from mentorwise.disclosure.protect import protect_linked


def rate(part: int | None, whole: int | None) -> float | None:
    """``part / whole``, or None when either count is hidden or there is nothing to divide."""
    if part is None or whole is None or whole == 0:
        return None
    return part / whole


def statistic(
    value: float | None, *, group: int | None, k: int, values: int | None = None
) -> float | None:
    """``value`` (a median, mean or ratio about a group) when the group's published count is
    at least ``k`` and it is computed over at least ``k`` values (``values``; the group's
    count when not given); None otherwise."""
    if value is None or group is None or group < k:
        return None
    if values is not None and values < k:
        return None
    return value


def lone_count(value: int, *, k: int) -> int | None:
    """A count published on its own (no sum ties it to another published count), or None
    when the primary rule hides it."""
    system = LinkedCounts()
    system.add("count", value)
    return None if protect_linked(system, k=k) else value
