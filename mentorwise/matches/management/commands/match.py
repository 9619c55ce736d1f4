"""`mentorwise match PROGRAM_SLUG`: run matching for a program from the terminal."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mentorwise.core.errors import MentorwiseError
from mentorwise.core.progress import progress_bar
from mentorwise.core.text import count
from mentorwise.matches import runs, services
from mentorwise.matches.models import RunMethod, RunStatus
from mentorwise.programs.models import Program


class Command(BaseCommand):
    help = "Run the matching engine over a program's enrolled participants and store proposals."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("program", help="Program slug, e.g. leadership-mentoring.")
        parser.add_argument("--method", choices=RunMethod.values, default=RunMethod.OPTIMAL)
        parser.add_argument("--approve-all", action="store_true", help="Approve every proposal.")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish approved matches (both people are notified).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        program = Program.objects.filter(slug=options["program"]).first()
        if program is None:
            raise CommandError(f"No program with slug {options['program']!r}.")
        # The operator at the terminal acts as the system (actor None); changes are audited.
        try:
            run = services.run_create(actor=None, program=program, method=options["method"])
            with progress_bar(enabled=options["verbosity"] > 0) as progress:
                run = runs.run_execute(run_id=run.pk, progress=progress)
        except MentorwiseError as error:
            raise CommandError(error.message) from error
        if run.status == RunStatus.FAILED:
            raise CommandError(f"The run failed: {run.error}")
        self.stdout.write(
            f"Run #{run.pk}: {run.n_matched} of {count(run.n_mentees, 'mentee')} matched with "
            f"{count(run.n_mentors, 'mentor')}; total fit {run.total_score or 0:.3f}"
            + (f" (proven best {run.upper_bound:.3f})" if run.upper_bound is not None else "")
        )
        for item in run.unmatched.select_related("mentee__person")[:20]:
            self.stdout.write(f"  not matched: {item.mentee.person}: {item.reason}")
        if options["approve_all"]:
            self.stdout.write(
                f"Approved {services.matches_approve_all(actor=None, run=run)} proposals."
            )
        if options["publish"]:
            self.stdout.write(
                f"Published {services.matches_publish(actor=None, program=program)} matches."
            )
