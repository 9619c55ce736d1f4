"""Talking to the Bot Connector (Teams' REST API for bots) and checking what it sends.

Outgoing: botframework-connector's ConnectorClient with the bot's Microsoft app
credentials and a short timeout. Incoming: the channel's JWT (Authorization: Bearer) is
checked with botframework-connector's ChannelValidation: signed by a key of the Bot
Framework's OpenID metadata (endorsed for the channel), issued by the Bot Framework, for
this bot's app id as audience, not expired, and naming the activity's service URL. Tokens
of the Bot Framework Emulator are not accepted.
"""

from __future__ import annotations

import asyncio

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


def credentials() -> AppCredentials:
    return MicrosoftAppCredentials(
        settings.MENTORWISE_TEAMS_APP_ID,
        settings.MENTORWISE_TEAMS_APP_PASSWORD,
        channel_auth_tenant=settings.MENTORWISE_TEAMS_TENANT_ID or None,
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
