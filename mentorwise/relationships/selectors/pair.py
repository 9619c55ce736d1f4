"""What the pair and its overseers read of one relationship: agreement, timeline, the
author's own private notes, goals and meetings (overseers: progress and dates, no text).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from mentorwise.accounts.actors import Actor, User
from mentorwise.accounts.roles import actor_person_id
from mentorwise.core.db.fixed import FixedQuery
from mentorwise.matches.models import Match, MatchStatus, Response
from mentorwise.matches.selectors import newest_first, sorted_newest_first
from mentorwise.people.models import Person
from mentorwise.programs.selectors import person_enrollment_ids
from mentorwise.relationships.models import (
    AgreementVersion,
    CheckIn,
    EventKind,
    Goal,
    GoalStatus,
    Meeting,
    MeetingStatus,
    PrivateNote,
    Relationship,
    RelationshipEvent,
    RelationshipStatus,
    SponsorshipAction,
)
from mentorwise.relationships.permissions import relationships_of_person
from mentorwise.relationships.selectors.access import PAIR_RELATED


def relationships_mine(*, actor: Actor, active_only: bool = False) -> list[Relationship]:
    """The relationships the actor is in (either side), active first (or active only), with
    what every page reads with them; read with SQL compiled once (home and "my
    relationships" pages, for everyone in a relationship)."""
    person_id = actor_person_id(actor)
    if person_id is None:
        return []
    return (_ACTIVE_MINE if active_only else _MINE).all(person_id)


def _mine(person_id: int) -> QuerySet[Relationship]:
    return (
        relationships_of_person(person_id)
        .select_related(*PAIR_RELATED)
        .order_by("status", "-started_at")
    )


_MINE = FixedQuery(_mine, int)
_ACTIVE_MINE = FixedQuery(
    lambda person_id: _mine(person_id).filter(status=RelationshipStatus.ACTIVE), int
)


def matches_awaiting_answer(*, actor: Actor) -> list[Match]:
    """Matches waiting for the actor's accept or decline."""
    person_id = actor_person_id(actor)
    if person_id is None:
        return []
    mine = person_enrollment_ids(person_id)
    if not mine:
        return []
    now = timezone.now()
    if len(mine) > _AWAITING_FIXED_UP_TO:
        return newest_first(_awaiting(mine, now))
    return sorted_newest_first(_awaiting_read(len(mine)).all(*mine, now))


def _awaiting(mine: Sequence[int], now: dt.datetime) -> QuerySet[Match]:
    """The matches of the enrollments `mine` that wait for their answer at `now`."""
    return (
        Match.objects.filter(
            Q(
                status=MatchStatus.PUBLISHED,
                mentee__in=mine,
                mentee_response=Response.PENDING,
            )
            | Q(
                status__in=(MatchStatus.PUBLISHED, MatchStatus.REQUESTED),
                mentor__in=mine,
                mentor_response=Response.PENDING,
            )
        )
        .exclude(expires_at__lte=now)
        .select_related("program", "mentee__person", "mentor__person")
        .order_by()
    )


# Compiled once per number of enrollments (a person has a few; more are read as usual).
_AWAITING_FIXED_UP_TO = 8
_AWAITING_READS: dict[int, FixedQuery[Match]] = {}


def _awaiting_read(n: int) -> FixedQuery[Match]:
    fixed = _AWAITING_READS.get(n)
    if fixed is None:

        def awaiting(*values: Any) -> QuerySet[Match]:
            return _awaiting(values[:-1], values[-1])

        fixed = _AWAITING_READS.setdefault(
            n, FixedQuery(awaiting, *(int,) * n, dt.datetime, distinct=True)
        )
    return fixed


def agreements_current(*, relationships: Sequence[Relationship]) -> dict[int, AgreementVersion]:
    """The newest agreement version of each relationship that has one, in one query.

    A relationship may have none: one recorded from before Mentorwise (the demo's past cohort,
    an imported history) never had an agreement written here. Every page and API operation
    reads the agreement through this, so that such a relationship still renders.
    """
    return _newest_versions(_versions_of([r.pk for r in relationships]))


def _versions_of(relationship_ids: Sequence[int]) -> QuerySet[AgreementVersion]:
    return (
        AgreementVersion.objects.filter(agreement__relationship__in=relationship_ids)
        .select_related("agreement")
        .order_by("agreement__relationship_id", "number")
    )


def _newest_versions(versions: Iterable[AgreementVersion]) -> dict[int, AgreementVersion]:
    current: dict[int, AgreementVersion] = {}
    for version in versions:
        current[version.agreement.relationship_id] = version  # the highest number wins
    return current


_VERSIONS_OF_ONE = FixedQuery(lambda relationship_id: _versions_of([relationship_id]), int)


def agreement_current(*, relationship: Relationship) -> AgreementVersion | None:
    """The newest version of the pair's agreement; None when none was ever written."""
    return _newest_versions(_VERSIONS_OF_ONE.all(relationship.pk)).get(relationship.pk)


def agreement_versions(*, relationship: Relationship) -> QuerySet[AgreementVersion]:
    """Every version of the pair's agreement, newest first (empty when none was written)."""
    return _versions_newest_first(relationship.pk)


def _versions_newest_first(relationship_id: int) -> QuerySet[AgreementVersion]:
    return AgreementVersion.objects.filter(agreement__relationship=relationship_id).order_by(
        "-number"
    )


_VERSIONS_NEWEST_FIRST = FixedQuery(_versions_newest_first, int)


def agreement_version_list(*, relationship: Relationship) -> list[AgreementVersion]:
    """`agreement_versions`, read with SQL compiled once (the relationship page)."""
    return _VERSIONS_NEWEST_FIRST.all(relationship.pk)


def timeline(*, relationship: Relationship) -> QuerySet[RelationshipEvent]:
    """The pair's timeline, newest first. Survey answers are left out when the program's
    surveys are confidential (entries written before that rule included): managers read the
    timeline, and who answered when would single out an answer in the averages."""
    return _timeline(relationship.pk, confidential=relationship.program.surveys_confidential)


def _timeline(relationship_id: int, *, confidential: bool) -> QuerySet[RelationshipEvent]:
    events = (
        RelationshipEvent.objects.filter(relationship=relationship_id)
        .select_related("actor__person")
        .order_by("-created_at", "-id")
    )
    if confidential:
        events = events.exclude(kind=EventKind.SURVEY)
    return events


# How many of the newest timeline entries a relationship's pages show.
TIMELINE_SHOWN = 50
_NEWEST_EVENTS = {
    confidential: FixedQuery(
        lambda relationship_id, confidential=confidential: _timeline(
            relationship_id, confidential=confidential
        )[:TIMELINE_SHOWN],
        int,
    )
    for confidential in (False, True)
}


def timeline_newest(*, relationship: Relationship) -> list[RelationshipEvent]:
    """The TIMELINE_SHOWN newest entries of `timeline`, read with SQL compiled once."""
    fixed = _NEWEST_EVENTS[bool(relationship.program.surveys_confidential)]
    return of_relationship(fixed.all(relationship.pk), relationship)


def of_relationship(rows: list[Any], relationship: Relationship) -> list[Any]:
    """`rows` (read by relationship id) with `relationship` as their relationship, as the
    relationship's own related manager would give them: no query to read it back."""
    for row in rows:
        row.relationship = relationship
    return rows


_MEETINGS = FixedQuery(
    lambda relationship_id: Meeting.objects.filter(relationship=relationship_id), int
)
_GOALS = FixedQuery(
    lambda relationship_id: Goal.objects.filter(relationship=relationship_id).prefetch_related(
        "milestones"
    ),
    int,
)
_ACTIONS = FixedQuery(
    lambda relationship_id: SponsorshipAction.objects.filter(relationship=relationship_id), int
)
# How many of the newest check-ins the relationship page shows.
CHECK_INS_SHOWN = 20
_CHECK_INS = FixedQuery(
    lambda relationship_id: CheckIn.objects.filter(relationship=relationship_id).select_related(
        "author__person"
    )[:CHECK_INS_SHOWN],
    int,
)


def pair_meetings(*, relationship: Relationship) -> list[Meeting]:
    """The pair's meetings in the model's order."""
    return of_relationship(_MEETINGS.all(relationship.pk), relationship)


def pair_goals(*, relationship: Relationship) -> list[Goal]:
    """The pair's goals in the model's order, with their milestones."""
    return of_relationship(_GOALS.all(relationship.pk), relationship)


def pair_actions(*, relationship: Relationship) -> list[SponsorshipAction]:
    """The sponsorship actions recorded for the pair, in the model's order."""
    return of_relationship(_ACTIONS.all(relationship.pk), relationship)


def pair_check_ins(*, relationship: Relationship) -> list[CheckIn]:
    """The pair's CHECK_INS_SHOWN newest check-ins (the model's order), with their authors."""
    return of_relationship(_CHECK_INS.all(relationship.pk), relationship)


def private_note_get(*, actor: Actor, meeting: Meeting) -> PrivateNote | None:
    """The actor's own private note on a meeting: the only way any note is ever read."""
    if not isinstance(actor, User):
        return None
    return PrivateNote.objects.filter(author=actor, meeting=meeting).first()


def private_notes_mine(*, actor: Actor, relationship: Relationship) -> dict[int, str]:
    """The actor's own private notes on the relationship's meetings, by meeting id."""
    if not isinstance(actor, User):
        return {}
    return dict(_NOTES_MINE.all(actor.pk, relationship.pk))


_NOTES_MINE = FixedQuery(
    lambda author_id, relationship_id: PrivateNote.objects.filter(
        author=author_id, meeting__relationship=relationship_id
    ).values_list("meeting_id", "text"),
    int,
    int,
)


@dataclass(frozen=True)
class GoalProgress:
    """What an overseer sees of a goal: no text, only progress and status."""

    id: int
    status: str
    progress: int
    target_date: dt.date | None
    milestones_done: int
    milestones_total: int

    @property
    def status_label(self) -> str:
        return str(GoalStatus(self.status).label)


def goal_progress_list(*, relationship: Relationship) -> list[GoalProgress]:
    goals = relationship.goals.annotate(
        done=Count("milestones", filter=Q(milestones__done_at__isnull=False)),
        total=Count("milestones"),
    )
    return [GoalProgress(g.pk, g.status, g.progress, g.target_date, g.done, g.total) for g in goals]


@dataclass(frozen=True)
class MeetingFacts:
    """What an overseer sees of meetings: dates and counts."""

    held: int
    scheduled: int
    cancelled: int
    last_held: dt.datetime | None
    next_scheduled: dt.datetime | None


def meeting_facts(*, relationship: Relationship) -> MeetingFacts:
    meetings = list(relationship.meetings.values("status", "starts_at"))
    now = timezone.now()
    held = [m["starts_at"] for m in meetings if m["status"] == MeetingStatus.HELD]
    upcoming = [
        m["starts_at"]
        for m in meetings
        if m["status"] == MeetingStatus.SCHEDULED and m["starts_at"] >= now
    ]
    return MeetingFacts(
        held=len(held),
        scheduled=sum(m["status"] == MeetingStatus.SCHEDULED for m in meetings),
        cancelled=sum(m["status"] == MeetingStatus.CANCELLED for m in meetings),
        last_held=max(held, default=None),
        next_scheduled=min(upcoming, default=None),
    )


def others_in(*, actor: Actor, relationship: Relationship) -> list[Person]:
    """The people of a relationship other than the actor: whom "with" names on their pages
    (a mentee meets her mentor, not herself)."""
    people = [relationship.mentee.person, relationship.mentor.person]
    mine = actor_person_id(actor)
    return [person for person in people if person.pk != mine]
