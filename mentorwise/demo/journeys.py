"""The demo's journeys: every program has its template's journey, and the pairs under way
have done part of theirs, some on time, some late, some not at all.

Marks are back-dated history written directly (as demo/lifecycle.py back-dates meetings):
for each relationship a "diligence" is drawn, and each step already due is done on time,
done late or left open by it. The relationships of the simulated programs started on
different days, so the pairs stand at different points of their journeys.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.utils import timezone

from mentorwise.journeys.models import StepCompletion
from mentorwise.journeys.progress import ON_TIME_GRACE_DAYS, due_on
from mentorwise.journeys.selectors import journey_steps
from mentorwise.journeys.services import program_journey
from mentorwise.programs.models import Program
from mentorwise.relationships.models import Relationship


def demo_journeys(*, programs: list[Program], seed: int) -> int:
    """Copy every program's journey and mark the steps the pairs have done; how many marks."""
    rng = np.random.default_rng(seed)
    now = timezone.now()
    marks: list[StepCompletion] = []
    for program in programs:
        program_journey(program)
        steps = journey_steps(program)
        relationships = (
            Relationship.objects.filter(program=program)
            .select_related("mentee__person__user", "mentor__person__user")
            .order_by("pk")
        )
        for rel in relationships:
            until = rel.closed_at or now
            diligence = rng.beta(4, 1.5)  # most pairs follow their journey, a few drift
            for step in steps:
                due = due_on(rel.started_at, step.offset_value, step.offset_unit)
                lag = int(rng.integers(0, ON_TIME_GRACE_DAYS + 1))
                if rng.random() > diligence:
                    if rng.random() < 0.5:
                        continue  # left open
                    lag = int(rng.integers(ON_TIME_GRACE_DAYS + 1, 30))  # done late
                when = dt.datetime.combine(
                    due + dt.timedelta(days=lag), dt.time(16, 0), tzinfo=dt.UTC
                )
                if when > until:
                    continue
                side = rel.mentee if rng.random() < 0.5 else rel.mentor
                user = getattr(side.person, "user", None)
                marks.append(
                    StepCompletion(relationship=rel, step=step, done_by=user, done_at=when)
                )
    StepCompletion.objects.bulk_create(marks, batch_size=2000, ignore_conflicts=True)
    return len(marks)
