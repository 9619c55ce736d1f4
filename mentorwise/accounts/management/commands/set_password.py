"""`mentorwise set-password USERNAME [--one-time]`: set a login's password on the server."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from mentorwise.accounts.models import User
from mentorwise.accounts.passwords import password_set_by_operator
from mentorwise.core.errors import InvalidInput, MentorwiseError


class Command(BaseCommand):
    help = (
        "Set a login's password (asked twice, checked by the password rules), or with "
        "--one-time a random one that is printed once and must be changed at the next "
        "sign-in. Works for every login, HR admins included; ends the login's sessions, is "
        "audited and emails the person."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The login's username.")
        parser.add_argument(
            "--one-time",
            action="store_true",
            help="Print a random one-time password instead of asking for one.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.select_related("person").filter(username=options["username"]).first()
        if user is None:
            raise CommandError(
                _("No login named %(username)s.") % {"username": repr(options["username"])}
            )
        raw = None
        if not options["one_time"]:
            raw = getpass.getpass(
                _("New password for %(username)s: ") % {"username": user.username}
            )
            if raw != getpass.getpass(_("The same again: ")):
                raise CommandError(_("The two passwords are not the same; nothing was changed."))
        try:
            raw = password_set_by_operator(user=user, raw=raw, one_time=options["one_time"])
        except InvalidInput as error:
            raise CommandError(
                _("%(problems)s Nothing was changed.")
                % {"problems": "; ".join(problem.message for problem in error.errors)}
            ) from error
        except MentorwiseError as error:
            raise CommandError(error.message) from error
        if options["one_time"]:
            self.stdout.write(raw)
            self.stderr.write(
                _(
                    "One-time password for %(username)s (shown only now); they choose their "
                    "own at the next sign-in."
                )
                % {"username": user.username}
            )
        else:
            self.stderr.write(
                _("Password of %(username)s changed; their sessions ended.")
                % {"username": user.username}
            )
