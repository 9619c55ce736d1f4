"""Who may answer data-subject requests: HR admins, and the operator at the command line."""

from __future__ import annotations

from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.accounts.roles import actor_person_id, is_hr_admin
from mentorwise.core.errors import Forbidden, NotFound
from mentorwise.people.models import Person
from mentorwise.programs.models import Enrollment, Program


def require_privacy_admin(actor: Actor) -> None:
    """Only HR admins (or `None`, the operator's CLI) handle exports and erasures.

    Everyone else gets "not found", as for any page outside their scope.
    """
    if actor is not None and not is_hr_admin(actor):
        raise NotFound(_("No such page."))


def access_person_for_privacy(*, actor: Actor, person_id: int) -> Person:
    """The person (erased or not) for a data-subject request; NotFound otherwise."""
    require_privacy_admin(actor)
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound(_("No such person."))
    return person


def person_by_employee_id(employee_id: str) -> Person:
    """The person with this employee id, for the command line."""
    person = Person.objects.filter(employee_id=employee_id.strip()).first()
    if person is None:
        raise NotFound(_("Nobody has the employee id %(id)s.") % {"id": repr(employee_id)})
    return person


def export_conflict(*, actor: Actor, person: Person) -> Program | None:
    """A program the HR admin `actor` and `person` both take part in, or None.

    The person's export holds what they wrote about their relationships, matches and
    preferences; an HR admin in one of the same programs could read there the person's
    survey answers, safety reports or vetoes about them. They do not oversee what they are
    in (`relationships.permissions.can_oversee`): another HR admin answers. The test uses
    only what the admin already sees (who takes part where), so a refusal reveals nothing.
    """
    own = actor_person_id(actor)
    if own is None or own == person.pk:
        return None
    return (
        Program.objects.filter(pk__in=Enrollment.objects.filter(person_id=own).values("program_id"))
        .filter(pk__in=Enrollment.objects.filter(person=person).values("program_id"))
        .order_by("name")
        .first()
    )


def require_export_without_conflict(*, actor: Actor, person: Person) -> None:
    """Forbidden when `export_conflict` finds a shared program (the command line never)."""
    if actor is None:
        return
    if (program := export_conflict(actor=actor, person=person)) is not None:
        raise Forbidden(
            _(
                "You and %(name)s both take part in %(program)s, so the export may hold what "
                "they said about you: another HR admin, or the operator with "
                "`mentorwise export-person`, answers this request."
            )
            % {"name": person.full_name, "program": program.title},
            code="conflict_of_interest",
        )
