"""Django's PostgreSQL compilers, sending a long list of values as one array (and working out
each column's converters once per field, `core.db.converters`).

`col IN (%s, %s, ...)` takes one parameter per value: past 65,535 values a statement with
server-side parameters fails. Past `LIST_AS_ARRAY_FROM` values the list becomes
`col = ANY(%s::type[])`, one parameter, which PostgreSQL reads with the same index. Shorter
lists keep Django's form, and the plans they have always had.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import EmptyResultSet
from django.db.backends.postgresql import compiler as pg
from django.db.models.expressions import BaseExpression, ColPairs
from django.db.models.lookups import In
from django.db.models.sql.compiler import SQLCompiler as BaseSQLCompiler
from django.utils.datastructures import OrderedSet

from mentorwise.core.db.converters import ConvertersOnceMixin

if TYPE_CHECKING:
    from django.db.models.sql.compiler import _AsSqlType

__all__ = [
    "SQLAggregateCompiler",
    "SQLCompiler",
    "SQLDeleteCompiler",
    "SQLInsertCompiler",
    "SQLUpdateCompiler",
]

LIST_AS_ARRAY_FROM = 1_000


class ListAsArrayMixin(BaseSQLCompiler):
    """Compiles an `in` lookup on a long list of plain values as `= ANY(array)`."""

    def compile(self, node: BaseExpression) -> _AsSqlType:
        if isinstance(node, In) and getattr(
            self.connection.features, "uses_server_side_binding", False
        ):
            as_array = self._list_as_array(node)
            if as_array is not None:
                return cast("_AsSqlType", as_array)
        return super().compile(node)

    def _list_as_array(self, node: In) -> tuple[str, list[Any]] | None:
        listed = isinstance(node.rhs, (list, tuple, set, frozenset, OrderedSet))
        if not listed or len(node.rhs) < LIST_AS_ARRAY_FROM or isinstance(node.lhs, ColPairs):
            return None
        db_type = node.lhs.output_field.db_type(self.connection)
        if not db_type:
            return None
        try:
            values = OrderedSet(value for value in node.rhs if value is not None)
        except TypeError:
            return None  # unhashable values (JSON objects): Django's own form
        if not values:
            raise EmptyResultSet
        sqls, params = node.batch_process_rhs(self, self.connection, values)
        if any(sql != "%s" for sql in sqls):
            return None  # values written as expressions: Django's own form
        lhs, lhs_params = node.process_lhs(self, self.connection)
        return f"{lhs} = ANY(%s::{db_type}[])", [*lhs_params, list(params)]


class SQLCompiler(ConvertersOnceMixin, ListAsArrayMixin, pg.SQLCompiler):
    pass


class SQLInsertCompiler(ConvertersOnceMixin, ListAsArrayMixin, pg.SQLInsertCompiler):
    pass


class SQLDeleteCompiler(ConvertersOnceMixin, ListAsArrayMixin, pg.SQLDeleteCompiler):
    pass


class SQLUpdateCompiler(ConvertersOnceMixin, ListAsArrayMixin, pg.SQLUpdateCompiler):
    pass


class SQLAggregateCompiler(ConvertersOnceMixin, ListAsArrayMixin, pg.SQLAggregateCompiler):
    pass
