"""Circle health: a pure function of meeting dates, attendance and check-ins, on the idea of
relationships/health.py (the same three states, the same grace and low pulse)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext, ngettext

from mentorwise.relationships.health import LOW_PULSE, STALL_GRACE_DAYS, Health

# Attendance over the last held meetings below these shares: stalled, then at risk.
ATTENDANCE_STALLED = 0.7
ATTENDANCE_AT_RISK = 0.5
# How many of the latest held meetings the attendance share is taken over.
RECENT_MEETINGS = 3
# A circle is at risk when at least this share of its members' latest pulses is low.
LOW_PULSE_SHARE = 1 / 3


@dataclass(frozen=True)
class CircleHealth:
    health: Health
    reason: str
    days_since_meeting: int
    attendance: float | None  # share present over the recent held meetings; None: none held


def circle_health(
    *,
    now: dt.datetime,
    started_at: dt.datetime,
    last_meeting_at: dt.datetime | None,
    cadence_days: int,
    recent_attendance: list[tuple[int, int]],
    latest_pulses: list[int],
) -> CircleHealth:
    """Classify one active circle.

    `recent_attendance`: (present, recorded) of each of the last RECENT_MEETINGS held
    meetings; `latest_pulses`: each member's latest pulse within 2 × cadence.
    at risk: no meeting for longer than twice the cadence plus the grace, attendance below
    ATTENDANCE_AT_RISK, or a third or more of the latest pulses at LOW_PULSE or below.
    stalled: no meeting for longer than the cadence plus the grace, or attendance below
    ATTENDANCE_STALLED.
    """
    if last_meeting_at is not None and last_meeting_at < started_at:
        last_meeting_at = None
    since = last_meeting_at or started_at
    days = max(0, (now - since).days)
    cadence = max(1, cadence_days)
    present = sum(p for p, _n in recent_attendance)
    recorded = sum(n for _p, n in recent_attendance)
    share = present / recorded if recorded else None
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
    attended = (
        gettext("%(percent)d%% attendance at the recent meetings") % {"percent": round(100 * share)}
        if share is not None
        else ""
    )
    low = sum(1 for p in latest_pulses if p <= LOW_PULSE)
    if days > 2 * cadence + STALL_GRACE_DAYS:
        return CircleHealth(Health.AT_RISK, what, days, share)
    if share is not None and share < ATTENDANCE_AT_RISK:
        return CircleHealth(Health.AT_RISK, attended, days, share)
    if latest_pulses and low / len(latest_pulses) >= LOW_PULSE_SHARE:
        reason = ngettext(
            "%(count)d member's recent check-in is low",
            "%(count)d members' recent check-ins are low",
            low,
        ) % {"count": low}
        return CircleHealth(Health.AT_RISK, reason, days, share)
    if days > cadence + STALL_GRACE_DAYS:
        return CircleHealth(Health.STALLED, what, days, share)
    if share is not None and share < ATTENDANCE_STALLED:
        return CircleHealth(Health.STALLED, attended, days, share)
    return CircleHealth(Health.ON_TRACK, what, days, share)
