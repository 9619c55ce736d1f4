"""Circles: group relationships of a group program (one or two facilitators, 3–20 members)
with a shared agreement, shared goals, group meetings with attendance, member check-ins,
private notes, closure; and the circle matching runs that form them."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The size rules of a circle (DESIGN.md): members, and facilitators beside them.
MIN_MEMBERS = 3
MAX_MEMBERS = 20
MAX_FACILITATORS = 2


class CircleStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class CircleRole(models.TextChoices):
    FACILITATOR = "facilitator", _("Facilitator")
    MEMBER = "member", _("Member")


class Circle(models.Model):
    """A group relationship in a group program: its people are its current memberships."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="circles"
    )
    name = models.CharField(max_length=120)
    status = models.CharField(
        max_length=10, choices=CircleStatus.choices, default=CircleStatus.ACTIVE
    )
    started_at = models.DateTimeField(default=timezone.now)
    planned_end_date = models.DateField(null=True, blank=True)
    meeting_cadence_days = models.PositiveSmallIntegerField(default=30)
    # The shared agreement: one text, versioned by number; each participant confirms the
    # current number (CircleMembership.agreement_confirmed).
    agreement = models.TextField(blank=True)
    agreement_version = models.PositiveIntegerField(default=0)
    last_meeting_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closure_reason = models.TextField(blank=True)
    outcomes = models.TextField(blank=True, help_text="What the circle achieved, for the record.")
    run = models.ForeignKey(
        "circles.CircleRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["program", "status"])]

    def __str__(self) -> str:
        return f"Circle #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status == CircleStatus.ACTIVE


class CircleMembership(models.Model):
    """A person's place in a circle, as facilitator or member; `left_at` once moved out.

    A member is in at most one open circle of a program: `current` is true while the
    membership counts (not left, circle not closed), and the database holds one current
    member place per enrollment.
    """

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="memberships")
    enrollment = models.ForeignKey(
        "programs.Enrollment", on_delete=models.CASCADE, related_name="circle_memberships"
    )
    role = models.CharField(max_length=12, choices=CircleRole.choices)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    current = models.BooleanField(default=True)
    agreement_confirmed = models.PositiveIntegerField(
        default=0, help_text="The agreement version this person confirmed (0: none)."
    )

    class Meta:
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=Q(current=True, role="member"),
                name="one_current_circle_per_member",
            ),
            models.UniqueConstraint(
                fields=["circle", "enrollment"],
                condition=Q(left_at__isnull=True),
                name="one_place_per_circle",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} #{self.enrollment_id} in circle #{self.circle_id}"


class CircleGoalStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("goal status", "Open")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class CircleGoal(models.Model):
    """A goal the circle shares, with progress 0–100."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    status = models.CharField(
        max_length=10, choices=CircleGoalStatus.choices, default=CircleGoalStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["status", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="circle_goal_progress_max")
        ]

    def __str__(self) -> str:
        return f"Circle goal #{self.pk}"


class CircleMeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


def _new_uid() -> str:
    return f"{uuid.uuid4()}@mentorwise"


class CircleMeeting(models.Model):
    """A group meeting: one invitation to every participant, then attendance per member."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="meetings")
    status = models.CharField(
        max_length=10, choices=CircleMeetingStatus.choices, default=CircleMeetingStatus.SCHEDULED
    )
    # RFC 5545: one UID for the life of the event, SEQUENCE grows with each change.
    uid = models.CharField(max_length=80, unique=True, default=_new_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    location = models.CharField(max_length=300, blank=True)
    topic = models.CharField(max_length=300, blank=True)
    shared_notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    held_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["circle", "status", "starts_at"])]

    def __str__(self) -> str:
        return f"Circle meeting #{self.pk}"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)


class Attendance(models.Model):
    """Whether one participant attended one held meeting."""

    meeting = models.ForeignKey(CircleMeeting, on_delete=models.CASCADE, related_name="attendance")
    membership = models.ForeignKey(
        CircleMembership, on_delete=models.CASCADE, related_name="attendance"
    )
    present = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "membership"], name="one_attendance_row")
        ]

    def __str__(self) -> str:
        return f"Attendance #{self.pk}"


class CircleCheckIn(models.Model):
    """A member's pulse (1–5) and short comment: read by the author and the circle's
    facilitators only (docs/circles.md); overseers see pulses through health alone."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="check_ins")
    membership = models.ForeignKey(
        CircleMembership, on_delete=models.CASCADE, related_name="check_ins"
    )
    pulse = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pulse__gte=1, pulse__lte=5), name="circle_check_in_pulse_1_5"
            )
        ]

    def __str__(self) -> str:
        return f"Circle check-in #{self.pk}"


class CirclePrivateNote(models.Model):
    """A meeting note only its author ever reads (no admin, manager or export path)."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circle_private_notes"
    )
    meeting = models.ForeignKey(
        CircleMeeting, on_delete=models.CASCADE, related_name="private_notes"
    )
    text = models.TextField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["author", "meeting"], name="one_circle_private_note_per_author"
            )
        ]

    def __str__(self) -> str:
        # Never the text: this string lands in the audit log.
        return f"Circle private note #{self.pk}"


class ClosingAnswer(models.Model):
    """A member's closing survey answer: how useful the circle was (1–5) and a comment
    that only aggregates reach (its text is never shown per person to overseers)."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="closing_answers")
    membership = models.OneToOneField(
        CircleMembership, on_delete=models.CASCADE, related_name="closing_answer"
    )
    usefulness = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Closing answer #{self.pk}"


class CircleRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Replaced by a newer run")


class CircleRun(models.Model):
    """One circle matching run of a group program: the settings it was queued with, then
    (once computed, in the request or by the background worker) the proposed circles, the
    bound and gap the solver proved, and a plain-language reason per member (in `result`)."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="circle_runs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=CircleRunStatus.choices, default=CircleRunStatus.QUEUED
    )
    objective = models.CharField(max_length=12)
    attribute = models.CharField(max_length=12)
    min_size = models.PositiveSmallIntegerField()
    max_size = models.PositiveSmallIntegerField()
    mix_weight = models.FloatField(default=1.0)
    n_members = models.PositiveIntegerField(default=0)
    n_circles = models.PositiveIntegerField(default=0)
    n_assigned = models.PositiveIntegerField(default=0)
    objective_value = models.FloatField(null=True, blank=True)
    bound = models.FloatField(null=True, blank=True)
    gap = models.FloatField(null=True, blank=True)
    solver_status = models.CharField(max_length=40, blank=True)
    # {"circles": [{"facilitators": [enrollment id], "members": [enrollment id]}],
    #  "reasons": {enrollment id: text}, "unassigned": [enrollment id]}
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Circle run #{self.pk}"

    @property
    def in_progress(self) -> bool:
        return self.status in IN_PROGRESS


# A run still being computed: at most one per program (circles.runs refuses a second).
IN_PROGRESS = (CircleRunStatus.QUEUED, CircleRunStatus.RUNNING)
