"""Database expressions shared by the insights selectors."""

from __future__ import annotations

from typing import Any

from django.db.models import FloatField, Func


class DaysBetween(Func):
    """Fractional days from `start` to `end`, computed by the database.

    Reading two datetimes per row costs Django a Python conversion each (~0.15 s at 20,000
    rows on SQLite); a number needs none. SQLite and PostgreSQL are the supported engines.
    """

    output_field = FloatField()

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__(end, start)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)::double precision",
            arg_joiner=" - ",
            **extra,
        )
