"""Journey reads: a program's steps, one relationship's journey, and program progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from django.utils import timezone

from mentorwise.journeys.models import JourneyStep, StepCompletion
from mentorwise.journeys.progress import (
    State,
    Tally,
    add_offset,
    due_on,
    start_day,
    step_applies,
    step_state,
)
from mentorwise.programs.models import Program
from mentorwise.relationships.models import Relationship, RelationshipStatus


def journey_steps(program: Program) -> list[JourneyStep]:
    """The program's journey in its order (none before it was copied: services.program_journey)."""
    return list(
        JourneyStep.objects.filter(journey__program=program, removed_at__isnull=True).order_by(
            "position", "id"
        )
    )


@dataclass(frozen=True)
class StepItem:
    """One step as it stands in one relationship."""

    step: JourneyStep
    due: dt.date
    state: str
    completion: StepCompletion | None

    @property
    def done(self) -> bool:
        return self.state == State.DONE


@dataclass(frozen=True)
class RelationshipJourney:
    """A relationship's journey on `today`: every step that applies, by due date."""

    today: dt.date
    items: list[StepItem]
    tally: Tally = field(default_factory=Tally)

    @property
    def now(self) -> list[StepItem]:
        """Due or overdue, not done."""
        return [i for i in self.items if i.state in (State.DUE, State.OVERDUE)]

    @property
    def next(self) -> list[StepItem]:
        """The upcoming steps of the earliest due date still ahead."""
        upcoming = [i for i in self.items if i.state == State.UPCOMING]
        return [i for i in upcoming if i.due == upcoming[0].due] if upcoming else []

    @property
    def later(self) -> list[StepItem]:
        nxt = {i.step.pk for i in self.next}
        return [i for i in self.items if i.state == State.UPCOMING and i.step.pk not in nxt]

    @property
    def done(self) -> list[StepItem]:
        return [i for i in self.items if i.done]

    @property
    def done_count(self) -> int:
        return len(self.done)


def _as_of(relationship: Relationship, now: dt.datetime) -> dt.date:
    """A closed relationship's journey stands as it was on the day it closed."""
    if relationship.closed_at is not None and relationship.closed_at < now:
        return timezone.localdate(relationship.closed_at)
    return timezone.localdate(now)


def relationship_journey(
    *, relationship: Relationship, now: dt.datetime | None = None
) -> RelationshipJourney:
    """The steps that apply to the relationship (progress.step_applies) with their state;
    two queries."""
    today = _as_of(relationship, now or timezone.now())
    done = {
        c.step_id: c
        for c in StepCompletion.objects.filter(relationship=relationship).select_related(
            "done_by__person"
        )
    }
    items = []
    tally = Tally()
    for step in journey_steps(relationship.program):
        due = due_on(relationship.started_at, step.offset_value, step.offset_unit)
        completion = done.get(step.pk)
        if completion is None and not step_applies(due=due, added_at=step.added_at):
            continue
        done_at = completion.done_at if completion else None
        items.append(
            StepItem(step, due, step_state(due=due, done_at=done_at, today=today), completion)
        )
        tally = tally.add(due=due, done_at=done_at, today=today)
    items.sort(key=lambda i: (i.due, i.step.position, i.step.pk))
    return RelationshipJourney(today=today, items=items, tally=tally)


@dataclass(frozen=True)
class JourneyProgress:
    """Journey progress of a program's active relationships (progress.py's rule).

    counted: steps done, or past their grace period; on_time: of those, done on time;
    share: on_time / counted (None when nothing counts yet); behind: active relationships
    with at least one overdue step; relationships: active relationships."""

    relationships: int
    steps: int
    counted: int
    on_time: int
    behind: int

    @property
    def share(self) -> float | None:
        return self.on_time / self.counted if self.counted else None


def journey_progress(*, program: Program, as_of: dt.datetime | None = None) -> JourneyProgress:
    """The program's journey progress on `as_of` (three queries, whatever its size)."""
    now = as_of or timezone.now()
    today = timezone.localdate(now)
    steps = journey_steps(program)
    rels = list(
        Relationship.objects.filter(
            program=program, status=RelationshipStatus.ACTIVE, started_at__lte=now
        ).values_list("pk", "started_at")
    )
    done: dict[tuple[int, int], dt.datetime] = {
        (r, s): at
        for r, s, at in StepCompletion.objects.filter(
            relationship__program=program,
            relationship__status=RelationshipStatus.ACTIVE,
            step__removed_at__isnull=True,
            done_at__lte=now,
        ).values_list("relationship_id", "step_id", "done_at")
    }
    tally, behind = Tally(), 0
    for rel_id, started_at in rels:
        late = False
        for step in steps:
            due = due_on(started_at, step.offset_value, step.offset_unit)
            done_at = done.get((rel_id, step.pk))
            if done_at is None and not step_applies(due=due, added_at=step.added_at):
                continue
            tally = tally.add(due=due, done_at=done_at, today=today)
            late = late or step_state(due=due, done_at=done_at, today=today) == State.OVERDUE
        behind += late
    return JourneyProgress(
        relationships=len(rels),
        steps=len(steps),
        counted=tally.counted,
        on_time=tally.on_time,
        behind=behind,
    )


class Started(Protocol):
    """What `due_steps` reads of a relationship (a model instance, or the reminders' rows)."""

    @property
    def pk(self) -> int: ...
    @property
    def program_id(self) -> int: ...
    @property
    def started_at(self) -> dt.datetime: ...


R = TypeVar("R", bound=Started)


def due_steps(
    *, now: dt.datetime, relationships: Iterable[R]
) -> Iterator[tuple[R, list[JourneyStep]]]:
    """Each of `relationships` with the steps of its journey that are due now (state
    "due": from the due date to the end of the grace) and not done; two queries, whatever
    the number of relationships (read in chunks by the caller's iterator)."""
    today = timezone.localdate(now)
    by_program: dict[int, list[JourneyStep]] = {}
    for step in JourneyStep.objects.filter(removed_at__isnull=True).select_related("journey"):
        by_program.setdefault(step.journey.program_id, []).append(step)
    for program_steps in by_program.values():
        program_steps.sort(key=lambda s: (s.position, s.pk))
    done = set(
        StepCompletion.objects.filter(relationship__status=RelationshipStatus.ACTIVE).values_list(
            "relationship_id", "step_id"
        )
    )
    for rel in relationships:
        due = []
        start = start_day(rel.started_at)  # due_on's start, once per relationship
        for step in by_program.get(rel.program_id, ()):
            on = add_offset(start, step.offset_value, step.offset_unit)
            if (rel.pk, step.pk) in done or not step_applies(due=on, added_at=step.added_at):
                continue
            if step_state(due=on, done_at=None, today=today) == State.DUE:
                due.append(step)
        if due:
            yield rel, due
