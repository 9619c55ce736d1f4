"""`mentorwise erase-person EMPLOYEE_ID --confirm EMPLOYEE_ID`: irreversible erasure."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from mentorwise.core.errors import MentorwiseError
from mentorwise.privacy.erasure import person_erase
from mentorwise.privacy.permissions import person_by_employee_id


class Command(BaseCommand):
    help = (
        "Erase a person's personal data (GDPR Art. 17): names, contact details, demographics, "
        "notes and free text are removed or pseudonymised; counts stay. Irreversible: repeat "
        "the employee id with --confirm. Export first if the person asked for a copy."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("employee_id")
        parser.add_argument(
            "--confirm",
            default="",
            metavar="EMPLOYEE_ID",
            help="The same employee id again, to confirm the erasure.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["confirm"]:
            raise CommandError(
                _("Erasure is irreversible: repeat the employee id with --confirm to proceed.")
            )
        try:
            person = person_by_employee_id(options["employee_id"])
            result = person_erase(actor=None, person=person, confirm=options["confirm"])
        except MentorwiseError as error:
            raise CommandError(error.message) from error
        self.stdout.write(result.summary())
