"""Relationship health: a pure function of dates, check-ins and open safety reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext, gettext_lazy, ngettext

# Days allowed beyond the agreed cadence before a relationship counts as stalled.
STALL_GRACE_DAYS = 14
# A recent check-in at or below this pulse puts the relationship at risk.
LOW_PULSE = 2


class Health(models.TextChoices):
    ON_TRACK = "on_track", gettext_lazy("On track")
    STALLED = "stalled", gettext_lazy("Stalled")
    AT_RISK = "at_risk", gettext_lazy("At risk")


@dataclass(frozen=True)
class HealthResult:
    health: Health
    reason: str
    days_since_meeting: int


def relationship_health(
    *,
    now: dt.datetime,
    started_at: dt.datetime,
    last_meeting_at: dt.datetime | None,
    cadence_days: int,
    latest_pulses: list[int],
    open_safety_reports: int,
) -> HealthResult:
    """Classify one active relationship.

    stalled: no meeting (or, before the first one, no start) for longer than the cadence
    plus STALL_GRACE_DAYS. at risk: no meeting for longer than twice the cadence plus the
    grace, or a latest check-in (of either side) at LOW_PULSE or below, or an open safety
    report. `latest_pulses` holds each side's most recent pulse within 2 × cadence.
    """
    if last_meeting_at is not None and last_meeting_at < started_at:
        # A meeting before the relationship began is not part of it (relationships.span).
        last_meeting_at = None
    since = last_meeting_at or started_at
    days = max(0, (now - since).days)
    cadence = max(1, cadence_days)
    if last_meeting_at:
        what = ngettext(
            "%(count)d day since the last meeting", "%(count)d days since the last meeting", days
        ) % {"count": days}
    else:
        what = ngettext(
            "%(count)d day since the start, no meeting yet",
            "%(count)d days since the start, no meeting yet",
            days,
        ) % {"count": days}
    if open_safety_reports:
        return HealthResult(Health.AT_RISK, gettext("a problem was reported"), days)
    if days > 2 * cadence + STALL_GRACE_DAYS:
        return HealthResult(Health.AT_RISK, what, days)
    if latest_pulses and min(latest_pulses) <= LOW_PULSE:
        return HealthResult(
            Health.AT_RISK,
            gettext("a recent check-in of %(pulse)s/5") % {"pulse": min(latest_pulses)},
            days,
        )
    if days > cadence + STALL_GRACE_DAYS:
        return HealthResult(Health.STALLED, what, days)
    return HealthResult(Health.ON_TRACK, what, days)
