"""Read queries for matching runs and matches, filtered by who asks."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.core.errors import Forbidden, NotFound
from mentorwise.matches.models import (
    TAKES_MENTEE,
    Match,
    MatchingRun,
    MatchStatus,
    Preference,
    PreferenceKind,
    Response,
)
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program, Role
from mentorwise.programs.permissions import can_manage_program
from mentorwise.programs.selectors import person_enrollment_ids, person_enrollments


def run_latest(*, program: Program) -> MatchingRun | None:
    return program.runs.order_by("-created_at", "-id").first()


def access_run(*, actor: Actor, run_id: int) -> MatchingRun:
    """A run of a program the actor manages; NotFound otherwise."""
    run = MatchingRun.objects.select_related("program").filter(pk=run_id).first()
    if run is None or not can_manage_program(actor, run.program):
        raise NotFound(_("No such matching run."))
    return run


def access_managed_match(*, actor: Actor, match_id: int) -> Match:
    """A match in a program the actor manages; NotFound otherwise."""
    match = (
        Match.objects.select_related("program", "mentee__person", "mentor__person")
        .filter(pk=match_id)
        .first()
    )
    if match is None or not can_manage_program(actor, match.program):
        raise NotFound(_("No such match."))
    return match


def program_matches(
    *, program: Program, statuses: tuple[str, ...] | None = None
) -> QuerySet[Match]:
    matches = Match.objects.filter(program=program).select_related(
        "mentee__person", "mentor__person", "run"
    )
    if statuses:
        matches = matches.filter(status__in=statuses)
    return matches.order_by("-score", "pk")


def enrollment_choices(*, program: Program, role: str, limit: int = 2000) -> list[tuple[str, str]]:
    """The program's active enrollments in `role` as (id, "Name (title)") choices, by last
    name: plain rows, as a program holds thousands of mentees (the manual-pair form)."""
    rows = (
        program.enrollments.filter(role=role, status=EnrollmentStatus.ACTIVE)
        .order_by("person__last_name")
        .values_list("pk", "person__first_name", "person__last_name", "person__title")[:limit]
    )
    return [(str(pk), f"{f'{first} {last}'.strip()} ({title})") for pk, first, last, title in rows]


def run_unmatched(*, run: MatchingRun, limit: int = 500) -> list[tuple[str, str]]:
    """The mentees a run left unmatched, as (name, reason) rows in the run's order."""
    rows = run.unmatched.values_list(
        "mentee__person__first_name", "mentee__person__last_name", "reason"
    )[:limit]
    return [(f"{first} {last}".strip(), reason) for first, last, reason in rows]


def program_match_counts(*, program: Program) -> dict[str, int]:
    """How many matches of the program are in each status."""
    rows = Match.objects.filter(program=program).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def open_matches_for(*, person_id: int | None) -> list[Match]:
    """Published matches and requests waiting for this person's answer, newest first."""
    mine = person_enrollment_ids(person_id) if person_id is not None else []
    if not mine:
        return []
    matches = Match.objects.filter(
        Q(
            status=MatchStatus.PUBLISHED,
            mentee__in=mine,
            mentee_response=Response.PENDING,
        )
        | Q(
            status=MatchStatus.PUBLISHED,
            mentor__in=mine,
            mentor_response=Response.PENDING,
        )
        | Q(status=MatchStatus.REQUESTED, mentor__in=mine)
    ).select_related("program", "mentee__person", "mentor__person")
    return newest_first(matches)


def newest_first(matches: QuerySet[Match]) -> list[Match]:
    """A person's few matches in the model's order (newest first), sorted here rather than by
    the database: an ordered query with the program and both people selected costs Django
    more to compile (it hashes every selected column) than these rows cost to sort."""
    return sorted_newest_first(matches.order_by())


def sorted_newest_first(matches: Iterable[Match]) -> list[Match]:
    """Matches read already, in the model's order (newest first)."""
    return sorted(matches, key=lambda m: (m.created_at, m.pk), reverse=True)


def my_requests(*, person_id: int | None) -> QuerySet[Match]:
    """A mentee's own self-match requests, newest first."""
    if person_id is None:
        return Match.objects.none()
    return (
        Match.objects.filter(mentee__in=person_enrollments(person_id), source="self_match")
        .select_related("program", "mentor__person")
        .order_by("-created_at")
    )


def my_marks(*, person_id: int | None, program: Program) -> dict[int, str]:
    """The actor's preferences and vetoes in a program: other enrollment id -> kind."""
    if person_id is None:
        return {}
    rows = Preference.objects.filter(enrollment__person_id=person_id, enrollment__program=program)
    return dict(rows.values_list("other_id", "kind"))


def hidden_by_veto(*, viewer: Enrollment) -> set[int]:
    """Enrollments on the other side that vetoed `viewer`: lists shown to the viewer leave them
    out, since a veto is shown only to the person who cast it. Those the viewer vetoed too stay
    listed: the pair is then blocked by the viewer's own mark, which they may see."""
    own_vetoes = Preference.objects.filter(enrollment=viewer, kind=PreferenceKind.VETO)
    return set(
        Preference.objects.filter(other=viewer, kind=PreferenceKind.VETO)
        .exclude(enrollment__in=own_vetoes.values("other"))
        .values_list("enrollment_id", flat=True)
    )


def my_current_match(*, person_id: int | None, program: Program) -> Match | None:
    """The person's match as a mentee in the program that takes them out of the matching pool
    (approved, published or accepted), or None: what "find a mentor" tells a matched mentee."""
    if person_id is None:
        return None
    return (
        Match.objects.filter(program=program, mentee__person_id=person_id, status__in=TAKES_MENTEE)
        .select_related("mentor__person")
        .order_by("-pk")
        .first()
    )


def own_mentee_enrollment(actor: Actor, program: Program) -> Enrollment:
    """The actor's active mentee enrollment in the program; Forbidden when they have none."""
    enrollment = Enrollment.objects.filter(
        program=program,
        person_id=getattr(actor, "person_id", None) or 0,
        role=Role.MENTEE,
        status=EnrollmentStatus.ACTIVE,
    ).first()
    if enrollment is None:
        raise Forbidden(_("Enroll as a mentee in this program first."), code="not_a_mentee")
    return enrollment
