"""An erased person's name and e-mail are gone from the SQLite database's files, not only from
its rows: the search index, free pages and the write-ahead log are checked byte by byte."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = r"""
import django
django.setup()
from mentorwise.accounts.models import User
from mentorwise.people.models import Person
from mentorwise.privacy.erasure import person_erase

admin = User.objects.create_superuser("privacy.admin", "privacy.admin@example.com", "x" * 20)
admin.is_hr_admin = True
admin.save()
for i in range(300):  # enough rows for several pages and index segments
    Person.objects.create(
        employee_id=f"E{i:05d}", first_name=f"Kept{i}", last_name="Colleague",
        email=f"kept{i}@example.com",
    )
ana = Person.objects.create(
    employee_id="E99999", first_name="Zebulonia", last_name="Quixotefeld",
    email="zebulonia.quixotefeld@example.com",
)
if ERASE:
    person_erase(actor=admin, person=ana, confirm="E99999")
# Read while this process still holds its connection, as a running server does (the last
# connection to close would otherwise fold the write-ahead log into the file and delete it).
from pathlib import Path
data_dir = Path(DATA_DIR)
found = b"".join(path.read_bytes() for path in data_dir.glob("mentorwise.sqlite3*"))
(data_dir / "bytes.bin").write_bytes(found)
"""


def _files_after(tmp_path: Path, *, erase: bool) -> bytes:
    env = {
        **os.environ,
        "MENTORWISE_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "mentorwise.settings",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    run = [sys.executable, "-m", "mentorwise", "migrate", "-v", "0"]
    subprocess.run(run, env=env, check=True, timeout=300, cwd=ROOT)
    script = SCRIPT.replace("ERASE", str(erase)).replace("DATA_DIR", repr(str(tmp_path)))
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=300, cwd=ROOT)
    return (tmp_path / "bytes.bin").read_bytes()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded SQLite database's files")
@pytest.mark.parametrize("erase", [False, True])
def test_an_erased_name_is_nowhere_in_the_database_files(tmp_path: Path, erase: bool) -> None:
    data = _files_after(tmp_path, erase=erase)
    secrets = [b"Zebulonia", b"Quixotefeld", b"zebulonia.quixotefeld"]
    if erase:
        assert [s for s in secrets if s in data] == []
        assert b"Kept299" in data  # the file was read: the colleagues are still there
    else:  # without the erasure the same bytes are found, so the check can fail
        assert all(s in data for s in secrets)
