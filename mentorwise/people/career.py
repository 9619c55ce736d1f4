"""Career history, one rule for every writer: which career events a change of a person records.

The HRIS import (and the HR connectors that feed it), SCIM provisioning and anything else that
changes a person's job level, function or termination compare the person's values before and
after the change with :func:`career_steps` and write its answer with :func:`career_write`. So a
promotion is the same thing whichever path saw it, and replaying the same file or the same
SCIM request records nothing new (nothing changed the second time).

The rule:

- job level raised: a promotion; lowered: a demotion (a level appearing or disappearing is not
  a step: nothing to compare);
- function changed from one named function to another: an internal move;
- a termination date appearing: a termination, dated on the termination's own day, with its
  kind (``unknown`` when the source does not say);
- a termination date or kind corrected: the person's latest termination event is corrected
  (one departure stays one event);
- a termination date cleared: a rehire on the day of the change if the person had left by
  then; a termination cleared on or before its own day never happened (undone the same day,
  or a scheduled one called off) and its event is removed.

Steps other than terminations are dated on the day of the change (when it was seen).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from mentorwise.people.models import CareerEvent, CareerEventKind, TerminationKind


@dataclass(frozen=True)
class Career:
    """What the rule compares of a person; a new person has no "before" (None)."""

    job_level: int | None = None
    function: str = ""
    termination_date: dt.date | None = None
    termination_kind: str = ""

    @classmethod
    def of(cls, person: object) -> Career:
        """The values of a Person (or anything with the same attributes)."""
        return cls(
            job_level=getattr(person, "job_level", None),
            function=getattr(person, "function", "") or "",
            termination_date=getattr(person, "termination_date", None),
            termination_kind=getattr(person, "termination_kind", "") or "",
        )

    @classmethod
    def of_values(cls, values: Mapping[str, Any]) -> Career:
        """The values of a Person given as {field: value} (a row to insert)."""
        return cls(
            job_level=values.get("job_level"),
            function=values.get("function") or "",
            termination_date=values.get("termination_date"),
            termination_kind=values.get("termination_kind") or "",
        )


class Action(Enum):
    RECORD = "record"  # a new event
    CORRECT = "correct"  # the latest termination event takes this date and kind
    CANCEL = "cancel"  # the latest termination event (on `date`) is removed


@dataclass(frozen=True)
class CareerStep:
    kind: str
    date: dt.date
    action: Action = Action.RECORD
    from_level: int | None = None
    to_level: int | None = None
    from_function: str = ""
    to_function: str = ""
    termination_kind: str = ""

    def event(self, person_id: int, source: str) -> CareerEvent:
        return CareerEvent(
            person_id=person_id,
            kind=self.kind,
            date=self.date,
            from_level=self.from_level,
            to_level=self.to_level,
            from_function=self.from_function,
            to_function=self.to_function,
            termination_kind=self.termination_kind,
            source=source,
        )


def _kind(value: str) -> str:
    return value or TerminationKind.UNKNOWN.value


def career_steps(before: Career | None, after: Career, *, day: dt.date) -> list[CareerStep]:
    """The career events a change from `before` to `after`, seen on `day`, records."""
    steps: list[CareerStep] = []
    if before is None:
        # A new person: nothing to compare but a termination they arrive with (a past leaver
        # loaded from the HRIS, a user created already terminated).
        if after.termination_date is not None:
            steps.append(
                CareerStep(
                    CareerEventKind.TERMINATION,
                    after.termination_date,
                    termination_kind=_kind(after.termination_kind),
                )
            )
        return steps
    old, new = before.job_level, after.job_level
    if old and new and old != new:
        steps.append(
            CareerStep(
                CareerEventKind.PROMOTION if new > old else CareerEventKind.DEMOTION,
                day,
                from_level=old,
                to_level=new,
            )
        )
    if before.function and after.function and before.function != after.function:
        steps.append(
            CareerStep(
                CareerEventKind.INTERNAL_MOVE,
                day,
                from_function=before.function,
                to_function=after.function,
            )
        )
    left, leaves = before.termination_date, after.termination_date
    if left is None and leaves is not None:
        steps.append(
            CareerStep(
                CareerEventKind.TERMINATION, leaves, termination_kind=_kind(after.termination_kind)
            )
        )
    elif left is not None and leaves is not None:
        if left != leaves or _kind(before.termination_kind) != _kind(after.termination_kind):
            steps.append(
                CareerStep(
                    CareerEventKind.TERMINATION,
                    leaves,
                    action=Action.CORRECT,
                    termination_kind=_kind(after.termination_kind),
                )
            )
    elif left is not None and leaves is None:
        if left >= day:
            steps.append(CareerStep(CareerEventKind.TERMINATION, left, action=Action.CANCEL))
        else:
            steps.append(CareerStep(CareerEventKind.REHIRE, day))
    return steps


def career_write(changes: Iterable[tuple[int, list[CareerStep]]], *, source: str) -> int:
    """Write the steps of each (person id, steps) in the caller's transaction; the number of
    events recorded. New events go in one bulk insert; corrections and cancellations (rare)
    touch each person's latest termination event."""
    new: list[CareerEvent] = []
    for person_id, steps in changes:
        for step in steps:
            if step.action is Action.RECORD:
                new.append(step.event(person_id, source))
            elif step.action is Action.CORRECT:
                latest = _latest_termination(person_id)
                if latest is None:  # left before career events were kept: record it now
                    new.append(step.event(person_id, source))
                else:
                    latest.date, latest.termination_kind = step.date, step.termination_kind
                    latest.save(update_fields=["date", "termination_kind"])
            else:
                latest = _latest_termination(person_id)
                if latest is not None and latest.date == step.date:
                    latest.delete()
    CareerEvent.objects.bulk_create(new, batch_size=2000)
    return len(new)


def _latest_termination(person_id: int) -> CareerEvent | None:
    return (
        CareerEvent.objects.filter(person_id=person_id, kind=CareerEventKind.TERMINATION)
        .order_by("-date", "-pk")
        .first()
    )


def career_record(
    person_id: int, before: Career | None, after: Career, *, day: dt.date, source: str
) -> list[CareerStep]:
    """One person's change: compare and write; the steps taken."""
    steps = career_steps(before, after, day=day)
    if steps:
        career_write([(person_id, steps)], source=source)
    return steps
