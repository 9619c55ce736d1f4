"""`mentorwise simulate-outcomes`: write a past cohort with known effects, to validate estimates."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mentorwise.core.errors import InvalidInput
from mentorwise.core.progress import progress_bar
from mentorwise.insights.outcome_simulation import outcomes_simulate


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--start {text!r}: use a date as YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "Create a closed program with a simulated past cohort whose effects are known "
        "(high potentials join more and also stay more), then check them with "
        "`mentorwise insights outcomes SLUG`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", required=True, help="Slug of the program to create.")
        parser.add_argument(
            "--retention-effect",
            type=float,
            required=True,
            help="Planted effect on 12-month retention, a difference in rates (0.05 = 5 points).",
        )
        parser.add_argument(
            "--promotion-effect",
            type=float,
            required=True,
            help="Planted effect on promotion within 12 months (a difference in rates).",
        )
        parser.add_argument(
            "--selection-bias",
            type=float,
            default=1.0,
            help="How strongly high potentials and senior people select into the program "
            "(0 = not at all; default 1).",
        )
        parser.add_argument("--seed", type=int, default=0, help="Random seed (default 0).")
        parser.add_argument(
            "--people", type=int, default=5000, help="Eligible population size (default 5000)."
        )
        parser.add_argument(
            "--start",
            type=_date,
            default=None,
            help="Cohort start date YYYY-MM-DD (default: 731 days ago, full 24-month follow-up).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        with progress_bar(enabled=options["verbosity"] > 0) as progress:
            try:
                result = outcomes_simulate(
                    actor=None,
                    slug=options["program"],
                    people=options["people"],
                    retention_effect=options["retention_effect"],
                    promotion_effect=options["promotion_effect"],
                    selection_bias=options["selection_bias"],
                    seed=options["seed"],
                    start=options["start"],
                    progress=progress,
                )
            except InvalidInput as error:
                lines = "\n".join(
                    f"  --{e.field}" + (f" {e.value}" if e.value else "") + f": {e.message}"
                    for e in error.errors
                )
                raise CommandError(f"Nothing was written:\n{lines}") from None
        planted = ", ".join(f"{k} {v:+.3f}" for k, v in result.planted.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Program {result.program.slug}: {result.people:,} eligible people, "
                f"{result.participants:,} participants from {result.start:%Y-%m-%d}, written in "
                f"{time.perf_counter() - started:.1f} s."
            )
        )
        self.stdout.write(f"Planted effects: {planted}.")
        self.stdout.write(f"Check them: mentorwise insights outcomes {result.program.slug}")
