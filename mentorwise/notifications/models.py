"""Nudges: reminders about what is due or stalled, each sent once per cause."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy


class NudgeKind(models.TextChoices):
    AGREEMENT_UNCONFIRMED = "agreement_unconfirmed", gettext_lazy("Agreement to confirm")
    NO_RECENT_MEETING = "no_recent_meeting", gettext_lazy("No recent meeting")
    STALLED_FLAG = "stalled_flag", gettext_lazy("Stalled relationship")
    CLOSURE_WARNING = "closure_warning", gettext_lazy("Relationship will be closed")
    AUTO_CLOSED = "auto_closed", gettext_lazy("Relationship closed")
    SURVEY_DUE = "survey_due", gettext_lazy("Survey due")
    ANSWER_WAITING = "answer_waiting", gettext_lazy("Answer waiting")
    TRAINING_INCOMPLETE = "training_incomplete", gettext_lazy("Training to complete")
    CHECKIN_DUE = "checkin_due", gettext_lazy("Check-in due")
    JOURNEY_STEP_DUE = "journey_step_due", gettext_lazy("Journey step due")
    MEETING_REMINDER = "meeting_reminder", gettext_lazy("Meeting reminder")


class Delivery(models.TextChoices):
    PENDING = "pending", gettext_lazy("Not sent yet")
    EMAILED = "emailed", gettext_lazy("Emailed")
    IN_APP = "in_app", gettext_lazy("In the app only (muted)")


class Nudge(models.Model):
    """One reminder for one person; (person, cause) is unique, so no cause nudges twice."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="nudges")
    kind = models.CharField(max_length=24, choices=NudgeKind.choices)
    cause = models.CharField(max_length=160, help_text="What this nudge is about, as a key.")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    essential = models.BooleanField(
        default=False, help_text="Essential nudges are sent even to people who muted nudges."
    )
    program = models.ForeignKey(
        "programs.Program", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    relationship = models.ForeignKey(
        "relationships.Relationship",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="nudges",
    )
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.PENDING)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "cause"], name="one_nudge_per_cause")
        ]
        indexes = [models.Index(fields=["delivery"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.person}"


class NudgeSettings(models.Model):
    """A person's choice to receive only essential nudges by email."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="nudge_settings"
    )
    mute_non_essential = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Nudge settings of {self.person}"
