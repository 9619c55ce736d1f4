"""`mentorwise match PROGRAM_SLUG`: run matching for a program from the terminal."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentorwise.core.errors import MentorwiseError
from mentorwise.core.progress import progress_bar
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
            raise CommandError(_("No program with slug %(slug)r.") % {"slug": options["program"]})
        # The operator at the terminal acts as the system (actor None); changes are audited.
        try:
            run = services.run_create(actor=None, program=program, method=options["method"])
            with progress_bar(enabled=options["verbosity"] > 0) as progress:
                run = runs.run_execute(run_id=run.pk, progress=progress)
        except MentorwiseError as error:
            raise CommandError(error.message) from error
        if run.status == RunStatus.FAILED:
            raise CommandError(_("The run failed: %(error)s") % {"error": run.error})
        values = {
            "run": run.pk,
            "matched": run.n_matched,
            "mentees": run.n_mentees,
            "mentors": run.n_mentors,
            "total": run.total_score or 0,
            "best": run.upper_bound or 0,
        }
        if run.upper_bound is not None:
            line = _(
                "Run #%(run)d: %(matched)d of %(mentees)d mentees matched with %(mentors)d "
                "mentors; total fit %(total).3f (proven best %(best).3f)"
            )
        else:
            line = _(
                "Run #%(run)d: %(matched)d of %(mentees)d mentees matched with %(mentors)d "
                "mentors; total fit %(total).3f"
            )
        self.stdout.write(line % values)
        for item in run.unmatched.select_related("mentee__person")[:20]:
            self.stdout.write(
                _("  not matched: %(name)s: %(reason)s")
                % {"name": item.mentee.person, "reason": item.reason}
            )
        if options["approve_all"]:
            approved = services.matches_approve_all(actor=None, run=run)
            self.stdout.write(
                ngettext("Approved %(n)d proposal.", "Approved %(n)d proposals.", approved)
                % {"n": approved}
            )
        if options["publish"]:
            published = services.matches_publish(actor=None, program=program)
            self.stdout.write(
                ngettext("Published %(n)d match.", "Published %(n)d matches.", published)
                % {"n": published}
            )
