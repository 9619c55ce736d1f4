"""Mentees through the funnel and into matches: funnel, time to match, acceptance."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
)
from django.utils import timezone

from mentorwise.insights.expressions import DaysBetween
from mentorwise.insights.health._common import (
    ANSWERED_STATUSES,
    MATCHED_STATUSES,
    _now,
    _share,
)
from mentorwise.matches.models import Match, MatchStatus
from mentorwise.programs.eligibility import eligible_people
from mentorwise.programs.models import (
    Enrollment,
    EnrollmentStatus,
    Program,
    Role,
)
from mentorwise.relationships.models import (
    ClosureKind,
    Relationship,
    RelationshipStatus,
)

# Funnel -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Funnel:
    eligible: int
    enrolled: int
    matched: int
    active: int
    completed: int


def mentee_matched() -> Exists:
    """Whether a mentee enrollment (the outer row) is past the "matched" stage: a match
    published, accepted or ended. The funnel and the headline match rate both use it."""
    return Exists(Match.objects.filter(mentee=OuterRef("pk"), status__in=MATCHED_STATUSES))


def program_funnel(*, program: Program, as_of: dt.datetime | None = None) -> Funnel:
    """The mentee funnel, each stage a count of people (mentee enrollments):

    - eligible: people the program's mentee eligibility rules admit on `as_of`'s date
      (active employees; everyone active when the program has no mentee rules);
    - enrolled: mentee enrollments with status active (invited and withdrawn left out);
    - matched: enrolled mentees with a match published (awaiting answers), accepted or
      ended;
    - active: enrolled mentees with an active relationship;
    - completed: enrolled mentees with a relationship closed as planned (program end).

    Later stages count only enrolled mentees, so each stage is a subset of the one before
    (except that eligibility is today's rule, and an enrolled mentee may no longer meet it).
    `as_of` only dates the eligibility rules (tenure, termination); statuses are current.
    """
    now = _now(as_of)
    rules = (program.eligibility or {}).get(Role.MENTEE, {})
    eligible = eligible_people(rules, today=timezone.localdate(now)).count()
    relationships = Relationship.objects.filter(mentee=OuterRef("pk"))
    counts = (
        Enrollment.objects.filter(program=program, role=Role.MENTEE, status=EnrollmentStatus.ACTIVE)
        .annotate(
            is_matched=mentee_matched(),
            is_active=Exists(relationships.filter(status=RelationshipStatus.ACTIVE)),
            has_completed=Exists(
                relationships.filter(
                    status=RelationshipStatus.CLOSED, closure_kind=ClosureKind.PLANNED
                )
            ),
        )
        .aggregate(
            enrolled=Count("pk"),
            matched=Count("pk", filter=Q(is_matched=True)),
            active=Count("pk", filter=Q(is_active=True)),
            completed=Count("pk", filter=Q(has_completed=True)),
        )
    )
    return Funnel(eligible=eligible, **counts)


# Time to match ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeToMatch:
    median_days: float | None
    mean_days: float | None
    n: int


def time_to_match(*, program: Program) -> TimeToMatch:
    """Days from a mentee's enrollment (created_at) to the start of their first relationship.

    Over every mentee enrollment (any status) with at least one relationship (active or
    closed); a re-match does not count again. Days are fractional (seconds / 86,400).
    """
    rows = (
        Enrollment.objects.filter(program=program, role=Role.MENTEE)
        .annotate(first_start=Min("relationships_as_mentee__started_at"))
        .filter(first_start__isnull=False)
        .annotate(days=DaysBetween(F("first_start"), F("created_at")))
        .values_list("days", flat=True)
    )
    days = list(rows)
    if not days:
        return TimeToMatch(median_days=None, mean_days=None, n=0)
    return TimeToMatch(
        median_days=float(statistics.median(days)),
        mean_days=float(statistics.fmean(days)),
        n=len(days),
    )


# Match acceptance -------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchAcceptance:
    accepted: int
    declined: int
    expired: int
    n: int
    accepted_share: float | None
    declined_share: float | None
    expired_share: float | None


def match_acceptance(*, program: Program) -> MatchAcceptance:
    """How published matches were answered.

    n: matches that were published (published_at set) and are now accepted, ended,
    declined or expired; those still awaiting an answer are left out. accepted counts
    accepted and ended matches (an ended match was accepted before its relationship
    closed). Each share is its count / n (None when n is 0).
    """
    counts = Match.objects.filter(
        program=program, published_at__isnull=False, status__in=ANSWERED_STATUSES
    ).aggregate(
        n=Count("pk"),
        accepted=Count("pk", filter=Q(status__in=(MatchStatus.ACCEPTED, MatchStatus.ENDED))),
        declined=Count("pk", filter=Q(status=MatchStatus.DECLINED)),
        expired=Count("pk", filter=Q(status=MatchStatus.EXPIRED)),
    )
    n = counts["n"]
    return MatchAcceptance(
        **counts,
        accepted_share=_share(counts["accepted"], n),
        declined_share=_share(counts["declined"], n),
        expired_share=_share(counts["expired"], n),
    )
