"""Querysets of one fixed shape, compiled to SQL once: each call runs that SQL with its values.

Django compiles every queryset anew, and for a row read with a related table that is most of
the cost: the login read on every signed-in request (the user with their person) is about
0.4 ms of CPU, of which the database's own work is a twentieth. A `FixedQuery` is built from a
function of a few plain values (ids, keys, times) that returns a queryset whose SQL does not
depend on them: the function is run once per database with marker values, compiled, and the
markers found among the compiled parameters; a call then sends the same SQL with its own
values in the markers' places, and Django turns the rows into objects as usual.

The function must not branch on its arguments (no `if` on a value, no lookup chosen by one):
`FixedQuery` builds it twice with different markers and refuses it when the two compile to
different SQL or to different other parameters (a value worked out from an argument, or the
clock read at build time), when a marker is written into the SQL instead of being a
parameter, is missing, or makes Django drop its lookup. It returns results, never the
queryset, so nothing can be chained onto SQL compiled for another queryset.

On PostgreSQL the shape's constants (a status, a flag: every parameter that is not an
argument, of a plain type) are written into the SQL as literals. A query sent often is a
prepared statement there, and PostgreSQL plans it once for any values ("generic") only if
that plan looks no worse than one for the values at hand: with `status = $3` it could not
tell a rare status from a common one and planned again on every call (the home page's
relationships: 1.3-3.7 ms of planning each time). With `status = 'active'` it plans once
per connection after its first five calls. The arguments stay parameters.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import threading
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

R = TypeVar("R")  # a row: a model instance, or what values() / values_list() give
Value = int | str | dt.datetime

# Markers: values no caller passes, unchanged by Django's preparation of a lookup's value
# (integers within 32 bits, so that no backend's range check drops the lookup).
_INT_MARKER = -987_654_300
_STR_MARKER = "fixed-query-marker-{set}-{position}"
_TIME_MARKER = dt.datetime(1901, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
_INT64 = (-(2**63), 2**63 - 1)


class NotFixed(Exception):
    """The function's queryset does not compile to one SQL text with its values as parameters."""


class _Compiled:
    """One database's SQL for the shape, and what Django's row iterator needs to read it."""

    def __init__(self, queryset: QuerySet[Any], positions: list[tuple[int, int]]) -> None:
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            self.sql, params = compiler.as_sql()
        except (EmptyResultSet, FullResultSet) as dropped:
            # A marker outside a field's range (a negative value for a positive field).
            raise NotFixed(f"a lookup of a marker was dropped: {dropped!r}") from dropped
        self.params = list(params)
        self.positions = positions
        self.queryset = queryset
        self.state = {
            name: getattr(compiler, name)
            for name in ("select", "klass_info", "annotation_col_map", "col_count")
        }
        self.state["has_extra_select"] = compiler.has_extra_select

    def other_params(self) -> list[Any]:
        """The parameters that are not markers: constants of the shape."""
        markers = {position for position, _argument in self.positions}
        return [p for position, p in enumerate(self.params) if position not in markers]


class FixedQuery(Generic[R]):
    """`build(*values)` compiled once per database; `all(*values)` / `one(*values)` run it.

    `kinds` gives each argument's type (int, str or datetime.datetime), in order. An int is an
    id compared for equality (or in an `IN` list): one beyond 64 bits matches no row, as
    Django's lookup of it gives. `distinct`: the values must differ from each other, for a
    shape that puts several in one `IN (...)` list (Django writes a repeated value once, which
    would change the SQL)."""

    # Every one made, for the tests that hold each against Django's own compilation.
    made: ClassVar[list[FixedQuery[Any]]] = []

    def __init__(
        self, build: Callable[..., QuerySet[Any, R]], *kinds: type, distinct: bool = False
    ) -> None:
        if not kinds or any(kind not in (int, str, dt.datetime) for kind in kinds):
            raise TypeError("FixedQuery takes int, str or datetime arguments")
        self.build = build
        self.kinds = kinds
        self.distinct = distinct
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()
        FixedQuery.made.append(self)

    def all(self, *values: Value, using: str = DEFAULT_DB_ALIAS) -> list[R]:
        """The rows `build(*values)` would return, read with SQL compiled once."""
        if len(values) != len(self.kinds):
            raise TypeError(f"expected {len(self.kinds)} values, got {len(values)}")
        checked = [self._checked(argument, values) for argument in range(len(values))]
        if self.distinct and len(set(values)) != len(values):
            raise ValueError("FixedQuery: these values must differ from each other")
        if any(type(v) is int and not _INT64[0] <= v <= _INT64[1] for v in checked):
            return []  # no id is that large (Django drops such a lookup; SQLite would fail)
        compiled = self._compiled.get(using) or self._compile(using)
        params = list(compiled.params)
        adapt = _adapter(using)
        for position, argument in compiled.positions:
            params[position] = adapt(checked[argument])
        queryset = compiled.queryset.all()
        compiler = queryset.query.get_compiler(using=using)
        for name, value in compiled.state.items():
            setattr(compiler, name, value)
        sql = compiled.sql
        # Django's row iterator asks the query for a compiler and the compiler for its SQL:
        # both answer with what was compiled once (this queryset never leaves this method).
        compiler.as_sql = lambda *args, **kwargs: (sql, tuple(params))
        compiler.setup_query = lambda *args, **kwargs: None
        queryset.query.get_compiler = lambda *args, **kwargs: compiler  # type: ignore[method-assign]
        return list(queryset)

    def one(self, *values: Value, using: str = DEFAULT_DB_ALIAS) -> R | None:
        """The row, for a shape whose filter selects at most one (a primary or unique key)."""
        rows = self.all(*values, using=using)
        if len(rows) > 1:
            raise NotFixed("FixedQuery.one read more than one row")
        return rows[0] if rows else None

    def _checked(self, argument: int, values: Sequence[Value]) -> Value:
        value, kind = values[argument], self.kinds[argument]
        if type(value) is not kind:  # bool is an int, a date is not a datetime: both refused
            raise TypeError(f"argument {argument}: expected {kind.__name__}, got {value!r}")
        if kind is dt.datetime and value.tzinfo is None:  # type: ignore[union-attr]
            raise TypeError(f"argument {argument}: a naive datetime")
        return value

    def _compile(self, using: str) -> _Compiled:
        with self._lock:
            if using in self._compiled:
                return self._compiled[using]
            first, second = (self._markers(set_) for set_ in (0, 1))
            compiled = [self._compile_with(markers, using) for markers in (first, second)]
            if compiled[0].sql != compiled[1].sql or compiled[0].positions != compiled[1].positions:
                raise NotFixed(f"{self.build!r}: the SQL depends on the values")
            if compiled[0].other_params() != compiled[1].other_params():
                # A value worked out from an argument (`t - 1 day`) or the clock at build time.
                raise NotFixed(f"{self.build!r}: a parameter depends on the values")
            if connections[using].vendor == "postgresql":
                _write_constants_in(compiled[0], using)
            self._compiled[using] = compiled[0]
            return compiled[0]

    def _markers(self, set_: int) -> list[Value]:
        markers: list[Value] = []
        for position, kind in enumerate(self.kinds):
            if kind is int:
                markers.append(_INT_MARKER - 100 * set_ - position)
            elif kind is str:
                markers.append(_STR_MARKER.format(set=set_, position=position))
            else:
                markers.append(_TIME_MARKER + dt.timedelta(days=set_, seconds=position))
        return markers

    def _compile_with(self, markers: list[Value], using: str) -> _Compiled:
        queryset = self.build(*markers).using(using)
        adapt = _adapter(using)
        compiled = _Compiled(queryset, [])
        wanted = {adapt(marker): argument for argument, marker in enumerate(markers)}
        positions = [
            (position, wanted[param])
            for position, param in enumerate(compiled.params)
            if _hashable(param) and param in wanted
        ]
        found = {argument for _position, argument in positions}
        if found != set(range(len(markers))):
            raise NotFixed(f"{self.build!r}: a value is not a parameter of its SQL")
        for marker in markers:
            if str(adapt(marker)) in compiled.sql:
                raise NotFixed(f"{self.build!r}: a value is written into its SQL")
        compiled.positions = positions
        return compiled


# A placeholder, or an escaped percent sign, in SQL compiled by Django.
_PLACEHOLDER = re.compile(r"%[s%]")


def _literal_value(value: Any) -> bool | int | str | None:
    """The plain value of a constant that may be written into SQL, else None."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str.__str__(value)
    return None


def _write_constants_in(compiled: _Compiled, using: str) -> None:
    """Write the constants of plain types into the SQL as literals, quoted by psycopg."""
    from psycopg import sql as psql

    connection = connections[using]
    connection.ensure_connection()
    markers = dict(compiled.positions)
    params: list[Any] = []
    positions: list[tuple[int, int]] = []
    index = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal index
        if match.group() == "%%":
            return "%%"
        position, param = index, compiled.params[index]
        index += 1
        literal = None if position in markers else _literal_value(param)
        if literal is None:
            if position in markers:
                positions.append((len(params), markers[position]))
            params.append(param)
            return "%s"
        text = psql.Literal(literal).as_string(connection.connection)
        return text.replace("%", "%%")

    sql = _PLACEHOLDER.sub(replace, compiled.sql)
    if index != len(compiled.params):
        raise NotFixed("the SQL's placeholders do not match its parameters")
    compiled.sql, compiled.params, compiled.positions = sql, params, positions


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _adapter(using: str) -> Callable[[Value], Any]:
    """How a lookup's value reaches the database: datetimes as the backend adapts them."""
    ops = connections[using].ops

    def adapt(value: Value) -> Any:
        if isinstance(value, dt.datetime):
            return ops.adapt_datetimefield_value(value)
        return value

    return adapt
