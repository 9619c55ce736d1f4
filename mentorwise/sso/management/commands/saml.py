"""`mentorwise saml`: show, print the metadata of, or set up SAML single sign-on from a shell.

The same service as the HR admin's page (`sso.saml_provider.saml_provider_update`), run as
the system and audited; useful for scripted deployments.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test import RequestFactory
from django.utils.translation import gettext as _

from mentorwise.core.errors import InvalidInput
from mentorwise.sso.models import MatchField
from mentorwise.sso.saml import SamlMetadataView
from mentorwise.sso.saml_config import acs_url, sls_url, sp_entity_id
from mentorwise.sso.saml_provider import (
    SamlSettingsInput,
    current_idp,
    current_provider,
    saml_provider_update,
    settings_initial,
)


class Command(BaseCommand):
    help = (
        "SAML single sign-on: `show` the settings, print this site's `metadata` (XML) for the "
        "identity provider, or `configure` it (--metadata-file or --metadata-url, --enable)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["show", "metadata", "configure"])
        parser.add_argument("--metadata-file", type=Path, help="The identity provider's metadata.")
        parser.add_argument("--metadata-url", help="Where to fetch the provider's metadata.")
        parser.add_argument("--name", help="The login button's provider name (Okta, Entra ID).")
        parser.add_argument("--match-field", choices=MatchField.values)
        parser.add_argument("--email-attribute")
        parser.add_argument("--employee-id-attribute")
        switch = parser.add_mutually_exclusive_group()
        switch.add_argument("--enable", action="store_true", help="Offer SAML sign-in.")
        switch.add_argument("--disable", action="store_true", help="Stop offering it.")
        parser.add_argument(
            "--allow-unsolicited",
            choices=["yes", "no"],
            help="Accept sign-ins started at the identity provider.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "metadata":
            response = SamlMetadataView.as_view()(RequestFactory().get("/"))
            self.stdout.write(response.content.decode())
            return
        if options["action"] == "configure":
            self._configure(options)
        provider = current_provider()
        idp = current_idp()
        self.stdout.write(
            _("SAML sign-in: %(state)s") % {"state": _("on") if provider.enabled else _("off")}
        )
        self.stdout.write(_("Entity id: %(value)s") % {"value": sp_entity_id()})
        self.stdout.write(_("Assertion consumer URL: %(value)s") % {"value": acs_url()})
        self.stdout.write(_("Single logout URL: %(value)s") % {"value": sls_url()})
        self.stdout.write(
            _("Identity provider: %(value)s") % {"value": idp.entity_id if idp else _("none")}
        )

    def _configure(self, options: dict[str, Any]) -> None:
        values = settings_initial(current_provider())
        if options["metadata_file"] is not None:
            try:
                values["metadata_xml"] = options["metadata_file"].read_text(encoding="utf-8")
            except OSError as error:
                raise CommandError(str(error)) from error
        for option, name in (
            ("metadata_url", "metadata_url"),
            ("name", "display_name"),
            ("match_field", "match_field"),
            ("email_attribute", "email_attribute"),
            ("employee_id_attribute", "employee_id_attribute"),
        ):
            if options[option] is not None:
                values[name] = options[option]
        if options["enable"] or options["disable"]:
            values["enabled"] = bool(options["enable"])
        if options["allow_unsolicited"] is not None:
            values["allow_unsolicited"] = options["allow_unsolicited"] == "yes"
        known = {f.name for f in dataclasses.fields(SamlSettingsInput)}
        try:
            saml_provider_update(
                actor=None,
                data=SamlSettingsInput(**{k: v for k, v in values.items() if k in known}),
            )
        except InvalidInput as error:
            raise CommandError("; ".join(str(e) for e in error.errors)) from error
