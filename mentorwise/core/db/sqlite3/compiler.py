"""Django's compilers for SQLite, with each column's converters worked out once per field."""

from __future__ import annotations

from django.db.models.sql import compiler as django

from mentorwise.core.db.converters import ConvertersOnceMixin


class SQLCompiler(ConvertersOnceMixin, django.SQLCompiler):
    pass


class SQLInsertCompiler(ConvertersOnceMixin, django.SQLInsertCompiler):
    pass


class SQLDeleteCompiler(ConvertersOnceMixin, django.SQLDeleteCompiler):
    pass


class SQLUpdateCompiler(ConvertersOnceMixin, django.SQLUpdateCompiler):
    pass


class SQLAggregateCompiler(ConvertersOnceMixin, django.SQLAggregateCompiler):
    pass
