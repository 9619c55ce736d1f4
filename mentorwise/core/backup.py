"""Online backup and restore of the SQLite database through SQLite's backup API.

Copying the live file is not a backup: in WAL mode the latest committed transactions live
in the -wal file, and a copy taken during a write can be torn. `Connection.backup()` copies
a consistent snapshot while the application keeps running; the copy is checked with
`PRAGMA integrity_check` before it is kept. Restoring writes the backup *into* the live
database through the same API (never by replacing the file, which open connections would
not see), after keeping the current content aside.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from mentorwise.core.errors import Conflict, FieldError, InvalidInput
from mentorwise.core.files import private_dir, private_file_create

SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class BackupResult:
    """Where a backup went, its size and what the integrity check said."""

    path: Path
    size: int
    integrity: str
    migrations: int


@contextlib.contextmanager
def _connect(path: Path | str, *, timeout: float = 20.0) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(str(path), timeout=timeout)
    try:
        yield connection
    finally:
        connection.close()


def integrity_check(path: Path | str) -> str:
    """SQLite's own verdict on a database file: "ok" or the first problems it found."""
    try:
        with _connect(path) as connection:
            rows = connection.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as error:  # too damaged to even check
        return str(error)
    return "; ".join(str(r[0]) for r in rows[:5])


def applied_migrations(path: Path | str) -> set[tuple[str, str]]:
    """The (app, name) migrations recorded in a database file (empty when it has none)."""
    with _connect(path) as connection:
        try:
            rows = connection.execute("SELECT app, name FROM django_migrations").fetchall()
        except sqlite3.DatabaseError:
            return set()
    return {(app, name) for app, name in rows}


def sqlite_backup(source: Path | str, destination: Path) -> BackupResult:
    """Copy `source` to `destination` consistently while others keep writing.

    One backup step (pages=-1) reads one snapshot under a single read transaction; in WAL
    mode writers are not blocked meanwhile. (Stepwise copying restarts whenever another
    connection writes, so under steady writes it might never finish.)
    """
    if destination.exists():
        raise Conflict(f"{destination} exists already; choose another file.", code="exists")
    if not destination.parent.exists():
        private_dir(destination.parent)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    # Owner-only from the first byte: a backup holds every person's record. SQLite keeps
    # the mode of the file it opens.
    private_file_create(partial)
    try:
        with _connect(source) as src, _connect(partial) as dst:
            src.backup(dst, pages=-1)
            # The copy is a plain rollback-journal file: one file, nothing beside it.
            dst.execute("PRAGMA journal_mode=DELETE")
        verdict = integrity_check(partial)
        if verdict != "ok":
            raise InvalidInput([FieldError("backup", f"integrity check failed: {verdict}")])
        partial.rename(destination)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(
        path=destination,
        size=destination.stat().st_size,
        integrity=verdict,
        migrations=len(applied_migrations(destination)),
    )


def backup_check(path: Path, *, known_migrations: Iterable[tuple[str, str]]) -> BackupResult:
    """Refuse a file that is not a sound Mentorwise backup this version can run on."""
    field = "file"
    if not path.is_file():
        raise InvalidInput([FieldError(field, "no such file", value=str(path))])
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise InvalidInput([FieldError(field, "not an SQLite database", value=str(path))])
    verdict = integrity_check(path)
    if verdict != "ok":
        raise InvalidInput([FieldError(field, f"integrity check failed: {verdict}")])
    applied = applied_migrations(path)
    if not applied:
        raise InvalidInput([FieldError(field, "not a Mentorwise database (no migrations)")])
    unknown = sorted(applied - set(known_migrations))
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise InvalidInput(
            [
                FieldError(
                    field,
                    "made by a newer Mentorwise (it has migrations this version does not "
                    f"know: {names}); upgrade Mentorwise first",
                )
            ]
        )
    size = path.stat().st_size
    return BackupResult(path=path, size=size, integrity=verdict, migrations=len(applied))


def sqlite_restore(backup: Path, target: Path, *, keep_dir: Path) -> Path:
    """Write `backup` into the database at `target`; returns where the old content was kept.

    The current content is first saved with `sqlite_backup` (so a mistaken restore can be
    undone), then the backup API overwrites the live database page by page under its write
    lock: other connections see either the old or the restored database, never a mix.
    """
    stamp = dt.datetime.now(tz=dt.UTC).strftime("%Y%m%d-%H%M%S")
    kept = keep_dir / f"{target.stem}-before-restore-{stamp}.sqlite3"
    if target.exists():
        sqlite_backup(target, kept)
    with _connect(backup) as src, _connect(target) as dst:
        src.backup(dst, pages=-1)
    verdict = integrity_check(target)
    if verdict != "ok":  # pragma: no cover - the source was checked; kept for safety
        raise InvalidInput([FieldError("restore", f"integrity check failed: {verdict}")])
    return kept
