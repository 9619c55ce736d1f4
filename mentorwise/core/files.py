"""Files and folders that hold Mentorwise's data are readable by their owner alone.

The database, its -wal and -shm files, backups, uploaded HRIS files and the development
secret key hold every person's record (or the key that signs sessions), so they are created
0600 inside folders created 0700, whatever the process umask is, and never exist even for
a moment with wider modes. Existing ones are tightened at start (`tighten`), which is a
`stat` per path and a `chmod` only when a group or other bit is set.

This module imports nothing from Django: settings.py uses it before Django is set up.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
# SQLite keeps these beside the database; they hold recent writes (WAL) and shared state.
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")

log = logging.getLogger(__name__)


def tighten(path: Path, mode: int) -> None:
    """Remove group and other permissions from an existing path (no-op when already tight).

    A path we may not change (another owner) is left as it is, with a warning: refusing to
    start would be worse than an unchanged mode the operator chose.
    """
    try:
        current = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if current & 0o077:
        try:
            path.chmod(current & mode)
        except PermissionError:
            log.warning("Cannot make %s private (mode %o): not its owner.", path, current)


def private_dir(path: Path) -> Path:
    """Create the folder `path` with mode 0700 (its missing parents too), or tighten it."""
    path = Path(path)
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    for created in missing:  # mkdir's mode is masked by the umask and skips parents
        created.chmod(DIR_MODE)
    tighten(path, DIR_MODE)
    return path


def private_file_create(path: Path) -> None:
    """Make sure `path` exists as an owner-only file: created empty with 0600, or tightened."""
    path = Path(path)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        tighten(path, FILE_MODE)
        return
    os.fchmod(descriptor, FILE_MODE)  # the umask cannot widen it, but it could narrow it
    os.close(descriptor)


def private_file_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` as an owner-only file (created 0600, or tightened first)."""
    private_file_create(path)
    with Path(path).open("wb") as handle:
        handle.write(data)


def private_sqlite(name: str) -> None:
    """Create the SQLite database file owner-only before SQLite does, and tighten the files
    beside it. SQLite gives its -wal and -shm files the database file's mode."""
    if not name or name == ":memory:" or "mode=memory" in name or name.startswith("file:"):
        return
    database = Path(name)
    private_file_create(database)
    for suffix in SQLITE_SIDE_FILES:
        tighten(database.with_name(database.name + suffix), FILE_MODE)
