"""Case-insensitive equality that an index serves on SQLite and PostgreSQL alike."""

from __future__ import annotations

from django.db.models import Value
from django.db.models.functions import Lower
from django.db.models.lookups import Exact


def lower_equals(field: str, value: str) -> Exact:
    """`field` equals `value` whatever the case, written `LOWER(field) = LOWER(value)`.

    Use it instead of `__iexact` on any column with an index on `Lower(field)`: `__iexact`
    is `LIKE` on SQLite and `UPPER(...)` on PostgreSQL, which no such index serves, so each
    lookup read the whole table. The database lower-cases both sides, so one rule (its own)
    decides what "the same address" means, in the query and in the index.
    """
    return Exact(Lower(field), Lower(Value(value)))
