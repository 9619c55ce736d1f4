"""What the dispatcher records: each notification to a person, each person's channels per
kind and quiet hours, and each channel's circuit breaker (shared by every worker process)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from mentorwise.messaging.contract import Kind

KIND_CHOICES = [
    (Kind.MATCH_OFFER.value, gettext_lazy("Match offers")),
    (Kind.MATCH_UPDATE.value, gettext_lazy("Match updates")),
    (Kind.MEETING.value, gettext_lazy("Meetings")),
    (Kind.NUDGE.value, gettext_lazy("Reminders")),
    (Kind.CHECKIN.value, gettext_lazy("Check-in prompts")),
    (Kind.SURVEY.value, gettext_lazy("Feedback surveys")),
    (Kind.RELATIONSHIP.value, gettext_lazy("Relationship changes")),
    (Kind.SAFETY.value, gettext_lazy("Safety reports")),
    (Kind.PROGRAM.value, gettext_lazy("Program communications")),
]


class Status(models.TextChoices):
    PENDING = "pending", gettext_lazy("Waiting to be sent")
    SENDING = "sending", gettext_lazy("Being sent")
    HELD = "held", gettext_lazy("Held (quiet hours, snoozed or retrying)")
    SENT = "sent", gettext_lazy("Sent")
    FAILED = "failed", gettext_lazy("Failed on every channel")
    SKIPPED = "skipped", gettext_lazy("Not sent (switched off)")


class Notification(models.Model):
    """One message to one person; delivered after the transaction that recorded it commits,
    on the channels the person chose for its kind, at most once per channel."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=24, choices=KIND_CHOICES)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=500, blank=True)
    # The address e-mail goes to when not the person's own (a login's address); blank: theirs.
    address = models.EmailField(max_length=254, blank=True)
    essential = models.BooleanField(default=False)
    # [{"kind", "target", "label", "value", "style"}]: contract.Action as JSON.
    actions = models.JSONField(default=list, blank=True)
    # [[file name, content, MIME type]]: sent by e-mail only (e.g. a meeting's .ics).
    attachments = models.JSONField(default=list, blank=True)
    # The program it belongs to, if any. A plain id, not a foreign key: messaging sits below
    # programs in the layers (and a notification outlives nothing it points at).
    program_id = models.PositiveBigIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Not to be delivered before this moment (quiet hours, a snooze, a retry's backoff).
    due_at = models.DateTimeField(null=True, blank=True)
    # When a worker claimed it (a claim older than a few minutes is taken over).
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    # Channels still to deliver on (chosen at the first attempt) and those that took it.
    channels_pending = models.JSONField(default=list, blank=True)
    channels_sent = models.JSONField(default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="notification_due_idx"),
            models.Index(fields=["person", "-created_at"], name="notification_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.person_id}"


class ChannelPreference(models.Model):
    """A person's channels for one kind of notification; no row means e-mail.

    An empty list switches the kind off (refused for essential kinds, and essential notices
    of any kind still reach the person by e-mail)."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="channel_preferences"
    )
    kind = models.CharField(max_length=24, choices=KIND_CHOICES)
    channels = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {', '.join(self.channels) or '-'}"


class QuietHours(models.Model):
    """When a person wants no non-essential message, as wall-clock times in their own time
    zone (Person.time_zone); `end` before `start` spans midnight."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="quiet_hours"
    )
    start = models.TimeField()
    end = models.TimeField()
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


class CircuitBreaker(models.Model):
    """One channel's health, shared by every worker: open after consecutive transient
    failures (sends are skipped and retried later), half-open after a cool-off."""

    channel = models.CharField(max_length=32, primary_key=True)
    failures = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.channel}: {'open' if self.opened_at else 'closed'}"
