"""PostgreSQL prepared statements (DATABASE_PREPARED_STATEMENTS): on by default, off on
request, never asked of SQLite; on a live PostgreSQL connection a statement run five times
is prepared there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from mentorwise.core.models import AuditEntry

PRINT_OPTIONS = (
    "import django, json; django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
)


def _options(tmp_path: Path, **env: str) -> dict[str, object]:
    """The database OPTIONS the settings module builds under `env` (in a child process)."""
    unset = {"DATABASE_URL", "DATABASE_PREPARED_STATEMENTS"}
    base = {k: v for k, v in os.environ.items() if k not in unset}
    base.update(
        MENTORWISE_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="mentorwise.settings", **env
    )
    result = subprocess.run(
        [sys.executable, "-c", PRINT_OPTIONS],
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


POSTGRES = "postgres://nobody@127.0.0.1:5432/nowhere"  # settings only: never connected


def test_postgres_prepares_statements_by_default(tmp_path: Path) -> None:
    options = _options(tmp_path, DATABASE_URL=POSTGRES)
    assert options["server_side_binding"] is True and options["prepare_threshold"] == 5


def test_prepared_statements_can_be_turned_off(tmp_path: Path) -> None:
    options = _options(tmp_path, DATABASE_URL=POSTGRES, DATABASE_PREPARED_STATEMENTS="false")
    assert "server_side_binding" not in options and "prepare_threshold" not in options


def test_sqlite_is_not_asked_for_them(tmp_path: Path) -> None:
    options = _options(tmp_path)
    assert "server_side_binding" not in options and "transaction_mode" in options


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_a_statement_run_five_times_is_prepared_on_the_connection() -> None:
    marker = 987654321
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    for _ in range(6):
        list(AuditEntry.objects.filter(pk=marker).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any('"core_auditentry"' in s and "$1" in s for s in statements), statements
