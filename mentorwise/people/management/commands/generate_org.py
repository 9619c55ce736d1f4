"""`mentorwise generate-org --people N --seed S --out people.csv`: a synthetic HRIS export."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mentorwise.core.text import count
from mentorwise.people.generator import generate_org


class Command(BaseCommand):
    help = "Write the CSV of a realistic synthetic organization (same seed, same organization)."
    # Pure computation: no database, so no need to wait for the project's system checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=2000, help="Head count (default 2000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument("--out", default="-", help="Output file; '-' (default) is stdout.")
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="Reference date (YYYY-MM-DD) for hire and termination dates; default today.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["people"] < 1:
            raise CommandError(f"--people {options['people']}: must be at least 1")
        started = time.perf_counter()
        org = generate_org(options["people"], options["seed"], today=options["today"])
        out = options["out"]
        try:
            org.write_csv(self.stdout if out == "-" else out)  # type: ignore[arg-type]
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error.strerror}") from error
        if out != "-":
            elapsed = time.perf_counter() - started
            self.stderr.write(
                f"Wrote {count(org.n, 'person', grouped=True)} to {out} in {elapsed:.1f} s."
            )
