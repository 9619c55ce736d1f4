"""`mentorwise restore FILE --yes`: put a backup back in place of the SQLite database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from mentorwise.core.aggregates import invalidate_aggregates
from mentorwise.core.backup import backup_check, sqlite_restore
from mentorwise.core.errors import InvalidInput, MentorwiseError
from mentorwise.core.management.commands._database import sqlite_path


class Command(BaseCommand):
    help = (
        "Replace the SQLite database's content with a backup made by `mentorwise backup`. "
        "The file must pass PRAGMA integrity_check and come from this Mentorwise version or "
        "an older one; the current content is kept aside first. Stop the web and worker "
        "processes before restoring. On PostgreSQL, explains pg_restore."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The backup file.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Confirm: every change made since the backup is replaced.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        target = sqlite_path()
        backup = Path(options["file"])
        known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations.keys()
        try:
            checked = backup_check(backup, known_migrations=known)
        except InvalidInput as error:
            problem = error.errors[0].message
            raise CommandError(f"{backup} cannot be restored: {problem}.") from error
        if not options["yes"]:
            raise CommandError(
                f"{backup} is a sound backup ({checked.size:,} bytes). Restoring replaces "
                f"everything in {target}; stop the web and worker processes, then run again "
                "with --yes."
            )
        if str(settings.DATABASES["default"]["NAME"]) == str(target):
            connections["default"].close()  # this process's own connection, if any
        try:
            kept = sqlite_restore(backup, target, keep_dir=target.parent)
        except MentorwiseError as error:
            raise CommandError(error.message) from error
        # The file copy goes past the database connection: no write was seen.
        invalidate_aggregates()
        self.stdout.write(f"Restored {backup} into {target}. The previous content is in {kept}.")
        self.stdout.write("Run `mentorwise migrate` in case the backup is from an older version.")
