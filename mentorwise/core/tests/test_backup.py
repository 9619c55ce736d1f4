"""Backups: consistent under concurrent writes, checked, restorable, refused when unsound."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mentorwise.core import backup as core_backup
from mentorwise.core.errors import Conflict, InvalidInput
from mentorwise.core.management.commands import _database

KNOWN = {("core", "0001_initial")}


def _make_db(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app, name, applied)")
        db.execute("INSERT INTO django_migrations (app, name) VALUES ('core', '0001_initial')")
        db.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
    db.close()


class Writer(threading.Thread):
    """Inserts rows one transaction at a time and remembers how many were committed."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path, self.committed, self.stop = path, 0, threading.Event()

    def run(self) -> None:
        db = sqlite3.connect(self.path, timeout=20, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        while not self.stop.is_set():
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO item (payload) VALUES (?)", ("x" * 200,))
            db.execute("COMMIT")
            self.committed += 1
        db.close()


def _ids(path: Path) -> list[int]:
    with sqlite3.connect(path) as db:
        ids = [row[0] for row in db.execute("SELECT id FROM item ORDER BY id")]
    db.close()
    return ids


def test_backup_during_writes_has_every_committed_row(tmp_path: Path) -> None:
    live = tmp_path / "live.sqlite3"
    _make_db(live)
    writer = Writer(live)
    writer.start()
    while writer.committed < 2000:
        time.sleep(0.01)
    committed_before = writer.committed
    result = core_backup.sqlite_backup(live, tmp_path / "copy.sqlite3")
    committed_after = writer.committed
    writer.stop.set()
    writer.join()

    assert result.integrity == "ok" and core_backup.integrity_check(result.path) == "ok"
    ids = _ids(result.path)
    # A snapshot: every row committed before the backup began, no gaps, nothing torn.
    assert committed_before <= len(ids) <= committed_after + 1
    assert ids == list(range(1, len(ids) + 1))
    # Restored over a database with other content, the backup's rows are exactly back.
    target = tmp_path / "target.sqlite3"
    _make_db(target)
    kept = core_backup.sqlite_restore(result.path, target, keep_dir=tmp_path)
    assert _ids(target) == ids
    assert core_backup.integrity_check(target) == "ok"
    assert kept.exists() and _ids(kept) == []


def test_backup_never_overwrites_a_file(tmp_path: Path) -> None:
    live = tmp_path / "live.sqlite3"
    _make_db(live)
    (tmp_path / "taken.sqlite3").write_text("precious")
    with pytest.raises(Conflict):
        core_backup.sqlite_backup(live, tmp_path / "taken.sqlite3")
    assert (tmp_path / "taken.sqlite3").read_text() == "precious"


def test_check_refuses_what_is_not_a_sound_backup(tmp_path: Path) -> None:
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("hello")
    with pytest.raises(InvalidInput, match="not an SQLite database"):
        core_backup.backup_check(not_sqlite, known_migrations=KNOWN)
    with pytest.raises(InvalidInput, match="no such file"):
        core_backup.backup_check(tmp_path / "missing", known_migrations=KNOWN)

    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(InvalidInput, match="no migrations"):
        core_backup.backup_check(empty, known_migrations=KNOWN)

    newer = tmp_path / "newer.sqlite3"
    _make_db(newer)
    with sqlite3.connect(newer) as db:
        db.execute("INSERT INTO django_migrations (app, name) VALUES ('core', '0099_future')")
    db.close()
    with pytest.raises(InvalidInput, match=r"newer Mentorwise.*core\.0099_future"):
        core_backup.backup_check(newer, known_migrations=KNOWN)


def test_check_refuses_a_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.sqlite3"
    _make_db(path)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=DELETE")
        db.executemany("INSERT INTO item (payload) VALUES (?)", [("y" * 500,)] * 500)
    db.close()
    data = bytearray(path.read_bytes())
    data[4096 * 3 : 4096 * 3 + 200] = b"\xff" * 200  # scribble over a b-tree page
    path.write_bytes(bytes(data))
    with pytest.raises(InvalidInput, match=r"integrity check failed: .*malformed"):
        core_backup.backup_check(path, known_migrations=KNOWN)


# Django's engines, and the project's own that settings put in their place (core/db).
SQLITE_ENGINES = ["django.db.backends.sqlite3", "mentorwise.core.db.sqlite3"]
POSTGRESQL_ENGINES = ["django.db.backends.postgresql", "mentorwise.core.db.postgresql"]


@pytest.fixture(params=SQLITE_ENGINES)
def live_db(tmp_path: Path, monkeypatch: Any, request: Any) -> Path:
    path = tmp_path / "mentorwise.sqlite3"
    _make_db(path)
    monkeypatch.setattr(_database, "database", lambda: {"ENGINE": request.param, "NAME": path})
    return path


def test_backup_and_restore_commands(tmp_path: Path, live_db: Path, monkeypatch: Any) -> None:
    from django.db.migrations.loader import MigrationLoader

    monkeypatch.setattr(MigrationLoader, "__init__", lambda self, *a, **k: None)
    monkeypatch.setattr(MigrationLoader, "disk_migrations", dict.fromkeys(KNOWN), raising=False)
    out = tmp_path / "b.sqlite3"
    call_command("backup", "--output", str(out))
    assert core_backup.integrity_check(out) == "ok"
    with sqlite3.connect(live_db) as db:
        db.execute("INSERT INTO item (payload) VALUES ('after the backup')")
    db.close()
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(out))
    assert len(_ids(live_db)) == 1  # nothing restored without --yes
    call_command("restore", str(out), "--yes")
    assert _ids(live_db) == []
    kept = list(tmp_path.glob("mentorwise-before-restore-*.sqlite3"))
    assert len(kept) == 1 and len(_ids(kept[0])) == 1


def test_settings_name_the_project_s_engines() -> None:
    from django.conf import settings

    assert settings.DATABASES["default"]["ENGINE"] in SQLITE_ENGINES[1:] + POSTGRESQL_ENGINES[1:]


@pytest.mark.parametrize("engine", POSTGRESQL_ENGINES)
def test_postgresql_is_explained(monkeypatch: Any, engine: str) -> None:
    monkeypatch.setattr(
        _database,
        "database",
        lambda: {
            "ENGINE": engine,
            "NAME": "mentorwise",
            "USER": "app",
            "PASSWORD": "s3cret-pw",
            "HOST": "db.internal",
            "PORT": 5432,
        },
    )
    with pytest.raises(CommandError) as error:
        call_command("backup")
    message = str(error.value)
    assert "pg_dump --format=custom" in message
    assert "postgresql://app@db.internal:5432/mentorwise" in message
    assert "s3cret-pw" not in message
    with pytest.raises(CommandError, match="pg_restore"):
        call_command("restore", "whatever.dump", "--yes")
