"""The insights benchmark data set: an organization, programs and a year of mentoring.

Imported by `bench/insights.py` after `django.setup()`. People go through the HRIS import
service and programs through `program_create_from_template`, as in production; the year of
activity (enrollments, matches, relationships, agreements, meetings, check-ins, goals,
surveys, safety reports, training) is drawn with numpy from one seed and written with
`bulk_create`, since going through the services row by row would take hours.

Each relationship gets an engagement profile (healthy, slow or stalled) that drives how
often it meets and how its people answer check-ins and surveys, so that health states,
cadence ratios and scores vary as they would in a real program.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from mentorwise.accounts.models import User
from mentorwise.learning.models import ModuleCompletion, ProgramTrainingRequirement, TrainingModule
from mentorwise.learning.services import modules_sync_builtin
from mentorwise.matches.models import Match, MatchSource, MatchStatus, Response
from mentorwise.people.generator import generate_org
from mentorwise.people.models import CareerEvent, CareerEventKind, Person
from mentorwise.people.services import people_import
from mentorwise.programs.catalog import template_get
from mentorwise.programs.eligibility import eligible_people
from mentorwise.programs.models import (
    Enrollment,
    EnrollmentStatus,
    Program,
    ProgramStatus,
    Role,
)
from mentorwise.programs.services import program_create_from_template
from mentorwise.relationships.models import (
    Agreement,
    AgreementVersion,
    CheckIn,
    ClosureKind,
    Goal,
    GoalStatus,
    Meeting,
    MeetingStatus,
    Relationship,
    RelationshipStatus,
    SafetyCategory,
    SafetyReport,
    SafetyStatus,
    Side,
    SponsorshipAction,
    SponsorshipKind,
    SponsorshipOutcome,
    SurveyKind,
    SurveyResponse,
)
from mentorwise.relationships.services.feedback import survey_for

# Template and share of all relationships, largest program first (a company usually has
# one flagship program and several small ones).
PROGRAM_MIX: tuple[tuple[str, float], ...] = (
    ("hipo_leadership", 0.40),
    ("first_time_manager", 0.18),
    ("onboarding_buddy", 0.14),
    ("reverse_mentoring", 0.10),
    ("sponsorship_underrepresented", 0.08),
    ("group_circle", 0.06),
    ("flash_mentoring", 0.04),
)
HEALTHY, SLOW, STALLED = 0, 1, 2
ENGAGEMENT_SHARES = (0.65, 0.20, 0.15)
# Meetings relative to the agreed cadence, per engagement profile.
MEETING_FACTOR = np.array([1.0, 0.5, 0.2])
# A stalled pair stops meeting after this fraction of its time together.
STALLED_SPAN = 0.4
# Pulse 1–5 probabilities per engagement profile.
PULSE_P = np.array(
    [
        [0.01, 0.03, 0.16, 0.45, 0.35],
        [0.04, 0.12, 0.36, 0.33, 0.15],
        [0.20, 0.28, 0.27, 0.18, 0.07],
    ]
)
CHECK_INS_PER_RELATIONSHIP = 3
GOALS_PER_RELATIONSHIP = 2.5
UNMATCHED_MENTEE_SHARE = 0.3
MENTEES_PER_MENTOR = 1.5
BATCH = 5_000
DAY = 86_400.0


@dataclass
class DataSet:
    """What was built: the HR admin actor, the programs (largest first) and row counts."""

    admin: User
    programs: list[Program]
    counts: dict[str, int] = field(default_factory=dict)


@contextmanager
def stage(name: str) -> Iterator[dict[str, Any]]:
    """Print a stage's name, then its duration and what it reported in `info`."""
    print(f"  {name} ...", end="", flush=True)
    info: dict[str, Any] = {}
    started = time.perf_counter()
    yield info
    detail = ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in info.items())
    print(f" {time.perf_counter() - started:.1f} s" + (f" ({detail})" if detail else ""))


def _insert(model: type[Any], objects: list[Any]) -> list[Any]:
    return model.objects.bulk_create(objects, batch_size=BATCH)


def _at(now: dt.datetime, seconds: np.ndarray) -> list[dt.datetime]:
    """Datetimes `seconds` (float, relative to `now`, usually negative) from now."""
    return [now + dt.timedelta(seconds=float(s)) for s in seconds]


def build(*, people: int, relationships: int, meetings: int, seed: int) -> DataSet:
    """Build the whole data set into the current (empty, migrated) database."""
    rng = np.random.default_rng(seed)
    now = timezone.now()
    counts: dict[str, int] = {}

    with stage(f"generate and import {people:,} people") as info:
        org = generate_org(people, seed)
        with tempfile.TemporaryDirectory(prefix="mw-bench-csv-") as folder:
            csv_path = Path(folder) / "people.csv"
            org.write_csv(csv_path)
            result = people_import(actor=None, data=csv_path.read_bytes(), file_name="people.csv")
        info["people"] = counts["people"] = result.created
    today = timezone.localdate(now)
    active_people = np.array(
        [
            pk
            for pk, ended in Person.objects.values_list("pk", "termination_date")
            if ended is None or ended > today
        ]
    )

    with stage("HR admin, programs from templates, training modules") as info:
        admin = User.objects.create(username="bench-admin", is_hr_admin=True, is_superuser=False)
        programs = []
        for key, _ in PROGRAM_MIX:
            program = program_create_from_template(
                actor=admin, template_key=key, start_date=today - dt.timedelta(days=380)
            )
            program.status = ProgramStatus.ACTIVE
            program.end_date = today + dt.timedelta(days=365)
            program.save(update_fields=["status", "end_date"])
            programs.append(program)
        with transaction.atomic():
            modules_sync_builtin()
        modules = list(TrainingModule.objects.filter(is_active=True).order_by("position")[:2])
        _insert(
            ProgramTrainingRequirement,
            [
                ProgramTrainingRequirement(program=p, module=m)
                for p in programs
                if p.mentor_training_required
                for m in modules
            ],
        )
        info["programs"] = counts["programs"] = len(programs)
        info["required modules"] = len(modules)

    with transaction.atomic():
        activity = _Activity(rng=rng, now=now, programs=programs, people=active_people)
        activity.enrollments(relationships)
        activity.matches_and_relationships()
        activity.agreements()
        activity.meetings(meetings)
        activity.check_ins()
        activity.goals()
        activity.surveys()
        activity.safety_reports()
        activity.training(modules)
        activity.sponsorship_actions()
        _promotions(rng, now, counts)
    counts.update(activity.counts)

    with (
        stage("ANALYZE (planner statistics, as a maintained database has)"),
        connection.cursor() as cursor,
    ):
        cursor.execute("ANALYZE")
    return DataSet(admin=admin, programs=programs, counts=counts)


class _Activity:
    """A year of activity, built stage by stage in numpy arrays indexed by relationship."""

    def __init__(
        self, *, rng: np.random.Generator, now: dt.datetime, programs: list[Program], people: Any
    ) -> None:
        self.rng = rng
        self.now = now
        self.programs = programs
        self.people = people
        self.counts: dict[str, int] = {}
        self.topped_up = 0

    # Enrollments -------------------------------------------------------------------------

    def enrollments(self, n_relationships: int) -> None:
        rng, now = self.rng, self.now
        with stage("enrollments") as info:
            shares = np.array([share for _, share in PROGRAM_MIX])
            per_program = rng.multinomial(n_relationships, shares / shares.sum())
            mentees: list[Enrollment] = []
            mentors: list[Enrollment] = []
            # Per relationship: program index, mentee and mentor (positions in the lists).
            rel_program, rel_mentee, rel_mentor = [], [], []
            # Per mentee enrollment without a relationship: program index and position.
            self.unmatched: list[tuple[int, int]] = []
            # Start time of each relationship (seconds from now) and its mentee's enrollment.
            # More recent starts than old ones: programs grow, and the oldest pairs of the
            # short programs have already closed.
            starts = -(2 * DAY + 358 * DAY * rng.random(n_relationships) ** 1.4)
            waits = rng.exponential(20 * DAY, n_relationships)
            offset = 0
            for index, (program, n_rel) in enumerate(zip(self.programs, per_program, strict=True)):
                n_unmatched = int(n_rel * UNMATCHED_MENTEE_SHARE)
                n_mentors = max(1, int(np.ceil(n_rel / MENTEES_PER_MENTOR)))
                n_mentees = int(n_rel) + n_unmatched
                mentee_ids = self._pick(program, Role.MENTEE, n_mentees, exclude=())
                giving = next(r for r in program.roles if r != Role.MENTEE)
                mentor_ids = self._pick(program, giving, n_mentors, exclude=mentee_ids)
                chosen = np.concatenate([mentee_ids, mentor_ids])
                assigned = rng.integers(0, n_mentors, int(n_rel))
                capacity = np.bincount(assigned, minlength=n_mentors)
                mentor_base = len(mentors)
                for j in range(n_mentors):
                    mentors.append(
                        Enrollment(
                            program=program,
                            person_id=int(chosen[n_mentees + j]),
                            role=giving,
                            capacity=int(min(50, max(1, capacity[j]))),
                            created_at=now - dt.timedelta(days=float(rng.uniform(200, 390))),
                        )
                    )
                for j in range(n_mentees):
                    if j < n_rel:
                        r = offset + j
                        created = starts[r] - waits[r]
                        status = EnrollmentStatus.ACTIVE
                        rel_program.append(index)
                        rel_mentee.append(len(mentees))
                        rel_mentor.append(mentor_base + int(assigned[j]))
                    else:
                        created = -rng.uniform(1 * DAY, 365 * DAY)
                        draw = rng.random()
                        status = (
                            EnrollmentStatus.WITHDRAWN
                            if draw < 0.1
                            else EnrollmentStatus.INVITED
                            if draw < 0.2
                            else EnrollmentStatus.ACTIVE
                        )
                        self.unmatched.append((index, len(mentees)))
                    mentees.append(
                        Enrollment(
                            program=program,
                            person_id=int(chosen[j]),
                            role=Role.MENTEE,
                            status=status,
                            created_at=now + dt.timedelta(seconds=float(created)),
                        )
                    )
                offset += int(n_rel)
            info["not eligible (pool too small)"] = self.topped_up
            self.mentees = _insert(Enrollment, mentees)
            self.mentors = _insert(Enrollment, mentors)
            self.rel_program = np.array(rel_program)
            self.rel_mentee = np.array(rel_mentee)
            self.rel_mentor = np.array(rel_mentor)
            self.starts = starts
            info["mentee"] = len(mentees)
            info["mentor"] = len(mentors)
            self.counts["enrollments"] = len(mentees) + len(mentors)

    def _pick(self, program: Program, role: str, n: int, exclude: Any) -> np.ndarray:
        """`n` active people for `role`: those the program's rules admit first, in random
        order, then others when too few are eligible (as when rules were tightened after
        people enrolled); none of `exclude`."""
        rules = (program.eligibility or {}).get(role, {})
        eligible = np.array(
            eligible_people(rules, today=timezone.localdate(self.now)).values_list("pk", flat=True)
        )
        eligible = self.rng.permutation(eligible[~np.isin(eligible, exclude)])[:n]
        if len(eligible) == n:
            return eligible
        others = self.people[~np.isin(self.people, np.concatenate([eligible, exclude]))]
        extra = self.rng.choice(others, n - len(eligible), replace=False)
        self.topped_up += len(extra)
        return np.concatenate([eligible, extra])

    # Matches and relationships -----------------------------------------------------------

    def matches_and_relationships(self) -> None:
        rng, now = self.rng, self.now
        n = len(self.starts)
        cadence_of_program = np.array([p.meeting_cadence_days for p in self.programs])
        self.program_cadence = cadence_of_program[self.rel_program]
        duration = np.array([_months(p) * 30.4 for p in self.programs])
        self.engagement = rng.choice(3, n, p=ENGAGEMENT_SHARES)
        planned_end = self.starts + duration[self.rel_program] * DAY
        early = (rng.random(n) < 0.08 + 0.25 * (self.engagement == STALLED)) & (
            self.starts < -45 * DAY
        )
        early_end = self.starts + rng.uniform(0.3, 0.9, n) * (-self.starts)
        closed_early = early & (early_end < planned_end)
        closed_planned = (planned_end < 0) & ~closed_early
        self.closed = closed_planned | closed_early
        self.ends = np.where(closed_early, early_end, np.where(closed_planned, planned_end, 0.0))

        with stage("matches") as info:
            matches = []
            published = self.starts - rng.uniform(1 * DAY, 7 * DAY, n)
            for r in range(n):
                at = now + dt.timedelta(seconds=float(published[r]))
                matches.append(
                    Match(
                        program=self.programs[self.rel_program[r]],
                        mentee=self.mentees[self.rel_mentee[r]],
                        mentor=self.mentors[self.rel_mentor[r]],
                        source=MatchSource.RUN,
                        status=MatchStatus.ENDED if self.closed[r] else MatchStatus.ACCEPTED,
                        score=float(rng.uniform(0.4, 1.0)),
                        mentee_response=Response.ACCEPTED,
                        mentor_response=Response.ACCEPTED,
                        created_at=at - dt.timedelta(days=2),
                        decided_at=at - dt.timedelta(days=1),
                        published_at=at,
                    )
                )
            # Mentees without a relationship: declined, expired, awaiting answers, proposed,
            # or never matched.
            outcomes = (
                MatchStatus.DECLINED,
                MatchStatus.EXPIRED,
                MatchStatus.PUBLISHED,
                MatchStatus.PROPOSED,
                None,
            )
            mentor_ranges = self._mentor_ranges()
            for program_index, position in self.unmatched:
                outcome = outcomes[rng.choice(5, p=(0.3, 0.15, 0.15, 0.1, 0.3))]
                if outcome is None:
                    continue
                low, high = mentor_ranges[program_index]
                mentee = self.mentees[position]
                at = mentee.created_at + dt.timedelta(days=float(rng.uniform(3, 20)))
                at = min(at, now - dt.timedelta(hours=1))
                is_published = outcome != MatchStatus.PROPOSED
                matches.append(
                    Match(
                        program=self.programs[program_index],
                        mentee=mentee,
                        mentor=self.mentors[int(rng.integers(low, high))],
                        status=outcome,
                        score=float(rng.uniform(0.3, 0.9)),
                        mentee_response=(
                            Response.DECLINED
                            if outcome == MatchStatus.DECLINED
                            else Response.PENDING
                        ),
                        created_at=at - dt.timedelta(days=2),
                        published_at=at if is_published else None,
                        expires_at=at + dt.timedelta(days=14) if is_published else None,
                    )
                )
            self.matches = _insert(Match, matches)
            info["matches"] = self.counts["matches"] = len(matches)

        with stage("relationships") as info:
            rels = []
            for r in range(n):
                started = now + dt.timedelta(seconds=float(self.starts[r]))
                planned = started + dt.timedelta(days=float(duration[self.rel_program[r]]))
                closed = bool(self.closed[r])
                closed_early = closed and self.ends[r] < planned_end[r] - 1
                rels.append(
                    Relationship(
                        match=self.matches[r],
                        program=self.programs[self.rel_program[r]],
                        mentee=self.mentees[self.rel_mentee[r]],
                        mentor=self.mentors[self.rel_mentor[r]],
                        status=RelationshipStatus.CLOSED if closed else RelationshipStatus.ACTIVE,
                        started_at=started,
                        planned_end_date=planned.date(),
                        closed_at=(
                            now + dt.timedelta(seconds=float(self.ends[r])) if closed else None
                        ),
                        closure_kind=(
                            (ClosureKind.EARLY if closed_early else ClosureKind.PLANNED)
                            if closed
                            else ""
                        ),
                        closure_reason="Stopped meeting" if closed_early else "",
                    )
                )
            self.relationships = _insert(Relationship, rels)
            info["relationships"] = self.counts["relationships"] = n
            info["active"] = int((~self.closed).sum())

    def _mentor_ranges(self) -> list[tuple[int, int]]:
        ranges: dict[int, list[int]] = {}
        for position, enrollment in enumerate(self.mentors):
            index = self.programs.index(enrollment.program)
            ranges.setdefault(index, [position, position + 1])[1] = position + 1
        return [tuple(ranges[i]) for i in range(len(self.programs))]  # type: ignore[misc]

    # Agreements --------------------------------------------------------------------------

    def agreements(self) -> None:
        rng, now = self.rng, self.now
        n = len(self.relationships)
        with stage("agreements and versions") as info:
            agreements = _insert(
                Agreement,
                [
                    Agreement(relationship=rel, created_at=rel.started_at)
                    for rel in self.relationships
                ],
            )
            n_versions = rng.choice((1, 2, 3), n, p=(0.7, 0.22, 0.08))
            # The agreed cadence: the program's, or one the pair chose.
            own = rng.random(n) < 0.3
            chosen = rng.choice((14, 21, 30, 45), n)
            self.cadence = np.where(own, chosen, self.program_cadence)
            confirmed = rng.choice(3, n, p=(0.8, 0.1, 0.1))  # both, mentee only, neither
            versions = []
            for r, agreement in enumerate(agreements):
                started = self.relationships[r].started_at
                for number in range(1, int(n_versions[r]) + 1):
                    latest = number == n_versions[r]
                    created = min(started + dt.timedelta(days=20 * (number - 1)), now)
                    both = not latest or confirmed[r] == 0
                    versions.append(
                        AgreementVersion(
                            agreement=agreement,
                            number=number,
                            program_objectives="Grow as a leader.",
                            pair_objectives="Meet regularly and work on two goals.",
                            meeting_cadence_days=(
                                int(self.cadence[r]) if latest else int(self.program_cadence[r])
                            ),
                            created_at=created,
                            mentee_confirmed_at=created if both or confirmed[r] == 1 else None,
                            mentor_confirmed_at=created if both else None,
                        )
                    )
            _insert(AgreementVersion, versions)
            info["agreements"] = self.counts["agreements"] = len(agreements)
            info["versions"] = self.counts["agreement versions"] = len(versions)

    # Meetings ----------------------------------------------------------------------------

    def meetings(self, total: int) -> None:
        rng, now = self.rng, self.now
        with stage("meetings") as info:
            # Meetings happen from the start until the end (or two weeks ahead, scheduled).
            until = np.where(self.closed, self.ends, 14 * DAY)
            span = until - self.starts
            span = np.where(self.engagement == STALLED, span * STALLED_SPAN, span)
            weights = span / DAY / self.cadence * MEETING_FACTOR[self.engagement]
            per_rel = rng.multinomial(total, weights / weights.sum())
            owner = np.repeat(np.arange(len(per_rel)), per_rel)
            starts = self.starts[owner] + rng.random(len(owner)) * span[owner]
            # Round to the quarter hour, as calendars do.
            starts = np.floor(starts / 900) * 900
            past = starts <= 0
            cancelled = rng.random(len(owner)) < 0.12
            status = np.where(
                past,
                np.where(cancelled, MeetingStatus.CANCELLED, MeetingStatus.HELD),
                MeetingStatus.SCHEDULED,
            )
            held = status == MeetingStatus.HELD
            last = np.full(len(per_rel), -np.inf)
            np.maximum.at(last, owner[held], starts[held])
            objects = []
            for i, at in enumerate(_at(now, starts)):
                is_held = bool(held[i])
                objects.append(
                    Meeting(
                        relationship=self.relationships[owner[i]],
                        status=status[i],
                        starts_at=at,
                        duration_minutes=60,
                        topics="Goals, feedback" if is_held else "",
                        created_at=at - dt.timedelta(days=7),
                        logged_at=at + dt.timedelta(hours=2) if is_held else None,
                    )
                )
            _insert(Meeting, objects)
            info["meetings"] = self.counts["meetings"] = len(objects)
            info["held"] = int(held.sum())
        with stage("last meeting of each relationship") as info:
            changed = []
            for r, rel in enumerate(self.relationships):
                if np.isfinite(last[r]):
                    rel.last_meeting_at = now + dt.timedelta(seconds=float(last[r]))
                    changed.append(rel)
            Relationship.objects.bulk_update(changed, ["last_meeting_at"], batch_size=BATCH)
            info["with a held meeting"] = len(changed)

    # Check-ins, goals, surveys, safety reports, training ---------------------------------

    def _active_span(self) -> tuple[np.ndarray, np.ndarray]:
        until = np.where(self.closed, self.ends, 0.0)
        return until, until - self.starts

    def check_ins(self) -> None:
        rng, now = self.rng, self.now
        with stage("check-ins") as info:
            until, span = self._active_span()
            total = CHECK_INS_PER_RELATIONSHIP * len(self.starts)
            per_rel = rng.multinomial(total, span / span.sum())
            owner = np.repeat(np.arange(len(per_rel)), per_rel)
            at = until[owner] - rng.random(len(owner)) * span[owner]
            pulses = np.empty(len(owner), dtype=int)
            for profile in (HEALTHY, SLOW, STALLED):
                mask = self.engagement[owner] == profile
                pulses[mask] = rng.choice(5, int(mask.sum()), p=PULSE_P[profile]) + 1
            sides = rng.random(len(owner)) < 0.5
            objects = [
                CheckIn(
                    relationship=self.relationships[owner[i]],
                    side=Side.MENTEE if sides[i] else Side.MENTOR,
                    pulse=int(pulses[i]),
                    created_at=when,
                )
                for i, when in enumerate(_at(now, at))
            ]
            _insert(CheckIn, objects)
            info["check-ins"] = self.counts["check-ins"] = len(objects)

    def goals(self) -> None:
        rng, now = self.rng, self.now
        with stage("goals") as info:
            n = len(self.starts)
            per_rel = rng.poisson(GOALS_PER_RELATIONSHIP, n)
            owner = np.repeat(np.arange(n), per_rel)
            until, span = self._active_span()
            # Progress grows with time together, less so for slow and stalled pairs.
            elapsed = np.clip(span[owner] / (180 * DAY), 0, 1)
            factor = np.array([1.0, 0.6, 0.3])[self.engagement[owner]]
            progress = np.clip(
                (elapsed * factor * 100 + rng.normal(0, 15, len(owner))).round(), 0, 100
            ).astype(int)
            dropped = rng.random(len(owner)) < 0.08
            objects = []
            for i, r in enumerate(owner):
                rel = self.relationships[r]
                status = (
                    GoalStatus.DROPPED
                    if dropped[i]
                    else GoalStatus.ACHIEVED
                    if progress[i] >= 95
                    else GoalStatus.OPEN
                )
                objects.append(
                    Goal(
                        relationship=rel,
                        title=f"Goal {i % 7 + 1}",
                        progress=100 if status == GoalStatus.ACHIEVED else int(progress[i]),
                        status=status,
                        target_date=(rel.started_at + dt.timedelta(days=180)).date(),
                        achieved_at=(
                            now + dt.timedelta(seconds=float(until[r]))
                            if status == GoalStatus.ACHIEVED
                            else None
                        ),
                        created_at=rel.started_at + dt.timedelta(days=7),
                    )
                )
            _insert(Goal, objects)
            info["goals"] = self.counts["goals"] = len(objects)

    def surveys(self) -> None:
        rng, now = self.rng, self.now
        with stage("surveys and responses") as info:
            _, span = self._active_span()
            satisfaction_p = PULSE_P  # the same 1–5 shape as check-ins
            objects = []
            for kind, due, answer_rate in (
                (SurveyKind.MIDPOINT, span >= 90 * DAY, 0.75),
                (SurveyKind.CLOSING, self.closed, 0.65),
            ):
                surveys = [survey_for(program=p, kind=kind) for p in self.programs]
                for r in np.flatnonzero(due):
                    rel = self.relationships[r]
                    submitted = (
                        rel.started_at + dt.timedelta(days=90)
                        if kind == SurveyKind.MIDPOINT
                        else rel.closed_at
                    )
                    for side in (Side.MENTEE, Side.MENTOR):
                        if rng.random() >= answer_rate:
                            continue
                        profile = self.engagement[r]
                        satisfaction = int(rng.choice(5, p=satisfaction_p[profile]) + 1)
                        recommend = int(np.clip(2 * satisfaction + rng.integers(-2, 2), 0, 10))
                        objects.append(
                            SurveyResponse(
                                survey=surveys[self.rel_program[r]],
                                relationship=rel,
                                side=side,
                                answers={
                                    "satisfaction": satisfaction,
                                    "recommend": recommend,
                                    "goal_attainment": int(rng.integers(1, 6)),
                                },
                                submitted_at=min(submitted, now),
                            )
                        )
            _insert(SurveyResponse, objects)
            info["responses"] = self.counts["survey responses"] = len(objects)

    def safety_reports(self) -> None:
        rng, now = self.rng, self.now
        with stage("safety reports") as info:
            chosen = np.flatnonzero(rng.random(len(self.starts)) < 0.005)
            objects = []
            for r in chosen:
                rel = self.relationships[r]
                resolved = rng.random() < 0.6
                created = rel.started_at + (now - rel.started_at) * float(rng.uniform(0.2, 0.9))
                objects.append(
                    SafetyReport(
                        relationship=rel,
                        category=SafetyCategory.NO_SHOWS,
                        description="Missed several meetings without notice.",
                        status=SafetyStatus.RESOLVED if resolved else SafetyStatus.OPEN,
                        created_at=created,
                        resolved_at=created + dt.timedelta(days=5) if resolved else None,
                    )
                )
            _insert(SafetyReport, objects)
            info["reports"] = self.counts["safety reports"] = len(objects)

    def sponsorship_actions(self) -> None:
        """Advocacy recorded by sponsors (about 1.5 actions per sponsorship, 0.2 elsewhere),
        dated within each relationship's time together, half of the older ones settled."""
        rng, now = self.rng, self.now
        with stage("sponsorship actions") as info:
            is_sponsorship = np.array([Role.SPONSOR in p.roles for p in self.programs], dtype=bool)[
                self.rel_program
            ]
            per_rel = rng.poisson(np.where(is_sponsorship, 1.5, 0.2))
            owner = np.repeat(np.arange(len(per_rel)), per_rel)
            _, span = self._active_span()
            at = self.starts[owner] + rng.random(len(owner)) * span[owner]
            kinds = rng.choice(SponsorshipKind.values, len(owner))
            settled = (rng.random(len(owner)) < 0.5) & (at < -60 * DAY)
            won = rng.random(len(owner)) < 0.6
            objects = []
            for i, when in enumerate(_at(now, at)):
                outcome = (
                    SponsorshipOutcome.PENDING
                    if not settled[i]
                    else SponsorshipOutcome.SUCCEEDED
                    if won[i]
                    else SponsorshipOutcome.NOT_SUCCEEDED
                )
                objects.append(
                    SponsorshipAction(
                        relationship=self.relationships[owner[i]],
                        kind=str(kinds[i]),
                        description="Put forward for a visible role.",
                        outcome=outcome,
                        outcome_on=(when + dt.timedelta(days=45)).date()
                        if outcome != SponsorshipOutcome.PENDING
                        else None,
                        created_at=when,
                    )
                )
            _insert(SponsorshipAction, objects)
            info["actions"] = self.counts["sponsorship actions"] = len(objects)

    def training(self, modules: list[TrainingModule]) -> None:
        rng = self.rng
        with stage("training completions") as info:
            required = {p.pk for p in self.programs if p.mentor_training_required}
            people = sorted(
                {m.person_id for m in self.mentors if m.program_id in required}  # type: ignore[attr-defined]
            )
            trained = [pk for pk in people if rng.random() < 0.75]
            objects = [
                ModuleCompletion(
                    person_id=pk, module=module, score=100, module_version=module.version
                )
                for pk in trained
                for module in modules
            ]
            _insert(ModuleCompletion, objects)
            info["completions"] = self.counts["training completions"] = len(objects)


def _promotions(rng: np.random.Generator, now: dt.datetime, counts: dict[str, int]) -> None:
    """Promotions of the last two years: about one active person in eight, high-potentials
    twice as often, each dated at random and raising the level by one (as an import would
    record a raised level)."""
    with stage("promotion career events") as info:
        today = timezone.localdate(now)
        rows = np.array(
            Person.objects.filter(termination_date__isnull=True).values_list(
                "pk", "job_level", "is_high_potential"
            ),
            dtype=np.int64,
        )
        chance = np.where(rows[:, 2] == 1, 0.25, 0.12)
        chosen = rows[(rng.random(len(rows)) < chance) & (rows[:, 1] > 1)]
        days = rng.integers(1, 730, len(chosen))
        objects = [
            CareerEvent(
                person_id=int(pk),
                kind=CareerEventKind.PROMOTION,
                date=today - dt.timedelta(days=int(d)),
                from_level=int(level) - 1,
                to_level=int(level),
                source="bench",
            )
            for (pk, level, _), d in zip(chosen.tolist(), days.tolist(), strict=True)
        ]
        _insert(CareerEvent, objects)
        info["promotions"] = counts["promotions"] = len(objects)


def _months(program: Program) -> float:
    """The duration of the template the program was created from, in months."""
    template = template_get(program.template_key)
    return float(template.duration_months if template else 6)
