"""Who manages a program: set by HR admins, named by email."""

from __future__ import annotations

from django.db import models, transaction
from django.utils.translation import gettext as _

from mentorwise.accounts import request_memo
from mentorwise.accounts.actors import Actor
from mentorwise.accounts.models import User
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import FieldError, InvalidInput
from mentorwise.core.lookups import lower_equals
from mentorwise.programs.models import (
    Enrollment,
    EnrollmentStatus,
    Program,
)
from mentorwise.programs.roles import MANAGES_ANY
from mentorwise.programs.services.guards import require_hr_admin


@transaction.atomic
def program_managers_set(*, actor: Actor, program: Program, emails: list[str]) -> Program:
    """Replace the program's managers, named by email (HR admins only); every unknown
    address is reported, and nothing changes unless all are valid.

    A current participant may be named (as a participant may enrol in a program they
    manage): the audit entry lists them, and the program's page shows the conflict.
    """
    require_hr_admin(actor)
    wanted = [e.strip().lower() for e in emails if e.strip()]
    # Addresses match whatever their case, as the HRIS may have stored "Ada@Example.com".
    named = models.Q(pk__in=[])
    for email in wanted:
        named |= models.Q(lower_equals("person__email", email))
        named |= models.Q(lower_equals("email", email))
    users = {
        (u.person.email if u.person else u.email).lower(): u
        for u in User.objects.filter(is_active=True).filter(named).select_related("person")
    }
    errors = [
        FieldError("managers", _("no active login has this email"), value=email)
        for email in wanted
        if email not in users
    ]
    if errors:
        raise InvalidInput(errors)
    program.managers.set([users[e] for e in wanted])
    request_memo.forget(actor, MANAGES_ANY)  # the HR admin may have named or left out themselves
    taking_part = set(
        Enrollment.objects.filter(
            program=program,
            status=EnrollmentStatus.ACTIVE,
            person__in=[u.person_id for u in users.values() if u.person_id],
        ).values_list("person_id", flat=True)
    )
    audit_record(
        actor=actor,
        action="program.managers_set",
        target=program,
        data={
            "managers": sorted(wanted),
            "taking_part": sorted(e for e in wanted if users[e].person_id in taking_part),
        },
    )
    return program
