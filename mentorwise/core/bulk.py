"""Inserting tens of thousands of rows at once (a nudge run's nudges and notifications).

`bulk_create` builds a model instance per row and prepares every value field by field, and
on PostgreSQL psycopg merges each of a multi-row INSERT's thousands of parameters into the
statement in Python (`_split_query` alone cost tens of seconds in a 100,000-person nudge
run). `rows_insert` writes plain tuples instead:

- PostgreSQL: the rows go through `COPY ... FROM STDIN` (psycopg's `Copy.write_row`,
  formatted in C) into a temporary table, then one `INSERT ... SELECT` moves them into the
  table, in their order, with `ON CONFLICT DO NOTHING` and `RETURNING` as asked. That
  statement runs through Django's cursor, so its execute wrappers (the aggregates' write
  watcher, query counting in tests) see the write.
- SQLite: multi-row `INSERT ... RETURNING` statements of `rows_per_statement` rows, or
  `executemany` when nothing is returned.

Values are what the model's fields hold (JSON as Python lists and dicts, aware datetimes);
they are adapted per column, not per row through the field. No signals, no `save()`.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

# Rows per multi-row INSERT where COPY is not available (SQLite allows 32,766 parameters).
ROWS_PER_STATEMENT = 500
_temporary = itertools.count()


# Columns whose values the database driver cannot take as the model holds them.
_ADAPTED = ("JSONField", "DateTimeField", "DateField", "TimeField", "DecimalField", "UUIDField")


def _adapter(field: models.Field[Any, Any], db: BaseDatabaseWrapper) -> Callable[[Any], Any] | None:
    """How one column's values become database values (None: as they are)."""
    kind = field.get_internal_type()
    if kind == "JSONField":
        encoder = getattr(field, "encoder", None)
        return lambda value: json.dumps(value, cls=encoder)
    if kind == "DateTimeField":
        return db.ops.adapt_datetimefield_value
    if kind in _ADAPTED:
        return lambda value: field.get_db_prep_save(value, db)
    return None


def _field(model: type[models.Model], attname: str) -> models.Field[Any, Any]:
    """The concrete field whose attribute is `attname` ("person_id" is the field "person")."""
    for field in model._meta.concrete_fields:
        if attname in (field.attname, field.name):
            return field
    raise ValueError(f"{model.__name__} has no column {attname!r}")


def rows_insert(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning: Sequence[str] = (),
    ignore_conflicts: bool = False,
    using: str = "default",
    rows_per_statement: int = ROWS_PER_STATEMENT,
) -> list[tuple[Any, ...]]:
    """Insert `rows` (tuples of values for `columns`, attribute names such as "person_id")
    into `model`'s table in one transaction; returns the `returning` columns of the rows
    inserted, in the order of `rows` (rows skipped by `ignore_conflicts` are left out)."""
    if not rows:
        return []
    db = connections[using]
    meta = model._meta
    fields = [_field(model, name) for name in columns]
    names = [str(field.column) for field in fields]
    adapters = [_adapter(field, db) for field in fields]
    values: Sequence[Sequence[Any]] = rows
    adapted = [(i, adapt) for i, adapt in enumerate(adapters) if adapt is not None]
    if adapted:
        values = []
        for row in rows:
            value = list(row)
            for i, adapt in adapted:
                value[i] = adapt(value[i])
            values.append(value)
    quote = db.ops.quote_name
    table = quote(meta.db_table)
    column_list = ", ".join(quote(name) for name in names)
    back = ", ".join(quote(str(_field(model, name).column)) for name in returning)
    with transaction.atomic(using=using), db.cursor() as cursor:
        if db.vendor == "postgresql":
            return _copy_insert(cursor, table, names, values, back, ignore_conflicts, quote)
        conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
        one = "(" + ", ".join(["%s"] * len(names)) + ")"
        head = f"INSERT INTO {table} ({column_list}) VALUES "  # noqa: S608 - names, not input
        if not returning:
            cursor.executemany(head + one + conflict, values)
            return []
        out: list[tuple[Any, ...]] = []
        for start in range(0, len(values), rows_per_statement):
            chunk = values[start : start + rows_per_statement]
            cursor.execute(
                head + ", ".join([one] * len(chunk)) + conflict + f" RETURNING {back}",
                [value for row in chunk for value in row],
            )
            out += [tuple(row) for row in cursor.fetchall()]
        return out


def _copy_insert(
    cursor: Any,
    table: str,
    names: list[str],
    values: Sequence[Sequence[Any]],
    back: str,
    ignore_conflicts: bool,
    quote: Callable[[str], str],
) -> list[tuple[Any, ...]]:
    """PostgreSQL: COPY into a temporary table shaped like `table`'s columns, then one
    INSERT ... SELECT in the rows' order."""
    temp = quote(f"_rows_insert_{next(_temporary)}")
    column_list = ", ".join(quote(name) for name in names)
    cursor.execute(
        f"CREATE TEMPORARY TABLE {temp} ON COMMIT DROP AS "  # noqa: S608 - names, not input
        f"SELECT 0::integer AS {quote('_ord')}, {column_list} FROM {table} WITH NO DATA"
    )
    # psycopg's own cursor: COPY is not a statement Django's cursor runs.
    with cursor.cursor.copy(f"COPY {temp} ({quote('_ord')}, {column_list}) FROM STDIN") as copy:
        for n, row in enumerate(values):
            copy.write_row((n, *row))
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    cursor.execute(
        f"INSERT INTO {table} ({column_list}) "  # noqa: S608 - names, not input
        f"SELECT {column_list} FROM {temp} ORDER BY {quote('_ord')}{conflict}"
        + (f" RETURNING {back}" if back else "")
    )
    out = [tuple(row) for row in cursor.fetchall()] if back else []
    cursor.execute(f"DROP TABLE {temp}")
    return out
