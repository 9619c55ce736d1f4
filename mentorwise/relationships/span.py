"""When a relationship's meetings may take place: the one rule for page, HTMX, API and CLI.

A meeting belongs to its relationship's span: not before the day the relationship started,
not after its planned end plus `MEETING_GRACE_DAYS` (a wrap-up conversation a few weeks late
is normal; a meeting dated 9999 is a typing error), and, for a relationship without a planned
end, not more than `MAX_DAYS_AHEAD` from today. Days are counted in the time zone of the
person who enters the meeting, so "the day it started" is the day they saw it start.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from mentorwise.core.clock import format_day, format_when
from mentorwise.core.errors import FieldError
from mentorwise.relationships.models import Relationship

# Days after the planned end in which a meeting may still be scheduled or logged.
MEETING_GRACE_DAYS = 30
# How far ahead a relationship without a planned end may schedule.
MAX_DAYS_AHEAD = 366


@dataclass(frozen=True)
class MeetingSpan:
    """The first and last day (inclusive) a meeting of the relationship may fall on."""

    first: dt.date
    last: dt.date


def meeting_span(
    relationship: Relationship, zone: zoneinfo.ZoneInfo, *, today: dt.date | None = None
) -> MeetingSpan:
    first = relationship.started_at.astimezone(zone).date()
    if relationship.planned_end_date is not None:
        last = relationship.planned_end_date + dt.timedelta(days=MEETING_GRACE_DAYS)
    else:
        last = (today or timezone.now().astimezone(zone).date()) + dt.timedelta(days=MAX_DAYS_AHEAD)
    return MeetingSpan(first=first, last=max(first, last))


def span_error(
    relationship: Relationship, field: str, value: dt.datetime, zone: zoneinfo.ZoneInfo
) -> FieldError | None:
    """Why a meeting at `value` does not fit the relationship's span (None if it fits)."""
    span = meeting_span(relationship, zone)
    try:
        day = value.astimezone(zone).date()
        shown = format_when(value, zone)
    except OverflowError:  # year 1 or 9999 moved into a zone leaves the calendar
        return FieldError(field, _("is not a real meeting date"), value=value.isoformat())
    if day < span.first:
        return FieldError(
            field,
            _(
                "is before the relationship started (%(day)s); "
                "a meeting before the start does not belong to it"
            )
            % {"day": format_day(span.first)},
            value=shown,
        )
    if day > span.last:
        if relationship.planned_end_date is not None:
            why = _("is after the planned end (%(end)s) plus %(grace)s days (%(last)s)") % {
                "end": format_day(relationship.planned_end_date),
                "grace": MEETING_GRACE_DAYS,
                "last": format_day(span.last),
            }
        else:
            why = _("is more than %(days)s days ahead (the latest is %(last)s)") % {
                "days": MAX_DAYS_AHEAD,
                "last": format_day(span.last),
            }
        return FieldError(field, why, value=shown)
    return None
