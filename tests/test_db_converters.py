"""core.db.converters: each column's converters, kept per pair of fields, are exactly the ones
Django's own compiler works out, for every model of the project, its related rows, values and
annotations, on both engines."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Count, F, Max, QuerySet
from django.db.models.expressions import Col
from django.db.models.sql import compiler as django_compiler

from mentorwise.core.db import converters
from mentorwise.core.db.converters import ConvertersOnceMixin
from mentorwise.relationships.models import Relationship
from mentorwise.relationships.selectors.access import PAIR_RELATED

pytestmark = pytest.mark.django_db


def _project_models() -> list[Any]:
    return [m for m in apps.get_models() if m.__module__.startswith("mentorwise.")]


def _querysets() -> list[QuerySet[Any]]:
    sets: list[QuerySet[Any]] = []
    for model in _project_models():
        sets.append(model._default_manager.all())
        forward = [
            f.name
            for f in model._meta.concrete_fields
            if f.is_relation and f.many_to_one and f.related_model is not model
        ]
        if forward:
            sets.append(model._default_manager.select_related(*forward))
    sets += [
        Relationship.objects.select_related(*PAIR_RELATED),
        Relationship.objects.values("pk", "started_at", "program__matching", "mentee__answers"),
        Relationship.objects.annotate(
            n_goals=Count("goals"), newest=Max("goals__created_at"), starts=F("started_at")
        ),
    ]
    return sets


def _same(ours: dict[int, Any], django: dict[int, Any]) -> bool:
    if ours.keys() != django.keys():
        return False
    for position, (functions, expression) in ours.items():
        theirs, their_expression = django[position]
        if expression is not their_expression or functions != theirs:
            return False
    return True


def test_the_engine_compiles_with_the_mixin() -> None:
    assert issubclass(connection.ops.compiler("SQLCompiler"), ConvertersOnceMixin)


def test_every_query_gets_django_s_converters_first_and_from_the_cache() -> None:
    checked = columns = 0
    for queryset in _querysets():
        for _ in range(2):  # the first time fills the cache, the second reads it
            compiler = queryset.query.get_compiler(using="default")
            compiler.setup_query()
            expressions = [select[0] for select in compiler.select]
            ours = compiler.get_converters(expressions)
            django = django_compiler.SQLCompiler.get_converters(compiler, expressions)
            assert _same(ours, django), queryset.query
            checked += 1
            columns += sum(type(e) is Col for e in expressions)
    assert checked > 2 * len(_project_models()) and columns > 1000
    assert getattr(connection.ops, converters._ATTRIBUTE)  # plain columns were kept


def test_an_entry_of_another_field_under_the_same_id_is_not_used() -> None:
    """A field whose id was once another field's (after that one was freed) gets its own
    converters: the entry's fields are compared by identity."""
    compiler = Relationship.objects.all().query.get_compiler(using="default")
    compiler.setup_query()
    column = next(s[0] for s in compiler.select if s[0].target.name == "started_at")
    key = (id(column.output_field), id(column.target))
    kept = connection.ops.__dict__.setdefault(converters._ATTRIBUTE, {})
    stranger = Relationship._meta.get_field("status")
    kept[key] = (stranger, stranger, [lambda value, expression, db: "wrong"])
    found = compiler.get_converters([column])
    expected = django_compiler.SQLCompiler.get_converters(compiler, [column])
    assert _same(found, expected)
    assert kept[key][0] is column.output_field


def test_rows_read_through_the_cache_are_the_rows_django_reads() -> None:
    from conftest import make_person

    for n in range(3):
        make_person(first_name=f"Row{n}", languages=["en", "de"][: n + 1])
    person_model = apps.get_model("people", "Person")
    queryset = person_model.objects.order_by("pk")
    ours = [(p.pk, p.created_at, p.languages, p.hire_date) for p in queryset]
    compiler = queryset.query.get_compiler(using="default")
    rows = compiler.execute_sql()
    plain = django_compiler.SQLCompiler.get_converters(compiler, [s[0] for s in compiler.select])
    fields = [s[0].target.name for s in compiler.select]
    theirs = [
        tuple(row[fields.index(name)] for name in ("id", "created_at", "languages", "hire_date"))
        for row in compiler.apply_converters((r for chunk in rows for r in chunk), plain)
    ]
    assert ours == theirs and len(ours) >= 3


def test_each_connection_keeps_its_own_converters() -> None:
    """A backend's converters are methods of one connection's operations: a column read first
    in another thread (another connection) does not hand that connection's to this one."""
    import threading

    from django.db import connections
    from django.db.backends.base.operations import BaseDatabaseOperations

    def bound_operations(found: dict[int, Any]) -> set[int]:
        return {
            id(f.__self__)
            for functions, _expression in found.values()
            for f in functions
            if isinstance(getattr(f, "__self__", None), BaseDatabaseOperations)
        }

    def converters_here() -> tuple[Any, dict[int, Any]]:
        compiler = Relationship.objects.select_related(*PAIR_RELATED).query.get_compiler(
            using="default"
        )
        compiler.setup_query()
        return compiler.connection, compiler.get_converters([s[0] for s in compiler.select])

    elsewhere: list[Any] = []
    thread = threading.Thread(target=lambda: elsewhere.append(converters_here()))
    thread.start()
    thread.join()
    connections["default"]  # this thread's connection, as before
    other_connection, other = elsewhere[0]
    here_connection, here = converters_here()
    assert other_connection is not here_connection
    assert bound_operations(here) <= {id(here_connection.ops)}
    assert bound_operations(other) <= {id(other_connection.ops)}
    if connection.vendor == "sqlite":  # SQLite's datetimes are converted by the backend
        assert bound_operations(here) == {id(here_connection.ops)}
