"""The relationship itself: who, since when, its agreement (versioned) and its timeline."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentorwise.core.clock import fill_when
from mentorwise.programs.models import Role, pair_side_role


class RelationshipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class ClosureKind(models.TextChoices):
    PLANNED = "planned", _("Planned (program end)")
    EARLY = "early", _("Early")


class Side(models.TextChoices):
    """Which side of the pair an actor is on (the mentor side includes sponsors and coaches)."""

    MENTEE = "mentee", _("Mentee")
    MENTOR = "mentor", _("Mentor")


class Relationship(models.Model):
    """An accepted match between a mentee and a mentor (or sponsor/coach) in a program."""

    match = models.OneToOneField(
        "matches.Match", on_delete=models.PROTECT, related_name="relationship"
    )
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="relationships"
    )
    mentee = models.ForeignKey(
        "programs.Enrollment", on_delete=models.CASCADE, related_name="relationships_as_mentee"
    )
    mentor = models.ForeignKey(
        "programs.Enrollment", on_delete=models.CASCADE, related_name="relationships_as_mentor"
    )
    status = models.CharField(
        max_length=10, choices=RelationshipStatus.choices, default=RelationshipStatus.ACTIVE
    )
    started_at = models.DateTimeField(default=timezone.now)
    planned_end_date = models.DateField(null=True, blank=True)
    last_meeting_at = models.DateTimeField(
        null=True, blank=True, help_text="When the last held meeting took place (for health)."
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closure_kind = models.CharField(max_length=10, choices=ClosureKind.choices, blank=True)
    closure_reason = models.TextField(blank=True)
    rematch_requested = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["program", "status"]),
            models.Index(fields=["mentor", "status"]),
            models.Index(fields=["mentee", "status"]),
        ]

    def __str__(self) -> str:
        return f"Relationship #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status == RelationshipStatus.ACTIVE

    def side_role(self, side: str) -> Role:
        """The role that names `side` of this pair for its readers (`pair_side_role`): peer
        on both sides of a peer program; else mentee, and mentor, sponsor or coach."""
        enrolled_as = self.mentor.role if side == Side.MENTOR else self.mentee.role
        return pair_side_role(self.program, side, enrolled_as)

    @property
    def mentee_role(self) -> Role:
        return self.side_role(Side.MENTEE)

    @property
    def mentor_role(self) -> Role:
        return self.side_role(Side.MENTOR)


class EventKind(models.TextChoices):
    STARTED = "started", _("Started")
    AGREEMENT_CHANGED = "agreement_changed", _("Agreement changed")
    AGREEMENT_CONFIRMED = "agreement_confirmed", _("Agreement confirmed")
    GOAL_ADDED = "goal_added", _("Goal added")
    GOAL_CHANGED = "goal_changed", _("Goal changed")
    MILESTONE = "milestone", _("Milestone")
    MEETING_SCHEDULED = "meeting_scheduled", _("Meeting scheduled")
    MEETING_RESCHEDULED = "meeting_rescheduled", _("Meeting rescheduled")
    MEETING_CANCELLED = "meeting_cancelled", _("Meeting cancelled")
    MEETING_LOGGED = "meeting_logged", _("Meeting logged")
    CHECK_IN = "check_in", _("Check-in")
    SURVEY = "survey", _("Survey answered")
    SPONSORSHIP = "sponsorship", _("Sponsorship action")
    REMINDER = "reminder", _("Reminder sent")
    CLOSED = "closed", _("Closed")


class RelationshipEvent(models.Model):
    """One entry of the relationship's timeline: who changed what, and when.

    Texts never quote private notes, survey answers or safety reports: the timeline is
    shown to both people and to the program's managers.
    """

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    # The entry as a message and its values, written in each reader's language when read
    # (relationships/timeline.py); `text` is the same in English ("" message: older entries).
    message = models.CharField(max_length=40, blank=True)
    values = models.JSONField(default=dict, blank=True)
    text = models.CharField(max_length=300)
    # The moment a `{when}` in the text names (a meeting's time): filled in when the entry is
    # read, in the reader's own time zone, so two people in two zones both read it right.
    at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.text}"

    @property
    def shown_text(self) -> str:
        """The entry in the reader's language (its `{when}` still to fill)."""
        from mentorwise.relationships.timeline import entry_text  # the timeline reads models

        return entry_text(self.message, self.values, self.text) if self.message else self.text

    def text_in(self, zone: Any) -> str:
        """The entry in the reader's language with its `{when}` written in `zone`."""
        return fill_when(self.shown_text, self.at, zone)


class Agreement(models.Model):
    """The pair's kick-off agreement; its content lives in numbered versions."""

    relationship = models.OneToOneField(
        Relationship, on_delete=models.CASCADE, related_name="agreement"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Agreement of relationship #{self.relationship_id}"

    @property
    def current(self) -> AgreementVersion | None:
        """The newest version; None for an agreement whose versions were never written."""
        return self.versions.order_by("-number").first()


class AgreementVersion(models.Model):
    """One version of an agreement; any change is a new version that both confirm again."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    # The language its program terms were written in (agreement_from_program); "" before.
    language = models.CharField(max_length=10, blank=True)
    program_objectives = models.TextField(blank=True)
    mentee_responsibilities = models.TextField(blank=True)
    mentor_responsibilities = models.TextField(blank=True)
    pair_objectives = models.TextField(blank=True)
    meeting_cadence_days = models.PositiveSmallIntegerField(default=30)
    confidentiality = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    mentee_confirmed_at = models.DateTimeField(null=True, blank=True)
    mentor_confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="one_agreement_number")
        ]

    def __str__(self) -> str:
        return f"Agreement #{self.agreement_id} v{self.number}"

    @property
    def is_confirmed(self) -> bool:
        return self.mentee_confirmed_at is not None and self.mentor_confirmed_at is not None
