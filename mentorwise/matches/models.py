"""Matching runs, proposed and published matches, participants' preferences and vetoes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy


class RunStatus(models.TextChoices):
    QUEUED = "queued", gettext_lazy("Queued")
    RUNNING = "running", gettext_lazy("Running")
    DONE = "done", gettext_lazy("Done")
    FAILED = "failed", gettext_lazy("Failed")


class RunMethod(models.TextChoices):
    OPTIMAL = "optimal", gettext_lazy("Optimal (best total fit)")
    STABLE = "stable", gettext_lazy("Stable (no pair would rather swap)")
    GREEDY = "greedy", gettext_lazy("Greedy (fast baseline)")


class MatchingRun(models.Model):
    """One execution of the matching engine over a program's enrolled participants."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="runs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    method = models.CharField(max_length=10, choices=RunMethod.choices, default=RunMethod.OPTIMAL)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress_stage = models.CharField(max_length=80, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    n_mentees = models.PositiveIntegerField(default=0)
    n_mentors = models.PositiveIntegerField(default=0)
    n_matched = models.PositiveIntegerField(default=0)
    total_score = models.FloatField(null=True, blank=True)
    upper_bound = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Run #{self.pk} of {self.program}"

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))


class MatchSource(models.TextChoices):
    RUN = "run", gettext_lazy("Matching run")
    SELF_MATCH = "self_match", gettext_lazy("Requested by the mentee")
    MANUAL = "manual", gettext_lazy("Made by hand")


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", gettext_lazy("Proposed")  # from a run, awaiting the program manager
    APPROVED = "approved", gettext_lazy("Approved")  # approved, not yet published
    REJECTED = "rejected", gettext_lazy("Declined by the program manager")
    SUPERSEDED = "superseded", gettext_lazy("Replaced by a newer run")
    REQUESTED = "requested", gettext_lazy("Requested")  # self-match: awaiting the mentor
    PUBLISHED = "published", gettext_lazy("Awaiting both people")
    ACCEPTED = "accepted", gettext_lazy("Accepted")  # both accepted: a relationship exists
    DECLINED = "declined", gettext_lazy("Declined")  # by the mentee or the mentor
    EXPIRED = "expired", gettext_lazy("Expired")
    ENDED = "ended", gettext_lazy("Ended")  # the relationship was closed


# Statuses that hold one of the mentor's places. A self-match request does not: the
# mentor's acceptance is the guard (under a row lock), so requests never block a mentor.
HOLDS_CAPACITY = (MatchStatus.APPROVED, MatchStatus.PUBLISHED, MatchStatus.ACCEPTED)
# Statuses that take the mentee out of the matching pool.
TAKES_MENTEE = (MatchStatus.APPROVED, MatchStatus.PUBLISHED, MatchStatus.ACCEPTED)


class Response(models.TextChoices):
    PENDING = "pending", gettext_lazy("Pending")
    ACCEPTED = "accepted", gettext_lazy("Accepted")
    DECLINED = "declined", gettext_lazy("Declined")


class Match(models.Model):
    """A pairing of a mentee with a mentor (or sponsor) in a program, with its score and reasons."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="matches"
    )
    run = models.ForeignKey(
        MatchingRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="matches"
    )
    mentee = models.ForeignKey(
        "programs.Enrollment", on_delete=models.CASCADE, related_name="matches_as_mentee"
    )
    mentor = models.ForeignKey(
        "programs.Enrollment", on_delete=models.CASCADE, related_name="matches_as_mentor"
    )
    source = models.CharField(max_length=12, choices=MatchSource.choices, default=MatchSource.RUN)
    status = models.CharField(
        max_length=12, choices=MatchStatus.choices, default=MatchStatus.PROPOSED
    )
    score = models.FloatField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    # A run's reasons in each other language, for the pages (language code -> texts); the
    # English `reasons` are what e-mails, the API and exports carry.
    reasons_by_language = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    locked = models.BooleanField(default=False, help_text="Kept as is by the next run.")
    message = models.TextField(blank=True, help_text="The mentee's message with a request.")
    mentee_response = models.CharField(
        max_length=10, choices=Response.choices, default=Response.PENDING
    )
    mentor_response = models.CharField(
        max_length=10, choices=Response.choices, default=Response.PENDING
    )
    decline_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "matches"
        indexes = [
            models.Index(fields=["program", "status"]),
            models.Index(fields=["mentor", "status"]),
            models.Index(fields=["mentee", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.mentee.person} ↔ {self.mentor.person}"

    @property
    def reasons_shown(self) -> list[str]:
        """The reasons in the reader's language where the run wrote them, else in English."""
        shown: list[str] = self.reasons_by_language.get(translation.get_language() or "", [])
        return shown or list(self.reasons)


class UnmatchedMentee(models.Model):
    """A mentee a run could not match, with the reason in plain words."""

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="unmatched")
    mentee = models.ForeignKey("programs.Enrollment", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.mentee}: {self.reason}"


class PreferenceKind(models.TextChoices):
    PREFER = "prefer", gettext_lazy("Preferred")
    VETO = "veto", gettext_lazy("Vetoed")


class Preference(models.Model):
    """A participant's stated preference for, or veto of, a person on the other side."""

    enrollment = models.ForeignKey(
        "programs.Enrollment", on_delete=models.CASCADE, related_name="preferences"
    )
    other = models.ForeignKey("programs.Enrollment", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=PreferenceKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "other"], name="one_preference_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.enrollment} {self.kind} {self.other}"


class ForbiddenPair(models.Model):
    """A pair the program manager excluded from matching."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey("programs.Enrollment", on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey("programs.Enrollment", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mentee", "mentor"], name="one_forbid_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.mentee} must not be matched with {self.mentor}"
