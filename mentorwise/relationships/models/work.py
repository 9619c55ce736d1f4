"""The pair's work: goals with milestones, meetings, private notes."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mentorwise.relationships.models.relationship import Relationship


class GoalStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("goal status", "Open")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class Goal(models.Model):
    """A SMART development goal of the mentee, with progress 0–100."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200)
    specific = models.TextField(blank=True, help_text="What exactly will be achieved.")
    measurable = models.TextField(blank=True, help_text="How progress is measured.")
    achievable = models.TextField(blank=True, help_text="Why it is realistic.")
    relevant = models.TextField(blank=True, help_text="Why it matters now.")
    target_date = models.DateField(null=True, blank=True, help_text="Time-bound: when.")
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    achieved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["status", "target_date", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="goal_progress_max")
        ]

    def __str__(self) -> str:
        return f"Goal #{self.pk}"


class Milestone(models.Model):
    """A step towards a goal."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_date = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"Milestone #{self.pk}"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class ConversationType(models.TextChoices):
    MENTORING = "mentoring", _("Mentoring")
    COACHING = "coaching", _("Coaching")
    SPONSORSHIP = "sponsorship", _("Sponsorship")


def _new_uid() -> str:
    return f"{uuid.uuid4()}@mentorwise"


class Meeting(models.Model):
    """A meeting of the pair: scheduled (with a calendar invitation), then logged as held."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="meetings"
    )
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    # RFC 5545: the UID stays the same for the life of the event; SEQUENCE grows with
    # each reschedule so calendars replace the old invitation instead of adding one.
    uid = models.CharField(max_length=80, unique=True, default=_new_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    location = models.CharField(max_length=300, blank=True, help_text="A place or a video link.")
    conversation_type = models.CharField(
        max_length=12, choices=ConversationType.choices, default=ConversationType.MENTORING
    )
    topics = models.CharField(max_length=300, blank=True)
    shared_notes = models.TextField(blank=True, help_text="Notes both people read.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    logged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["relationship", "status", "starts_at"])]

    def __str__(self) -> str:
        return f"Meeting #{self.pk}"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)


class PrivateNote(models.Model):
    """A meeting note only its author ever reads (no admin, manager or export path)."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="private_notes"
    )
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="private_notes")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["author", "meeting"], name="one_private_note_per_author"
            )
        ]

    def __str__(self) -> str:
        # Never the text: this string lands in the audit log.
        return f"Private note #{self.pk}"
