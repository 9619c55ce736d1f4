"""Words for numbers: "1 day", "3 days", "1 person", "2 people" (one rule, used everywhere)."""

from __future__ import annotations

from django.utils.translation import ngettext

# Nouns whose plural is not the singular plus "s".
_IRREGULAR = {"person": "people"}


def count(n: int, singular: str, plural: str | None = None, *, grouped: bool = False) -> str:
    """`n` with its noun in the right number; `grouped` writes thousands as 1,200."""
    many = plural or _IRREGULAR.get(singular, singular + "s")
    number = f"{n:,}" if grouped else str(n)
    return f"{number} {ngettext(singular, many, n)}"
