"""`mentorwise scim-token create|list|revoke`: bearer tokens for an identity provider's SCIM app.

    mentorwise scim-token create --name "Okta"      # prints the token once
    mentorwise scim-token list
    mentorwise scim-token revoke 12

Tokens made here belong to the `scim-provisioning` service login (no person, no password),
so that deprovisioning a person never stops provisioning; `--user` gives one to an HR admin's
own login instead (HR admins can also make them on their API tokens page).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from mentorwise.accounts.models import ApiToken, TokenScope, User
from mentorwise.accounts.services import api_token_create, api_token_revoke
from mentorwise.core.errors import MentorwiseError
from mentorwise.scim.services import scim_service_login, scim_tokens


class Command(BaseCommand):
    help = "Create, list or revoke SCIM provisioning tokens (for Okta, Entra ID...)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a token and print it once.")
        create.add_argument("--name", required=True, help='What uses it, e.g. "Okta".')
        create.add_argument(
            "--user",
            default="",
            help="Username of the HR admin who owns it (default: the scim-provisioning "
            "service login).",
        )
        actions.add_parser("list", help="List SCIM tokens (never their values).")
        revoke = actions.add_parser("revoke", help="Revoke a token: it stops working at once.")
        revoke.add_argument("token_id", type=int, help="The id shown by `scim-token list`.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except MentorwiseError as error:
            raise CommandError(error.message) from error

    def _create(self, options: dict[str, Any]) -> None:
        with transaction.atomic():
            if options["user"]:
                owner = User.objects.filter(username=options["user"]).first()
                if owner is None:
                    raise CommandError(f"No login named {options['user']!r}.")
            else:
                owner = scim_service_login()
            token, raw = api_token_create(actor=owner, name=options["name"], scope=TokenScope.SCIM)
        self.stdout.write(raw)
        self.stderr.write(
            f"SCIM token #{token.pk} {token.name!r} for {owner.username}. It is shown only "
            "now: paste it into the identity provider as the bearer token (API token), with "
            "the SCIM base URL https://<your Mentorwise host>/scim/v2"
        )

    def _list(self, options: dict[str, Any]) -> None:
        tokens = scim_tokens()
        if not tokens:
            self.stderr.write("No SCIM tokens.")
        for token in tokens:
            state = "revoked" if token.revoked_at else "active"
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            self.stdout.write(
                f"{token.pk}\t{token.name}\t{token.prefix}…\t{token.user.username}\t{state}"
                f"\tlast used {used}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        token = (
            ApiToken.objects.filter(pk=options["token_id"], scope=TokenScope.SCIM)
            .select_related("user")
            .first()
        )
        if token is None:
            raise CommandError(f"No SCIM token #{options['token_id']}.")
        api_token_revoke(actor=token.user, token_id=token.pk)
        self.stderr.write(f"SCIM token #{token.pk} {token.name!r} revoked.")
