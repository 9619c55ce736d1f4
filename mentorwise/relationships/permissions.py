"""Who may see and do what in a relationship; the queryset of relationships an actor may see.

The pair (mentee and mentor side) see and change their relationship's content. The
program's managers and HR admins oversee it: metadata, goal progress, meeting dates,
health, survey aggregates and safety reports. Nobody oversees a relationship they are in:
a manager or HR admin who is also its mentor, sponsor or mentee sees it as a member of the
pair only (`can_oversee`, `overseen_relationships`), so that a safety report, a survey
answer or an "at risk" never reaches the person it is about. Private notes are not decided
here: they have one access path, their author's (see selectors.private_note_get).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor, User
from mentorwise.accounts.roles import actor_person_id, is_hr_admin
from mentorwise.core.errors import Conflict, Forbidden
from mentorwise.core.lookups import any_in_ids
from mentorwise.programs.permissions import can_manage_program, managed_program_ids
from mentorwise.programs.roles import manages_any_program
from mentorwise.programs.selectors import person_enrollments
from mentorwise.relationships.models import Relationship, Side


def person_side(person_id: int | None, relationship: Relationship) -> Side | None:
    """The side of the pair a person is on, or None when they are not in the pair."""
    if person_id is None:
        return None
    if relationship.mentee.person_id == person_id:
        return Side.MENTEE
    if relationship.mentor.person_id == person_id:
        return Side.MENTOR
    return None


def actor_side(actor: Actor, relationship: Relationship) -> Side | None:
    """The side of the pair the actor is on, or None when they are not in the pair."""
    return person_side(actor_person_id(actor), relationship)


def relationships_in(actor: Actor) -> QuerySet[Relationship]:
    """The relationships the actor is in, on either side."""
    person_id = actor_person_id(actor)
    if person_id is None:
        return Relationship.objects.none()
    return relationships_of_person(person_id)


def relationships_of_person(person_id: int) -> QuerySet[Relationship]:
    """The relationships a person is in, on either side."""
    return Relationship.objects.filter(person_sides(person_id))


def person_sides(person_id: int) -> Q:
    """Relationships with the person on either side (one of their enrollments)."""
    return any_in_ids(("mentee_id", "mentor_id"), person_enrollments(person_id))


def can_oversee(actor: Actor, relationship: Relationship) -> bool:
    """Program managers of the relationship's program and HR admins, unless they are in it."""
    return actor_side(actor, relationship) is None and can_manage_program(
        actor, relationship.program
    )


def overseen_relationships(actor: Actor) -> QuerySet[Relationship]:
    """The relationships `can_oversee` allows, as a queryset (for lists and aggregates)."""
    if is_hr_admin(actor):
        managed = Relationship.objects.all()
    elif isinstance(actor, User):
        managed = Relationship.objects.filter(program__managers=actor)
    else:
        return Relationship.objects.none()
    if (person_id := actor_person_id(actor)) is not None:
        mine = person_enrollments(person_id)
        managed = managed.exclude(mentee__in=mine).exclude(mentor__in=mine)
    return managed


def may_oversee_any(actor: Actor) -> bool:
    """False when `overseen_relationships(actor)` is certainly empty (the actor is neither an
    HR admin nor any program's manager): a reader can then skip asking it."""
    return is_hr_admin(actor) or manages_any_program(actor)


def visible_relationships(actor: Actor) -> QuerySet[Relationship]:
    """Relationships the actor is in, or oversees (their programs; all for HR admins)."""
    build, ids = visible_relationships_rule(actor)
    return build(*ids)


# `visible_relationships` as a function of plain ids, one per kind of actor: a reader of one
# relationship (`selectors.access`) compiles each kind's query once (`core.db.fixed`).
VisibleRule = tuple[Callable[..., QuerySet[Relationship]], tuple[int, ...]]


def visible_relationships_rule(actor: Actor) -> VisibleRule:
    """The function that builds `visible_relationships(actor)`, and the ids it takes."""
    if is_hr_admin(actor):
        return _every_relationship, ()
    if not isinstance(actor, User):
        return no_relationships, ()
    if (person_id := actor_person_id(actor)) is None:
        return _managed_relationships, (actor.pk,)
    return _in_or_managed_relationships, (actor.pk, person_id)


def _every_relationship() -> QuerySet[Relationship]:
    return Relationship.objects.all()


def no_relationships() -> QuerySet[Relationship]:
    return Relationship.objects.none()


def _managed_relationships(user_id: int) -> QuerySet[Relationship]:
    return Relationship.objects.filter(Q(program__in=managed_program_ids(user_id)))


def _in_or_managed_relationships(user_id: int, person_id: int) -> QuerySet[Relationship]:
    q = Q(program__in=managed_program_ids(user_id)) | person_sides(person_id)
    return Relationship.objects.filter(q)


def require_member(actor: Actor, relationship: Relationship) -> tuple[User, Side]:
    """The actor's login and side of the pair; Forbidden for overseers (who may see but not
    act for the pair) and for anyone else."""
    if isinstance(actor, User) and (side := actor_side(actor, relationship)) is not None:
        return actor, side
    raise Forbidden(_("Only the two people in this relationship may do this."))


def require_side(actor: Actor, relationship: Relationship) -> Side:
    """The actor's side (see `require_member`)."""
    return require_member(actor, relationship)[1]


def require_sponsor(actor: Actor, relationship: Relationship) -> User:
    """The login of the mentor side (the sponsor, mentor or coach), who alone records
    sponsorship; Forbidden for the mentee and for overseers."""
    user, side = require_member(actor, relationship)
    if side != Side.MENTOR:
        raise Forbidden(_("Only the sponsor or mentor records sponsorship actions and outcomes."))
    return user


def require_active(relationship: Relationship) -> None:
    if not relationship.is_active:
        raise Conflict(_("This relationship is closed."), code="relationship_closed")


def require_overseer(actor: Actor, relationship: Relationship) -> User:
    """The overseer's login; Forbidden for the pair and for anyone who does not oversee it."""
    if actor_side(actor, relationship) is not None:
        raise Forbidden(
            _(
                "You are in this relationship: another manager of the program or an HR admin "
                "does this."
            ),
            code="conflict_of_interest",
        )
    if not isinstance(actor, User) or not can_oversee(actor, relationship):
        raise Forbidden(_("Only this program's managers and HR admins may do this."))
    return actor
