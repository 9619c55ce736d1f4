"""Who may see and change people records.

- HR admins see everyone and import the workforce.
- Program managers read the people directory (basic profile, never demographics).
- Everyone else reads only their own person record; any other id is "not found".
Demographics are never shown per person, to anyone: only aggregates elsewhere.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from mentorwise.accounts.roles import actor_person_id, is_hr_admin, manages_any_program
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import Forbidden, NotFound
from mentorwise.people.models import Person


def can_import_people(actor: Any) -> bool:
    return is_hr_admin(actor)


def can_read_directory(actor: Any) -> bool:
    """May the actor list and read everyone's basic profile?"""
    return is_hr_admin(actor) or manages_any_program(actor)


def people_visible_to(actor: Any) -> QuerySet[Person]:
    """The people the actor may read: everyone, or only their own record."""
    if can_read_directory(actor):
        return Person.objects.all()
    person_id = actor_person_id(actor)
    if person_id is None:
        return Person.objects.none()
    return Person.objects.filter(pk=person_id)


def access_person(*, actor: Any, person_id: int) -> Person:
    """The person with this id if the actor may read it; NotFound for missing and not yours."""
    person = people_visible_to(actor).select_related("manager").filter(pk=person_id).first()
    if person is None:
        raise NotFound("No such person.")
    return person


def person_profile_read(*, actor: Any, person_id: int) -> Person:
    """A person's profile for display (page or API); reading someone else's is audited."""
    person = access_person(actor=actor, person_id=person_id)
    if person.pk != actor_person_id(actor):
        audit_record(actor=actor, action="person.viewed", target=person)
    return person


def require_can_import(actor: Any) -> None:
    """Only HR admins import; `None` is the system (the command line, run by an operator)."""
    if actor is not None and not can_import_people(actor):
        raise Forbidden("Only HR admins may import people.")
