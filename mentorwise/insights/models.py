"""Released figures: what the insights pages publish, fixed per period."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class EquityRelease(models.Model):
    """One side's protected equity figures of a program for one calendar month.

    Prepared in the background at the start of the month (or at its first read) and served
    unchanged until the month ends, so that editing eligibility rules or waiting for one
    enrollment cannot be read as the difference of two pages; protected jointly with the
    previous month's release, so that two months cannot be differenced either. Draft
    programs get none.
    """

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="equity_releases"
    )
    side = models.CharField(max_length=8)
    period = models.DateField(help_text="First day of the month the figures are for.")
    k = models.PositiveSmallIntegerField()
    figures = models.JSONField()
    record = models.JSONField(
        default=dict,
        blank=True,
        help_text="What the protection knew and hid (true counts, hidden and sensitive names), "
        "for protecting next month's release jointly with this one. Never published.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "side", "period", "k"], name="one_equity_release_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.program_id} {self.side} {self.period:%Y-%m}"
