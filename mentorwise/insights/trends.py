"""Program activity over time: what happened in each month, and how many were active.

One selector, `program_activity`, serves the dashboard's chart and table, its CSV and the API.
Counts are per calendar month (UTC, the site's time zone) over the last `months` months up to
`as_of`; each is one GROUP BY query, never a loop over rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Model, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from mentorwise.core.aggregates import cached_aggregate
from mentorwise.insights.expressions import month_start, text_months, utc_month
from mentorwise.programs.models import Enrollment, Program, Role
from mentorwise.relationships.models import Meeting, MeetingStatus, Relationship

DEFAULT_MONTHS = 12


@dataclass(frozen=True)
class ActivityMonth:
    """One month of a program: `month` is its first day.

    enrolled: mentee enrollments created in the month; matched: relationships started;
    closed: relationships closed; meetings: meetings held (by their start time);
    active_at_end: relationships started on or before the month's last moment and not closed
    by then.
    """

    month: dt.date
    enrolled: int
    matched: int
    closed: int
    meetings: int
    active_at_end: int


def _first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + (day.month - 1) + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_counts(queryset: QuerySet[Model], field: str) -> dict[dt.date, int]:
    """Rows of `queryset` per calendar month of the datetime `field` (UTC), as {first day: n}.

    With UTC as the site's time zone this groups on the "YYYY-MM" prefix of the stored value,
    which is plain SQL on SQLite (Trunc calls a Python function per row there) and PostgreSQL.
    """
    if text_months():
        rows = (
            queryset.annotate(_month=utc_month(field))
            .order_by()
            .values("_month")
            .annotate(n=Count("pk"))
        )
        return {month_start(row["_month"]): row["n"] for row in rows}
    rows = queryset.annotate(_month=TruncMonth(field)).order_by().values("_month")
    return {
        timezone.localtime(row["_month"]).date(): row["n"] for row in rows.annotate(n=Count("pk"))
    }


def program_activity(
    *, program: Program, months: int = DEFAULT_MONTHS, as_of: dt.datetime | None = None
) -> list[ActivityMonth]:
    """The last `months` calendar months of the program, oldest first, the current one last
    (cached until the next write, `core.aggregates`, when `as_of` is now)."""
    if months < 1:
        raise ValueError(f"months = {months}: must be >= 1")
    if as_of is None:
        return cached_aggregate(
            "program_activity",
            lambda: (program.pk, months),
            lambda: _program_activity(program, months, timezone.now()),
        )
    return _program_activity(program, months, as_of)


def _program_activity(program: Program, months: int, now: dt.datetime) -> list[ActivityMonth]:
    last = _first_of_month(timezone.localtime(now).date())
    first = _add_months(last, -(months - 1))
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    window = Q(program=program)

    enrolled = month_counts(
        Enrollment.objects.filter(
            window, role=Role.MENTEE, created_at__gte=start, created_at__lte=now
        ),
        "created_at",
    )
    relationships = Relationship.objects.filter(window)
    matched = month_counts(
        relationships.filter(started_at__gte=start, started_at__lte=now), "started_at"
    )
    closed = month_counts(
        relationships.filter(closed_at__gte=start, closed_at__lte=now), "closed_at"
    )
    meetings = month_counts(
        Meeting.objects.filter(
            relationship__program=program,
            status=MeetingStatus.HELD,
            starts_at__gte=start,
            starts_at__lte=now,
        ),
        "starts_at",
    )
    # Active at the start of the window: started before it and not closed before it.
    active = relationships.filter(started_at__lt=start).exclude(closed_at__lt=start).count()
    result = []
    for i in range(months):
        month = _add_months(first, i)
        active += matched.get(month, 0) - closed.get(month, 0)
        result.append(
            ActivityMonth(
                month=month,
                enrolled=enrolled.get(month, 0),
                matched=matched.get(month, 0),
                closed=closed.get(month, 0),
                meetings=meetings.get(month, 0),
                active_at_end=active,
            )
        )
    return result


__all__ = ["ActivityMonth", "month_counts", "program_activity"]
