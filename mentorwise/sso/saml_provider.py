"""Setting up the SAML identity provider: metadata uploaded or fetched, checked, stored.

Only HR admins change it (the CLI acts as the system). The metadata must describe exactly one
identity provider with a sign-in address for the HTTP-Redirect binding and a signing
certificate; anything else is refused with the reason, and nothing is saved.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, fields
from typing import Any

import requests
import saml2
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from saml2.attribute_converter import ac_factory
from saml2.config import Config
from saml2.mdstore import MetadataStore
from saml2.s_utils import UnsupportedBinding

from mentorwise.accounts.actors import Actor
from mentorwise.accounts.models import User
from mentorwise.accounts.roles import is_hr_admin
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import FieldError, Forbidden, InvalidInput
from mentorwise.sso.models import MatchField, SamlProvider
from mentorwise.sso.saml_keys import ensure_key_pair

logger = logging.getLogger(__name__)

# Identity-provider metadata larger than this is refused (a federation aggregate, or abuse).
METADATA_MAX_BYTES = 1_000_000
FETCH_TIMEOUT = 10


@dataclass(frozen=True)
class IdpMetadata:
    entity_id: str
    sso_redirect_url: str
    slo_url: str


@dataclass(frozen=True)
class SamlSettingsInput:
    """What the settings form, the CLI and tests give `saml_provider_update`. An empty
    `metadata_xml` keeps the stored metadata unless `metadata_url` is new (then it is fetched)."""

    enabled: bool = False
    display_name: str = ""
    metadata_url: str = ""
    metadata_xml: str = ""
    match_field: str = MatchField.EMAIL
    email_attribute: str = ""
    employee_id_attribute: str = ""
    first_name_attribute: str = ""
    last_name_attribute: str = ""
    trust_email: bool = True
    allow_unsolicited: bool = False


def current_provider() -> SamlProvider:
    """The site's provider row (created with its key pair on first use)."""
    provider = SamlProvider.objects.filter(pk=1).first()
    if provider is None:
        with transaction.atomic():
            provider, _created = SamlProvider.objects.select_for_update().get_or_create(pk=1)
            if not provider.sp_key_sealed:
                ensure_key_pair(provider, "Mentorwise SAML")
                provider.save(update_fields=["sp_key_sealed", "sp_cert"])
    return provider


def saml_enabled() -> bool:
    return SamlProvider.objects.filter(pk=1, enabled=True).exclude(metadata_xml="").exists()


def saml_button_name() -> str:
    provider = SamlProvider.objects.filter(pk=1).only("display_name").first()
    return (provider.display_name if provider else "") or _("single sign-on (SAML)")


def parse_idp_metadata(xml: str) -> IdpMetadata:
    """The one identity provider the metadata describes; `InvalidInput` naming what is wrong."""
    problems: list[FieldError] = []
    if len(xml.encode()) > METADATA_MAX_BYTES:
        raise InvalidInput([FieldError("metadata", _("The metadata is larger than 1 MB."))])
    store = MetadataStore(ac_factory(), Config())
    try:
        store.load("inline", xml)
    except Exception as error:  # pysaml2 raises many kinds for bad XML
        raise InvalidInput(
            [FieldError("metadata", _("This is not SAML metadata: %(error)s") % {"error": error})]
        ) from error
    idps = [eid for eid, entity in store.items() if "idpsso_descriptor" in entity]
    if len(idps) != 1:
        raise InvalidInput(
            [
                FieldError(
                    "metadata",
                    _("The metadata must describe exactly one identity provider; it has %(n)s.")
                    % {"n": len(idps)},
                )
            ]
        )
    entity_id = idps[0]
    redirect = [
        s["location"] for s in store.single_sign_on_service(entity_id, saml2.BINDING_HTTP_REDIRECT)
    ]
    if not redirect:
        problems.append(
            FieldError(
                "metadata",
                _("The identity provider has no sign-in address for the HTTP-Redirect binding."),
            )
        )
    if not store.certs(entity_id, "idpsso", "signing"):
        problems.append(
            FieldError("metadata", _("The identity provider publishes no signing certificate."))
        )
    if problems:
        raise InvalidInput(problems)
    slo: list[str] = []
    for binding in (saml2.BINDING_HTTP_REDIRECT, saml2.BINDING_HTTP_POST):
        try:
            slo += [
                s["location"] for s in store.single_logout_service(entity_id, binding, "idpsso")
            ]
        except UnsupportedBinding:
            continue
    return IdpMetadata(entity_id=entity_id, sso_redirect_url=redirect[0], slo_url=(slo or [""])[0])


def fetch_metadata(url: str) -> str:
    """The metadata at `url` (HTTPS only, unless the site runs in DEBUG), size-capped."""
    if not (url.startswith("https://") or (settings.DEBUG and url.startswith("http://"))):
        raise InvalidInput([FieldError("metadata_url", _("Use an https:// address."))])
    failed = InvalidInput(
        [FieldError("metadata_url", _("The metadata could not be fetched from this address."))]
    )
    deadline = time.monotonic() + FETCH_TIMEOUT
    body = bytearray()
    try:
        # No redirects: a hop to plain http or to an inside address is refused, not followed.
        with requests.get(
            url, timeout=FETCH_TIMEOUT, stream=True, allow_redirects=False
        ) as response:
            if response.status_code != 200:
                raise failed
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > METADATA_MAX_BYTES:
                    raise InvalidInput(
                        [FieldError("metadata_url", _("The metadata is larger than 1 MB."))]
                    )
                if time.monotonic() > deadline:
                    raise failed
    except requests.RequestException as error:
        logger.warning("SAML metadata fetch failed: %s", type(error).__name__)
        raise failed from error
    return bytes(body).decode("utf-8", errors="replace")


def may_configure_saml(actor: Actor) -> bool:
    """Whoever sets the identity provider decides who signs in as whom: the site's operators
    (superusers, or the server's command line as the system), not every HR admin."""
    return actor is None or (is_hr_admin(actor) and bool(actor.is_superuser))


def _require_hr_admin(actor: Actor) -> None:
    if not may_configure_saml(actor):
        raise Forbidden(
            _(
                "Only the site's operators (superusers, or mentorwise saml on the server) may "
                "change single sign-on."
            )
        )


def saml_provider_update(*, actor: Actor, data: SamlSettingsInput) -> SamlProvider:
    """Store the identity provider's settings; all problems at once, nothing saved on any."""
    _require_hr_admin(actor)
    provider = current_provider()
    problems: list[FieldError] = []
    if data.match_field not in MatchField.values:
        problems.append(FieldError("match_field", _("Choose email or employee id.")))
    xml = data.metadata_xml.strip()
    url = data.metadata_url.strip()
    fetched = False
    if not xml and url and (url != provider.metadata_url or not provider.metadata_xml):
        try:
            xml, fetched = fetch_metadata(url), True
        except InvalidInput as error:
            problems.extend(error.errors)
    xml = xml or provider.metadata_xml
    idp: IdpMetadata | None = None
    if xml:
        try:
            idp = parse_idp_metadata(xml)
        except InvalidInput as error:
            problems.extend(error.errors)
    elif data.enabled:
        problems.append(
            FieldError("metadata", _("Upload the identity provider's metadata or give its URL."))
        )
    if problems:
        raise InvalidInput(problems)
    before = {f.name: getattr(provider, f.name) for f in fields(SamlSettingsInput)}
    for f in fields(SamlSettingsInput):
        if f.name != "metadata_xml":
            setattr(provider, f.name, getattr(data, f.name))
    provider.metadata_url = url
    provider.metadata_xml = xml
    provider.idp_entity_id = idp.entity_id if idp else ""
    if fetched:
        provider.metadata_fetched_at = timezone.now()
    provider.updated_at = timezone.now()
    provider.updated_by = actor if isinstance(actor, User) else None
    provider.save()
    changed = sorted(name for name, value in before.items() if getattr(provider, name) != value)
    audit_record(
        actor=actor,
        action="sso.saml_updated",
        data={"enabled": provider.enabled, "issuer": provider.idp_entity_id, "changed": changed},
    )
    return provider


def saml_metadata_refresh(*, actor: Actor) -> SamlProvider:
    """Fetch the metadata again from its URL (the identity provider rolled its certificate)."""
    _require_hr_admin(actor)
    provider = current_provider()
    if not provider.metadata_url:
        raise InvalidInput([FieldError("metadata_url", _("No metadata URL is set."))])
    xml = fetch_metadata(provider.metadata_url)
    idp = parse_idp_metadata(xml)
    provider.metadata_xml, provider.idp_entity_id = xml, idp.entity_id
    provider.metadata_fetched_at = provider.updated_at = timezone.now()
    provider.save()
    audit_record(actor=actor, action="sso.saml_metadata_refreshed", data={"issuer": idp.entity_id})
    return provider


def current_idp() -> IdpMetadata | None:
    provider = current_provider()
    return parse_idp_metadata(provider.metadata_xml) if provider.metadata_xml else None


def settings_initial(provider: SamlProvider) -> dict[str, Any]:
    return {
        f.name: getattr(provider, f.name)
        for f in fields(SamlSettingsInput)
        if f.name != "metadata_xml"
    }
