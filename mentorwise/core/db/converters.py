"""A compiler that works out each column's converters once per field, not once per query.

Before Django turns a row into objects it asks, for every column of every query, which
functions convert the database's value (SQLite's text datetimes, JSON, booleans...): the
backend's `get_db_converters` and the field's. The answer depends only on the column's
fields, yet Django asks again for each query: 260 times a request on the load test's pages,
3 % of the server's instructions there on SQLite (bench/instructions.py).
`ConvertersOnceMixin` keeps the answer for a plain column (`Col`) by its output field and
target field, and hands the converters on with the query's own column, exactly as Django
does; any other expression is asked every time, as in Django.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models.expressions import Col, ColPairs
from django.db.models.sql.compiler import SQLCompiler

Converter = Callable[[Any, Any, Any], Any]
# Kept on each connection's operations object (the backend's converters are its methods, and a
# connection belongs to one thread): (id of output field, id of target field) -> (the two
# fields, the converters). The fields are compared by identity: a field's id is not reused
# while its entry holds it, and the fields of the models Django builds for migrations never
# share an entry with the application's.
_ATTRIBUTE = "converters_by_fields"
Entry = tuple[Any, Any, list[Converter]]


class ConvertersOnceMixin(SQLCompiler):
    """`get_converters`, with each plain column's converters kept per pair of fields."""

    def get_converters(self, expressions: list[Any]) -> dict[int, tuple[list[Converter], Any]]:
        if any(isinstance(e, ColPairs) for e in expressions):
            return super().get_converters(expressions)
        converters: dict[int, tuple[list[Converter], Any]] = {}
        for i, expression in enumerate(expressions):
            if not expression:
                continue
            found = (
                self._column_converters(expression)
                if type(expression) is Col
                else self._converters(expression)
            )
            if found:
                converters[i] = (found, expression)
        return converters

    def _converters(self, expression: Any) -> list[Converter]:
        """Django's question: the backend's converters, then the expression's."""
        backend: list[Converter] = self.connection.ops.get_db_converters(expression)
        return backend + list(expression.get_db_converters(self.connection))

    def _column_converters(self, column: Col) -> list[Converter]:
        kept: dict[tuple[int, int], Entry] = self.connection.ops.__dict__.setdefault(_ATTRIBUTE, {})
        output, target = column.output_field, column.target
        key = (id(output), id(target))
        entry = kept.get(key)
        if entry is None or entry[0] is not output or entry[1] is not target:
            entry = kept[key] = (output, target, self._converters(column))
        return entry[2]
