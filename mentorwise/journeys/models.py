"""Journeys: a program's timeline of steps from a relationship's start, and steps done."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy


class StepKind(models.TextChoices):
    TASK = "task", gettext_lazy("Task")
    TIP = "tip", gettext_lazy("Tip")
    RESOURCE = "resource", gettext_lazy("Resource")
    GUIDE = "guide", gettext_lazy("Conversation guide")


class GuideType(models.TextChoices):
    """The three developmental conversations (DESIGN.md, "Journey")."""

    COACHING = "coaching", gettext_lazy("Coaching conversation")
    MENTORING = "mentoring", gettext_lazy("Mentoring conversation")
    SPONSORING = "sponsoring", gettext_lazy("Sponsoring conversation")


class OffsetUnit(models.TextChoices):
    DAYS = "days", gettext_lazy("days")
    WEEKS = "weeks", gettext_lazy("weeks")
    MONTHS = "months", gettext_lazy("months")


class Journey(models.Model):
    """A program's journey: exists once the program's steps were copied from its template
    (then program managers own them; an empty journey stays empty)."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="journey"
    )
    template_key = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Journey of {self.program}"


class JourneyStep(models.Model):
    """One step of a journey, due `offset` after a relationship's start.

    `added_at` decides which relationships a step added later applies to (journeys/progress.py,
    `step_applies`); a removed step keeps its row (and the pairs' records of it) but no
    longer shows or counts anywhere.
    """

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=StepKind.choices, default=StepKind.TASK)
    offset_value = models.PositiveSmallIntegerField(default=0)
    offset_unit = models.CharField(
        max_length=6, choices=OffsetUnit.choices, default=OffsetUnit.WEEKS
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    guide_type = models.CharField(max_length=12, choices=GuideType.choices, blank=True)
    # The questions of a conversation guide, in order: ["What ...?", ...].
    questions = models.JSONField(default=list, blank=True)
    url = models.URLField(max_length=500, blank=True)
    # When an editor added it; None for the steps the journey was copied with (they were
    # there from the start and apply to every relationship).
    added_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["journey", "removed_at", "position"])]

    def __str__(self) -> str:
        return self.title


class StepCompletion(models.Model):
    """A step marked done in one relationship, by either person of the pair (recorded)."""

    relationship = models.ForeignKey(
        "relationships.Relationship", on_delete=models.CASCADE, related_name="journey_steps_done"
    )
    step = models.ForeignKey(JourneyStep, on_delete=models.CASCADE, related_name="completions")
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["done_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["relationship", "step"], name="one_completion_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.step} done in relationship #{self.relationship_id}"
