"""Reading one row by a unique key without paying for an order it does not need."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def one_or_none(queryset: QuerySet[M]) -> M | None:
    """The row of `queryset`, which its filter narrows to at most one (a primary or unique
    key), or None.

    `.first()` orders the query (by the model's ordering, else the primary key), and to
    compile an ordered query Django hashes every selected column to match the ordering
    against the select list: about 1 ms of CPU for a row read with a few related tables
    (a relationship with its program, both sides and their people), on every page that
    checks access to one. One row needs no order."""
    return next(iter(queryset.order_by()[:1]), None)
