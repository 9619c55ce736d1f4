"""`mentorwise backup [--output FILE]`: a consistent online copy of the SQLite database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mentorwise.core.backup import sqlite_backup
from mentorwise.core.errors import MentorwiseError
from mentorwise.core.files import private_dir
from mentorwise.core.management.commands._database import sqlite_path


class Command(BaseCommand):
    help = (
        "Back up the SQLite database while Mentorwise runs (SQLite's backup API: a consistent "
        "snapshot, checked with PRAGMA integrity_check). Never copy the live file instead. "
        "On PostgreSQL, explains pg_dump."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            "-o",
            help="Backup file to create (default: backups/mentorwise-<UTC time>.sqlite3 in "
            "the data folder).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = sqlite_path()
        if not source.exists() or source.stat().st_size == 0:
            raise CommandError(f"{source} does not exist: run `mentorwise migrate` first.")
        if options["output"]:
            output = Path(options["output"])
        else:
            stamp = dt.datetime.now(tz=dt.UTC).strftime("%Y%m%d-%H%M%S")
            folder = private_dir(Path(settings.DATA_DIR) / "backups")
            output = folder / f"mentorwise-{stamp}.sqlite3"
        try:
            result = sqlite_backup(source, output)
        except MentorwiseError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"Backed up {source} to {result.path} ({result.size:,} bytes, "
            f"integrity check: {result.integrity})."
        )
