"""Registering webhook endpoints (HR admins only): create, change, rotate the secret, delete."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.accounts.models import User
from mentorwise.accounts.roles import is_hr_admin
from mentorwise.channels.models import WebhookEndpoint
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import FieldError, Forbidden, InvalidInput
from mentorwise.core.outbound import KINDS
from mentorwise.core.plain_http import scheme_allowed
from mentorwise.core.sealed import seal


@dataclass(frozen=True)
class EndpointInput:
    name: str
    url: str
    kinds: tuple[str, ...]
    enabled: bool = True


def require_webhook_admin(actor: Actor) -> None:
    if actor is not None and not is_hr_admin(actor):
        raise Forbidden(_("Only HR admins manage webhooks."))


def _validate(data: EndpointInput) -> EndpointInput:
    problems: list[FieldError] = []
    name = data.name.strip()
    if not name:
        problems.append(FieldError("name", _("Give the endpoint a name.")))
    url = data.url.strip()
    if not scheme_allowed(url):
        problems.append(FieldError("url", _("Use an https:// address."), value=url[:200]))
    unknown = sorted(set(data.kinds) - set(KINDS))
    if unknown:
        problems.append(
            FieldError("kinds", _("Unknown event kinds: %(kinds)s") % {"kinds": ", ".join(unknown)})
        )
    if not data.kinds:
        problems.append(FieldError("kinds", _("Choose at least one event.")))
    if problems:
        raise InvalidInput(problems)
    return EndpointInput(
        name=name[:100], url=url, kinds=tuple(sorted(set(data.kinds))), enabled=data.enabled
    )


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


@transaction.atomic
def endpoint_create(*, actor: Actor, data: EndpointInput) -> tuple[WebhookEndpoint, str]:
    """The new endpoint and its secret (shown once, kept sealed)."""
    require_webhook_admin(actor)
    data = _validate(data)
    secret = new_secret()
    endpoint = WebhookEndpoint.objects.create(
        name=data.name,
        url=data.url,
        kinds=list(data.kinds),
        enabled=data.enabled,
        secret_sealed=seal(secret),
        created_by=actor if isinstance(actor, User) else None,
    )
    audit_record(
        actor=actor,
        action="webhook.created",
        target=endpoint,
        data={"url": endpoint.url, "kinds": endpoint.kinds},
    )
    return endpoint, secret


@transaction.atomic
def endpoint_update(
    *, actor: Actor, endpoint: WebhookEndpoint, data: EndpointInput
) -> WebhookEndpoint:
    require_webhook_admin(actor)
    data = _validate(data)
    endpoint.name, endpoint.url, endpoint.kinds = data.name, data.url, list(data.kinds)
    if data.enabled and not endpoint.enabled:
        endpoint.failures, endpoint.paused_until = 0, None
    endpoint.enabled = data.enabled
    endpoint.save()
    audit_record(
        actor=actor,
        action="webhook.changed",
        target=endpoint,
        data={"url": endpoint.url, "kinds": endpoint.kinds, "enabled": endpoint.enabled},
    )
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(*, actor: Actor, endpoint: WebhookEndpoint) -> str:
    """A new secret (shown once); the old one stops signing at once."""
    require_webhook_admin(actor)
    secret = new_secret()
    endpoint.secret_sealed = seal(secret)
    endpoint.save(update_fields=["secret_sealed"])
    audit_record(actor=actor, action="webhook.secret_rotated", target=endpoint)
    return secret


@transaction.atomic
def endpoint_delete(*, actor: Actor, endpoint: WebhookEndpoint) -> None:
    require_webhook_admin(actor)
    audit_record(actor=actor, action="webhook.deleted", target=endpoint, data={"url": endpoint.url})
    endpoint.delete()
