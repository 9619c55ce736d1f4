"""`mentorwise relationship close`: the page's and the API's closure at the terminal.

For an operator who must end a relationship nobody in it will close (a person left the
company, a conduct case): the input is parsed by the API's schema (`CloseIn`) and checked by
the same rules (`relationships.inputs`), so a value the API refuses is refused here with the
same field and message. The operator acts as the system (actor None); the closure is
audited, both people are e-mailed and their future meetings are cancelled, as on the page.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from mentorwise.core.errors import MentorwiseError
from mentorwise.core.inputs import problems_text, schema_parse
from mentorwise.relationships.inputs import CloseIn
from mentorwise.relationships.models import Relationship
from mentorwise.relationships.services import relationship_close


class Command(BaseCommand):
    help = "Close a relationship (as POST /api/relationships/{id}/close), as the system."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        close = commands.add_parser("close", help="Close an active relationship.")
        close.add_argument("relationship_id", type=int, help="The relationship's number.")
        close.add_argument("--kind", required=True, help="planned or early.")
        close.add_argument("--reason", default="", help="Required for an early closure.")
        close.add_argument(
            "--rematch",
            action="store_true",
            help="Early closure: put the mentee back in the matching pool.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        found = Relationship.objects.filter(pk=options["relationship_id"]).first()
        if found is None:
            raise CommandError(
                _("No relationship number %(number)s.") % {"number": options["relationship_id"]}
            )
        raw = {"kind": options["kind"], "reason": options["reason"], "rematch": options["rematch"]}
        try:
            data = schema_parse(CloseIn, raw).to_input()
            closed = relationship_close(actor=None, relationship=found, data=data)
        except MentorwiseError as error:
            raise CommandError(problems_text(error)) from error
        self.stdout.write(
            _("Closed relationship %(number)s (%(kind)s); both people were told.")
            % {"number": closed.pk, "kind": closed.get_closure_kind_display().lower()}
        )
