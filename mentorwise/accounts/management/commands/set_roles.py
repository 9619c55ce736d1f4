"""`mentorwise set-roles USERNAME [--hr-admin|--no-hr-admin] [--executive|--no-executive]`."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from mentorwise.accounts.models import User
from mentorwise.accounts.role_services import RoleChange, user_roles_set
from mentorwise.core.errors import MentorwiseError


class Command(BaseCommand):
    help = (
        "Grant or remove a login's HR-admin and executive roles (audited). Removing the "
        "HR-admin role revokes the login's SCIM tokens. Without a role option, prints the "
        "login's roles."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The login's username.")
        parser.add_argument(
            "--hr-admin", action=argparse.BooleanOptionalAction, default=None, help="HR admin."
        )
        parser.add_argument(
            "--executive",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="Executive (aggregate dashboards).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(
                _("No login named %(username)s.") % {"username": repr(options["username"])}
            )
        change = RoleChange(is_hr_admin=options["hr_admin"], is_executive=options["executive"])
        try:
            user = user_roles_set(actor=None, user=user, change=change)
        except MentorwiseError as error:
            raise CommandError(error.message) from error
        roles = [
            name
            for name, held in (
                (_("HR admin"), user.is_hr_admin or user.is_superuser),
                (pgettext("role", "executive"), user.is_executive),
            )
            if held
        ]
        held = ", ".join(roles) or _("no role")
        self.stdout.write(f"{user.username}: {held}")
