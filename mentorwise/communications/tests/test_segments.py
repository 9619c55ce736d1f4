"""Who a broadcast reaches, against a plain-Python filter written from the segment's
definition, on a messy population: people terminated (yesterday, today, next week), erased,
unsubscribed (from this program or another), holding two roles in one program, enrolled in
two programs, with active and closed relationships of every health (low check-ins, long
silences, open safety reports that must not count), several seeds; then many segments."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_person
from mentorwise.accounts.models import User
from mentorwise.communications.models import Unsubscription
from mentorwise.communications.segments import Segment, segment_audience, segment_validate
from mentorwise.matches.models import Match, MatchStatus
from mentorwise.programs.models import Enrollment, Program
from mentorwise.relationships.models import CheckIn, Relationship, SafetyReport

pytestmark = pytest.mark.django_db

NOW = timezone.now()
ROLES = ["mentee", "mentor", "sponsor", "coach"]
STATUSES = ["invited", "active", "withdrawn"]


@dataclass
class Row:
    """One enrollment as the oracle sees it (plain values, no queries)."""

    person: int
    program: int
    role: str
    status: str
    month: str
    terminated_on: dt.date | None
    erased: bool


@dataclass
class Rel:
    mentee_person: int
    mentor_person: int
    program: int
    status: str
    health: str | None  # of an active one, as the pair would see it


def _health(days_quiet: int, cadence: int, low_pulse: bool) -> str:
    """The rule of relationships/health.py, restated: at risk beyond twice the cadence plus
    14 days of silence or after a check-in of 2 or less; stalled beyond the cadence plus 14."""
    if days_quiet > 2 * cadence + 14 or low_pulse:
        return "at_risk"
    if days_quiet > cadence + 14:
        return "stalled"
    return "on_track"


def build(seed: int, program: Program, other: Program) -> tuple[list[Row], list[Rel], set]:
    rng = random.Random(seed)
    today = timezone.localdate(NOW)
    rows: list[Row] = []
    rels: list[Rel] = []
    unsubscribed: set[tuple[int, int]] = set()
    enrollments: dict[tuple[int, int, str], Enrollment] = {}
    people = []
    for _n in range(36):
        terminated = rng.choice([None, None, None, -30, -1, 0, 7])
        person = make_person(
            termination_date=None if terminated is None else today + dt.timedelta(days=terminated),
            erased_at=NOW if rng.random() < 0.1 else None,
        )
        people.append(person)
        for prog in (program, other):
            if rng.random() < (0.85 if prog is program else 0.4):
                roles = rng.sample(ROLES, rng.choice([1, 1, 1, 2]))  # some hold two roles
                for role in roles:
                    created = NOW - dt.timedelta(days=rng.randrange(0, 200))
                    enrollment = Enrollment.objects.create(
                        program=prog,
                        person=person,
                        role=role,
                        status=rng.choice(STATUSES),
                        created_at=created,
                    )
                    enrollments[(person.pk, prog.pk, role)] = enrollment
                    rows.append(
                        Row(
                            person.pk,
                            prog.pk,
                            role,
                            enrollment.status,
                            timezone.localtime(created).strftime("%Y-%m"),
                            person.termination_date,
                            person.erased_at is not None,
                        )
                    )
            if rng.random() < 0.2:
                Unsubscription.objects.create(person=person, program=prog)
                unsubscribed.add((person.pk, prog.pk))
    for prog in (program, other):
        mentees = [e for (_p, g, r), e in enrollments.items() if g == prog.pk and r == "mentee"]
        mentors = [e for (_p, g, r), e in enrollments.items() if g == prog.pk and r == "mentor"]
        for mentee in mentees:
            if not mentors or rng.random() < 0.3:
                continue
            mentor = rng.choice(mentors)
            if mentor.person_id == mentee.person_id:
                continue
            status = rng.choice(["active", "active", "closed"])
            started = NOW - dt.timedelta(days=rng.randrange(1, 150))
            quiet = rng.choice([None, 3, 40, 80, 120])
            last = NOW - dt.timedelta(days=quiet) if quiet is not None else None
            if last is not None and last < started:
                last = None
            match = Match.objects.create(
                program=prog, mentee=mentee, mentor=mentor, status=MatchStatus.ACCEPTED
            )
            rel = Relationship.objects.create(
                match=match,
                program=prog,
                mentee=mentee,
                mentor=mentor,
                status=status,
                started_at=started,
                last_meeting_at=last,
                closed_at=NOW if status == "closed" else None,
            )
            low = rng.random() < 0.2
            if low:
                CheckIn.objects.create(relationship=rel, side="mentee", pulse=1, created_at=NOW)
            if rng.random() < 0.2:  # never counts towards what a segment sees
                SafetyReport.objects.create(
                    relationship=rel, category="other", description="x", reporter=None
                )
            days_quiet = (NOW - (last or started)).days
            rels.append(
                Rel(
                    mentee.person_id,
                    mentor.person_id,
                    prog.pk,
                    status,
                    _health(days_quiet, prog.meeting_cadence_days, low)
                    if status == "active"
                    else None,
                )
            )
    return rows, rels, unsubscribed


def oracle(
    segment: Segment,
    essential: bool,
    program_id: int,
    rows: list[Row],
    rels: list[Rel],
    unsubscribed: set,
) -> list[int]:
    today = timezone.localdate(NOW)
    chosen = set()
    for row in rows:
        if row.program != program_id:
            continue
        if segment.roles and row.role not in segment.roles:
            continue
        if segment.enrollment_statuses and row.status not in segment.enrollment_statuses:
            continue
        if segment.cohort_from and row.month < segment.cohort_from:
            continue
        if segment.cohort_to and row.month > segment.cohort_to:
            continue
        # The relationships this enrollment is a side of (mentee side for a mentee, ...).
        mine = [
            r
            for r in rels
            if r.program == program_id
            and (
                (row.role == "mentee" and r.mentee_person == row.person)
                or (row.role == "mentor" and r.mentor_person == row.person)
            )
        ]
        if segment.relationships:
            ok = any(r.status in segment.relationships for r in mine) or (
                "none" in segment.relationships and not mine
            )
            if not ok:
                continue
        if segment.health and not any(r.health in segment.health for r in mine):
            continue
        if row.erased or (row.terminated_on is not None and row.terminated_on <= today):
            continue
        if not essential and (row.person, program_id) in unsubscribed:
            continue
        chosen.add(row.person)
    return sorted(chosen)


segments = st.builds(
    Segment,
    roles=st.lists(st.sampled_from(ROLES), max_size=2).map(tuple),
    enrollment_statuses=st.lists(st.sampled_from(STATUSES), max_size=2).map(tuple),
    relationships=st.lists(st.sampled_from(["active", "closed", "none"]), max_size=2).map(tuple),
    health=st.lists(st.sampled_from(["on_track", "stalled", "at_risk"]), max_size=2).map(tuple),
    cohort_from=st.sampled_from(["", *(f"2026-{m:02d}" for m in range(4, 13))]),
    cohort_to=st.sampled_from(["", *(f"2026-{m:02d}" for m in range(4, 13))]),
)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_segments_reach_exactly_whom_the_definition_says(
    seed: int, program: Program, other_program: Program, hr_admin: User
) -> None:
    rows, rels, unsubscribed = build(seed, program, other_program)
    seen_nonempty = 0

    @settings(
        max_examples=80,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(segments, st.booleans(), st.booleans())
    def check(segment: Segment, essential: bool, in_other: bool) -> None:
        nonlocal seen_nonempty
        if segment.cohort_from and segment.cohort_to and segment.cohort_from > segment.cohort_to:
            segment = Segment(**{**segment.__dict__, "cohort_to": segment.cohort_from})
        segment = segment_validate(segment)
        target = other_program if in_other else program
        got = segment_audience(program=target, segment=segment, essential=essential, now=NOW)
        expected = oracle(segment, essential, target.pk, rows, rels, unsubscribed)
        assert got.person_ids == expected, segment
        seen_nonempty += bool(expected)

    check()
    assert seen_nonempty >= 8  # the population is not so thin that every segment is empty
