"""The people search: one meaning for the directory page, the API and any list of people.

A query is cut into words (the first five count). A person matches when every word is part
of their first or last name, anywhere in it and whatever the case ("ann" finds Anne, Joanna
and Hannah), or is their whole email address or employee id, whatever the case. Emails and
employee ids match only whole: a list does not show emails, so a partial match must not
spell one out letter by letter.

Speed: at 100,000 people a table scan per search costs hundreds of milliseconds, so every
part of the search is served by an index, on both engines:

- names, through trigrams of three characters: on SQLite an FTS5 table with the trigram
  tokenizer (`NAME_SEARCH_TABLE`, kept in step with the people table by triggers), on
  PostgreSQL GIN indexes with `pg_trgm` on `UPPER(first_name)` and `UPPER(last_name)`,
  which serve `icontains` as Django writes it (without GIN's pending list, which a search
  reads in full: `_POSTGRES_SETTLE`). A word of one or two letters has no trigram:
  it reads the names one by one (still correct, as slow as before);
- emails and employee ids, through indexes on `LOWER(...)` (`core.lookups.lower_equals`).

The indexes are created by `ensure_name_search_index`, run by the migration and after every
`migrate` (SQLite drops a table's triggers when a migration rebuilds the table).
"""

from __future__ import annotations

from typing import Literal

from django.db import DatabaseError, connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, OrderBy, Q, Value
from django.db.models.expressions import CombinedExpression, RawSQL
from django.db.models.functions import Concat

from mentorwise.core.lookups import lower_equals
from mentorwise.people.models import Person

MAX_WORDS = 5
# Trigram indexes know only runs of three characters; a shorter word reads every name.
TRIGRAM = 3
NAME_SEARCH_TABLE = "people_person_name_search"

# Written out (no formatting) so that nothing but these words can reach the database.
_SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS people_person_name_search "
    "USING fts5(name, tokenize='trigram')"
)
_SQLITE_TRIGGERS = {
    "people_person_name_search_insert": """
        CREATE TRIGGER IF NOT EXISTS people_person_name_search_insert
        AFTER INSERT ON people_person
        BEGIN
            INSERT INTO people_person_name_search(rowid, name)
            VALUES (new.id, new.first_name || ' ' || new.last_name);
        END""",
    "people_person_name_search_update": """
        CREATE TRIGGER IF NOT EXISTS people_person_name_search_update
        AFTER UPDATE OF id, first_name, last_name ON people_person
        BEGIN
            DELETE FROM people_person_name_search WHERE rowid = old.id;
            INSERT INTO people_person_name_search(rowid, name)
            VALUES (new.id, new.first_name || ' ' || new.last_name);
        END""",
    "people_person_name_search_delete": """
        CREATE TRIGGER IF NOT EXISTS people_person_name_search_delete
        AFTER DELETE ON people_person
        BEGIN
            DELETE FROM people_person_name_search WHERE rowid = old.id;
        END""",
}
_SQLITE_REINDEX = (
    "DELETE FROM people_person_name_search",
    "INSERT INTO people_person_name_search(rowid, name) "
    "SELECT id, first_name || ' ' || last_name FROM people_person",
)
_SQLITE_OPTIMIZE = (
    "INSERT INTO people_person_name_search(people_person_name_search) VALUES ('optimize')"
)
_SQLITE_MATCH = (
    "SELECT rowid FROM people_person_name_search WHERE people_person_name_search MATCH %s"
)
_POSTGRES_INDEXES = (
    "CREATE INDEX IF NOT EXISTS person_first_name_trgm_idx "
    "ON people_person USING gin (UPPER(first_name) gin_trgm_ops) WITH (fastupdate = off)",
    "CREATE INDEX IF NOT EXISTS person_last_name_trgm_idx "
    "ON people_person USING gin (UPPER(last_name) gin_trgm_ops) WITH (fastupdate = off)",
)
# GIN's "fast update" queues new entries in a pending list that every search reads in full
# until a vacuum merges it: after an import of 100,000 people, a search's index reads went
# from 0.03 to 6.6 ms. People are written rarely and searched often, so new names go
# straight into the index (indexes made before this setting are switched over and their
# pending list merged, after every `migrate`).
_POSTGRES_SETTLE = tuple(
    sql
    for index in ("person_first_name_trgm_idx", "person_last_name_trgm_idx")
    for sql in (
        f"ALTER INDEX {index} SET (fastupdate = off)",
        f"SELECT gin_clean_pending_list('{index}'::regclass)",
    )
)


def search_words(q: str) -> list[str]:
    """The words of a query that count (at most `MAX_WORDS`)."""
    return q.split()[:MAX_WORDS]


def person_search(q: str) -> Q:
    """The people matching every word of `q` (see the module); an empty query matches all."""
    terms = Q()
    for word in search_words(q):
        terms &= _word_matches(word)
    return terms


def _word_matches(word: str) -> Q:
    whole = Q(lower_equals("email", word)) | Q(lower_equals("employee_id", word))
    if connection.vendor != "sqlite":
        return Q(first_name__icontains=word) | Q(last_name__icontains=word) | whole
    # On SQLite the whole-value matches are one list, found once through the LOWER indexes:
    # tested row by row, LOWER() on two columns made a scan (a short word) 30% slower.
    whole = Q(pk__in=Person.objects.filter(whole).values("pk"))
    if len(word) < TRIGRAM:
        return Q(first_name__icontains=word) | Q(last_name__icontains=word) | whole
    # A quoted FTS5 phrase of trigrams is a case-insensitive substring match ("" escapes a
    # quote). LIKE on the FTS table would do too, but not with the ESCAPE clause that user
    # input needs for % and _: then SQLite reads the whole table.
    phrase = '"' + word.replace('"', '""') + '"'
    return Q(pk__in=RawSQL(_SQLITE_MATCH, [phrase])) | whole  # noqa: S611 - a parameter


PersonOrder = Literal["name", "id"]


def search_is_indexed(q: str) -> bool:
    """Whether every word of `q` is long enough for the trigram indexes."""
    words = search_words(q)
    return bool(words) and all(len(word) >= TRIGRAM for word in words)


def search_order(order: PersonOrder) -> list[OrderBy]:
    """The order of search results: by name (last, first) or by id, as without a search.

    Written as expressions equal to the columns (`last_name || ''`, `id + 0`) so that no
    index can provide it: otherwise, asked for the first 50 in name order, PostgreSQL walks
    the name index and tests every person until 50 match (25,000 rows for a name starting
    with "H" at 100,000 people, 90 ms) instead of reading the matches from the search
    indexes and sorting those (a few milliseconds). Only for an indexed search
    (`search_is_indexed`): a word of one or two letters reads every name anyway and often
    matches half the people, which are better read in order until the page is full.
    """
    if order == "id":
        return [CombinedExpression(F("id"), "+", Value(0)).asc()]
    last, first = (Concat(F(name), Value("")) for name in ("last_name", "first_name"))
    return [last.asc(), first.asc(), CombinedExpression(F("id"), "+", Value(0)).asc()]


def ensure_name_search_index(db: BaseDatabaseWrapper) -> None:
    """Create the name index of this engine if it is missing (idempotent and cheap)."""
    if db.vendor == "sqlite":
        _ensure_sqlite(db)
    elif db.vendor == "postgresql":
        _ensure_postgresql(db)


def forget_deleted_names(db: BaseDatabaseWrapper) -> None:
    """Drop the index entries of deleted or replaced names from the file (after an erasure).

    SQLite's full-text index keeps a deleted row's entries in older segments until they are
    merged; `optimize` merges them all now, and the database's `secure_delete` zeroes the
    pages they leave. A checkpoint then copies the new pages into the database file and
    empties the write-ahead log, which still held the old ones. PostgreSQL's trigram index
    drops dead entries when the table is vacuumed (autovacuum).
    """
    if db.vendor != "sqlite":
        return
    with db.cursor() as cursor:
        cursor.execute(_SQLITE_OPTIMIZE)
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _ensure_sqlite(db: BaseDatabaseWrapper) -> None:
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE %s",
            [f"{NAME_SEARCH_TABLE}%"],
        )
        present = {row[0] for row in cursor.fetchall()}
        if NAME_SEARCH_TABLE in present and set(_SQLITE_TRIGGERS) <= present:
            return
        with transaction.atomic(using=db.alias):
            cursor.execute(_SQLITE_TABLE)
            for sql in _SQLITE_TRIGGERS.values():
                cursor.execute(sql)
            # Missing triggers mean rows written without them: index everyone again.
            for sql in _SQLITE_REINDEX:
                cursor.execute(sql)


def _ensure_postgresql(db: BaseDatabaseWrapper) -> None:
    with db.cursor() as cursor:
        try:
            # pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: the database
            # owner may create it. Where it is refused, search works without the index.
            with transaction.atomic(using=db.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError:
            return
        for sql in (*_POSTGRES_INDEXES, *_POSTGRES_SETTLE):
            cursor.execute(sql)
