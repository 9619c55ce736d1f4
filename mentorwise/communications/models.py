"""A program's own e-mail texts, its broadcasts to a segment, and who asked for no more."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentorwise.programs.models import content_language_choices


class MessageTemplate(models.Model):
    """One program's wording of one message in one language (placeholders.py grammar).

    `key` is a standard message (catalog.STANDARD: replaces the built-in wording) or the
    slug of a free-form template the managers saved for broadcasts (`name` says which).
    """

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="message_templates"
    )
    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=120, blank=True)
    language = models.CharField(max_length=10, choices=content_language_choices)
    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=20_000)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["program", "key", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "key", "language"], name="one_template_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.language})"


class BroadcastStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Broadcast(models.Model):
    """A message a program's manager sent to a segment of its participants, with what the
    send did. `texts` holds each language's version ({"de": [subject, body]}) beside the
    default `subject` and `body`; recipients get theirs, else the default."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="broadcasts"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=20_000)
    texts = models.JSONField(default=dict, blank=True)
    essential = models.BooleanField(default=False)
    segment = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=BroadcastStatus.choices, default=BroadcastStatus.QUEUED
    )
    recipient_count = models.PositiveIntegerField(default=0)
    sent_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(
        default=0, help_text="Left out at send time: unsubscribed, left or erased since."
    )
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject

    @property
    def progress_percent(self) -> int:
        done = self.sent_count + self.skipped_count
        return 100 if not self.recipient_count else min(100, 100 * done // self.recipient_count)

    @property
    def is_running(self) -> bool:
        return self.status in (BroadcastStatus.QUEUED, BroadcastStatus.SENDING)


class BroadcastRecipient(models.Model):
    """One person a broadcast is for; `sent_at` once handed to the dispatcher (a send that
    resumes after a crash skips them), `skipped` when left out at send time."""

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="recipients")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    skipped = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["broadcast", "person"], name="one_receipt_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.broadcast_id}:{self.person_id}"


class Unsubscription(models.Model):
    """A person asked for no more non-essential messages from a program."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "program"], name="one_unsubscription")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.program_id}"
