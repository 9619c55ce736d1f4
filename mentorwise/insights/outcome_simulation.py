"""Write a past cohort with known effects into the database, to validate the outcome estimates.

``outcomes_simulate`` creates a closed program and a simulated eligible population (their own
department, which the program's eligibility rule names, so nobody else is compared with them),
enrolls and pairs the participants, and replays what happened after the start: voluntary and
other exits, promotions and internal moves as career events. Selection is built in: high
potentials and senior people join more often and also stay and get promoted more often, so a
naive comparison overstates the effect and the adjusted one should recover the planted value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from django.db import transaction
from django.utils import timezone

from mentorwise.accounts.actors import Actor
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import FieldError, InvalidInput
from mentorwise.insights.outcome_sim import (
    SimulatedCohort,
    check_simulation_parameters,
    simulate,
)
from mentorwise.insights.outcomes import OutcomesInputError
from mentorwise.matches.models import Match, MatchSource, MatchStatus, Response
from mentorwise.people.bulk import allocate_ids, insert_rows
from mentorwise.people.models import (
    CareerEvent,
    CareerEventKind,
    Person,
    TerminationKind,
    path_token,
)
from mentorwise.programs.models import (
    Enrollment,
    EnrollmentStatus,
    Program,
    ProgramKind,
    ProgramStatus,
    Role,
)
from mentorwise.relationships.models import ClosureKind, Relationship, RelationshipStatus

Progress = Callable[[str, int, int], None]
MIN_PEOPLE, MAX_PEOPLE = 100, 500_000
BATCH = 5000
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
_OTHER_FUNCTION = {
    "Engineering": "Operations",
    "Sales": "Marketing",
    "Operations": "Engineering",
    "Finance": "Operations",
    "People": "Operations",
    "Marketing": "Sales",
}


@dataclass(frozen=True)
class SimulationResult:
    """What was written, and the effects planted (the estimates should recover them)."""

    program: Program
    people: int
    participants: int
    start: dt.date
    planted: dict[str, float]


def _noop(stage: str, done: int, total: int) -> None:
    return None


def outcomes_simulate(
    *,
    actor: Actor,
    slug: str,
    people: int,
    retention_effect: float,
    promotion_effect: float,
    selection_bias: float,
    seed: int,
    start: dt.date | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> SimulationResult:
    """Create program ``slug`` with a simulated past cohort; all rows in one transaction.

    Raises InvalidInput naming every bad option (nothing is written then).
    """
    progress = progress or _noop
    today = today or timezone.localdate()
    start = start or today - dt.timedelta(days=731)
    errors: list[FieldError] = []
    if not _SLUG.match(slug) or len(slug) > 80:
        errors.append(
            FieldError(
                "program", "Use letters, digits, hyphens or underscores (at most 80).", value=slug
            )
        )
    elif Program.objects.filter(slug=slug).exists():
        errors.append(
            FieldError(
                "program",
                "A program with this slug exists; the simulation creates its own program, "
                "so choose a new slug.",
                value=slug,
            )
        )
    if not MIN_PEOPLE <= people <= MAX_PEOPLE:
        errors.append(
            FieldError(
                "people", f"Must be between {MIN_PEOPLE} and {MAX_PEOPLE:,}.", value=str(people)
            )
        )
    if start >= today:
        errors.append(
            FieldError("start", "The cohort must start in the past.", value=start.isoformat())
        )
    try:
        check_simulation_parameters(
            n=max(people, 1),
            retention_effect=retention_effect,
            promotion_effect=promotion_effect,
            selection_bias=selection_bias,
        )
    except OutcomesInputError as error:
        name, _, message = str(error).partition(" = ")
        value, _, rule = message.partition(": ")
        errors.append(FieldError(name.replace("_", "-"), rule.capitalize() + ".", value=value))
    if errors:
        raise InvalidInput(errors)

    progress("Simulating", 0, 1)
    sim = simulate(
        people,
        retention_effect=retention_effect,
        promotion_effect=promotion_effect,
        selection_bias=selection_bias,
        seed=seed,
    )
    progress("Simulating", 1, 1)
    with transaction.atomic():
        program = _write(slug, sim, start, today, seed, progress)
        audit_record(
            actor=actor,
            action="outcomes.simulated",
            target=program,
            data={
                "people": people,
                "retention_effect": retention_effect,
                "promotion_effect": promotion_effect,
                "selection_bias": selection_bias,
                "seed": seed,
                "start": start.isoformat(),
            },
        )
    return SimulationResult(
        program=program,
        people=people,
        participants=int(np.asarray(sim.cohort.treated).sum()),
        start=start,
        planted=sim.planted,
    )


def _day(start: dt.date, offset: float) -> dt.date:
    return start + dt.timedelta(days=int(offset))


def _write(
    slug: str, sim: SimulatedCohort, start: dt.date, today: dt.date, seed: int, progress: Progress
) -> Program:
    c = sim.cohort
    n = len(np.asarray(c.treated))
    department = f"Simulation {slug}"[:120]
    program = Program.objects.create(
        slug=slug,
        name=f"Simulated cohort ({slug})",
        kind=ProgramKind.MENTORING,
        status=ProgramStatus.CLOSED,
        description="A simulated past cohort with known effects, to validate outcome estimates.",
        objectives="Validate the outcome estimates against planted effects.",
        start_date=start,
        end_date=start + dt.timedelta(days=365),
        eligibility={Role.MENTEE: {"departments": [department]}, Role.MENTOR: {}},
    )
    now = timezone.now()
    rng = np.random.default_rng(seed + 7919)
    treated = np.asarray(c.treated, dtype=bool)
    level = np.asarray(c.job_level, dtype=np.int64)
    function = np.asarray(c.function).astype(str)
    location = np.asarray(c.location).astype(str)
    tenure = np.asarray(c.tenure_years, dtype=np.float64)
    is_manager = np.asarray(c.is_manager, dtype=bool)
    hipo = np.asarray(c.high_potential, dtype=bool)
    horizon = (today - start).days  # what happened after today has not happened yet

    def happened(days: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
        done: npt.NDArray[np.bool_] = ~np.isnan(days) & (days <= horizon)
        return done

    voluntary, other = happened(sim.exit_day), happened(sim.other_exit_day)
    promoted, moved = happened(sim.promotion_day), happened(sim.move_day)
    hire_offset = np.round(tenure * 365.25).astype(np.int64)
    manager_offset = np.round(rng.uniform(0.05, 1.0, n) * hire_offset).astype(np.int64)

    n_mentors = max(1, int(treated.sum()) // 3)
    managers = np.flatnonzero(is_manager).tolist()
    ids = allocate_ids(Person, n + n_mentors + len(managers))
    rows = []
    lv, fn, lc, hv, mg = (
        level.tolist(),
        function.tolist(),
        location.tolist(),
        hipo.tolist(),
        is_manager.tolist(),
    )
    for i in range(n):
        exit_at = sim.exit_day[i] if voluntary[i] else sim.other_exit_day[i] if other[i] else None
        rows.append(
            {
                "id": ids[i],
                "employee_id": f"sim-{slug}-{i:06d}",
                "first_name": "Simulated",
                "last_name": f"Person {i + 1}",
                "email": f"sim{i + 1}.{slug}@simulation.invalid",
                "job_level": min(10, lv[i] + 1) if promoted[i] else lv[i],
                "department": department,
                "function": _OTHER_FUNCTION[fn[i]] if moved[i] else fn[i],
                "location": lc[i],
                "hire_date": start - dt.timedelta(days=int(hire_offset[i])),
                "manager_since": (
                    start - dt.timedelta(days=int(manager_offset[i])) if mg[i] else None
                ),
                "is_high_potential": hv[i],
                "termination_date": _day(start, exit_at) if exit_at is not None else None,
                "termination_kind": (
                    TerminationKind.VOLUNTARY.value
                    if voluntary[i]
                    else TerminationKind.INVOLUNTARY.value
                    if other[i]
                    else ""
                ),
                "path": path_token(ids[i]),
                "depth": 0,
                "created_at": now,
                "updated_at": now,
                "languages": [],
            }
        )
    for j in range(n_mentors):
        pk = ids[n + j]
        rows.append(
            {
                "id": pk,
                "employee_id": f"sim-{slug}-mentor-{j:05d}",
                "first_name": "Simulated",
                "last_name": f"Mentor {j + 1}",
                "email": f"sim-mentor{j + 1}.{slug}@simulation.invalid",
                "job_level": 7,
                "department": f"{department} mentors"[:120],
                "function": _OTHER_FUNCTION[fn[j % n]],
                "location": lc[j % n],
                "hire_date": start - dt.timedelta(days=3650),
                "manager_since": start - dt.timedelta(days=2000),
                "path": path_token(pk),
                "depth": 0,
                "created_at": now,
                "updated_at": now,
                "languages": [],
            }
        )
    # A manager is someone with active direct reports (the eligibility rule's definition):
    # each simulated manager gets one report, outside the simulated department.
    for j, i in enumerate(managers):
        pk = ids[n + n_mentors + j]
        rows.append(
            {
                "id": pk,
                "employee_id": f"sim-{slug}-report-{j:06d}",
                "first_name": "Simulated",
                "last_name": f"Report {j + 1}",
                "email": f"sim-report{j + 1}.{slug}@simulation.invalid",
                "job_level": 1,
                "department": f"{department} reports"[:120],
                "function": fn[i],
                "location": lc[i],
                "hire_date": start - dt.timedelta(days=400),
                "manager_id": ids[i],
                "path": path_token(ids[i]) + path_token(pk),
                "depth": 1,
                "created_at": now,
                "updated_at": now,
                "languages": [],
            }
        )
    total = len(rows)
    for at in range(0, total, BATCH):
        insert_rows(Person, rows[at : at + BATCH])
        progress("Writing people", min(at + BATCH, total), total)

    events = [
        CareerEvent(
            person_id=ids[i],
            kind=CareerEventKind.PROMOTION,
            date=_day(start, sim.promotion_day[i]),
            from_level=lv[i],
            to_level=min(10, lv[i] + 1),
            source="simulation",
        )
        for i in np.flatnonzero(promoted).tolist()
    ] + [
        CareerEvent(
            person_id=ids[i],
            kind=CareerEventKind.INTERNAL_MOVE,
            date=_day(start, sim.move_day[i]),
            from_function=fn[i],
            to_function=_OTHER_FUNCTION[fn[i]],
            source="simulation",
        )
        for i in np.flatnonzero(moved).tolist()
    ]
    # The exits as career events too, so the simulated history is complete.
    events += [
        CareerEvent(
            person_id=row["id"],
            kind=CareerEventKind.TERMINATION,
            date=row["termination_date"],
            termination_kind=row["termination_kind"] or TerminationKind.UNKNOWN.value,
            source="simulation",
        )
        for row in rows
        if row.get("termination_date") is not None
    ]
    CareerEvent.objects.bulk_create(events, batch_size=BATCH)
    progress("Writing career events", len(events), len(events))

    opened = timezone.make_aware(dt.datetime.combine(start, dt.time(9)))
    enrolled_at = opened - dt.timedelta(days=14)
    mentors = Enrollment.objects.bulk_create(
        [
            Enrollment(
                program=program,
                person_id=ids[n + j],
                role=Role.MENTOR,
                capacity=3,
                created_at=enrolled_at,
                updated_at=enrolled_at,
            )
            for j in range(n_mentors)
        ],
        batch_size=BATCH,
    )
    mentee_index = np.flatnonzero(treated).tolist()
    mentees = Enrollment.objects.bulk_create(
        [
            Enrollment(
                program=program,
                person_id=ids[i],
                role=Role.MENTEE,
                status=EnrollmentStatus.ACTIVE,
                acknowledged_at=enrolled_at,
                created_at=enrolled_at,
                updated_at=enrolled_at,
            )
            for i in mentee_index
        ],
        batch_size=BATCH,
    )
    progress("Writing relationships", 0, len(mentees))
    ended = opened + dt.timedelta(days=365)
    matches = Match.objects.bulk_create(
        [
            Match(
                program=program,
                mentee=mentee,
                mentor=mentors[k % n_mentors],
                source=MatchSource.MANUAL,
                status=MatchStatus.ENDED,
                mentee_response=Response.ACCEPTED,
                mentor_response=Response.ACCEPTED,
                created_at=opened,
                decided_at=opened,
                published_at=opened,
            )
            for k, mentee in enumerate(mentees)
        ],
        batch_size=BATCH,
    )
    relationships = []
    for k, (mentee, match) in enumerate(zip(mentees, matches, strict=True)):
        i = mentee_index[k]
        gone = sim.exit_day[i] if voluntary[i] else sim.other_exit_day[i] if other[i] else None
        closed = min(ended, opened + dt.timedelta(days=int(gone))) if gone is not None else ended
        still_on = closed > now  # a recent start: the relationship has not ended yet
        relationships.append(
            Relationship(
                match=match,
                program=program,
                mentee=mentee,
                mentor=match.mentor,
                status=RelationshipStatus.ACTIVE if still_on else RelationshipStatus.CLOSED,
                started_at=opened,
                planned_end_date=ended.date(),
                closed_at=None if still_on else closed,
                closure_kind=""
                if still_on
                else ClosureKind.PLANNED
                if closed == ended
                else ClosureKind.EARLY,
            )
        )
    for at in range(0, len(relationships), BATCH):
        Relationship.objects.bulk_create(relationships[at : at + BATCH])
        progress("Writing relationships", min(at + BATCH, len(relationships)), len(relationships))
    return program
