"""Slack: the workspaces the app is installed in, who is who there, and the interaction
requests already seen (replay protection).

A workspace's bot token is sealed (core.sealed) and never shown, logged, audited or
exported. A workspace the app was removed from on Slack's side (Slack's `app_uninstalled`
or `tokens_revoked` event) stays listed as disconnected, with when and why, its token wiped
and its mappings forgotten, until an HR admin installs the app again or forgets it.

A member row maps a person to their Slack user by e-mail; a row with an empty
`slack_user_id` remembers that the e-mail is not on that workspace (so it is not looked up
on every send).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Removal(models.TextChoices):
    """Why Slack disconnected a workspace (the event Slack sent)."""

    APP_UNINSTALLED = "app_uninstalled", _("the app was removed from the workspace in Slack")
    TOKENS_REVOKED = "tokens_revoked", _("the bot's token was revoked in Slack")


class SlackWorkspaceQuerySet(models.QuerySet["SlackWorkspace"]):
    def installed(self) -> SlackWorkspaceQuerySet:
        """Workspaces the app can act in (not disconnected from Slack's side)."""
        return self.filter(removed_at__isnull=True)


class SlackWorkspace(models.Model):
    """One Slack workspace (team) the app is installed in, with its sealed bot token; or,
    with `removed_at`, one Slack disconnected (no token, nobody reachable there)."""

    team_id = models.CharField(max_length=32, unique=True)
    team_name = models.CharField(max_length=200)
    app_id = models.CharField(max_length=32, blank=True)
    bot_user_id = models.CharField(max_length=32, blank=True)
    scopes = models.CharField(max_length=500, blank=True)
    token_sealed = models.TextField(editable=False)
    installed_by_label = models.CharField(max_length=200, blank=True)
    installed_at = models.DateTimeField(default=timezone.now)
    members_refreshed_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.CharField(max_length=20, choices=Removal.choices, blank=True)

    objects = SlackWorkspaceQuerySet.as_manager()

    class Meta:
        ordering = ["team_name", "id"]

    def __str__(self) -> str:
        return f"{self.team_name} ({self.team_id})"


class SlackMember(models.Model):
    """A person's Slack user on one workspace, found by their e-mail (blank: not there)."""

    workspace = models.ForeignKey(SlackWorkspace, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    slack_user_id = models.CharField(max_length=32, blank=True)
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "person"], name="slack_member_once"),
            models.UniqueConstraint(
                fields=["workspace", "slack_user_id"],
                condition=~models.Q(slack_user_id=""),
                name="slack_user_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} = {self.slack_user_id or '-'} on {self.workspace_id}"


class SlackSeenRequest(models.Model):
    """A signed interaction request already handled: the same signature again is a replay.
    Rows older than the signature window are pruned (a stale timestamp is refused anyway)."""

    signature = models.CharField(max_length=100, unique=True)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.signature[:16]
