"""`mentorwise two-step-reset USERNAME`: remove a login's authenticator app and recovery codes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from mentorwise.accounts.models import User
from mentorwise.accounts.two_step import two_step_reset


class Command(BaseCommand):
    help = (
        "Reset a login's two-step sign-in after a lost phone with no recovery code left "
        "(audited): its authenticator app and recovery codes are removed and its sessions and "
        "API tokens end; it sets two-step sign-in up again at the next sign-in if required."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The login's username.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(
                _("No login named %(username)s.") % {"username": repr(options["username"])}
            )
        two_step_reset(actor=None, user=user)
        self.stdout.write(
            _("Two-step sign-in of %(username)s reset.") % {"username": user.get_username()}
        )
