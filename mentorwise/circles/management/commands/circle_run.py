"""`mentorwise circle_run PROGRAM_SLUG [--publish]`: circle matching from the terminal.

The run is computed in this process, whatever the program's size (no background worker
needed), with the solver's full time limit (MENTORWISE_CIRCLE_TIME_LIMIT_S)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from mentorwise.circles.compute import circle_run_execute
from mentorwise.circles.models import CircleRunStatus
from mentorwise.circles.runs import circle_run_publish, circle_run_queue
from mentorwise.core.errors import MentorwiseError
from mentorwise.programs.models import Program


class Command(BaseCommand):
    help = "Run circle matching for a group program; --publish forms the proposed circles."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("program", help="Program slug of a group program.")
        parser.add_argument(
            "--publish", action="store_true", help="Form the circles (everyone in them is told)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        program = Program.objects.filter(slug=options["program"]).first()
        if program is None:
            raise CommandError(_("No program with slug %(slug)r.") % {"slug": options["program"]})
        # The operator at the terminal acts as the system (actor None); changes are audited.
        try:
            run = circle_run_queue(actor=None, program=program)
            if options["verbosity"] > 0:
                self.stdout.write(
                    _("Computing circle run #%(run)d (the solver stops within %(limit)d s)…")
                    % {"run": run.pk, "limit": settings.MENTORWISE_CIRCLE_TIME_LIMIT_S}
                )
            run = circle_run_execute(run_id=run.pk)
            if run.status == CircleRunStatus.FAILED:
                raise CommandError(_("The run failed: %(error)s") % {"error": run.error})
            gap = "—" if run.gap is None else f"{100 * run.gap:.2f}%"
            self.stdout.write(
                _(
                    "Circle run #%(run)d: %(placed)d of %(members)d members placed in "
                    "%(circles)d circles; value %(value)s, proven bound %(bound)s, gap %(gap)s"
                )
                % {
                    "run": run.pk,
                    "placed": run.n_assigned,
                    "members": run.n_members,
                    "circles": run.n_circles,
                    "value": "—" if run.objective_value is None else f"{run.objective_value:.3f}",
                    "bound": "—" if run.bound is None else f"{run.bound:.3f}",
                    "gap": gap,
                }
            )
            if options["publish"]:
                formed = circle_run_publish(actor=None, run=run)
                self.stdout.write(_("%(n)d circles formed.") % {"n": formed})
        except MentorwiseError as error:
            raise CommandError(error.message) from error
