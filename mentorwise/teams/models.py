"""Microsoft Teams: for each person who installed the bot or wrote to it, the conversation
reference a proactive message needs (service URL, conversation, their Teams user).

Nothing else about the person is kept; the bot's password is in the settings, not here.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class TeamsMember(models.Model):
    """A person's personal chat with the bot: where their cards are sent."""

    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="+")
    teams_user_id = models.CharField(max_length=200, unique=True)
    aad_object_id = models.CharField(max_length=64, blank=True)
    tenant_id = models.CharField(max_length=64, blank=True)
    service_url = models.URLField(max_length=300)
    conversation_id = models.CharField(max_length=300)
    bot_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.conversation_id[:20]}"
