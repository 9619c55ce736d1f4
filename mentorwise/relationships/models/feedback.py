"""How the relationship is going: check-ins, surveys, sponsorship actions, safety reports."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from mentorwise.core.content import LocalizedText, localized, shipped_translation
from mentorwise.relationships.models.relationship import Relationship, Side


class CheckIn(models.Model):
    """A short periodic pulse (1–5 and a comment) from one side of the pair."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="check_ins"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    side = models.CharField(max_length=10, choices=Side.choices)
    pulse = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pulse__gte=1, pulse__lte=5), name="check_in_pulse_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"Check-in #{self.pk}"


class SurveyKind(models.TextChoices):
    MIDPOINT = "midpoint", _("Midpoint survey")
    CLOSING = "closing", _("Closing survey")


class Survey(models.Model):
    """A program's midpoint or closing survey with its questions.

    questions: [{"key": "satisfaction", "label": "...", "type": "scale", "min": 1, "max": 5}]
    with type scale (a whole number from min to max) or text.
    """

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="surveys"
    )
    kind = models.CharField(max_length=10, choices=SurveyKind.choices)
    questions = models.JSONField(default=list)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "kind"], name="one_survey_kind_per_program")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.program}"

    def question_label(self, question: dict[str, Any]) -> LocalizedText:
        """A question as the reader gets it: translated, or in the program's language."""
        label = localized(
            self, f"questions.{question['key']}.label", question["label"], self.program.language
        )
        if self.pk is None and not label.translated:  # the default questions, not saved yet
            language = translation.get_language() or label.lang
            shipped = shipped_translation(question["label"], language)
            if shipped is not None and language != label.lang:
                return LocalizedText(shipped, language, translated=True)
        return label

    @property
    def reader_questions(self) -> list[dict[str, Any]]:
        """Its questions with each label in the reader's language."""
        return [{**q, "label": self.question_label(q)} for q in self.questions]


class SurveyResponse(models.Model):
    """One person's answers to a survey about one relationship."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="survey_responses"
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    side = models.CharField(max_length=10, choices=Side.choices)
    answers = models.JSONField(default=dict)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "relationship", "side"], name="one_survey_response_per_side"
            )
        ]

    def __str__(self) -> str:
        return f"Survey response #{self.pk}"


class SponsorshipKind(models.TextChoices):
    STRETCH_ASSIGNMENT = "stretch_assignment", _("Stretch assignment")
    PROMOTION = "promotion", _("Promotion nomination")
    VISIBLE_PROJECT = "visible_project", _("Visible project")
    INTRODUCTION = "introduction", _("Introduction")
    OTHER = "other", _("Other")


class SponsorshipOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    NOT_SUCCEEDED = "not_succeeded", _("Did not succeed")


class SponsorshipAction(models.Model):
    """Advocacy a sponsor (or mentor) did for the protégé, and how it turned out."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="sponsorship_actions"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=SponsorshipKind.choices)
    description = models.TextField()
    outcome = models.CharField(
        max_length=14, choices=SponsorshipOutcome.choices, default=SponsorshipOutcome.PENDING
    )
    outcome_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Sponsorship action #{self.pk}"


class SafetyCategory(models.TextChoices):
    CONDUCT = "conduct", _("Conduct")
    NO_SHOWS = "no_shows", _("No-shows")
    CONFLICT_OF_INTEREST = "conflict_of_interest", _("Conflict of interest")
    OTHER = "other", _("Other")


class SafetyStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_REVIEW = "in_review", _("In review")
    RESOLVED = "resolved", _("Resolved")


class SafetyReport(models.Model):
    """A confidential report about a relationship: read by the reporter and by the program's
    managers and HR admins who are not in the relationship (`permissions.can_oversee`)."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="safety_reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.CharField(max_length=24, choices=SafetyCategory.choices)
    description = models.TextField()
    status = models.CharField(
        max_length=10, choices=SafetyStatus.choices, default=SafetyStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Safety report #{self.pk}"


class SafetyReportNote(models.Model):
    """How a manager handled a safety report (one entry per step)."""

    report = models.ForeignKey(SafetyReport, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=SafetyStatus.choices)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Safety report note #{self.pk}"
