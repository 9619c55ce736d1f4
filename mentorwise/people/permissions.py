"""Who may see and change people records.

- HR admins see everyone and import the workforce.
- Program managers read the people directory (basic profile, never demographics). Whether an
  actor reads the directory is `programs.roles.can_read_directory` (program management is a
  relation of programs, above people): callers pass it in as `directory`.
- Everyone else reads only their own person record; any other id is "not found".
Demographics are never shown per person, to anyone: only aggregates elsewhere.

Lists of people (the directory page, `GET /api/people`) show directory fields only
(DIRECTORY_FIELDS); the rest of a profile (email, job level, dates, high potential) is read
one person at a time through `person_profile_read`, which is audited. A list filtered on a
profile field reveals that field for everyone it returns: `person_list_read` audits it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.accounts.roles import actor_person_id, is_hr_admin
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import Forbidden, NotFound
from mentorwise.core.queries import one_or_none
from mentorwise.people.models import ImportRun, Person


def can_import_people(actor: Actor) -> bool:
    return is_hr_admin(actor)


def import_runs_visible_to(actor: Actor) -> QuerySet[ImportRun]:
    """The import history: HR admins see every run, nobody else any."""
    return ImportRun.objects.all() if can_import_people(actor) else ImportRun.objects.none()


def people_visible_to(actor: Actor, *, directory: bool | None = None) -> QuerySet[Person]:
    """The people the actor may read: everyone when `directory` (the actor reads the people
    directory: `programs.roles.can_read_directory`, asked by the caller above programs),
    otherwise only their own record. Left out, only HR admins read the directory (the part
    of the rule people can tell itself): program managers are refused, never let in."""
    if directory is None:
        directory = is_hr_admin(actor)
    if directory:
        return Person.objects.all()
    person_id = actor_person_id(actor)
    if person_id is None:
        return Person.objects.none()
    return Person.objects.filter(pk=person_id)


def access_person(*, actor: Actor, person_id: int, directory: bool | None = None) -> Person:
    """The person with this id if the actor may read it; NotFound for missing and not yours.
    `directory` as for `people_visible_to`."""
    person = one_or_none(
        people_visible_to(actor, directory=directory).select_related("manager").filter(pk=person_id)
    )
    if person is None:
        raise NotFound(_("No such person."))
    return person


# What a list of people shows of each: what a company directory shows anyone.
DIRECTORY_FIELDS: tuple[str, ...] = (
    "id",
    "employee_id",
    "first_name",
    "last_name",
    "title",
    "department",
    "function",
    "location",
    "manager_id",
    "is_active",
)
# List filters on profile fields (see people.selectors.PersonFilters).
PROFILE_FILTERS: tuple[str, ...] = ("level", "level_min", "level_max", "high_potential")


def profile_filters(filters: Mapping[str, Any]) -> dict[str, Any]:
    """The filters of a list read that select by a profile field, with their values."""
    return {name: filters[name] for name in PROFILE_FILTERS if filters.get(name) is not None}


def person_list_read(*, actor: Actor, filters: Mapping[str, Any], people: Iterable[Person]) -> None:
    """Audit a list read that reveals a profile field: one entry naming the people returned.

    A list shows directory fields only, but "high potential only" or "level 7" tells that
    field for everyone on the page as surely as their profiles would. Reads of one's own
    record are not audited (as for profiles).
    """
    used = profile_filters(filters)
    if not used:
        return
    own = actor_person_id(actor)
    ids = [p.pk for p in people if p.pk != own]
    if ids:
        audit_record(actor=actor, action="people.listed", data={"filters": used, "people": ids})


def person_profile_read(*, actor: Actor, person_id: int, directory: bool | None = None) -> Person:
    """A person's profile for display (page or API); reading someone else's is audited."""
    person = access_person(actor=actor, person_id=person_id, directory=directory)
    if person.pk != actor_person_id(actor):
        audit_record(actor=actor, action="person.viewed", target=person)
    return person


def require_can_import(actor: Actor) -> None:
    """Only HR admins import; `None` is the system (the command line, run by an operator)."""
    if actor is not None and not can_import_people(actor):
        raise Forbidden(_("Only HR admins may import people."))
