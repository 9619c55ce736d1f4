"""The people search means one thing on the People page and in `GET /api/people`.

Every word must be part of a first or last name (any case), or a whole email address or
employee id (any case). Each result is checked against a reference written here in plain
Python over every person, so neither the page nor the API can drift from the rule, and the
indexes behind it (people.search) are checked to follow every write.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from conftest import api_client, page_client, query_plan
from mentorwise.accounts.models import User
from mentorwise.core.lookups import lower_equals
from mentorwise.people.models import Person
from mentorwise.people.search import ensure_name_search_index
from mentorwise.people.services import people_import
from mentorwise.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def reference(q: str) -> set[int]:
    """The rule, read off every person in Python (independent of the query code)."""

    def matches(person: Person, word: str) -> bool:
        w = word.lower()
        return (
            w in person.first_name.lower()
            or w in person.last_name.lower()
            or w == person.email.lower()
            or w == person.employee_id.lower()
        )

    words = q.split()[:5]
    return {p.pk for p in Person.objects.all() if all(matches(p, w) for w in words)}


@pytest.fixture
def crowd(db: None) -> list[Person]:
    names = [
        ("Anne", "Smith"),
        ("Joanna", "Hannahs"),
        ("Hannah", "Ng"),
        ("María José", "García Márquez"),
        ("Li", "Wu"),
        ("Bob", "O'Brien"),
        ("Percy", "100%_Sure"),
        ('Quote"d', "Name"),
        ("Ann-Marie", "Van der Berg"),
    ]
    return [
        PersonFactory(
            first_name=first,
            last_name=last,
            employee_id=f"EMP-{i:03d}",
            email=f"Person.{i}@Example.com",
        )
        for i, (first, last) in enumerate(names)
    ]


QUERIES = [
    "ann",  # a part anywhere: Anne, Joanna, Hannah, Hannahs, Ann-Marie
    "ANN",
    "nna",
    "an",  # shorter than a trigram
    "w",
    "ann smith",  # every word must match
    "ann zzz",
    "márquez",
    "josé garcía",
    "der berg",
    "o'brien",
    "100%",  # % and _ are letters, not wildcards
    "%",
    "_sure",
    '"d',  # a quote is a letter too
    'quote"d',
    "person.3@example.com",  # a whole email, any case
    "PERSON.3@EXAMPLE.COM",
    "person.3",  # never part of an email
    "example.com",
    "emp-004",  # a whole employee id, any case
    "emp-00",
    "a b c d e f",  # the first five words count
    "",
]


def _page_ids(client: Client, query: dict[str, Any]) -> set[int]:
    response = client.get("/people/", {**query, "page": 1})
    assert response.status_code == 200
    paginator = response.context["page"].paginator
    return {p.pk for p in paginator.object_list}


def _api_ids(client: Client, query: dict[str, Any]) -> set[int]:
    response = client.get("/api/people", {**query, "limit": 1000})
    assert response.status_code == 200
    return {row["id"] for row in response.json()}


@pytest.mark.parametrize("q", QUERIES)
def test_page_and_api_return_the_reference_result(
    q: str, hr_admin: User, crowd: list[Person]
) -> None:
    expected = reference(q)
    assert _page_ids(page_client(hr_admin), {"q": q}) == expected
    assert _api_ids(api_client(hr_admin), {"q": q}) == expected


def test_the_queries_above_are_not_trivial(crowd: list[Person]) -> None:
    # Guard against a reference that agrees because it finds nothing (or everything).
    ids = {name: p.pk for name, p in zip(("anne", "joanna", "hannah"), crowd, strict=False)}
    assert reference("ann") >= set(ids.values())
    assert reference("100%") == {crowd[6].pk} and reference("%") == {crowd[6].pk}
    assert reference("person.3") == set() and reference("emp-004") == {crowd[4].pk}
    assert reference('"d') == {crowd[7].pk}


def test_page_and_api_filter_one_level_alike(hr_admin: User) -> None:
    for level in (6, 7, 7, 8):
        PersonFactory(job_level=level)
    levels = {p.pk: p.job_level for p in Person.objects.all()}
    sevens = {pk for pk, level in levels.items() if level == 7}
    assert len(sevens) >= 2
    assert _page_ids(page_client(hr_admin), {"level": "7"}) == sevens
    assert _api_ids(api_client(hr_admin), {"level": "7"}) == sevens
    between = _api_ids(api_client(hr_admin), {"level_min": "6", "level_max": "7"})
    assert between == {pk for pk, level in levels.items() if level in (6, 7)}
    assert api_client(hr_admin).get("/api/people", {"level": "11"}).status_code == 422


def test_the_name_index_follows_every_write(hr_admin: User) -> None:
    client = api_client(hr_admin)
    person = PersonFactory(first_name="Wilhelmina", last_name="Quist")
    assert _api_ids(client, {"q": "helmi"}) == {person.pk}
    person.first_name = "Georgette"
    person.save(update_fields=["first_name"])
    assert _api_ids(client, {"q": "helmi"}) == set()
    assert _api_ids(client, {"q": "orgett"}) == {person.pk}
    Person.objects.filter(pk=person.pk).update(last_name="Zwaanswijk")
    assert _api_ids(client, {"q": "quist"}) == set()
    assert _api_ids(client, {"q": "aansw"}) == {person.pk}
    Person.objects.filter(pk=person.pk).delete()
    assert _api_ids(client, {"q": "orgett"}) == set()


def test_people_imported_in_bulk_are_found(hr_admin: User) -> None:
    csv = (
        b"employee_id,first_name,last_name,email\n"
        b"IMP-1,Philippa,Thorne,philippa@example.com\n"
        b"IMP-2,Ottoline,Vance,OTTOLINE@Example.com\n"
    )
    people_import(actor=None, data=csv, file_name="people.csv")
    client = api_client(hr_admin)
    thorne = Person.objects.get(employee_id="IMP-1")
    vance = Person.objects.get(employee_id="IMP-2")
    assert _api_ids(client, {"q": "lippa"}) == {thorne.pk}
    assert _api_ids(client, {"q": "ottoline@example.com"}) == {vance.pk}
    assert _api_ids(client, {"q": "imp-2"}) == {vance.pk}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite keeps names in step by triggers")
def test_a_rebuilt_people_table_gets_its_name_index_back(hr_admin: User) -> None:
    # A migration that rebuilds the table on SQLite drops its triggers; `migrate` then runs
    # ensure_name_search_index, which puts them back and indexes everyone again.
    with connection.cursor() as cursor:
        for suffix in ("insert", "update", "delete"):
            cursor.execute(f"DROP TRIGGER people_person_name_search_{suffix}")
    person = PersonFactory(first_name="Unindexed", last_name="Newcomer")
    assert _api_ids(api_client(hr_admin), {"q": "indexed"}) == set()
    ensure_name_search_index(connection)
    assert _api_ids(api_client(hr_admin), {"q": "indexed"}) == {person.pk}
    person.first_name = "Reindexed"
    person.save(update_fields=["first_name"])
    assert _api_ids(api_client(hr_admin), {"q": "reindex"}) == {person.pk}


def test_a_participant_searching_finds_only_themselves(mentee: User, crowd: list[Person]) -> None:
    # The search narrows what the actor may see; it never widens it.
    client = api_client(mentee)
    assert _api_ids(client, {"q": "ann"}) == set()
    assert _api_ids(client, {"q": "person.3@example.com"}) == set()
    own = Person.objects.get(pk=mentee.person_id)
    assert _api_ids(client, {"q": own.email.upper()}) == {own.pk}
    assert page_client(mentee).get("/people/", {"q": "ann"}).status_code == 404


@pytest.mark.parametrize("role", ["mentor", "sponsor", "executive"])
def test_the_people_page_stays_closed_to_those_without_the_directory(
    role: str, request: pytest.FixtureRequest, crowd: list[Person]
) -> None:
    user = request.getfixturevalue(role)
    assert page_client(user).get("/people/", {"q": "ann"}).status_code == 404
    ids = _api_ids(api_client(user), {"q": "ann"})
    assert ids <= {user.person_id}


@pytest.mark.parametrize("field", ["email", "employee_id"])
def test_case_insensitive_lookups_read_an_index(field: str, crowd: list[Person]) -> None:
    found = Person.objects.filter(lower_equals(field, getattr(crowd[2], field).upper())).order_by()
    assert list(found) == [crowd[2]]
    sql, params = found.query.sql_with_params()
    assert f"person_{field}_lower_idx" in query_plan(sql, list(params))


def test_a_name_search_reads_the_name_index(crowd: list[Person]) -> None:
    from mentorwise.people.search import person_search

    # Unordered: a handful of rows would otherwise be read in name order off that index.
    found = Person.objects.filter(person_search("nna")).order_by()
    sql, params = found.query.sql_with_params()
    plan = query_plan(sql, list(params))
    if connection.vendor == "sqlite":
        assert "people_person_name_search VIRTUAL TABLE INDEX" in plan
    else:
        assert "trgm_idx" in plan


_TRIGRAM_INDEXES = ("person_first_name_trgm_idx", "person_last_name_trgm_idx")


def _pending_pages(index: str) -> int:
    """Pages of `index`'s pending list, merged (and counted) by `gin_clean_pending_list`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        return int(cursor.fetchone()[0])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes are PostgreSQL's")
def test_names_go_straight_into_the_trigram_indexes() -> None:
    # A pending list is read in full by every search until a vacuum merges it; people are
    # written rarely and searched often, so the indexes keep none.
    PersonFactory.create_batch(300)
    assert [_pending_pages(index) for index in _TRIGRAM_INDEXES] == [0, 0]
    # An index made before the setting (as older installations have it) is switched over
    # and its queue merged by the next `migrate`.
    with connection.cursor() as cursor:
        for index in _TRIGRAM_INDEXES:
            cursor.execute(f"ALTER INDEX {index} SET (fastupdate = on)")
    PersonFactory.create_batch(300)
    with connection.cursor() as cursor:  # as `migrate` finds it: no key checks waiting
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    ensure_name_search_index(connection)
    assert [_pending_pages(index) for index in _TRIGRAM_INDEXES] == [0, 0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s) ORDER BY relname",
            [list(_TRIGRAM_INDEXES)],
        )
        assert cursor.fetchall() == [(index, ["fastupdate=off"]) for index in _TRIGRAM_INDEXES]
    # And with the old setting, the same writes would have queued: the check above can fail.
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER INDEX {_TRIGRAM_INDEXES[0]} SET (fastupdate = on)")
    PersonFactory.create_batch(300)
    assert _pending_pages(_TRIGRAM_INDEXES[0]) > 0
