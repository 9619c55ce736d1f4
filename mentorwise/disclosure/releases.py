"""Consecutive releases of the same figures, protected so that they cannot be differenced.

A figure released periodically (the equity figures of a program and side, once a month) is
read twice by an attacker who knows what changed in between — "only one person enrolled since
last month" — and looks for the count that moved by 1. Each release is therefore protected
jointly with the previous one, with protection levels in the tau-ARGUS sense (the attacker's
lower bound must reach a level or below, the upper bound a level or above):

1. **Changed counts.** A count whose value moved by 1..k-1 since the previous release (a
   group's count, a total, a rate's numerator or denominator alike) is sensitive: it is
   hidden, and its interval must reach from ``min(old, new)`` or below to
   ``min(old, new) + k`` or above — it contains the old and the new value and is at least
   k wide, so the attacker can tell neither whether nor by how much it changed. A count that
   moved by k or more, or not at all, follows the primary rule alone.
2. **Counts protected last time stay protected** until they move by k or more: a sensitive
   count of the previous release keeps the levels ``(0, k)``, so publishing it now cannot
   narrow what the previous release hid.
3. **Hidden counts stay hidden** until they move by k or more (consistent suppression):
   publishing a count the previous release hid would add one more sum to what the attacker
   knows about the previous release, and could narrow a count it protected.

Rates, medians and means follow their counts (a rate needs both of its counts published), so
a rate whose numerator or denominator moved by 1 is hidden with it. The release keeps its
true counts, the hidden names and the sensitive names (:class:`ReleaseRecord`) for the next
one; they are never published.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from mentorwise.disclosure.figures import LinkedCounts
from mentorwise.disclosure.protect import protect_mask, sensitive_cells


@dataclass(frozen=True)
class ReleaseRecord:
    """What one release of a linked system knew and hid (kept for the next release only)."""

    values: Mapping[str, int]
    hidden: frozenset[str]
    sensitive: frozenset[str]

    def as_json(self) -> dict[str, Any]:
        return {
            "values": dict(self.values),
            "hidden": sorted(self.hidden),
            "sensitive": sorted(self.sensitive),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReleaseRecord:
        return cls(
            values={str(n): int(v) for n, v in data.get("values", {}).items()},
            hidden=frozenset(data.get("hidden", ())),
            sensitive=frozenset(data.get("sensitive", ())),
        )


def carried_levels(
    values: Mapping[str, int], previous: ReleaseRecord | None, k: int
) -> dict[str, tuple[int, int]]:
    """The protection levels a release owes the previous one (rules 1 and 2 of the module);
    rule 3 is applied by :func:`protect_release`."""
    levels: dict[str, tuple[int, int]] = {}
    if previous is None:
        return levels
    for name, value in values.items():
        old = previous.values.get(name)
        if old is None:
            continue
        change = abs(value - old)
        if change >= k:
            continue
        low, high = (0, k) if name in previous.sensitive else (value, value)
        if change > 0:
            start = min(old, value)
            low, high = min(low, start), max(high, start + k)
        if (low, high) != (value, value):
            levels[name] = (low, high)
    return levels


def protect_release(
    system: LinkedCounts, *, k: int, previous: ReleaseRecord | None = None
) -> ReleaseRecord:
    """Protect ``system`` (named the same way release after release) jointly with the
    ``previous`` release of the same figures; returns this release's record."""
    values = np.array(system.values, dtype=np.int64)
    named = dict(zip(system.index, system.values, strict=True))
    levels = {
        system.index[name]: level for name, level in carried_levels(named, previous, k).items()
    }
    kept = np.zeros(len(values), dtype=bool)
    if previous is not None:
        for name in previous.hidden:
            old = previous.values.get(name)
            if name in system.index and old is not None and abs(named[name] - old) < k:
                kept[system.index[name]] = True
    is_total = np.array(system.is_total, dtype=bool)
    mask = protect_mask(values, system.lines, is_total, k, forced=kept, levels=levels)
    sensitive = sensitive_cells(values, system.lines, k)
    sensitive[list(levels)] = True
    return ReleaseRecord(
        values=named,
        hidden=frozenset(name for name, i in system.index.items() if mask[i]),
        sensitive=frozenset(name for name, i in system.index.items() if sensitive[i]),
    )
