"""`mentorwise export-person EMPLOYEE_ID [--output FILE]`: a data-subject access export."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from mentorwise.core.errors import MentorwiseError
from mentorwise.privacy.export import person_export
from mentorwise.privacy.permissions import person_by_employee_id


class Command(BaseCommand):
    help = (
        "Write everything Mentorwise holds about one person as JSON (GDPR access and "
        "portability). The export is recorded in the audit log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("employee_id")
        parser.add_argument("--output", "-o", default="-", help="File to write; '-' is stdout.")
        parser.add_argument(
            "--reference", default="", help="The request's reference (ticket), for the audit log."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            person = person_by_employee_id(options["employee_id"])
            data = person_export(actor=None, person=person, reference=options["reference"])
        except MentorwiseError as error:
            raise CommandError(error.message) from error
        text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)
        if options["output"] == "-":
            self.stdout.write(text)
            return
        try:
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
        except OSError as error:
            raise CommandError(
                _("Cannot write %(path)s: %(problem)s")
                % {"path": options["output"], "problem": error.strerror}
            ) from error
        self.stderr.write(
            _("Wrote the export of %(employee_id)s to %(path)s.")
            % {"employee_id": person.employee_id, "path": options["output"]}
        )
