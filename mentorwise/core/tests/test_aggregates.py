"""The aggregate cache: which statements start a new data generation, when (after the
commit, never for a rollback), and that a cached value is served only for its own name,
scope and generation, with the file-based cache of production and the tests' locmem."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection, transaction

from mentorwise.core import aggregates
from mentorwise.core.aggregates import (
    GENERATION_KEY,
    cached_aggregate,
    generation,
    invalidate_aggregates,
    writes_table,
)
from mentorwise.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["locmem", "file"])
def backend(request: pytest.FixtureRequest, settings: Any, tmp_path: Path) -> str:
    if request.param == "file":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "cache"),
            }
        }
    else:
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
        }
    cache.clear()
    aggregates.clear_local()
    return str(request.param)


class Counter:
    """A compute function that says how often it ran."""

    def __init__(self, value: Any = 1) -> None:
        self.value, self.calls = value, 0

    def __call__(self) -> Any:
        self.calls += 1
        return self.value


def _bumps() -> int:
    return sum(1 for entry in connection.run_on_commit if entry[1] is invalidate_aggregates)


def test_writes_table_names_the_table_of_inserts_updates_and_deletes_only() -> None:
    assert writes_table('INSERT INTO "people_person" ("a") VALUES (%s)') == "people_person"
    assert writes_table('UPDATE "programs_program" SET "name" = %s') == "programs_program"
    assert writes_table('  DELETE FROM "matches_match" WHERE 1') == "matches_match"
    assert writes_table("update people_person set x = 1") == "people_person"
    assert writes_table('SELECT "a" FROM "people_person"') is None
    assert writes_table("SAVEPOINT s1") is None


def test_a_write_asks_for_one_new_generation_at_commit_however_many_statements(
    backend: str, django_capture_on_commit_callbacks: Any
) -> None:
    before = generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        Group.objects.create(name="Negotiation")
        Group.objects.bulk_create([Group(name="Coaching"), Group(name="Sales")])
        Group.objects.filter(name="Sales").update(name="Commercial")
        Group.objects.filter(name="Coaching").delete()
    assert callbacks.count(invalidate_aggregates) == 1
    assert generation() != before


def test_a_rolled_back_write_asks_for_nothing(backend: str) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        Group.objects.create(name="Negotiation")
        assert _bumps() == 1
        raise RuntimeError
    assert _bumps() == 0


def test_writing_a_table_no_aggregate_reads_asks_for_nothing(backend: str) -> None:
    AuditEntry.objects.create(action="insights.exported", actor_label="test")
    assert _bumps() == 0


def test_the_watcher_stays_when_an_execute_wrapper_block_ends(backend: str) -> None:
    def passthrough(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        return execute(sql, params, many, context)

    with connection.execute_wrapper(passthrough):
        Group.objects.count()
    Group.objects.create(name="Negotiation")
    assert _bumps() == 1


def test_a_value_is_computed_once_per_name_scope_and_generation(backend: str) -> None:
    compute = Counter({"n": 3})
    assert cached_aggregate("figure", lambda: (1, 2), compute) == {"n": 3}
    assert cached_aggregate("figure", lambda: (1, 2), compute) == {"n": 3}
    aggregates.clear_local()  # another process: reads the shared cache
    assert cached_aggregate("figure", lambda: (1, 2), compute) == {"n": 3}
    assert compute.calls == 1
    cached_aggregate("figure", lambda: (2, 1), compute)  # another scope
    cached_aggregate("other", lambda: (1, 2), compute)  # another name
    assert compute.calls == 3
    invalidate_aggregates()  # any process's write
    cached_aggregate("figure", lambda: (1, 2), compute)
    assert compute.calls == 4


def test_none_is_cached_like_any_value(backend: str) -> None:
    compute = Counter(None)
    assert cached_aggregate("figure", lambda: (), compute) is None
    assert cached_aggregate("figure", lambda: (), compute) is None
    assert compute.calls == 1


def test_a_lost_generation_is_a_new_one_never_an_old_one(backend: str) -> None:
    compute = Counter()
    cached_aggregate("figure", lambda: (), compute)
    old = generation()
    cache.delete(GENERATION_KEY)  # evicted, or the cache was emptied
    assert generation() != old
    cached_aggregate("figure", lambda: (), compute)
    assert compute.calls == 2


def test_uncommitted_writes_read_past_the_cache_and_store_nothing(backend: str) -> None:
    compute, scopes = Counter(), Counter(())
    cached_aggregate("figure", scopes, compute)
    Group.objects.create(name="Negotiation")  # in this test's transaction: not committed
    cached_aggregate("figure", scopes, compute)
    cached_aggregate("figure", scopes, compute)
    assert compute.calls == 3
    assert scopes.calls == 1  # the scope (its queries) is not even asked for


def test_a_zero_lifetime_turns_the_cache_off(backend: str, settings: Any) -> None:
    settings.AGGREGATE_CACHE_SECONDS = 0
    compute = Counter()
    cached_aggregate("figure", lambda: (), compute)
    cached_aggregate("figure", lambda: (), compute)
    assert compute.calls == 2


def test_other_project_settings_are_other_figures(backend: str, settings: Any) -> None:
    compute = Counter()
    cached_aggregate("figure", lambda: (), compute)
    settings.MENTORWISE_MIN_GROUP_SIZE = 11
    cached_aggregate("figure", lambda: (), compute)
    assert compute.calls == 2


def test_a_process_value_stays_in_memory_one_slot_per_name_and_scope(
    backend: str, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    """`cached_in_process`: computed once per name, scope and generation like an aggregate,
    but never written to the shared cache, and a newer generation replaces the old value."""
    written: list[Any] = []
    original_set = cache.set
    monkeypatch.setattr(
        aggregates.cache,
        "set",
        lambda k, v, *a, **kw: (written.append(v), original_set(k, v, *a, **kw)),
    )
    compute = Counter(["a person's record"])
    assert aggregates.cached_in_process("pool", lambda: (7,), compute) == ["a person's record"]
    aggregates.cached_in_process("pool", lambda: (7,), compute)
    assert compute.calls == 1
    aggregates.cached_in_process("pool", lambda: (8,), compute)  # another scope
    assert compute.calls == 2 and len(aggregates._process) == 2
    invalidate_aggregates()
    aggregates.cached_in_process("pool", lambda: (7,), compute)
    assert compute.calls == 3
    assert len(aggregates._process) == 2  # the old generation's value was replaced, not kept
    assert ["a person's record"] not in written and (["a person's record"],) not in written
    Group.objects.create(name="Negotiation")  # uncommitted: read past
    aggregates.cached_in_process("pool", lambda: (7,), compute)
    assert compute.calls == 4
