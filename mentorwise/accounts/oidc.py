"""Single sign-on configuration: whether OpenID Connect is on, the issuer and its endpoints.

Configuration comes from settings (environment variables, see docs/security.md): the issuer
URL and the client credentials are enough, the endpoints are read from the issuer's discovery
document (`/.well-known/openid-configuration`) unless given one by one. The sign-in flow
itself (backend, views, linking a login to its person) is `mentorwise.sso`, which sits above
`people` because linking finds the person.
"""

from __future__ import annotations

from typing import Any

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from mozilla_django_oidc.utils import import_from_settings

# Setting name -> key of the discovery document.
_DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
_discovery_cache: dict[str, dict[str, Any]] = {}


def oidc_enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID and settings.OIDC_OP_ISSUER)


def oidc_issuer() -> str:
    return str(settings.OIDC_OP_ISSUER).rstrip("/")


def oidc_discovery() -> dict[str, Any]:
    """The issuer's discovery document, fetched once per process."""
    issuer = oidc_issuer()
    if issuer not in _discovery_cache:
        response = requests.get(
            f"{issuer}/.well-known/openid-configuration",
            timeout=settings.OIDC_TIMEOUT,
            verify=settings.OIDC_VERIFY_SSL,
        )
        response.raise_for_status()
        document = response.json()
        if str(document.get("issuer", "")).rstrip("/") != issuer:
            raise ImproperlyConfigured(
                f"OIDC_OP_ISSUER={issuer!r} but the discovery document names "
                f"{document.get('issuer')!r}"
            )
        _discovery_cache[issuer] = document
    return _discovery_cache[issuer]


def oidc_setting(name: str, *default: Any) -> Any:
    """A relying-party setting; endpoints left empty come from discovery."""
    if name in _DISCOVERED and not getattr(settings, name, ""):
        return oidc_discovery()[_DISCOVERED[name]]
    return import_from_settings(name, *default)
