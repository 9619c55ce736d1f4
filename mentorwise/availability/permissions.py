"""Who may see and change calendars: a person their own working hours and connections; an
HR admin may also disconnect anybody's calendar and set the organisation's consent. Nobody
reads anybody's busy time except through a relationship's suggested times (relationships)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor, User
from mentorwise.accounts.roles import actor_person_id, is_hr_admin
from mentorwise.availability.models import CalendarConnection
from mentorwise.core.errors import Forbidden, NotFound
from mentorwise.core.queries import one_or_none
from mentorwise.people.models import Person


def require_own_person(actor: Actor) -> tuple[User, Person]:
    """The actor's login and person; Forbidden for a login without a person record."""
    person_id = actor_person_id(actor)
    if not isinstance(actor, User) or person_id is None or actor.person is None:
        raise Forbidden(_("Only people with an employee record have a calendar here."))
    return actor, actor.person


def require_hr_admin(actor: Actor) -> User:
    if not is_hr_admin(actor):
        raise NotFound(_("No such page."))
    return actor


def connections_visible_to(actor: Actor) -> QuerySet[CalendarConnection]:
    if is_hr_admin(actor):
        return CalendarConnection.objects.all()
    person_id = actor_person_id(actor)
    if person_id is None:
        return CalendarConnection.objects.none()
    return CalendarConnection.objects.filter(person_id=person_id)


def access_connection(*, actor: Actor, connection_id: int) -> CalendarConnection:
    """The person's own connection, or any for an HR admin; NotFound otherwise."""
    found = one_or_none(
        connections_visible_to(actor).select_related("person").filter(pk=connection_id)
    )
    if found is None:
        raise NotFound(_("No such calendar connection."))
    return found
