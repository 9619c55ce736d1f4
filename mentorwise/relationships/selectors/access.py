"""One relationship, goal, meeting, report or match by its id, if the actor may see it.

Every page and API operation on one object starts here: NotFound when the object does not
exist and when the actor may not know that it does (the same answer for both).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.accounts.roles import actor_person_id
from mentorwise.core.db.fixed import FixedQuery
from mentorwise.core.errors import NotFound
from mentorwise.core.queries import one_or_none
from mentorwise.matches.models import Match
from mentorwise.programs.selectors import person_enrollments
from mentorwise.relationships.models import (
    Goal,
    Meeting,
    Milestone,
    Relationship,
    SafetyReport,
    SponsorshipAction,
)
from mentorwise.relationships.permissions import (
    can_oversee,
    no_relationships,
    visible_relationships,
    visible_relationships_rule,
)

M = TypeVar("M", bound=Model)

# What every page of one relationship reads with it.
PAIR_RELATED = ("program", "mentee__person", "mentor__person", "agreement")


def access_relationship(*, actor: Actor, relationship_id: int) -> Relationship:
    """The relationship if the actor is in it or oversees it; NotFound otherwise."""
    build, ids = visible_relationships_rule(actor)
    if build is no_relationships:
        relationship = None
    elif type(relationship_id) is int:
        relationship = _pair_read(build, len(ids)).one(*ids, relationship_id)
    else:
        relationship = one_or_none(
            build(*ids).select_related(*PAIR_RELATED).filter(pk=relationship_id)
        )
    if relationship is None:
        raise NotFound(_("No such relationship."))
    return relationship


# One relationship with what every page reads with it, per kind of actor (the function of
# `visible_relationships_rule`): the page's and the API's most frequent read, compiled once.
Rule = Callable[..., QuerySet[Relationship]]
_PAIR_READS: dict[Rule, FixedQuery[Relationship]] = {}


def _pair_read(build: Rule, n_ids: int) -> FixedQuery[Relationship]:
    fixed = _PAIR_READS.get(build)
    if fixed is None:

        def pair(*values: int) -> QuerySet[Relationship]:
            return build(*values[:-1]).select_related(*PAIR_RELATED).filter(pk=values[-1])

        fixed = _PAIR_READS.setdefault(build, FixedQuery(pair, *(int,) * (n_ids + 1)))
    return fixed


def _child(actor: Actor, model: type[M], pk: int, path: str, message: str) -> M:
    """The `model` row `pk` if its relationship (at `path`) is visible to the actor."""
    obj = one_or_none(
        model._default_manager.select_related(*(f"{path}__{r}" for r in PAIR_RELATED)).filter(
            pk=pk, **{f"{path}__in": visible_relationships(actor)}
        )
    )
    if obj is None:
        raise NotFound(message)
    return obj


def access_goal(*, actor: Actor, goal_id: int) -> Goal:
    return _child(actor, Goal, goal_id, "relationship", _("No such goal."))


def access_milestone(*, actor: Actor, milestone_id: int) -> Milestone:
    return _child(actor, Milestone, milestone_id, "goal__relationship", _("No such milestone."))


def access_meeting(*, actor: Actor, meeting_id: int) -> Meeting:
    return _child(actor, Meeting, meeting_id, "relationship", _("No such meeting."))


def access_sponsorship_action(*, actor: Actor, action_id: int) -> SponsorshipAction:
    return _child(
        actor, SponsorshipAction, action_id, "relationship", _("No such sponsorship action.")
    )


def access_safety_report(*, actor: Actor, report_id: int) -> SafetyReport:
    """A safety report for its reporter and those who oversee the relationship; NotFound
    for anyone else, including the other person in the relationship, whatever their role
    (a manager or HR admin in the relationship does not oversee it)."""
    report = one_or_none(
        SafetyReport.objects.select_related(*(f"relationship__{r}" for r in PAIR_RELATED)).filter(
            pk=report_id
        )
    )
    if report is None or not (
        (report.reporter_id is not None and report.reporter_id == getattr(actor, "pk", None))
        or can_oversee(actor, report.relationship)
    ):
        raise NotFound(_("No such report."))
    return report


def access_match_to_answer(*, actor: Actor, match_id: int) -> Match:
    """A match the actor is part of (mentee or mentor side); NotFound otherwise."""
    person_id = actor_person_id(actor)
    match = (
        one_or_none(
            Match.objects.select_related("program", "mentee__person", "mentor__person").filter(
                Q(mentee__in=person_enrollments(person_id))
                | Q(mentor__in=person_enrollments(person_id)),
                pk=match_id,
            )
        )
        if person_id is not None
        else None
    )
    if match is None:
        raise NotFound(_("No such match."))
    return match
