"""Fast bulk writes for large imports: reserve primary keys, insert many rows at once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection
from django.db.models import Model


def allocate_ids(model: type[Model], count: int) -> list[int]:
    """Reserve `count` primary keys of `model` before inserting the rows.

    Knowing the ids up front lets one bulk insert carry references between the new rows (a new
    person's new manager, the materialized path) instead of inserting and then updating.
    Call it inside the transaction that inserts the rows (see `reserve_ids`).
    """
    return list(reserve_ids(model, count))


def reserve_ids(model: type[Model], count: int, *, batch: int = 10_000) -> Iterator[int]:
    """Reserve `count` primary keys of `model`, yielded in increasing order, `batch` at a time.

    The same as `allocate_ids` without holding millions of ids at once. Consume it whole before
    inserting, inside the transaction that inserts the rows (see the SQLite note below).
    """
    if count <= 0:
        return
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        for start in range(0, count, batch):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, min(batch, count - start)],
                )
                yield from sorted(row[0] for row in cursor.fetchall())
        return
    # SQLite: the transaction holds the database's write lock, so nobody else can take
    # ids between this read and the insert; AUTOINCREMENT never reuses the highest id
    # ever given, kept in sqlite_sequence.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        top = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        seq = cursor.fetchone()
    first = max(top, seq[0] if seq else 0) + 1
    yield from range(first, first + count)


_PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BooleanField",
    "CharField",
    "EmailField",
    "ForeignKey",
    "OneToOneField",
    "PositiveSmallIntegerField",
}


def insert_rows(model: type[Model], rows: list[dict[str, Any]]) -> None:
    """INSERT rows given as {attname: value}: one prepared statement (SQLite) or COPY (PostgreSQL).

    bulk_create() builds a new multi-row statement for every 999 parameters on SQLite and,
    with model instances, spends most of a 100,000-row import in Python; executemany()
    compiles once and COPY streams. Values go through each field's get_db_prep_save(), like
    the ORM does, but once per distinct value (dates and language lists repeat a lot).
    Fields a row lacks get their default; an auto primary key is left to the database.
    """
    if not rows:
        return
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and rows[0].get(f.attname) is None)
    ]
    converters = [converter(f) for f in fields]
    defaults = {f.attname: f.get_default() for f in fields}
    attnames = [f.attname for f in fields]
    params = [
        [
            convert(row[name] if name in row else defaults[name])
            for name, convert in zip(attnames, converters, strict=True)
        ]
        for row in rows
    ]
    quote = connection.ops.quote_name
    table = quote(str(model._meta.db_table))
    columns = ", ".join(quote(str(f.column)) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one command: several times faster than INSERTs.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for values in params:
                    copy.write_row(values)
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
            cursor.executemany(sql, params)


def converter(f: Any) -> Callable[[Any], Any]:
    if f.get_internal_type() in _PLAIN_TYPES:
        return lambda value: value
    cache: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        key = tuple(value) if isinstance(value, list) else value
        if key not in cache:
            cache[key] = f.get_db_prep_save(value, connection)
        return cache[key]

    return convert
