"""Turn a program's enrollments into the matching engine's plain tables (and back).

The engine (`mentorwise.matching`) knows nothing of Django: this module reads the
database once per side, in bulk, and builds columnar `Participants` and `ProgramRules`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from django.db.models import Count, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from mentorwise.core.aggregates import cached_in_process
from mentorwise.learning.selectors import people_trained_for
from mentorwise.matches.models import (
    HOLDS_CAPACITY,
    TAKES_MENTEE,
    ForbiddenPair,
    Match,
    MatchStatus,
    Preference,
    PreferenceKind,
)
from mentorwise.matching.scoring import Participants, ProgramRules
from mentorwise.people.models import Demographics, ancestor_ids
from mentorwise.programs.inclusion import inclusion_of
from mentorwise.programs.models import (
    GIVING_ROLES,
    Enrollment,
    EnrollmentStatus,
    Program,
    ProgramKind,
    Role,
)

# "Whole chain" when a program sets no depth: deeper than any real hierarchy.
WHOLE_CHAIN = 30


def giving_role(program: Program) -> str:
    """The role on the mentor side of this program (mentor, sponsor or coach; peer in a peer
    program, whose one role is on both sides)."""
    if is_peer_program(program):
        return Role.PEER
    return next((r for r in program.roles if r in GIVING_ROLES), Role.MENTOR)


def is_peer_program(program: Program) -> bool:
    """Whether anyone in the program may be paired with anyone (one role, non-bipartite)."""
    return program.is_peer


def taking_role(program: Program) -> str:
    """The role on the mentee side of this program (peer in a peer program)."""
    return Role.PEER if is_peer_program(program) else Role.MENTEE


def _utc_offset(name: str, now: dt.datetime) -> float:
    try:
        offset = now.astimezone(ZoneInfo(name)).utcoffset() if name else None
    except (ZoneInfoNotFoundError, ValueError):
        offset = None
    return offset.total_seconds() / 3600 if offset is not None else 0.0


@dataclass(frozen=True)
class Member:
    """What the engine reads of one participant: plain values, one row of the pool."""

    enrollment_id: int
    person_id: int
    first_name: str
    job_level: int | None
    function: str
    department: str
    location: str
    time_zone: str
    languages: list[str]  # the enrollment's, else the person's
    text: str  # development goals (mentees) or expertise (mentors)
    path: str  # the person's management-chain path

    @property
    def ancestor_ids(self) -> list[int]:
        return ancestor_ids(self.path)


def _member(enrollment: Enrollment, text_field: str) -> Member:
    person = enrollment.person
    return Member(
        enrollment.pk,
        person.pk,
        person.first_name,
        person.job_level,
        person.function,
        person.department,
        person.location,
        person.time_zone,
        enrollment.languages or person.languages or [],
        getattr(enrollment, text_field),
        person.path,
    )


_MEMBER_COLUMNS = (
    "pk",
    "person_id",
    "person__first_name",
    "person__job_level",
    "person__function",
    "person__department",
    "person__location",
    "person__time_zone",
    "own_languages",
    "person_languages",
    "development_goals",
    "person__path",
)


def _mentee_members(enrollments: QuerySet[Enrollment]) -> list[Member]:
    """The pool's mentees as plain rows in one query: a program holds thousands of them, and
    building an Enrollment and a Person object for each took most of a page's time (the same
    values as `_member` reads from the objects). The language lists come as JSON text and
    are decoded once per distinct text (a few dozen), not twice per mentee."""
    decoded: dict[str, list[str]] = {}

    def languages(text: str | None) -> list[str]:
        if not text:
            return []
        if text not in decoded:
            decoded[text] = json.loads(text) or []
        return list(decoded[text])  # each member its own list

    rows = enrollments.annotate(
        own_languages=Cast("languages", TextField()),
        person_languages=Cast("person__languages", TextField()),
    ).values_list(*_MEMBER_COLUMNS)
    members = []
    for row in rows:
        pk, person, first, level, function, department, location, zone = row[:8]
        own, theirs, text, path = row[8:]
        spoken = languages(own) or languages(theirs)
        members.append(
            Member(
                pk,
                person,
                first,
                level,
                function,
                department,
                location,
                zone,
                spoken,
                text,
                path,
            )
        )
    return members


def _chains(members: list[Member], depth: int) -> np.ndarray:
    """Managers' person ids from the direct manager upwards (-1 padded), from the paths."""
    out = np.full((len(members), depth), -1, dtype=np.int64)
    for row, member in enumerate(members):
        above = member.ancestor_ids[::-1][:depth]  # direct manager first
        out[row, : len(above)] = above
    return out


def _participants(
    members: list[Member],
    *,
    skills: list[list[str]],
    depth: int,
    preferences: dict[int, tuple[list[int], list[int]]],
    trained: set[int] | None,
    inclusion: dict[int, bool] | None,
) -> Participants:
    now = timezone.now()
    # One conversion per time zone, not per person: a pool holds thousands of people and a
    # few dozen zones.
    offsets = {name: _utc_offset(name, now) for name in {m.time_zone for m in members}}
    return Participants(
        ids=np.array([m.person_id for m in members], dtype=np.int64),
        names=[m.first_name for m in members],
        job_level=np.array([m.job_level or 0 for m in members], dtype=np.int64),
        function=[m.function for m in members],
        department=[m.department for m in members],
        location=[m.location for m in members],
        utc_offset=np.array([offsets[m.time_zone] for m in members]),
        languages=[m.languages for m in members],
        skills=skills,
        text=[m.text for m in members],
        chain=_chains(members, depth),
        preferred=[preferences.get(m.enrollment_id, ([], []))[0] for m in members],
        vetoed=[preferences.get(m.enrollment_id, ([], []))[1] for m in members],
        training_completed=(
            None if trained is None else np.array([m.person_id in trained for m in members])
        ),
        inclusion_flag=(
            None
            if inclusion is None
            else np.array([inclusion.get(m.person_id, False) for m in members])
        ),
    )


def program_rules(
    program: Program, *, previous: list[tuple[int, int]], forbidden: list[tuple[int, int]]
) -> ProgramRules:
    """The program's matching settings as engine rules (person ids in the pair lists)."""
    options = program.matching.get("options", {})
    criteria = program.matching.get("criteria", {})
    depth = options.get("chain_exclusion_depth")
    inclusion = inclusion_of(program.matching)
    gap = options.get("seniority_gap") or [1, 3]
    lo, hi = int(gap[0]), int(gap[1])
    reverse = bool(options.get("reverse")) or program.kind == ProgramKind.REVERSE_MENTORING
    if reverse:
        # Program settings state the gap as "how many levels the mentee is above"; the
        # engine mirrors the range itself for reverse mentoring.
        lo, hi = abs(lo), abs(hi)
    weights = {k: float(v) for k, v in criteria.items()}
    if inclusion.enabled:
        weights["inclusion"] = float(inclusion.weight)
    return ProgramRules(
        peer=is_peer_program(program),
        weights=weights,
        seniority_gap=(min(lo, hi), max(lo, hi)),
        reverse_mentoring=reverse,
        function_preference=options.get("function_preference", "any"),
        language_required=bool(options.get("language_required")),
        min_level_gap=options.get("min_level_gap"),
        chain_exclusion_depth=WHOLE_CHAIN if depth is None else int(depth),
        training_required=program.mentor_training_required,
        min_score=options.get("min_score"),
        inclusion=inclusion.enabled,
        inclusion_justification=inclusion.justification,
        inclusion_senior_level=inclusion.senior_level,
        previous_pairs=previous,
        forbidden_pairs=forbidden,
    )


@dataclass
class ProgramPool:
    """Who a run matches: mentees without a mentor, mentors with room, and the rules."""

    mentee_members: list[Member]  # plain rows: the pool holds every unmatched mentee
    mentor_enrollments: list[Enrollment]
    capacities: np.ndarray
    mentees: Participants | None  # None when the side is empty: nothing to score
    mentors: Participants | None
    rules: ProgramRules
    locked: list[Match]


def program_pool(program: Program, *, marks_of: Enrollment | None = None) -> ProgramPool:
    """Read everything a matching run needs, in a fixed order (deterministic runs).

    Preferences and vetoes are everyone's for a run or a manager's preview; with `marks_of`
    only that participant's own, for what a participant reads: a pool built for one person
    cannot reveal another person's mark to them, in a reason, a rule, a score or an order.

    What a participant reads (find a mentor, the mentee list) starts from the pool without
    anyone's marks, kept per program until the next committed write (about 60 ms of reading
    at 100,000 people), and adds their own marks to a copy. The pool holds people's
    records, so it is kept in the process's memory only (`cached_in_process`), never in the
    shared cache on disk, where an erased person's record could outlive the erasure.
    """
    if marks_of is None:
        return _pool_read(program, Preference.objects.filter(enrollment__program=program))
    unmarked = cached_in_process(
        "matches.pool_unmarked",
        lambda: (program.pk,),
        lambda: _read_only(_pool_read(program, None)),
    )
    return _with_marks(unmarked, Preference.objects.filter(enrollment=marks_of))


def _read_only(pool: ProgramPool) -> ProgramPool:
    """`pool` with its arrays made read-only: it is shared by every request of the process."""
    pool.capacities.setflags(write=False)
    for side in (pool.mentees, pool.mentors):
        for value in vars(side).values() if side is not None else ():
            if isinstance(value, np.ndarray):
                value.setflags(write=False)
    return pool


def _preferences(
    marks: QuerySet[Preference], person_of: dict[int, int]
) -> dict[int, tuple[list[int], list[int]]]:
    """Each marking enrollment's (preferred, vetoed) person ids on the other side.
    Preferences and vetoes name enrollments; the engine wants person ids."""
    prefs: dict[int, tuple[list[int], list[int]]] = {}
    for owner, other, kind in marks.values_list("enrollment_id", "other_id", "kind"):
        if other in person_of:
            slot = prefs.setdefault(owner, ([], []))
            (slot[0] if kind == PreferenceKind.PREFER else slot[1]).append(person_of[other])
    return prefs


def _with_marks(pool: ProgramPool, marks: QuerySet[Preference]) -> ProgramPool:
    """A copy of `pool` (read without marks) with `marks` applied; `pool` is left as it is."""
    mentee_ids = [m.enrollment_id for m in pool.mentee_members]
    mentor_ids = [e.pk for e in pool.mentor_enrollments]
    person_of = {m.enrollment_id: m.person_id for m in pool.mentee_members}
    person_of.update({e.pk: e.person_id for e in pool.mentor_enrollments})
    prefs = _preferences(marks, person_of)

    def marked(side: Participants | None, ids: list[int]) -> Participants | None:
        if side is None:
            return None
        return replace(
            side,
            preferred=[prefs.get(i, ([], []))[0] for i in ids],
            vetoed=[prefs.get(i, ([], []))[1] for i in ids],
        )

    return replace(
        pool, mentees=marked(pool.mentees, mentee_ids), mentors=marked(pool.mentors, mentor_ids)
    )


def _pool_read(program: Program, marks: QuerySet[Preference] | None) -> ProgramPool:
    """The pool with `marks` applied (None: nobody's)."""
    role = giving_role(program)
    locked = list(
        Match.objects.filter(
            program=program, status=MatchStatus.PROPOSED, locked=True
        ).select_related("mentee__person", "mentor__person")
    )
    locked_mentees = {m.mentee_id for m in locked}
    locked_load: dict[int, int] = {}
    for m in locked:
        locked_load[m.mentor_id] = locked_load.get(m.mentor_id, 0) + 1
    active = Q(program=program, status=EnrollmentStatus.ACTIVE)
    peer = is_peer_program(program)
    mentee_query = (
        Enrollment.objects.filter(active, role=taking_role(program))
        .exclude(matches_as_mentee__status__in=TAKES_MENTEE)
        .exclude(pk__in=locked_mentees)
    )
    mentor_query = Enrollment.objects.filter(active, role=role, is_paused=False)
    if peer:
        # One pool on both sides, in the same order: a peer already paired (on either side
        # of a match) or in a locked proposal is out of this run.
        mentee_query = (
            mentee_query.filter(is_paused=False)
            .exclude(matches_as_mentor__status__in=TAKES_MENTEE)
            .exclude(pk__in=[m.mentor_id for m in locked])
        )
        mentor_query = mentee_query
    mentees = _mentee_members(mentee_query.order_by("pk"))
    mentors = list(
        mentor_query.select_related("person").prefetch_related("skills_offered").order_by("pk")
    )
    held = dict(
        Match.objects.filter(program=program, status__in=HOLDS_CAPACITY)
        .values("mentor_id")
        .annotate(n=Count("id"))
        .values_list("mentor_id", "n")
    )
    capacities = np.array(
        [max(0, e.capacity - held.get(e.pk, 0) - locked_load.get(e.pk, 0)) for e in mentors],
        dtype=np.int64,
    )
    if peer:
        capacities = np.ones(len(mentors), dtype=np.int64)  # a peer has one peer
    person_of = {m.enrollment_id: m.person_id for m in mentees}
    person_of.update({e.pk: e.person_id for e in mentors})
    prefs = {} if marks is None else _preferences(marks, person_of)
    options = program.matching.get("options", {})
    depth = options.get("chain_exclusion_depth")
    depth = WHOLE_CHAIN if depth is None else max(int(depth), 1)
    # The pool's people as subqueries, not lists of thousands of ids (Django prepares each
    # listed value, which took longer than the query).
    in_pool = Q(mentee__person_id__in=mentee_query.values("person_id")) | Q(
        mentee__person_id__in=mentor_query.values("person_id")
    )
    previous = list(
        Match.objects.filter(status__in=(MatchStatus.ACCEPTED, MatchStatus.ENDED))
        .filter(in_pool)
        .values_list("mentee__person_id", "mentor__person_id")
        .order_by()  # distinct pairs: the default ordering's columns would be selected too
        .distinct()
    )
    forbidden = list(
        ForbiddenPair.objects.filter(program=program).values_list(
            "mentee__person_id", "mentor__person_id"
        )
    )
    trained = None
    if program.mentor_training_required:
        trained = people_trained_for(program, [e.person_id for e in mentors])
    inclusion = None
    option = inclusion_of(program.matching)
    if option.enabled:
        inclusion = _inclusion_flags(option.groups, mentee_query.values("person_id"))
    return ProgramPool(
        mentee_members=mentees,
        mentor_enrollments=mentors,
        capacities=capacities,
        mentees=None
        if not mentees
        else _participants(
            mentees,
            skills=_skills_wanted(program, mentees),
            depth=depth,
            preferences=prefs,
            trained=None,
            inclusion=inclusion,
        ),
        mentors=None
        if not mentors
        else _participants(
            # Peers are compared goal to goal and wanted skill to wanted skill.
            [_member(e, "development_goals" if peer else "expertise") for e in mentors],
            skills=_skills_wanted(program, mentees)
            if peer
            else [[s.name for s in e.skills_offered.all()] for e in mentors],
            depth=depth,
            preferences=prefs,
            trained=trained,
            inclusion=None,
        ),
        rules=program_rules(program, previous=previous, forbidden=forbidden),
        locked=locked,
    )


def _skills_wanted(program: Program, mentees: list[Member]) -> list[list[str]]:
    """Each mentee's wanted skill names, in the skills' own order, in one query: plain rows,
    not a prefetch, as the pool holds every unmatched mentee of the program (the mentors'
    skills are prefetched: their cards show them)."""
    names: dict[int, list[str]] = {}
    through = Enrollment.skills_wanted.through.objects.filter(enrollment__program=program)
    for enrollment_id, name in through.order_by("skill__category", "skill__name").values_list(
        "enrollment_id", "skill__name"
    ):
        names.setdefault(enrollment_id, []).append(name)
    return [names.get(m.enrollment_id, []) for m in mentees]


def _inclusion_flags(
    groups: tuple[str, ...], person_ids: QuerySet[Enrollment, Any]
) -> dict[int, bool]:
    """Self-identified group membership, only for people who consented to this use."""
    flags: dict[int, bool] = {}
    for person_id, gender, ethnicity in Demographics.objects.filter(
        person_id__in=person_ids, consent_matching_use=True
    ).values_list("person_id", "gender", "ethnicity"):
        flags[person_id] = f"gender:{gender}" in groups or f"ethnicity:{ethnicity}" in groups
    return flags
