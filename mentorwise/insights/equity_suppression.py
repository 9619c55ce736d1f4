"""The counts of one breakdown as a linked system for `mentorwise.disclosure`.

Each group's quantities are tied by sums (population = enrolled + not enrolled, enrolled =
matched + unmatched, ...) and each quantity's groups add up to its total, so the counts are
protected together; `protect_breakdowns` protects the five breakdowns of a side as one
population, jointly with the side's previous release.
"""

from __future__ import annotations

from mentorwise.disclosure import LinkedCounts, ReleaseRecord, merge_shared_totals, protect_release
from mentorwise.insights.equity_counts import RawCounts

QUANTITIES = ("N", "E", "NE", "M", "EM", "A", "MA", "P", "EP", "R", "ER")


# (cells, total) of every row of the linked system.
ROW_LINES = (
    (("E", "NE"), "N"),
    (("M", "EM"), "E"),
    (("A", "MA"), "M"),
    (("P", "EP"), "E"),
    (("R", "ER"), "E"),
)


def linked_system(raw: RawCounts) -> LinkedCounts:
    system = LinkedCounts()
    size = len(raw.keys)
    for g in range(size + 1):
        for q in QUANTITIES:
            system.add(f"{q}{g}", int(raw.counts[q][g]), total=g == size)
    for g in range(size + 1):
        for cells, total in ROW_LINES:
            system.line([f"{c}{g}" for c in cells], f"{total}{g}")
    for q in QUANTITIES:
        system.line([f"{q}{g}" for g in range(size)], f"{q}{size}")
    return system


def protect_breakdowns(
    raws: dict[str, RawCounts], k: int, previous: ReleaseRecord | None
) -> tuple[dict[str, set[str]], ReleaseRecord]:
    """Protect every breakdown of the side as one population (`mentorwise.disclosure`),
    jointly with the `previous` release. Counts are named the same way month after month:
    ``<dimension>:<quantity>:<group key>``, the shared totals ``*<quantity>``."""
    systems = {d: (linked_system(raw), len(raw.keys)) for d, raw in raws.items()}
    merged, names = merge_shared_totals(systems, QUANTITIES)

    def stable(name: str) -> str:
        if name.startswith("*"):
            return name
        dimension, cell = name.split(":", 1)
        quantity = cell.rstrip("0123456789")
        key = raws[dimension].keys[int(cell[len(quantity) :])]
        return f"{dimension}:{quantity}:{key or 'not_stated'}"

    record = protect_release(merged.renamed(stable), k=k, previous=previous)
    hidden = {
        dimension: {
            name for name, merged_name in mapping.items() if stable(merged_name) in record.hidden
        }
        for dimension, mapping in names.items()
    }
    return hidden, record
