"""Counts of people tied by sums: the published figures about one population."""

from __future__ import annotations

from collections.abc import Callable, Sequence


class DisclosureInputError(ValueError):
    """Figures this package cannot protect; the message names the figure and the rule."""


class LinkedCounts:
    """Counts of people tied by sums: each line says that some counts add up to another.

    Everything published about one population goes into one system (every breakdown, every
    total, both sides), so that the audit sees what an attacker would see together.
    """

    def __init__(self) -> None:
        self.values: list[int] = []
        self.index: dict[str, int] = {}
        self.is_total: list[bool] = []
        self.lines: list[tuple[list[int], int]] = []

    def add(self, name: str, value: int, *, total: bool = False) -> None:
        if isinstance(value, bool) or int(value) != value or int(value) < 0:
            raise DisclosureInputError(f"{name} = {value!r}: must be a whole number >= 0")
        if name in self.index:
            raise DisclosureInputError(f"{name}: added twice")
        self.index[name] = len(self.values)
        self.values.append(int(value))
        self.is_total.append(total)

    def line(self, cells: Sequence[str], total: str) -> None:
        values = [self.values[self.index[c]] for c in cells]
        if sum(values) != self.values[self.index[total]]:
            raise DisclosureInputError(
                f"{' + '.join(cells)} = {sum(values)}: must equal {total} = "
                f"{self.values[self.index[total]]}"
            )
        self.lines.append(([self.index[c] for c in cells], self.index[total]))

    def renamed(self, name: Callable[[str], str]) -> LinkedCounts:
        """The same counts and sums under new names (``name`` of each old one)."""
        copy = LinkedCounts()
        for old, i in self.index.items():
            copy.add(name(old), self.values[i], total=self.is_total[i])
        copy.lines = [(list(cells), total) for cells, total in self.lines]
        return copy
