"""Slack use cases: install the app in a workspace (OAuth v2), remove it (the token is
revoked), note its removal on Slack's side (an event), map people to Slack users by e-mail,
and send one direct message.

The bot token is sealed (core.sealed) and never put in a message, log line or audit entry.
Network calls happen outside database transactions.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from mentorwise.accounts.actors import Actor
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import MentorwiseError
from mentorwise.core.sealed import CannotOpen, seal, unseal
from mentorwise.messaging.contract import ChannelError, Message
from mentorwise.people.models import Person, employed_on
from mentorwise.slack.blocks import message_payload
from mentorwise.slack.client import PERMANENT_ERRORS, web_client
from mentorwise.slack.models import Removal, SlackMember, SlackWorkspace
from mentorwise.slack.permissions import require_can_manage

logger = logging.getLogger(__name__)

# What the bot may do: write messages, open direct messages, and find people by e-mail.
BOT_SCOPES = ("chat:write", "im:write", "users:read", "users:read.email")
# A mapping older than this is looked up again when a message is sent.
MEMBER_FRESH_DAYS = 7


class SlackProblem(MentorwiseError):
    """Slack refused or could not be reached; the message says which call and why."""


def _error_code(error: SlackClientError) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error", "") or "error")
    return type(error).__name__


def workspace_token(workspace: SlackWorkspace) -> str:
    try:
        return unseal(workspace.token_sealed)
    except CannotOpen as error:
        raise SlackProblem(
            _(
                "The Slack token cannot be opened with the configured encryption keys "
                "(MENTORWISE_ENCRYPTION_KEYS): install the app again."
            ),
            code="slack_token_sealed",
        ) from error


# Installing and removing ----------------------------------------------------------------


def workspace_install(*, actor: Actor, code: str, redirect_uri: str) -> SlackWorkspace:
    """Trade the OAuth code for a bot token (`oauth.v2.access`) and keep the workspace.
    Installing again in the same workspace replaces its token."""
    require_can_manage(actor)
    try:
        answer = web_client().oauth_v2_access(
            client_id=settings.MENTORWISE_SLACK_CLIENT_ID,
            client_secret=settings.MENTORWISE_SLACK_CLIENT_SECRET,
            code=code,
            redirect_uri=redirect_uri,
        )
    except SlackClientError as error:
        raise SlackProblem(
            _("Slack did not complete the installation (%(error)s).")
            % {"error": _error_code(error)},
            code="slack_oauth",
        ) from error
    team = answer.get("team") or {}
    token = str(answer.get("access_token") or "")
    if not token or not team.get("id") or answer.get("token_type", "bot") != "bot":
        raise SlackProblem(_("Slack answered without a bot token."), code="slack_oauth")
    with transaction.atomic():
        workspace, created = SlackWorkspace.objects.update_or_create(
            team_id=str(team["id"]),
            defaults={
                "team_name": str(team.get("name") or team["id"])[:200],
                "app_id": str(answer.get("app_id") or "")[:32],
                "bot_user_id": str(answer.get("bot_user_id") or "")[:32],
                "scopes": str(answer.get("scope") or "")[:500],
                "token_sealed": seal(token),
                "installed_by_label": actor.get_username() if actor is not None else "system",
                "installed_at": timezone.now(),
                "removed_at": None,
                "removed_reason": "",
            },
        )
        audit_record(
            actor=actor,
            action="slack.installed" if created else "slack.reinstalled",
            target=workspace,
            data={"team": workspace.team_id, "scopes": workspace.scopes},
        )
    return workspace


def workspace_uninstall(*, actor: Actor, workspace: SlackWorkspace) -> None:
    """Revoke the bot token (`auth.revoke`) and forget the workspace and its mappings. A
    token Slack no longer knows is forgotten all the same."""
    require_can_manage(actor)
    try:
        web_client(workspace_token(workspace)).auth_revoke()
    except SlackApiError as error:
        if _error_code(error) not in PERMANENT_ERRORS:
            raise SlackProblem(
                _("Slack did not revoke the token (%(error)s): try again.")
                % {"error": _error_code(error)},
                code="slack_revoke",
            ) from error
    except SlackClientError as error:
        raise SlackProblem(
            _("Slack could not be reached to revoke the token (%(error)s): try again.")
            % {"error": _error_code(error)},
            code="slack_revoke",
        ) from error
    except SlackProblem:
        pass  # a token no key opens cannot be revoked by us; it is forgotten
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="slack.uninstalled",
            target=workspace,
            data={"team": workspace.team_id},
        )
        workspace.delete()


def workspace_disconnected(*, team_id: str, reason: Removal) -> SlackWorkspace | None:
    """Slack said (a signed event) that the app was removed from the workspace or its bot
    token revoked: wipe the token, forget who is who there and keep the workspace listed as
    disconnected, with when and why. The actor is Slack itself (the system). None for a
    team not installed here; a workspace already disconnected is left as it is."""
    with transaction.atomic():
        workspace = (
            SlackWorkspace.objects.select_for_update().installed().filter(team_id=team_id).first()
        )
        if workspace is None:
            return None
        workspace.token_sealed = ""
        workspace.removed_at = timezone.now()
        workspace.removed_reason = reason
        workspace.save(update_fields=["token_sealed", "removed_at", "removed_reason"])
        forgotten, _kinds = SlackMember.objects.filter(workspace=workspace).delete()
        audit_record(
            actor=None,
            action="slack.removed_in_slack",
            target=workspace,
            data={"team": workspace.team_id, "reason": reason.value, "forgotten": forgotten},
        )
    return workspace


# People ---------------------------------------------------------------------------------


def _lookup(workspace: SlackWorkspace, token: str, person: Person) -> str:
    """The person's Slack user id on the workspace by e-mail; "" when not there."""
    try:
        answer = web_client(token).users_lookupByEmail(email=person.email)
    except SlackApiError as error:
        if _error_code(error) == "users_not_found":
            return ""
        raise
    user = answer.get("user") or {}
    if user.get("deleted") or user.get("is_bot"):
        return ""
    return str(user.get("id") or "")


def _remember(workspace: SlackWorkspace, person_id: int, slack_user_id: str) -> None:
    with transaction.atomic():
        _remember_many(workspace, [(person_id, slack_user_id)])


@dataclass(frozen=True)
class RefreshResult:
    checked: int
    found: int


def _directory(token: str) -> dict[str, str]:
    """E-mail (lower case) -> Slack user id of every active human member (`users.list`,
    200 a page; rate limits are waited out as Slack asks)."""
    client = web_client(token)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=5))
    found: dict[str, str] = {}
    cursor = ""
    while True:
        page = client.users_list(limit=200, cursor=cursor or None)
        for member in page.get("members") or []:
            if member.get("deleted") or member.get("is_bot") or member.get("id") == "USLACKBOT":
                continue
            email = str((member.get("profile") or {}).get("email") or "").strip().lower()
            if email and member.get("id"):
                found[email] = str(member["id"])
        cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "")
        if not cursor:
            return found


def members_refresh(
    *, actor: Actor, workspace: SlackWorkspace, people: Iterable[Person] | None = None
) -> RefreshResult:
    """Keep who is who on the workspace. Every employed person (the default) is matched
    against the workspace's member list (`users.list`: a few calls for thousands of people);
    the people given are looked up one by one (`users.lookupByEmail`)."""
    require_can_manage(actor)
    if workspace.removed_at is not None:
        raise SlackProblem(
            _("Slack disconnected %(team)s: add the app to the workspace again first.")
            % {"team": workspace.team_name},
            code="slack_disconnected",
        )
    token = workspace_token(workspace)
    try:
        if people is None:
            directory = _directory(token)
            everyone = Person.objects.filter(
                employed_on(timezone.localdate()), erased_at__isnull=True
            ).values_list("pk", "email")
            pairs = [(pk, directory.get(email.lower(), "")) for pk, email in everyone]
        else:
            pairs = [(person.pk, _lookup(workspace, token, person)) for person in people]
    except SlackClientError as error:
        raise SlackProblem(
            _("Slack did not answer the look-up (%(error)s): try again later.")
            % {"error": _error_code(error)},
            code="slack_refresh",
        ) from error
    with transaction.atomic():
        _remember_many(workspace, pairs)
        SlackWorkspace.objects.filter(pk=workspace.pk).update(members_refreshed_at=timezone.now())
        found = sum(1 for _, slack_user_id in pairs if slack_user_id)
        audit_record(
            actor=actor,
            action="slack.members_refreshed",
            target=workspace,
            data={"checked": len(pairs), "found": found},
        )
    return RefreshResult(checked=len(pairs), found=found)


def _remember_many(workspace: SlackWorkspace, pairs: list[tuple[int, str]]) -> None:
    """Write many (person, Slack user) pairs at once; a Slack user claimed twice (two
    records with one e-mail in different case) goes to the first only."""
    now = timezone.now()
    claimed: set[str] = set()
    wanted: dict[int, str] = {}
    for person_id, slack_user_id in pairs:
        if slack_user_id in claimed:
            slack_user_id = ""
        if slack_user_id:
            claimed.add(slack_user_id)
        wanted[person_id] = slack_user_id
    existing = {m.person_id: m for m in SlackMember.objects.filter(workspace=workspace)}
    # Free every Slack user that changes hands first (the unique constraint holds throughout).
    moving = {
        v for k, v in wanted.items() if v and (k not in existing or existing[k].slack_user_id != v)
    }
    SlackMember.objects.filter(workspace=workspace, slack_user_id__in=moving).update(
        slack_user_id=""
    )
    for member in existing.values():
        if member.slack_user_id in moving:
            member.slack_user_id = ""
    changed: list[SlackMember] = []
    new: list[SlackMember] = []
    for person_id, slack_user_id in wanted.items():
        known = existing.get(person_id)
        if known is None:
            new.append(
                SlackMember(
                    workspace=workspace,
                    person_id=person_id,
                    slack_user_id=slack_user_id,
                    checked_at=now,
                )
            )
        else:
            known.slack_user_id, known.checked_at = slack_user_id, now
            changed.append(known)
    SlackMember.objects.bulk_update(changed, ["slack_user_id", "checked_at"], batch_size=1000)
    SlackMember.objects.bulk_create(new, batch_size=1000)


def reachable_people(person_ids: Collection[int]) -> set[int]:
    """People mapped to a Slack user on an installed workspace."""
    return set(
        SlackMember.objects.filter(person_id__in=person_ids, workspace__removed_at__isnull=True)
        .exclude(slack_user_id="")
        .values_list("person_id", flat=True)
    )


def member_for_person(person_id: int) -> SlackMember | None:
    return (
        SlackMember.objects.select_related("workspace")
        .filter(person_id=person_id, workspace__removed_at__isnull=True)
        .exclude(slack_user_id="")
        .order_by("workspace__installed_at")
        .first()
    )


# Sending --------------------------------------------------------------------------------


def _target(message: Message) -> tuple[SlackWorkspace, str, str]:
    """(workspace, token, Slack user id) for the message's person, looking them up by
    e-mail when not mapped yet or when the mapping is older than MEMBER_FRESH_DAYS."""
    workspaces = list(SlackWorkspace.objects.installed())
    if not workspaces:
        raise ChannelError("Slack is not installed", transient=False)
    stale = timezone.now() - dt.timedelta(days=MEMBER_FRESH_DAYS)
    known = {m.workspace_id: m for m in SlackMember.objects.filter(person_id=message.person_id)}
    for workspace in workspaces:
        member = known.get(workspace.pk)
        try:
            token = workspace_token(workspace)
        except SlackProblem:
            continue
        if member is not None and member.checked_at >= stale:
            if member.slack_user_id:
                return workspace, token, member.slack_user_id
            continue
        person = Person.objects.filter(pk=message.person_id).first()
        if person is None:
            break
        try:
            slack_user_id = _lookup(workspace, token, person)
        except SlackClientError as error:
            if member is not None and member.slack_user_id:
                return workspace, token, member.slack_user_id  # the old mapping will do
            raise ChannelError(
                f"users.lookupByEmail: {_error_code(error)}",
                transient=_error_code(error) not in PERMANENT_ERRORS,
            ) from error
        _remember(workspace, person.pk, slack_user_id)
        if slack_user_id:
            return workspace, token, slack_user_id
    raise ChannelError("the person is not on any installed Slack workspace", transient=False)


def message_send(message: Message) -> str:
    """Open a direct message with the person (`conversations.open`) and post the blocks
    (`chat.postMessage`); the provider id is "<channel>:<ts>"."""
    _, token, slack_user_id = _target(message)
    client = web_client(token)
    payload = message_payload(message)
    try:
        opened = client.conversations_open(users=slack_user_id)
        channel = str((opened.get("channel") or {}).get("id") or "")
        posted = client.chat_postMessage(
            channel=channel, text=payload["text"], blocks=payload["blocks"], unfurl_links=False
        )
    except SlackClientError as error:
        code = _error_code(error)
        raise ChannelError(f"Slack: {code}", transient=code not in PERMANENT_ERRORS) from error
    return f"{posted.get('channel') or channel}:{posted.get('ts')}"
