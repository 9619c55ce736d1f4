"""The PostgreSQL backend with server-side parameters: lists and bulk writes of any length.

A statement with server-side parameters takes at most 65,535 values; Django's own backend
would send `id IN (70,000 values)` and a 10,000-row `bulk_update` as one statement each, and
PostgreSQL would refuse them. The answers are checked against Python's own filtering.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentorwise.accounts.models import ApiToken, User
from mentorwise.core.db.postgresql.base import MAX_QUERY_PARAMS
from mentorwise.core.db.postgresql.compiler import LIST_AS_ARRAY_FROM

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's server-side parameters"
    ),
]


def _users(count: int) -> list[User]:
    User.objects.bulk_create(
        User(username=f"bulk-{i}", email=f"bulk-{i}@example.com", password="!")
        for i in range(count)
    )
    return list(User.objects.filter(username__startswith="bulk-").order_by("pk"))


def test_settings_turn_on_server_side_parameters_and_prepared_statements() -> None:
    assert getattr(connection.features, "uses_server_side_binding", False)
    connection.ensure_connection()
    assert connection.connection.prepare_threshold == 5


def test_a_list_longer_than_the_protocol_allows_is_one_array() -> None:
    users = _users(30)
    rng = random.Random(7)
    chosen = rng.sample([u.pk for u in users], 12)
    # 70,000 values: the chosen ids among ids that match nothing, duplicates and a None.
    wanted: list[Any] = [*chosen, *(-i for i in range(1, 70_000 - len(chosen))), chosen[0], None]
    with CaptureQueriesContext(connection) as queries:
        found = set(User.objects.filter(pk__in=wanted).values_list("pk", flat=True))
        left = set(
            User.objects.filter(username__startswith="bulk-")
            .exclude(pk__in=wanted)
            .values_list("pk", flat=True)
        )
    assert found == set(chosen)
    assert left == {u.pk for u in users} - set(chosen)
    assert all("= ANY(" in q["sql"] for q in queries.captured_queries)


def test_a_long_list_of_related_objects_and_of_text() -> None:
    users = _users(20)
    emails = [u.email for u in users[:5]] + [f"nobody-{i}@example.com" for i in range(2_000)]
    assert set(User.objects.filter(email__in=emails).values_list("pk", flat=True)) == {
        u.pk for u in users[:5]
    }
    owners = users[3:9] + [User(pk=-i) for i in range(1, 3_000)]
    assert list(ApiToken.objects.filter(user__in=owners)) == []


def test_short_lists_keep_django_s_form() -> None:
    users = _users(3)
    with CaptureQueriesContext(connection) as queries:
        assert User.objects.filter(pk__in=[u.pk for u in users]).count() == 3
        short = [u.pk for u in users] + [-i for i in range(1, LIST_AS_ARRAY_FROM - 3)]
        assert User.objects.filter(pk__in=short).count() == 3
    assert all(" IN (" in q["sql"] and "ANY(" not in q["sql"] for q in queries.captured_queries)


def test_only_none_matches_nothing() -> None:
    _users(2)
    assert list(User.objects.filter(pk__in=[None] * (LIST_AS_ARRAY_FROM + 5))) == []


def test_bulk_update_of_more_values_than_one_statement_takes() -> None:
    users = _users(10_000)
    for user in users:
        user.first_name = f"F{user.pk}"
        user.last_name = f"L{user.pk}"
        user.is_active = user.pk % 3 != 0
    # 10,000 objects x (2 x 3 fields + 1 id) = 70,000 values: more than one statement takes.
    with CaptureQueriesContext(connection) as queries:
        User.objects.bulk_update(users, ["first_name", "last_name", "is_active"])
    assert len([q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]) >= 2
    rows = User.objects.filter(username__startswith="bulk-").values_list(
        "pk", "first_name", "last_name", "is_active"
    )
    assert {r[0]: r[1:] for r in rows} == {
        u.pk: (f"F{u.pk}", f"L{u.pk}", u.pk % 3 != 0) for u in users
    }
    User.objects.filter(pk__in=[u.pk for u in users]).delete()
    assert not User.objects.filter(username__startswith="bulk-").exists()


def test_batch_size_keeps_every_statement_under_the_limit() -> None:
    for fields in (["pk"], ["pk", "pk", "a"], ["pk", "pk", "a", "b", "c"], list("abcdefghij")):
        size = connection.ops.bulk_batch_size(fields, list(range(100_000)))
        assert size >= 1 and size * 2 * len(fields) <= MAX_QUERY_PARAMS
    assert connection.ops.bulk_batch_size(["pk", "pk", "a"], [1, 2, 3]) == 3


def test_a_long_list_of_unhashable_json_values_keeps_django_s_form() -> None:
    from mentorwise.programs.models import Program

    program = Program.objects.create(name="Array 2027", slug="array-2027", matching={"w": 1})
    wanted: list[Any] = [{"weights": i} for i in range(LIST_AS_ARRAY_FROM + 10)]
    wanted.append(program.matching)
    with CaptureQueriesContext(connection) as queries:
        assert list(Program.objects.filter(pk=program.pk, matching__in=wanted)) == [program]
    assert "ANY(" not in queries.captured_queries[0]["sql"]
