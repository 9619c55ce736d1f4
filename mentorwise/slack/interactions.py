"""Buttons pressed in Slack: the signed request Slack posts to /slack/interactions/.

Every request is checked before anything is read from it: Slack signs
`v0:<timestamp>:<body>` with the app's signing secret (HMAC-SHA256); the timestamp must be
within five minutes, and a signature already seen in that window is a replay and refused
(signatures are kept in SlackSeenRequest, pruned after the window). Then the Slack user is
mapped to their person and login, and the button is done through the same services as the
web page (relationships.buttons) as that login. What was done replaces the buttons
(`chat.update`); a refusal is a polite message only the presser sees (`chat.postEphemeral`).
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from slack_sdk.errors import SlackClientError
from slack_sdk.signature import SignatureVerifier

from mentorwise.accounts.models import User
from mentorwise.core.errors import Forbidden, MentorwiseError, NotFound
from mentorwise.core.languages import speaking_to
from mentorwise.messaging.contract import ActionKind
from mentorwise.relationships.buttons import button_press
from mentorwise.slack.blocks import action_parse, after_action
from mentorwise.slack.client import web_client
from mentorwise.slack.models import SlackMember, SlackSeenRequest, SlackWorkspace
from mentorwise.slack.services import SlackProblem, workspace_token

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 5 * 60


class Refused(Exception):
    """The request is not from Slack, or too old, or a replay: `status` says which."""

    def __init__(self, reason: str, status: int) -> None:
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True)
class Outcome:
    """What a request did, for the tests and the log (Slack reads none of it)."""

    done: str = ""
    refused: str = ""


def verify(*, body: bytes, timestamp: str, signature: str, now: float | None = None) -> None:
    """Raise Refused unless Slack signed this body within the window and it is new."""
    secret = settings.MENTORWISE_SLACK_SIGNING_SECRET
    if not secret:
        raise Refused("Slack is not configured here", 404)
    try:
        age = abs((now if now is not None else time.time()) - int(timestamp))
    except ValueError:
        raise Refused("bad timestamp", 401) from None
    if age > WINDOW_SECONDS:
        raise Refused("stale timestamp", 401)
    verifier = SignatureVerifier(secret)
    try:
        expected = verifier.generate_signature(timestamp=timestamp, body=body)
    except UnicodeDecodeError:
        # slack-sdk signs the decoded text; Slack's bodies are always UTF-8.
        raise Refused("the body is not UTF-8", 400) from None
    if not expected or not signature or not _same(expected, signature):
        raise Refused("bad signature", 401)
    cutoff = timezone.now() - dt.timedelta(seconds=2 * WINDOW_SECONDS)
    SlackSeenRequest.objects.filter(seen_at__lt=cutoff).delete()
    try:
        with transaction.atomic():
            SlackSeenRequest.objects.create(signature=signature[:100])
    except IntegrityError:
        raise Refused("replay", 409) from None


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def _payload(body: bytes) -> dict[str, Any]:
    try:
        raw = parse_qs(body.decode("utf-8")).get("payload", [""])[0]
        payload = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Refused("no payload", 400) from None
    if not isinstance(payload, dict):
        raise Refused("no payload", 400)
    return payload


def _login(workspace: SlackWorkspace, slack_user_id: str) -> User | None:
    member = (
        SlackMember.objects.select_related("person")
        .filter(workspace=workspace, slack_user_id=slack_user_id)
        .first()
    )
    if member is None:
        return None
    user = User.objects.filter(person=member.person).first()
    return user if user is not None and user.may_sign_in() else None


def interaction_handle(
    *, body: bytes, timestamp: str, signature: str, now: float | None = None
) -> Outcome:
    verify(body=body, timestamp=timestamp, signature=signature, now=now)
    payload = _payload(body)
    if payload.get("type") != "block_actions":
        return Outcome()
    team_id = str(_dict(payload.get("team")).get("id") or "")
    workspace = SlackWorkspace.objects.installed().filter(team_id=team_id).first()
    if workspace is None:
        return Outcome(refused="workspace not installed")
    slack_user_id = str(_dict(payload.get("user")).get("id") or "")
    channel = str(_dict(payload.get("container")).get("channel_id") or "") or str(
        _dict(payload.get("channel")).get("id") or ""
    )
    user = _login(workspace, slack_user_id)
    try:
        client = web_client(workspace_token(workspace))
    except SlackProblem:
        logger.warning("slack: the token of %s cannot be opened", workspace.team_id)
        return Outcome(refused="token cannot be opened")
    if user is None:
        text = _(
            "Sorry, this Slack account is not linked to anyone in Mentorwise (we match by "
            "e-mail address), so nothing was done."
        )
        _ephemeral(client, channel, slack_user_id, text)
        return Outcome(refused=text)
    outcome = Outcome()
    with speaking_to(user):
        actions = payload.get("actions")
        for action in actions if isinstance(actions, list) else []:
            parsed = action_parse(str(_dict(action).get("action_id") or ""))
            if parsed is None or parsed[0] == ActionKind.OPEN:
                continue
            kind, target, value = parsed
            try:
                done = button_press(actor=user, kind=kind, target=target, value=value)
            except (NotFound, Forbidden):
                text = _(
                    "Sorry, this is not yours to answer, or it no longer exists: nothing was done."
                )
                _ephemeral(client, channel, slack_user_id, text)
                outcome = Outcome(refused=text)
                continue
            except MentorwiseError as error:
                text = _("Nothing was done: %(reason)s") % {"reason": error.message}
                _ephemeral(client, channel, slack_user_id, text)
                outcome = Outcome(refused=text)
                continue
            _update(client, payload, done)
            outcome = Outcome(done=done)
    return outcome


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _ephemeral(client: Any, channel: str, slack_user_id: str, text: str) -> None:
    try:
        client.chat_postEphemeral(channel=channel, user=slack_user_id, text=text)
    except SlackClientError:
        logger.warning("slack: could not post an ephemeral answer", exc_info=True)


def _update(client: Any, payload: dict[str, Any], done: str) -> None:
    message = _dict(payload.get("message"))
    container = _dict(payload.get("container"))
    channel = str(container.get("channel_id") or _dict(payload.get("channel")).get("id") or "")
    ts = str(container.get("message_ts") or message.get("ts") or "")
    given = message.get("blocks")
    blocks = after_action(
        [b for b in given if isinstance(b, dict)] if isinstance(given, list) else [], done
    )
    try:
        client.chat_update(channel=channel, ts=ts, text=done, blocks=blocks)
    except SlackClientError:
        logger.warning("slack: could not update the message after an action", exc_info=True)
