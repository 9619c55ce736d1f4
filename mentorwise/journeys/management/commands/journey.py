"""`mentorwise journey show|add|remove|move`: a program's journey at the terminal.

The step is parsed by the API's schema and checked by the same validator
(`journeys.inputs`), so a value the API refuses is refused here with the same field and
message. The operator acts as the system (actor None); every change is audited.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from mentorwise.core.errors import MentorwiseError
from mentorwise.core.inputs import problems_text, schema_parse
from mentorwise.journeys import selectors, services
from mentorwise.journeys.inputs import StepAddIn
from mentorwise.journeys.labels import offset_label
from mentorwise.journeys.models import JourneyStep
from mentorwise.programs.models import Program


class Command(BaseCommand):
    help = "Show or edit a program's journey (as /api/programs/{slug}/journey)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        show = commands.add_parser("show", help="List the journey's steps in order.")
        show.add_argument("slug", help="Program slug, e.g. leadership-mentoring.")
        add = commands.add_parser("add", help="Add a step (a JSON object as the API takes).")
        add.add_argument("slug")
        add.add_argument(
            "step",
            help='e.g. \'{"kind": "task", "offset_value": 2, "offset_unit": "weeks", '
            '"title": "Swap one article each"}\'',
        )
        remove = commands.add_parser("remove", help="Remove the step at a position.")
        remove.add_argument("slug")
        remove.add_argument("position", type=int, help="1-based, as `show` lists them.")
        move = commands.add_parser("move", help="Move the step at a position to another.")
        move.add_argument("slug")
        move.add_argument("position", type=int)
        move.add_argument("to", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        program = Program.objects.filter(slug=options["slug"]).first()
        if program is None:
            raise CommandError(_("No program with slug %(slug)r.") % {"slug": options["slug"]})
        services.program_journey(program)
        try:
            if options["action"] == "add":
                try:
                    raw = json.loads(options["step"])
                except json.JSONDecodeError as error:
                    raise CommandError(
                        _("The step is not valid JSON: %(error)s") % {"error": error}
                    ) from None
                if not isinstance(raw, dict):
                    raise CommandError(_("The step must be a JSON object of field: value."))
                data = schema_parse(StepAddIn, raw)
                step = services.journey_step_add(
                    actor=None, program=program, data=data.to_input(), position=data.position
                )
                self.stdout.write(_("Added “%(title)s”.") % {"title": step.title})
            elif options["action"] == "remove":
                step = self._at(program, options["position"])
                services.journey_step_remove(actor=None, step=step)
                self.stdout.write(_("Removed “%(title)s”.") % {"title": step.title})
            elif options["action"] == "move":
                step = self._at(program, options["position"])
                services.journey_step_move(actor=None, step=step, position=options["to"])
                self.stdout.write(_("Moved “%(title)s”.") % {"title": step.title})
        except MentorwiseError as error:
            raise CommandError(problems_text(error)) from error
        for n, s in enumerate(selectors.journey_steps(program), start=1):
            kind = s.get_guide_type_display() if s.guide_type else s.get_kind_display()
            self.stdout.write(
                f"{n:>3}. {s.title} ({kind}, {offset_label(s.offset_value, s.offset_unit)})"
            )

    def _at(self, program: Program, position: int) -> JourneyStep:
        steps = selectors.journey_steps(program)
        if not 1 <= position <= len(steps):
            raise CommandError(
                _("There is no step %(position)s: the journey has %(count)s.")
                % {"position": position, "count": len(steps)}
            )
        return steps[position - 1]
