"""The Slack Web API client: slack-sdk's WebClient with our base URL (a local fake in
tests) and a short timeout on every call, so a slow Slack never holds a send for long."""

from __future__ import annotations

from django.conf import settings
from slack_sdk import WebClient

TIMEOUT_SECONDS = 5

# Slack's errors that will not go away by trying again: the token is gone or the person is
# not (or no longer) on the workspace. Everything else (rate limits, timeouts, 5xx) may.
PERMANENT_ERRORS = frozenset(
    {
        "account_inactive",
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "user_not_found",
        "users_not_found",
        "user_disabled",
        "cannot_dm_bot",
        "missing_scope",
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "invalid_blocks",
        "msg_too_long",
    }
)


def web_client(token: str | None = None) -> WebClient:
    return WebClient(
        token=token, base_url=settings.MENTORWISE_SLACK_API_URL, timeout=TIMEOUT_SECONDS
    )


def configured() -> bool:
    """Whether this installation has a Slack app (client id, secret and signing secret)."""
    return bool(
        settings.MENTORWISE_SLACK_CLIENT_ID
        and settings.MENTORWISE_SLACK_CLIENT_SECRET
        and settings.MENTORWISE_SLACK_SIGNING_SECRET
    )
