"""What the backup and restore commands need to know about the configured database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError

PG_HELP = """\
The database is PostgreSQL: use its own tools, which take a consistent snapshot while the
application runs.

  Back up:  pg_dump --format=custom --no-owner --file=mentorwise.dump {dsn}
  Check:    pg_restore --list mentorwise.dump > /dev/null
  Restore (stop the web and worker processes first; into an empty database):
            pg_restore --clean --if-exists --no-owner --exit-on-error --dbname={dsn} mentorwise.dump
            mentorwise migrate

The password comes from PGPASSWORD or ~/.pgpass. See docs/deployment.md."""


def database() -> dict[str, Any]:
    return settings.DATABASES["default"]


def sqlite_path() -> Path:
    """The SQLite file of the default database; explains the alternative otherwise."""
    db = database()
    # Django's engines or the project's own (core/db/postgresql, core/db/sqlite3).
    if str(db["ENGINE"]).endswith(".postgresql"):
        raise CommandError(PG_HELP.format(dsn=_pg_dsn(db)))
    if not str(db["ENGINE"]).endswith(".sqlite3"):
        raise CommandError(f"Backups of {db['ENGINE']} are not supported; use its own tools.")
    name = str(db["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise CommandError("The database is in memory: there is nothing to back up.")
    return Path(name)


def _pg_dsn(db: dict[str, Any]) -> str:
    # Never the password: it would end up in shell history and logs.
    user = f"{db.get('USER')}@" if db.get("USER") else ""
    host = db.get("HOST") or "localhost"
    port = f":{db.get('PORT')}" if db.get("PORT") else ""
    return f"postgresql://{user}{host}{port}/{db.get('NAME', '')}"
