"""Cached aggregates: dashboard figures kept until the next committed write.

`cached_aggregate(name, scope, compute)` returns `compute()`'s value, kept in Django's
configured cache (file-based in the data dir, or CACHE_URL) under the key
(name, scope, data generation). The *data generation* is a random token in that same cache,
shared by every process, replaced after every committed write to the database (except the
tables in `UNREAD_TABLES`, which no aggregate reads). A write therefore never leaves a
stale figure: the next request asks for a key nobody has filled yet. (Hosts that do not
share one cache do not share the generation either: see docs/architecture.md.)

How writes are seen: an execute wrapper on every database connection (installed when the
connection opens, `install`) looks at each statement; an INSERT, UPDATE or DELETE (whatever
issued it: a model save, `bulk_create`, `QuerySet.update`, a cascade, raw SQL, the HRIS
importer, SCIM, an erasure) asks for a new generation once the transaction commits
(`transaction.on_commit`; at once in autocommit). Nothing has to remember to invalidate.
While a connection holds uncommitted writes, its own reads bypass the cache (they see data
other processes do not see yet), and nothing is stored.

Keys also carry the project's MENTORWISE_* settings (the minimum group size, the pipeline's
levels). Time also changes figures (a pair becomes "stalled" when a day passes without a meeting),
so keys carry the local date and entries live `AGGREGATE_CACHE_SECONDS` (settings, default
300 s; 0 turns the cache off): a figure that moves with the clock alone is at most that late.

Scopes: the caller passes what the permission check decided (a tuple of program ids, of the
reader's relationship ids, a role...), never the user, so that readers with the same scope
share an entry and readers with different scopes never do. Values must be picklable and
treated as read-only (one object can be served to several requests of a process).

A per-process layer keeps the last `_LOCAL_SIZE` values; it is keyed by the same shared
generation, so it is never staler than the shared cache.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.transaction import TransactionManagementError
from django.utils import timezone

T = TypeVar("T")

GENERATION_KEY = "aggregates:generation"
DEFAULT_SECONDS = 300
# Tables that no cached aggregate reads: logs and infrastructure written on ordinary reads
# (sessions, login attempts, audit entries of exports, background task results, kept
# e-mails). Writing them does not change a figure, so it does not empty the cache.
UNREAD_TABLES = frozenset(
    {
        "django_session",
        "django_tasks_database_dbtaskresult",
        "core_auditentry",
        "core_outboxmessage",
        "axes_accessattempt",
        "axes_accessattemptexpiration",
        "axes_accessfailurelog",
        "axes_accesslog",
    }
)
# Columns that record activity, written on ordinary requests (a sign-in, the hourly "last
# active" of a login, an API token's last use): no cached aggregate reads them, so an UPDATE
# that sets only these keeps the generation (otherwise every sign-in would empty the cache).
BOOKKEEPING_COLUMNS: dict[str, frozenset[str]] = {
    "accounts_user": frozenset({"last_login", "last_active_at"}),
    "accounts_apitoken": frozenset({"last_used_at"}),
    "accounts_externalidentity": frozenset({"last_login_at"}),
}
_SET_COLUMNS = re.compile(r'^\s*UPDATE\s+"?[\w.]+"?\s+SET\s+(.*?)\s+WHERE\s', re.I | re.S)
_ASSIGNED = re.compile(r'"?(\w+)"?\s*=\s*(?:%s|\?|NULL|\$\d+)', re.I)
_WRITE = re.compile(
    r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?([\w.]+)"?', re.I
)
_LOCAL_SIZE = 64
_local: OrderedDict[str, tuple[float, Any]] = OrderedDict()
_local_lock = threading.Lock()


def _seconds() -> int:
    return int(getattr(settings, "AGGREGATE_CACHE_SECONDS", DEFAULT_SECONDS))


# The data generation ------------------------------------------------------------------------


def generation() -> str:
    """The current data generation (a new one when the cache has lost it: entries stored
    under a lost generation are never read again)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, secrets.token_hex(8), None)
        value = cache.get(GENERATION_KEY)
    return str(value)


def invalidate_aggregates() -> None:
    """Start a new data generation: every cached aggregate is computed again."""
    cache.set(GENERATION_KEY, secrets.token_hex(8), None)


def writes_table(sql: str) -> str | None:
    """The table an INSERT, UPDATE or DELETE statement writes (None for anything else)."""
    found = _WRITE.match(sql)
    return found.group(1).lower() if found else None


def only_bookkeeping(sql: str, table: str) -> bool:
    """Whether `sql` is an UPDATE of `table` that sets nothing but its activity columns."""
    columns = BOOKKEEPING_COLUMNS.get(table)
    found = _SET_COLUMNS.match(sql) if columns else None
    if columns is None or found is None:
        return False
    assignments = [part.strip() for part in found.group(1).split(",")]
    names = [_ASSIGNED.fullmatch(part) for part in assignments]
    return all(name is not None and name.group(1).lower() in columns for name in names)


def _pending(db: BaseDatabaseWrapper) -> bool:
    """Whether this connection holds uncommitted writes whose new generation is to come."""
    return db.in_atomic_block and any(
        entry[1] is invalidate_aggregates for entry in db.run_on_commit
    )


def _cache_tables() -> set[str]:
    return {
        str(c["LOCATION"]).lower()
        for c in settings.CACHES.values()
        if str(c.get("BACKEND", "")).endswith("DatabaseCache")
    }


class _WriteWatcher:
    """The execute wrapper: after a statement that writes a read table, a new generation
    once the transaction commits (one per transaction, however many statements)."""

    def __init__(self, db: BaseDatabaseWrapper) -> None:
        self.db = db
        self.ignored = UNREAD_TABLES | _cache_tables()

    def __call__(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        result = execute(sql, params, many, context)
        table = writes_table(sql) if isinstance(sql, str) else None
        if (
            table is not None
            and table not in self.ignored
            and not only_bookkeeping(sql, table)
            and not _pending(self.db)
        ):
            try:
                transaction.on_commit(invalidate_aggregates, using=self.db.alias)
            except TransactionManagementError:  # manual transactions: no commit hook
                invalidate_aggregates()
        return result


def install(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """Watch this connection's writes (connected to `connection_created`). First in the
    list, so that `execute_wrapper()` blocks, which pop the last wrapper, leave it there."""
    if not any(isinstance(w, _WriteWatcher) for w in connection.execute_wrappers):
        connection.execute_wrappers.insert(0, _WriteWatcher(connection))


connection_created.connect(install, dispatch_uid="mentorwise.core.aggregates.install")


# Cached values ---------------------------------------------------------------------------


def _settings() -> tuple[tuple[str, str], ...]:
    """The project's own settings (MENTORWISE_*: the minimum group size, the pipeline's
    levels...): figures computed under other settings are other figures."""
    return tuple(
        (name, repr(getattr(settings, name)))
        for name in sorted(dir(settings))
        if name.startswith("MENTORWISE_")
    )


def _key(name: str, scope: Hashable, generation: str) -> str:
    day = timezone.localdate().isoformat()
    digest = hashlib.sha256(repr((scope, day, _settings())).encode()).hexdigest()[:32]
    return f"aggregate:{name}:{digest}:{generation}"


def cached_aggregate(name: str, scope: Callable[[], Hashable], compute: Callable[[], T]) -> T:
    """`compute()`, or its value cached for the same name, scope, day and data generation.

    `scope()` must return everything the value depends on besides the data and the date (its
    repr is hashed: use tuples of ints, strings and dates, sorted where order is arbitrary).
    It is called only when the cache is used (not while the connection holds uncommitted
    writes, nor with the cache off), so that its queries cost nothing on those paths.
    """
    seconds = _seconds()
    if seconds <= 0 or _pending(connection):
        return compute()
    key = _key(name, scope(), generation())
    now = time.monotonic()
    with _local_lock:
        hit = _local.get(key)
        if hit is not None and hit[0] > now:
            _local.move_to_end(key)
            return cast(T, hit[1])
    stored = cache.get(key)  # a 1-tuple, so that a value of None is cached too
    if stored is None:
        stored = (compute(),)
        cache.set(key, stored, seconds)
    with _local_lock:
        _local[key] = (now + seconds, stored[0])
        while len(_local) > _LOCAL_SIZE:
            _local.popitem(last=False)
    return cast(T, stored[0])


# Values that hold people's records are kept by `cached_in_process` only: one slot per name
# and scope, a newer generation's value replacing the older one at once.
_PROCESS_SLOTS = 16
_process: OrderedDict[tuple[str, str], tuple[str, float, Any]] = OrderedDict()


def cached_in_process(name: str, scope: Callable[[], Hashable], compute: Callable[[], T]) -> T:
    """`cached_aggregate` for a value made of personal records (people, their enrollments and
    texts): kept in this process's memory only, never in the shared cache, whose files
    outlive an erasure. One value per name and scope: a value computed under a newer
    generation (any committed write, an erasure included) replaces the older one, so that
    no superseded copy of a person's record stays behind; at most `_PROCESS_SLOTS` slots.
    The value is shared by every request of the process: callers must not change it."""
    seconds = _seconds()
    if seconds <= 0 or _pending(connection):
        return compute()
    scope_value = scope()
    key = _key(name, scope_value, generation())
    slot = (name, repr(scope_value))
    now = time.monotonic()
    with _local_lock:
        held = _process.get(slot)
        if held is not None and held[0] == key and held[1] > now:
            _process.move_to_end(slot)
            return cast(T, held[2])
    value = compute()
    with _local_lock:
        _process[slot] = (key, now + seconds, value)
        _process.move_to_end(slot)
        while len(_process) > _PROCESS_SLOTS:
            _process.popitem(last=False)
    return value


def clear_local() -> None:
    """Forget this process's copies (tests)."""
    with _local_lock:
        _local.clear()
        _process.clear()
