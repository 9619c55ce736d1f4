"""Data files are owner-only (0600) in owner-only folders (0700), whatever the umask.

The database (and its -wal/-shm files), backups, uploaded HRIS files, the data folder and
the development secret key: a process started with the common umask 022 used to create
them world-readable (0644).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from mentorwise.core.files import private_dir, private_file_write
from mentorwise.core.management.commands import _database

REPO = Path(__file__).resolve().parents[3]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """The umask most systems start services with: new files 0644, folders 0755."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


# What `python -m mentorwise` does at start: settings create the data folder, the
# development key and the database; one write makes SQLite create its -wal and -shm files.
_START = """
import json, os, stat, django
django.setup()
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS probe (x integer)")
    cursor.execute("INSERT INTO probe VALUES (1)")
data = settings.DATA_DIR
names = ["", "dev-secret-key", "mentorwise.sqlite3", "mentorwise.sqlite3-wal",
         "mentorwise.sqlite3-shm"]
print(json.dumps({n or ".": stat.S_IMODE(os.stat(data / n).st_mode) for n in names}))
"""


def _start(data_dir: Path) -> dict[str, int]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SECRET_KEY", "SECRET_KEY_FILE"}
    }
    env.update(
        DEBUG="true",
        MENTORWISE_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="mentorwise.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")])),
    )
    script = f"import os; os.umask(0o022)\n{_START}"
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    modes: dict[str, int] = json.loads(result.stdout.strip().splitlines()[-1])
    return modes


def test_start_creates_the_data_folder_key_and_database_owner_only(tmp_path: Path) -> None:
    modes = _start(tmp_path / "data")
    assert modes == {
        ".": 0o700,
        "dev-secret-key": 0o600,
        "mentorwise.sqlite3": 0o600,
        "mentorwise.sqlite3-wal": 0o600,
        "mentorwise.sqlite3-shm": 0o600,
    }


def test_start_tightens_files_an_older_version_left_world_readable(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    for name in ("dev-secret-key", "mentorwise.sqlite3-wal", "mentorwise.sqlite3-shm"):
        (data / name).write_text("x" * 60 if name == "dev-secret-key" else "")
        (data / name).chmod(0o644)
    (data / "mentorwise.sqlite3").touch(mode=0o644)
    (data / "mentorwise.sqlite3").chmod(0o644)
    (data / "mentorwise.sqlite3-wal").unlink()  # a stale -wal would not match; let SQLite
    (data / "mentorwise.sqlite3-shm").unlink()  # make new ones from the tightened database
    modes = _start(data)
    assert set(modes.values()) == {0o700, 0o600}, modes
    assert modes["."] == 0o700


@pytest.mark.django_db
def test_backup_files_and_their_folder_are_owner_only(
    tmp_path: Path, settings: Any, monkeypatch: Any, loose_umask: None
) -> None:
    live = tmp_path / "live.sqlite3"
    import sqlite3

    with sqlite3.connect(live) as connection:
        connection.execute("CREATE TABLE t (x integer)")
    monkeypatch.setattr(
        _database, "database", lambda: {"ENGINE": "django.db.backends.sqlite3", "NAME": live}
    )
    settings.DATA_DIR = tmp_path / "data"
    call_command("backup", stdout=open(os.devnull, "w"))  # noqa: SIM115
    folder = tmp_path / "data" / "backups"
    (backup,) = folder.glob("mentorwise-*.sqlite3")
    assert _mode(folder) == 0o700
    assert _mode(backup) == 0o600
    chosen = tmp_path / "elsewhere" / "copy.sqlite3"
    call_command("backup", "--output", str(chosen), stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert _mode(chosen) == 0o600
    assert _mode(chosen.parent) == 0o700


@pytest.mark.django_db
def test_uploaded_hris_files_are_owner_only(
    client: Client, hr_admin: Any, settings: Any, tmp_path: Path, loose_umask: None
) -> None:
    settings.DATA_DIR = tmp_path
    client.force_login(hr_admin)
    upload = SimpleUploadedFile(
        "hris.csv",
        b"employee_id,first_name,last_name,email\nE1,Cleo,Chief,cleo@example.com\n",
        content_type="text/csv",
    )
    response = client.post(reverse("people:import"), {"file": upload})
    assert response.status_code == 200
    (stored,) = (tmp_path / "imports").glob("*.csv")
    assert _mode(tmp_path / "imports") == 0o700
    assert _mode(stored) == 0o600


def test_large_uploads_are_spooled_owner_only(settings: Any, loose_umask: None) -> None:
    """Django spools uploads over FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file."""
    from django.core.files.uploadedfile import TemporaryUploadedFile

    spooled = TemporaryUploadedFile("hris.csv", "text/csv", 0, "utf-8")
    try:
        assert _mode(Path(spooled.temporary_file_path())) == 0o600
    finally:
        spooled.close()
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o600
    assert settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o700


def test_helpers_tighten_what_exists(tmp_path: Path, loose_umask: None) -> None:
    folder = tmp_path / "a" / "b"
    private_dir(folder)
    assert _mode(folder) == 0o700 and _mode(tmp_path / "a") == 0o700
    loose = tmp_path / "loose.txt"
    loose.write_text("old")
    loose.chmod(0o644)
    private_file_write(loose, b"new")
    assert loose.read_bytes() == b"new" and _mode(loose) == 0o600
