"""Who may answer data-subject requests: HR admins, and the operator at the command line."""

from __future__ import annotations

from typing import Any

from mentorwise.accounts.roles import is_hr_admin
from mentorwise.core.errors import NotFound
from mentorwise.people.models import Person


def require_privacy_admin(actor: Any) -> None:
    """Only HR admins (or `None`, the operator's CLI) handle exports and erasures.

    Everyone else gets "not found", as for any page outside their scope.
    """
    if actor is not None and not is_hr_admin(actor):
        raise NotFound("No such page.")


def access_person_for_privacy(*, actor: Any, person_id: int) -> Person:
    """The person (erased or not) for a data-subject request; NotFound otherwise."""
    require_privacy_admin(actor)
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound("No such person.")
    return person


def person_by_employee_id(employee_id: str) -> Person:
    """The person with this employee id, for the command line."""
    person = Person.objects.filter(employee_id=employee_id.strip()).first()
    if person is None:
        raise NotFound(f"Nobody has the employee id {employee_id!r}.")
    return person
