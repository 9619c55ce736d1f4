"""Role questions asked everywhere: is this actor an HR admin, an executive, whose login?

Questions that need a program (does the actor manage one?) are `programs.roles`: the
relation belongs to programs, which sits above accounts."""

from __future__ import annotations

from typing import TypeGuard

from django.db.models import Q, QuerySet

from mentorwise.accounts.actors import Actor
from mentorwise.accounts.models import User


def is_hr_admin(actor: Actor) -> TypeGuard[User]:
    """HR admins (and superusers, who are created as HR admins) see the whole workforce."""
    return isinstance(actor, User) and actor.is_active and (actor.is_hr_admin or actor.is_superuser)


def hr_admins() -> QuerySet[User]:
    """The logins `is_hr_admin` is true for, as a queryset."""
    return User.objects.filter(Q(is_hr_admin=True) | Q(is_superuser=True), is_active=True)


def is_executive(actor: Actor) -> TypeGuard[User]:
    return isinstance(actor, User) and actor.is_active and actor.is_executive


def actor_person_id(actor: Actor) -> int | None:
    """The id of the Person the actor's login belongs to, or None."""
    return actor.person_id if isinstance(actor, User) else None
