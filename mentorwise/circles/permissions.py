"""Who may see and do what in a circle; the querysets of circles an actor may see.

A circle's participants (its facilitators and current members) see its content. The
program's managers and HR admins oversee it (members, meeting dates, attendance counts,
health) and intervene (change a facilitator, move a member, close), unless they take part
in it: a manager who is also a member or facilitator sees the circle as a participant only.
Check-in comments: the author and the circle's facilitators. Private notes are not decided
here: one access path, their author's (selectors.private_note_get).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor, User
from mentorwise.accounts.roles import actor_person_id, is_hr_admin
from mentorwise.circles.models import Circle, CircleMembership, CircleRole
from mentorwise.core.errors import Conflict, Forbidden
from mentorwise.programs.permissions import can_manage_program, managed_program_ids


def my_membership(actor: Actor, circle: Circle) -> CircleMembership | None:
    """The actor's open place in the circle (facilitator first), or None."""
    person_id = actor_person_id(actor)
    if person_id is None:
        return None
    return (
        CircleMembership.objects.filter(
            circle=circle, enrollment__person_id=person_id, left_at__isnull=True
        )
        .order_by("role")  # "facilitator" sorts before "member"
        .first()
    )


def role_among(actor: Actor, people: Iterable[CircleMembership]) -> str | None:
    """circle_role over a circle's open places already read (facilitator first, as there)."""
    person_id = actor_person_id(actor)
    roles = {
        m.role for m in people if person_id is not None and m.enrollment.person_id == person_id
    }
    return min(roles) if roles else None  # "facilitator" sorts before "member"


def circle_role(actor: Actor, circle: Circle) -> str | None:
    """facilitator, member, or None when the actor takes no part in the circle."""
    membership = my_membership(actor, circle)
    return membership.role if membership is not None else None


def circles_in(actor: Actor) -> QuerySet[Circle]:
    """The circles the actor takes part in now (open places; closed circles included)."""
    person_id = actor_person_id(actor)
    if person_id is None:
        return Circle.objects.none()
    return Circle.objects.filter(
        pk__in=CircleMembership.objects.filter(
            enrollment__person_id=person_id, left_at__isnull=True
        ).values("circle_id")
    )


def overseen_circles(actor: Actor) -> QuerySet[Circle]:
    """Circles of the programs the actor manages (all for HR admins), minus their own."""
    if is_hr_admin(actor):
        managed = Circle.objects.all()
    elif isinstance(actor, User):
        managed = Circle.objects.filter(program__in=managed_program_ids(actor))
    else:
        return Circle.objects.none()
    return managed.exclude(pk__in=circles_in(actor).values("pk"))


def visible_circles(actor: Actor) -> QuerySet[Circle]:
    """Circles the actor takes part in or oversees."""
    return Circle.objects.filter(
        Q(pk__in=circles_in(actor).values("pk")) | Q(pk__in=overseen_circles(actor).values("pk"))
    )


def can_oversee(actor: Actor, circle: Circle) -> bool:
    return circle_role(actor, circle) is None and can_manage_program(actor, circle.program)


def require_participant(actor: Actor, circle: Circle) -> tuple[User, CircleMembership]:
    """The login and place of a participant; Forbidden for overseers and anyone else."""
    membership = my_membership(actor, circle)
    if isinstance(actor, User) and membership is not None:
        return actor, membership
    raise Forbidden(_("Only the people in this circle may do this."))


def require_facilitator(actor: Actor, circle: Circle) -> tuple[User, CircleMembership]:
    """The login and place of a facilitator; Forbidden for members and overseers."""
    user, membership = require_participant(actor, circle)
    if membership.role != CircleRole.FACILITATOR:
        raise Forbidden(_("Only the circle's facilitators may do this."))
    return user, membership


def require_overseer(actor: Actor, circle: Circle) -> User:
    """The overseer's login; Forbidden for participants (conflict of interest) and others."""
    manages = isinstance(actor, User) and can_manage_program(actor, circle.program)
    if manages and circle_role(actor, circle) is not None:
        raise Forbidden(
            _(
                "You take part in this circle: another manager of the program or an HR admin "
                "does this."
            ),
            code="conflict_of_interest",
        )
    if not manages or not isinstance(actor, User):
        raise Forbidden(_("Only this program's managers and HR admins may do this."))
    return actor


def require_active(circle: Circle) -> None:
    if not circle.is_active:
        raise Conflict(_("This circle is closed."), code="circle_closed")
