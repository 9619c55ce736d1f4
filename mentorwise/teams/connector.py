"""Talking to the Bot Connector (Teams' REST API for bots) and checking what it sends.

Outgoing: botframework-connector's ConnectorClient with the bot's Microsoft app
credentials and a short timeout. The bot signs in to the Microsoft identity platform by
client credentials (its app id and password) through msal, as MicrosoftAppCredentials
does, with three differences: one msal application (so one token cache) is shared by every
client in the process, so a token is fetched once and reused until it is about to expire;
the authority is a setting (MENTORWISE_TEAMS_LOGIN_URL and the tenant) and msal's instance
discovery at login.microsoftonline.com is off, so a non-Microsoft authority (a local fake
in tests) is used as given; and every sign-in call has a timeout. A failed sign-in raises
SignInFailed naming only the OAuth error code, never the password.

Incoming: the channel's JWT (Authorization: Bearer) is checked with botframework-connector's
ChannelValidation: signed by a key of the Bot Framework's OpenID metadata (endorsed for the
channel), issued by the Bot Framework, for this bot's app id as audience, not expired, and
naming the activity's service URL. Tokens of the Bot Framework Emulator are not accepted.
"""

from __future__ import annotations

import asyncio
import re
import threading
from typing import Any

import msal
import requests
from botframework.connector import ConnectorClient
from botframework.connector.auth import (
    AppCredentials,
    ChannelValidation,
    ClaimsIdentity,
    MicrosoftAppCredentials,
    SimpleCredentialProvider,
)
from django.conf import settings

TIMEOUT_SECONDS = 5


def configured() -> bool:
    return bool(settings.MENTORWISE_TEAMS_APP_ID and settings.MENTORWISE_TEAMS_APP_PASSWORD)


DEFAULT_TENANT = "botframework.com"  # the Bot Framework's own tenant (multi-tenant bots)

_apps: dict[tuple[str, str, str], msal.ConfidentialClientApplication] = {}
_apps_lock = threading.Lock()


class SignInFailed(Exception):
    """The bot could not get a token from the Microsoft identity platform. The message
    names the OAuth error (and Microsoft's AADSTS code), never the password."""


def token_authority() -> str:
    """Where the bot signs in: the login URL and the bot's tenant (a single-tenant bot)
    or the Bot Framework's (multi-tenant)."""
    tenant = settings.MENTORWISE_TEAMS_TENANT_ID or DEFAULT_TENANT
    return f"{settings.MENTORWISE_TEAMS_LOGIN_URL.rstrip('/')}/{tenant}"


def _msal_app() -> msal.ConfidentialClientApplication:
    """The process's one msal application for the current settings (its token cache is
    what makes one sign-in serve many sends)."""
    key = (
        token_authority(),
        settings.MENTORWISE_TEAMS_APP_ID,
        settings.MENTORWISE_TEAMS_APP_PASSWORD,
    )
    with _apps_lock:
        app = _apps.get(key)
        if app is None:
            _apps.clear()  # the settings changed: tokens of the old identity are dropped
            app = msal.ConfidentialClientApplication(
                key[1],
                client_credential=key[2],
                authority=key[0],
                timeout=TIMEOUT_SECONDS,
                # Instance discovery asks login.microsoftonline.com whether the authority is
                # one of Microsoft's; the authority is our own setting, not input.
                instance_discovery=False,
            )
            _apps[key] = app
        return app


def tokens_forget() -> None:
    """Drop the msal application and its cached tokens (the Bot Connector refused one):
    the next call signs in afresh."""
    with _apps_lock:
        _apps.clear()


def _reason(answer: dict[str, Any]) -> str:
    error = str(answer.get("error") or "no_token")
    code = re.search(r"AADSTS\d+", str(answer.get("error_description") or ""))
    return f"{error} ({code.group(0)})" if code else error


class BotCredentials(MicrosoftAppCredentials):  # type: ignore[misc]
    """MicrosoftAppCredentials whose token comes from the shared msal application."""

    def get_access_token(self, force_refresh: bool = False) -> str:
        scope = self.oauth_scope
        if not scope.endswith("/.default"):
            scope += "/.default"  # as MicrosoftAppCredentials asks for it
        try:
            app = _msal_app()
            if force_refresh:
                app.remove_tokens_for_client()
            answer = app.acquire_token_for_client(scopes=[scope])
        except (
            msal.exceptions.MsalError,
            requests.RequestException,
            ValueError,
            RuntimeError,
        ) as error:
            # msal's errors name the URL it called, not the request's body.
            raise SignInFailed(f"Microsoft sign-in: {type(error).__name__}") from None
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not token:
            raise SignInFailed(f"Microsoft sign-in refused: {_reason(answer or {})}")
        return str(token)


def credentials() -> AppCredentials:
    return BotCredentials(
        settings.MENTORWISE_TEAMS_APP_ID,
        settings.MENTORWISE_TEAMS_APP_PASSWORD,
        channel_auth_tenant=settings.MENTORWISE_TEAMS_TENANT_ID or None,
        oauth_scope=settings.MENTORWISE_TEAMS_OAUTH_SCOPE,
    )


def connector_client(service_url: str) -> ConnectorClient:
    client = ConnectorClient(credentials(), base_url=service_url)
    client.config.connection.timeout = TIMEOUT_SECONDS
    return client


class Unauthenticated(Exception):
    """The request's token is missing or does not pass the checks."""


def authenticate(*, auth_header: str, service_url: str, channel_id: str) -> ClaimsIdentity:
    """The token's claims, or Unauthenticated (with the reason, for the log)."""
    if not auth_header.startswith("Bearer "):
        raise Unauthenticated("no bearer token")
    ChannelValidation.open_id_metadata_endpoint = settings.MENTORWISE_TEAMS_OPENID_METADATA_URL
    provider = SimpleCredentialProvider(
        settings.MENTORWISE_TEAMS_APP_ID, settings.MENTORWISE_TEAMS_APP_PASSWORD
    )
    try:
        identity = asyncio.run(
            ChannelValidation.authenticate_channel_token_with_service_url(
                auth_header, provider, service_url, channel_id
            )
        )
    except Exception as error:  # the library raises bare Exceptions and jwt's errors alike
        raise Unauthenticated(f"{type(error).__name__}: {error}") from error
    if identity is None or not identity.is_authenticated:
        raise Unauthenticated("not authenticated")
    return identity
