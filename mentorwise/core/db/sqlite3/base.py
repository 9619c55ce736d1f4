"""Django's SQLite backend, compiling queries with `compiler` (each column's converters worked
out once per field, `core.db.converters`). Everything else is Django's backend unchanged
(`connection.vendor` is still "sqlite")."""

from __future__ import annotations

from django.db.backends.sqlite3 import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    compiler_module = "mentorwise.core.db.sqlite3.compiler"


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
