"""Slack's Events API: the signed requests Slack posts to /slack/events/.

Every request is checked exactly as a button press is (interactions.verify: the signing
secret's HMAC of `v0:<timestamp>:<body>`, five minutes, replays refused) before its JSON is
read. Then:

- `url_verification` (Slack checking the Request URL when it is set): its `challenge` is
  answered;
- `app_uninstalled`, or `tokens_revoked` naming the bot's user among the revoked bot
  tokens, for an installed workspace: the workspace is disconnected at once
  (services.workspace_disconnected), instead of at the next send;
- anything else (other events, other teams): acknowledged and ignored, so Slack does not
  retry it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from mentorwise.slack.interactions import Refused, verify
from mentorwise.slack.models import Removal, SlackWorkspace
from mentorwise.slack.services import workspace_disconnected

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EventOutcome:
    """The answer to Slack (`challenge` for a URL verification) and what was done."""

    challenge: str | None = None
    disconnected: str = ""  # the team id disconnected


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _payload(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Refused("not a JSON event", 400) from None
    if not isinstance(payload, dict):
        raise Refused("not a JSON event", 400)
    return payload


def _team_id(payload: dict[str, Any]) -> str:
    team = payload.get("team_id")
    if isinstance(team, str) and team:
        return team
    authorizations = payload.get("authorizations")
    if isinstance(authorizations, list) and authorizations:
        return str(_dict(authorizations[0]).get("team_id") or "")
    return ""


def _bot_token_revoked(event: dict[str, Any], workspace: SlackWorkspace) -> bool:
    """Whether a `tokens_revoked` event names this workspace's bot token (Slack lists the
    user ids whose tokens were revoked; a bot token's is the bot user's)."""
    bots = _dict(event.get("tokens")).get("bot")
    if not isinstance(bots, list) or not bots:
        return False
    if not workspace.bot_user_id:
        return True  # installed before the bot user was kept: the app has one bot token
    return workspace.bot_user_id in [str(b) for b in bots]


def event_handle(
    *, body: bytes, timestamp: str, signature: str, now: float | None = None
) -> EventOutcome:
    verify(body=body, timestamp=timestamp, signature=signature, now=now)
    payload = _payload(body)
    kind = payload.get("type")
    if kind == "url_verification":
        challenge = payload.get("challenge")
        if not isinstance(challenge, str):
            raise Refused("no challenge", 400)
        return EventOutcome(challenge=challenge)
    if kind != "event_callback":
        return EventOutcome()
    event = _dict(payload.get("event"))
    team_id = _team_id(payload)
    workspace = SlackWorkspace.objects.installed().filter(team_id=team_id).first()
    if workspace is None:
        return EventOutcome()
    if event.get("type") == "app_uninstalled":
        reason = Removal.APP_UNINSTALLED
    elif event.get("type") == "tokens_revoked" and _bot_token_revoked(event, workspace):
        reason = Removal.TOKENS_REVOKED
    else:
        return EventOutcome()
    if workspace_disconnected(team_id=team_id, reason=reason) is None:
        return EventOutcome()
    logger.info("slack: %s disconnected the app (%s)", team_id, reason.value)
    return EventOutcome(disconnected=team_id)
