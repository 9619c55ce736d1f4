"""core.db.fixed: a query compiled once sends exactly the SQL and values Django would send for
the same queryset, and reads the same rows, for every FixedQuery of the project, every kind of
actor and every relationship of a world with all the roles; shapes that are not fixed are
refused. On both engines."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends import db as django_sessions
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from conftest import make_person, make_user
from mentorwise.accounts.backends import session_user
from mentorwise.accounts.models import User
from mentorwise.accounts.roles import is_hr_admin
from mentorwise.core.db.fixed import FixedQuery, NotFixed
from mentorwise.core.errors import NotFound
from mentorwise.core.sessions import SessionStore
from mentorwise.people.models import Person
from mentorwise.programs.models import Enrollment, Program
from mentorwise.programs.selectors import home_programs
from mentorwise.relationships.models import Relationship
from mentorwise.relationships.permissions import visible_relationships, visible_relationships_rule
from mentorwise.relationships.selectors import relationships_mine
from mentorwise.relationships.selectors.access import PAIR_RELATED, access_relationship
from mentorwise.relationships.selectors.pair import _awaiting_read
from tests.permissions_world import build_world

pytestmark = pytest.mark.django_db

Sent = list[tuple[str, tuple[Any, ...]]]


@contextmanager
def sent() -> Iterator[Sent]:
    """The SQL and values sent to the database inside the block."""
    queries: Sent = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield queries


def django_sql(queryset: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    """What Django's own compiler makes of the queryset."""
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return sql, tuple(params)


def rendered(query: tuple[str, tuple[Any, ...]]) -> Any:
    """The query with its values written in by the driver on PostgreSQL, where a FixedQuery
    writes its constants into the SQL and Django sends them apart; elsewhere as sent."""
    if connection.vendor != "postgresql":
        return query
    from psycopg import ClientCursor

    with ClientCursor(connection.connection) as cursor:
        return cursor.mogrify(*query)


def fields(obj: Any, related: tuple[str, ...] = ()) -> Any:
    """The row's values and those of its related rows (`a__b` paths), for comparison."""
    if not isinstance(obj, Model):
        return obj  # None, or a row of values_list()
    values: dict[str, Any] = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    for path in related:
        target: Any = obj
        for name in path.split("__"):
            target = getattr(target, name, None)
        values[path] = fields(target) if target is not None else None
    return values


def values_for(fixed: FixedQuery[Any], rng: random.Random, ids: list[int]) -> list[Any]:
    values: list[Any] = []
    choices = list(dict.fromkeys([*ids, 0, -1, 2**31 - 1]))
    for kind in fixed.kinds:
        if kind is int:
            values.append(rng.choice(choices))
            if fixed.distinct:
                choices.remove(values[-1])
        elif kind is str:
            values.append(rng.choice(["", "x", "a'b; --", "é" * 40]))
        else:
            values.append(timezone.now() + dt.timedelta(hours=rng.uniform(-1e4, 1e4)))
    return values


def test_every_fixed_query_sends_djangos_own_sql_and_values() -> None:
    world = build_world()
    # Every FixedQuery made on demand exists too: each kind of actor's relationship read (a
    # login without a person is the managers' kind) and the matches awaiting an answer for
    # one to eight enrollments.
    for actor in [*world.users.values(), make_user(None)]:
        access_relationship_or_none(actor, 0)
    for n in range(1, 9):
        _awaiting_read(n)
    ids = list(Person.objects.values_list("pk", flat=True))
    ids += list(User.objects.values_list("pk", flat=True))
    ids += list(Relationship.objects.values_list("pk", flat=True))
    rng = random.Random(7)
    checked = 0
    for fixed in FixedQuery.made:
        for _ in range(12):
            values = values_for(fixed, rng, ids)
            expected = fixed.build(*values)
            with sent() as queries:
                rows = fixed.all(*values)
            assert rendered(queries[0]) == rendered(django_sql(expected)), fixed.build
            # Then only the prefetches, as Django runs them.
            assert len(queries) == 1 or expected._prefetch_related_lookups, fixed.build
            assert [fields(r) for r in rows] == [fields(r) for r in expected], fixed.build
            checked += 1
    # 22 made when their modules load, three kinds of relationship read, eight awaiting reads.
    assert checked >= 12 * (22 + 3 + 8)


def access_relationship_or_none(actor: Any, pk: int) -> Relationship | None:
    try:
        return access_relationship(actor=actor, relationship_id=pk)
    except NotFound:
        return None


def test_relationship_read_for_every_actor_and_relationship_is_djangos() -> None:
    world = build_world()
    no_person = make_user(None)
    inactive = make_user(make_person(), is_active=False)
    inactive_hr = make_user(make_person(), is_hr_admin=True, is_active=False)
    actors = [*world.users.values(), no_person, inactive, inactive_hr, AnonymousUser(), None]
    pks = list(Relationship.objects.values_list("pk", flat=True))
    assert len(pks) >= 2
    kinds = set()
    shown = 0
    for actor in actors:
        kinds.add(visible_relationships_rule(actor)[0])
        for pk in [*pks, max(pks) + 1]:
            django = list(visible_relationships(actor).select_related(*PAIR_RELATED).filter(pk=pk))
            ours = access_relationship_or_none(actor, pk)
            assert fields(ours, PAIR_RELATED) == (
                fields(django[0], PAIR_RELATED) if django else None
            ), (actor, pk)
            shown += ours is not None
    assert len(kinds) == 4  # HR, no person, in or managing, nobody
    assert 0 < shown < len(actors) * len(pks)


def test_relationships_mine_is_djangos() -> None:
    world = build_world()
    checked = 0
    for actor in world.users.values():
        django = list(
            Relationship.objects.filter(pk__in=[r.pk for r in _django_mine(actor)])
            .select_related(*PAIR_RELATED)
            .order_by("status", "-started_at")
        )
        assert [fields(r, PAIR_RELATED) for r in relationships_mine(actor=actor)] == [
            fields(r, PAIR_RELATED) for r in django
        ]
        active = [r for r in django if r.status == "active"]
        assert [r.pk for r in relationships_mine(actor=actor, active_only=True)] == [
            r.pk for r in active
        ]
        checked += bool(django)
    assert checked >= 2
    assert relationships_mine(actor=make_user(None)) == []


def _django_mine(actor: User) -> list[Relationship]:
    """Plain Python over every relationship: those with the actor's person on a side."""
    return [
        r
        for r in Relationship.objects.select_related("mentee", "mentor")
        if actor.person_id in (r.mentee.person_id, r.mentor.person_id)
    ]


def test_home_programs_follow_the_rule_for_every_login() -> None:
    world = build_world()
    Program.objects.filter(pk=Program.objects.order_by("pk")[0].pk).update(status="draft")
    enrolling = Program.objects.order_by("pk")[1]
    Program.objects.filter(pk=enrolling.pk).update(status="enrolling")
    logins = [*world.users.values(), make_user(None)]
    logins[-1].managed_programs.add(enrolling)  # a manager without a person
    checked = 0
    for actor in logins:
        actor = User.objects.get(pk=actor.pk)
        home = home_programs(actor=actor, open_limit=100)
        expected = _python_home(actor)
        managed = [(p.pk, p.n_enrolled) for p in home.managed]
        assert (managed, [p.pk for p in home.open]) == expected, actor.username
        checked += bool(expected[0]) + bool(expected[1])
    assert checked >= 3


def _python_home(actor: User) -> tuple[list[tuple[int, int]], list[int]]:
    """Plain Python over every program: what the actor may see (all for HR admins; published,
    managed or enrolled in otherwise), managed ones with their active enrollments counted,
    and those enrolling."""
    managed_ids = set(actor.managed_programs.values_list("pk", flat=True))
    enrolled_ids = {
        e.program_id for e in Enrollment.objects.all() if e.person_id == actor.person_id
    }
    programs = sorted(Program.objects.all(), key=lambda p: p.name)
    seen = [
        p
        for p in programs
        if is_hr_admin(actor) or p.status != "draft" or p.pk in managed_ids or p.pk in enrolled_ids
    ]
    active = Counter(e.program_id for e in Enrollment.objects.all() if e.status == "active")
    return (
        [(p.pk, active[p.pk]) for p in seen if p.pk in managed_ids],
        [p.pk for p in seen if p.status == "enrolling"],
    )


def test_session_user_is_djangos_for_every_login() -> None:
    build_world()
    make_user(make_person(termination_date=dt.date(2020, 1, 31)))
    users = list(User.objects.all())
    for user in users:
        django = User.objects.select_related("person").filter(pk=user.pk).first()
        assert django is not None
        expected = django if django.may_sign_in() else None
        for given in (user.pk, str(user.pk)):
            assert fields(session_user(given), ("person",)) == fields(expected, ("person",))
    assert any(session_user(u.pk) is None for u in users)  # someone may not sign in
    for missing in (max(u.pk for u in users) + 1, "nope", None, ""):
        assert session_user(missing) is None


def test_sessions_read_as_djangos_store_reads_them() -> None:
    stores = []
    for n in range(4):
        store = SessionStore()
        store["n"] = n
        store.save()
        stores.append(store)
    # Two expired, one by a second only.
    Session.objects.filter(session_key=stores[2].session_key).update(
        expire_date=timezone.now() - dt.timedelta(days=3)
    )
    Session.objects.filter(session_key=stores[3].session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    keys = [s.session_key for s in stores] + ["0" * 32, "not-a-key"]
    for key in keys:
        ours, theirs = SessionStore(key), django_sessions.SessionStore(key)
        assert ours.load() == theirs.load()
        assert ours.session_key == theirs.session_key  # None once found missing or expired
    assert SessionStore(stores[0].session_key).load() == {"n": 0}
    assert SessionStore(stores[2].session_key).load() == {}


def _person(pk: int) -> QuerySet[Person]:
    return Person.objects.filter(pk=pk)


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda pk: Person.objects.all(), id="a value that is not used"),
        pytest.param(
            lambda pk: Person.objects.annotate(x=RawSQL(f"{pk} + 1", ())),  # noqa: S611
            id="a value in the SQL",
        ),
        pytest.param(lambda pk: Person.objects.all()[: (-pk) % 7 + 1], id="a limit from a value"),
        pytest.param(
            lambda pk: Person.objects.filter(pk=pk) if pk % 3 else Person.objects.filter(pk__gt=pk),
            id="a branch on the value",
        ),
    ],
)
def test_shapes_that_are_not_fixed_are_refused(build: Callable[[int], QuerySet[Person]]) -> None:
    fixed = FixedQuery(build, int)
    FixedQuery.made.remove(fixed)
    with pytest.raises(NotFixed):
        fixed.all(1)


def test_ids_beyond_64_bits_match_nothing_as_in_django() -> None:
    world = build_world()
    hr = next(u for u in world.users.values() if u.is_hr_admin)
    for huge in (2**63, -(2**63) - 1, 10**30):
        assert list(Relationship.objects.filter(pk=huge)) == []  # Django's answer
        assert access_relationship_or_none(hr, huge) is None
        assert session_user(huge) is None


def test_a_parameter_worked_out_from_a_value_is_refused() -> None:
    fixed = FixedQuery(
        lambda t: Person.objects.filter(created_at__lt=t, created_at__gt=t - dt.timedelta(days=1)),
        dt.datetime,
    )
    FixedQuery.made.remove(fixed)
    with pytest.raises(NotFixed):
        fixed.all(timezone.now())


def test_a_marker_outside_a_fields_range_is_refused() -> None:
    fixed = FixedQuery(lambda depth: Person.objects.filter(depth=depth), int)  # positive field
    FixedQuery.made.remove(fixed)
    with pytest.raises(NotFixed):
        fixed.all(1)


def test_values_of_another_type_are_refused() -> None:
    person = make_person()
    fixed = FixedQuery(_person, int)
    FixedQuery.made.remove(fixed)
    assert fixed.one(person.pk) == person
    for wrong in (str(person.pk), True, float(person.pk), None):
        with pytest.raises(TypeError):
            fixed.all(wrong)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        fixed.all(person.pk, person.pk)
    with pytest.raises(TypeError):
        fixed.all()
    pair = FixedQuery(lambda a, b: Person.objects.filter(pk__in=[a, b]), int, int, distinct=True)
    FixedQuery.made.remove(pair)
    assert pair.all(person.pk, -5) == [person]
    with pytest.raises(ValueError, match="differ"):
        pair.all(person.pk, person.pk)
    timed = FixedQuery(lambda t: Person.objects.filter(created_at__lt=t), dt.datetime)
    FixedQuery.made.remove(timed)
    with pytest.raises(TypeError):
        timed.all(dt.datetime(2026, 1, 1))  # naive
    assert timed.all(dt.datetime(1990, 1, 1, tzinfo=dt.UTC)) == []
    assert person in timed.all(timezone.now() + dt.timedelta(days=1))
    with pytest.raises(TypeError):
        FixedQuery(_person)
    with pytest.raises(TypeError):
        FixedQuery(_person, float)


def test_constants_are_written_into_the_sql_on_postgresql_and_read_the_same_rows() -> None:
    # Quotes, a percent sign, a backslash, a flag and an enum among the constants.
    odd = "O'Hara 100% \\ --"
    wanted = make_person(last_name=odd, first_name="Ann")
    make_person(last_name="O'Hara 100", first_name="Ann")
    fixed = FixedQuery(
        lambda first: Person.objects.filter(
            first_name=first, last_name=odd, manager__isnull=True
        ).exclude(pk=-1),
        str,
    )
    try:
        with sent() as queries:
            rows = fixed.all("Ann")
        assert [p.pk for p in rows] == [wanted.pk]
        sql, params = queries[0]
        if connection.vendor == "postgresql":
            # Only the argument travels apart; PostgreSQL sees the constants.
            assert params == ("Ann",) and "O''Hara 100%% " in sql, sql
        else:
            assert params == ("Ann", odd, -1)
        assert rendered(queries[0]) == rendered(django_sql(fixed.build("Ann")))
    finally:
        FixedQuery.made.remove(fixed)


def test_the_home_pages_relationships_name_their_status_on_postgresql() -> None:
    from mentorwise.relationships.selectors.pair import _ACTIVE_MINE

    person = make_person()
    with sent() as queries:
        assert _ACTIVE_MINE.all(person.pk) == []
    sql, params = queries[0]
    if connection.vendor == "postgresql":
        assert params == (person.pk, person.pk) and "'active'" in sql, sql
    else:
        assert params == (person.pk, person.pk, "active")
