"""A completed past cohort for the demo: a program run two years ago and what happened since.

The outcomes page needs history: a program that started long enough ago for 12- and 24-month
follow-up, its participants, and the career of everyone who was eligible then — voluntary and
other exits (from the generated organization), promotions and internal moves (career events).
Selection is realistic (high potentials joined more often) and participation helped a little
(some participants' voluntary exits did not happen, promotions came a bit more often), so the
page shows a naive gap larger than the adjusted one, as real programs do.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import numpy as np
from django.db.models import Q
from django.utils import timezone

from mentorwise.accounts.actors import Actor
from mentorwise.matches.models import Match, MatchSource, MatchStatus, Response
from mentorwise.people.models import (
    CareerEvent,
    CareerEventKind,
    Person,
    TerminationKind,
    employed_on,
)
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program, ProgramStatus, Role
from mentorwise.programs.services.program_create import program_create_from_template
from mentorwise.relationships.models import ClosureKind, Relationship, RelationshipStatus

Progress = Callable[[str, int, int], None]
# Follow-up of a little over two years, a nine-month program.
DAYS_AGO = 760
DURATION_DAYS = 270
ELIGIBILITY = {"level_min": 2, "level_max": 6}
KEPT_SHARE = 0.35  # participants' voluntary exits that participation prevented
PROMOTION_LIFT = 0.08
HIPO_KEPT_SHARE = 0.5  # high potentials' voluntary exits that did not happen, for everyone


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-z)))


def demo_past_cohort(
    *, actor: Actor, seed: int, today: dt.date, exclude: set[int | None], progress: Progress
) -> Program:
    """Create the closed "Leadership <year>" program with its relationships and outcome history."""
    progress("Past cohort", 0, 3)
    start = today - dt.timedelta(days=DAYS_AGO)
    end = start + dt.timedelta(days=DURATION_DAYS)
    program = program_create_from_template(
        actor=actor,
        template_key="hipo_leadership",
        name=f"Leadership {start.year}",
        slug=f"leadership-{start.year}",
        start_date=start,
        end_date=end,
    )
    eligibility = {**program.eligibility, Role.MENTEE: dict(ELIGIBILITY)}
    Program.objects.filter(pk=program.pk).update(
        status=ProgramStatus.CLOSED,
        eligibility=eligibility,
        description=f"The {start.year} leadership cohort, open to job levels 2 to 6; "
        "high potentials were encouraged to apply.",
    )
    program.refresh_from_db()
    rng = np.random.default_rng(seed + 2024)
    active_then = (Q(hire_date__isnull=True) | Q(hire_date__lte=start)) & employed_on(start)
    rows = list(
        Person.objects.filter(active_then, job_level__isnull=False)
        .exclude(pk__in=[pk for pk in exclude if pk is not None])
        .order_by("pk")
        .values_list(
            "pk", "job_level", "is_high_potential", "termination_date", "termination_kind",
            "function",
        )
    )  # fmt: skip
    if not rows:
        return program
    pk, level, hipo, term, kind, function = (
        np.asarray(c, dtype=object) for c in zip(*rows, strict=True)
    )
    pk, level, hipo = pk.astype(np.int64), level.astype(np.int64), hipo.astype(bool)
    n = len(pk)

    # Career since the start: promotions (so the level on the start date was one lower) and
    # internal moves, decided first so that eligibility on the start date is known.
    promoted = (level >= 3) & (rng.random(n) < _sigmoid(-2.0 + 1.0 * hipo))
    level_then = np.where(promoted, level - 1, level)
    eligible = (level_then >= ELIGIBILITY["level_min"]) & (level_then <= ELIGIBILITY["level_max"])
    join = rng.random(n) < _sigmoid(-2.4 + 1.8 * hipo + 0.25 * (level_then - 4))
    participant = eligible & join
    # Participation helped: a few more promotions among participants.
    extra = participant & ~promoted & (level >= 3) & (rng.random(n) < PROMOTION_LIFT)
    promoted |= extra
    level_then = np.where(promoted, level - 1, level)
    moved = rng.random(n) < 0.05 + 0.03 * hipo
    progress("Past cohort", 1, 3)

    # Participation helped retention: some participants' voluntary exits did not happen.
    voluntary = np.array([k == TerminationKind.VOLUNTARY for k in kind])
    # High potentials stay more anyway (selection the naive comparison mistakes for an effect).
    kept = voluntary & (
        (participant & (rng.random(n) < KEPT_SHARE)) | (hipo & (rng.random(n) < HIPO_KEPT_SHARE))
    )
    Person.objects.filter(pk__in=pk[kept].tolist()).update(
        termination_date=None, termination_kind="", updated_at=timezone.now()
    )
    # Those exits never happened: neither do their termination events (the import recorded
    # them), so the career history agrees with the people.
    CareerEvent.objects.filter(
        person_id__in=pk[kept].tolist(), kind=CareerEventKind.TERMINATION
    ).delete()
    term = term.copy()  # object array of dates
    term[kept] = None

    functions = sorted({f for f in function if f})
    events: list[CareerEvent] = []
    for i in np.flatnonzero(promoted | moved).tolist():
        last = min(today, term[i]) if term[i] is not None else today
        span = (last - start).days - 31
        if span < 2:
            continue
        if promoted[i]:
            events.append(
                CareerEvent(
                    person_id=int(pk[i]),
                    kind=CareerEventKind.PROMOTION,
                    date=start + dt.timedelta(days=30 + int(rng.integers(1, span))),
                    from_level=int(level[i]) - 1,
                    to_level=int(level[i]),
                    source="demo",
                )
            )
        if moved[i] and function[i] and len(functions) > 1:
            before = functions[(functions.index(function[i]) + 1) % len(functions)]
            events.append(
                CareerEvent(
                    person_id=int(pk[i]),
                    kind=CareerEventKind.INTERNAL_MOVE,
                    date=start + dt.timedelta(days=30 + int(rng.integers(1, span))),
                    from_function=before,
                    to_function=function[i],
                    source="demo",
                )
            )
    CareerEvent.objects.bulk_create(events, batch_size=2000)
    progress("Past cohort", 2, 3)
    _pair_up(program, pk[participant], term[participant], pk, level, participant, rng)
    progress("Past cohort", 3, 3)
    return program


def _pair_up(
    program: Program,
    mentees: np.ndarray,
    mentee_exit: np.ndarray,
    pk: np.ndarray,
    level: np.ndarray,
    participant: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """Enroll the participants and senior mentors, and record their closed relationships."""
    start = program.start_date or timezone.localdate()
    opened = timezone.make_aware(dt.datetime.combine(start, dt.time(9)))
    planned_end = timezone.make_aware(dt.datetime.combine(program.end_date or start, dt.time(17)))
    seniors = pk[(level >= 7) & ~participant]
    if mentees.size == 0 or seniors.size == 0:
        return
    n_mentors = min(seniors.size, max(1, math.ceil(mentees.size / 2)))
    chosen = rng.choice(seniors, size=n_mentors, replace=False)
    enrolled_at = opened - dt.timedelta(days=21)
    mentors = Enrollment.objects.bulk_create(
        [
            Enrollment(
                program=program,
                person_id=int(p),
                role=Role.MENTOR,
                capacity=2,
                expertise="Leading teams through growth",
                acknowledged_at=enrolled_at,
                created_at=enrolled_at,
                updated_at=enrolled_at,
            )
            for p in chosen.tolist()
        ]
    )
    enrollments = Enrollment.objects.bulk_create(
        [
            Enrollment(
                program=program,
                person_id=int(p),
                role=Role.MENTEE,
                status=EnrollmentStatus.ACTIVE,
                development_goals="Prepare for a first leadership role",
                acknowledged_at=enrolled_at,
                created_at=enrolled_at,
                updated_at=enrolled_at,
            )
            for p in mentees.tolist()
        ]
    )
    matches = Match.objects.bulk_create(
        [
            Match(
                program=program,
                mentee=mentee,
                mentor=mentors[k % len(mentors)],
                source=MatchSource.RUN,
                status=MatchStatus.ENDED,
                mentee_response=Response.ACCEPTED,
                mentor_response=Response.ACCEPTED,
                created_at=opened - dt.timedelta(days=7),
                decided_at=opened - dt.timedelta(days=7),
                published_at=opened - dt.timedelta(days=5),
            )
            for k, mentee in enumerate(enrollments)
        ]
    )
    relationships = []
    for mentee, match, gone in zip(enrollments, matches, mentee_exit.tolist(), strict=True):
        left = (
            timezone.make_aware(dt.datetime.combine(gone, dt.time(12)))
            if gone is not None
            else None
        )
        closed = min(planned_end, left) if left is not None else planned_end
        relationships.append(
            Relationship(
                match=match,
                program=program,
                mentee=mentee,
                mentor=match.mentor,
                status=RelationshipStatus.CLOSED,
                started_at=opened,
                planned_end_date=planned_end.date(),
                last_meeting_at=closed - dt.timedelta(days=int(rng.integers(3, 30))),
                closed_at=closed,
                closure_kind=ClosureKind.PLANNED if closed == planned_end else ClosureKind.EARLY,
                closure_reason="" if closed == planned_end else "The mentee left the organization.",
            )
        )
    Relationship.objects.bulk_create(relationships)
