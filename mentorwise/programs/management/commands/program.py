"""`mentorwise program create|update`: the page's and the API's program use cases at the terminal.

The input is parsed by the API's schemas and checked by the same rules (`programs.inputs`),
so a value the API refuses is refused here with the same field and message.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from mentorwise.core.errors import MentorwiseError
from mentorwise.core.inputs import problems_text, schema_parse
from mentorwise.programs.inputs import ProgramCreateIn, ProgramPatchIn
from mentorwise.programs.models import Program
from mentorwise.programs.services.program_create import program_create
from mentorwise.programs.services.program_update import program_update


def _changes(options: dict[str, Any]) -> dict[str, Any]:
    if options["file"]:
        name = options["file"]
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    else:
        text = options["changes"]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CommandError(
            _("The changes are not valid JSON: %(error)s") % {"error": error}
        ) from None
    if not isinstance(data, dict):
        raise CommandError(_("The changes must be a JSON object of field: value."))
    return data


class Command(BaseCommand):
    help = "Create a program from a template, or change a program (as PATCH /api/programs/{slug})."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        create = commands.add_parser("create", help="Create a draft program from a template.")
        create.add_argument("--template", required=True, help="Template key (see the API).")
        create.add_argument("--name", default="", help="Defaults to the template's name.")
        create.add_argument("--slug", default="", help="URL name; derived from the name.")
        create.add_argument("--start-date", help="YYYY-MM-DD; defaults to today.")
        create.add_argument("--end-date", help="YYYY-MM-DD; defaults to the template's length.")
        update = commands.add_parser("update", help="Change fields of a program.")
        update.add_argument("slug", help="Program slug, e.g. leadership-mentoring.")
        given = update.add_mutually_exclusive_group(required=True)
        given.add_argument(
            "--changes", help="A JSON object, e.g. '{\"meeting_cadence_days\": 14}'."
        )
        given.add_argument("--file", help="A file holding the JSON object ('-': standard input).")

    def handle(self, *args: Any, **options: Any) -> None:
        # The operator at the terminal acts as the system (actor None); changes are audited.
        try:
            if options["action"] == "create":
                raw = {
                    "template": options["template"],
                    "name": options["name"],
                    "slug": options["slug"],
                    "start_date": options["start_date"],
                    "end_date": options["end_date"],
                }
                data = schema_parse(ProgramCreateIn, raw).to_input()
                program = program_create(actor=None, data=data)
                self.stdout.write(
                    _("Created “%(name)s” (%(slug)s) as a draft.")
                    % {"name": program.name, "slug": program.slug}
                )
                return
            found = Program.objects.filter(slug=options["slug"]).first()
            if found is None:
                raise CommandError(_("No program with slug %(slug)r.") % {"slug": options["slug"]})
            changes = schema_parse(ProgramPatchIn, _changes(options)).to_input()
            program = program_update(actor=None, program=found, changes=changes)
        except MentorwiseError as error:
            raise CommandError(problems_text(error)) from error
        self.stdout.write(
            _("Saved “%(name)s” (%(slug)s).") % {"name": program.name, "slug": program.slug}
        )
