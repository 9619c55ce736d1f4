"""The journey's rules, each defined once: when a step falls due, which relationships a step
applies to, a step's state, and "done on time" (which program health counts).

Pure functions of dates: the selectors, the reminders (notifications/rules.py), the
program health figure (insights) and the tests all call these.

- **Due date**: the relationship's start date (in the installation's time zone) plus the
  step's offset; months are calendar months (31 January + 1 month = 28 or 29 February).
- **Applies** (editing a journey while relationships are under way): a step applies to a
  relationship when its due date is on or after the day the step was added to the journey.
  A step added later thus reaches the relationships whose offset has not passed yet, and
  never appears as already overdue in one that is past it. The steps a journey was copied
  with (from the template) apply to every relationship of the program. Editing a step
  (text or offset) changes it for everyone; a step already marked done stays done; a
  removed step disappears from every journey and from progress (its records are kept).
- **State**: done; upcoming (due later); due (due, and within ON_TIME_GRACE_DAYS of its
  due date); overdue (not done, more than ON_TIME_GRACE_DAYS after its due date).
- **On time**: done no later than ON_TIME_GRACE_DAYS after the due date. Journey progress
  in program health is the share of *counted* steps done on time, where a step counts once
  it was done or once its grace period ended (so a step not yet due never lowers it).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from mentorwise.journeys.models import OffsetUnit

# A step done within this many days after its due date is on time; after that it is overdue.
ON_TIME_GRACE_DAYS = 7


def add_offset(start: dt.date, value: int, unit: str) -> dt.date:
    """`start` plus `value` days, weeks or calendar months (clamped to the month's end)."""
    if unit == OffsetUnit.DAYS:
        return start + dt.timedelta(days=value)
    if unit == OffsetUnit.WEEKS:
        return start + dt.timedelta(weeks=value)
    month = start.month - 1 + value
    year, month = start.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def start_day(started_at: dt.datetime) -> dt.date:
    """The day a relationship started, in the installation's time zone."""
    return timezone.localdate(started_at)


def due_on(started_at: dt.datetime, value: int, unit: str) -> dt.date:
    return add_offset(start_day(started_at), value, unit)


def step_applies(*, due: dt.date, added_at: dt.datetime | None) -> bool:
    """A step applies to a relationship when it falls due on or after the day it was added
    (`added_at` None: a step the journey was copied with, which applies everywhere)."""
    return added_at is None or due >= timezone.localdate(added_at)


def done_on_time(*, due: dt.date, done_at: dt.datetime) -> bool:
    return timezone.localdate(done_at) <= due + dt.timedelta(days=ON_TIME_GRACE_DAYS)


class State:
    DONE = "done"
    UPCOMING = "upcoming"
    DUE = "due"
    OVERDUE = "overdue"


def step_state(*, due: dt.date, done_at: dt.datetime | None, today: dt.date) -> str:
    if done_at is not None:
        return State.DONE
    if today < due:
        return State.UPCOMING
    if today <= due + dt.timedelta(days=ON_TIME_GRACE_DAYS):
        return State.DUE
    return State.OVERDUE


@dataclass(frozen=True)
class Tally:
    """Counted steps and those done on time (see the module's rule)."""

    counted: int = 0
    on_time: int = 0

    def add(self, *, due: dt.date, done_at: dt.datetime | None, today: dt.date) -> Tally:
        if done_at is not None:
            return Tally(self.counted + 1, self.on_time + done_on_time(due=due, done_at=done_at))
        if today > due + dt.timedelta(days=ON_TIME_GRACE_DAYS):
            return Tally(self.counted + 1, self.on_time)
        return self

    @property
    def share(self) -> float | None:
        return self.on_time / self.counted if self.counted else None
