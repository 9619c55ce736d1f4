"""Provisioning use cases: the identity provider creates, changes, deprovisions people.

Every write runs inside the request's transaction (see views.py), is audited with the token
that made it, and keeps the management chain's materialized paths right. Deprovisioning
(`active` false, or a SCIM DELETE) terminates the person today and ends their sessions and
tokens; nothing is ever deleted.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.db.models import Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone
from scim2_models import InvalidValueException, UniquenessException

from mentorwise.accounts.models import ApiToken, TokenScope, User
from mentorwise.accounts.services import user_sessions_end
from mentorwise.core.audit import audit_record
from mentorwise.core.lookups import lower_equals
from mentorwise.people.career import Career, career_record
from mentorwise.people.models import Person, TerminationKind, path_token
from mentorwise.scim.mapping import PersonValues, ScimValues, username_field
from mentorwise.scim.models import ScimUser

SERVICE_LOGIN = "scim-provisioning"
# The career events SCIM records say they came from it.
SOURCE = "scim"


@dataclass
class Caller:
    """Who is provisioning: the SCIM token and the login it belongs to (the audit actor)."""

    token: ApiToken

    @property
    def actor(self) -> User:
        return self.token.user

    def audit(self, action: str, target: Any, **data: Any) -> None:
        audit_record(
            actor=self.actor,
            action=action,
            target=target,
            data={"via": "scim", "token": self.token.name, "token_id": self.token.pk, **data},
        )


def _check_unique(values: PersonValues, person: Person | None) -> Person | None:
    """Raise 409 for a value another live person holds; return a SCIM-deleted person that
    holds the userName (the provider re-creating someone it deleted: a rehire)."""
    others = Person.objects.all() if person is None else Person.objects.exclude(pk=person.pk)
    revived: Person | None = None
    email_attr = "userName" if username_field() == "email" else "emails.value"
    id_attr = "employeeNumber" if username_field() == "email" else "userName"
    if values.email:
        holder = others.filter(lower_equals("email", values.email)).select_related("scim").first()
        if holder is not None:
            if person is None and _scim_deleted(holder) and username_field() == "email":
                revived = holder
            else:
                raise UniquenessException(detail=f"{email_attr}: {values.email!r} is taken.")
    if values.employee_id:
        holder = others.filter(employee_id=values.employee_id).select_related("scim").first()
        if holder is not None and holder != revived:
            if person is None and _scim_deleted(holder) and username_field() == "employee_id":
                revived = holder
            else:
                raise UniquenessException(
                    detail=f"{id_attr}: {values.employee_id!r} is taken by another user."
                )
    return revived


def _scim_deleted(person: Person) -> bool:
    scim = getattr(person, "scim", None)
    return scim is not None and scim.deleted_at is not None


def _manager(values: PersonValues, person: Person | None) -> Person | None:
    """The manager named by manager.value: a SCIM id (person id) or an employee number."""
    key = values.manager_key
    if not key:
        return None
    people = Person.objects.filter(erased_at__isnull=True)
    manager = people.filter(pk=int(key)).first() if key.isdigit() else None
    if manager is None:
        manager = people.filter(employee_id=key).first()
    if manager is None:
        raise InvalidValueException(
            detail=f"manager.value: no user has the id or employee number {key!r}."
        )
    if person is not None and (
        manager.pk == person.pk or (person.path and manager.path.startswith(person.path))
    ):
        raise InvalidValueException(
            detail=f"manager.value: {key!r} reports to this user; that would make a "
            "management cycle."
        )
    return manager


def _set_manager(person: Person, manager: Person | None) -> None:
    """Move a person (and everyone below them) under `manager`, paths included."""
    old_path = person.path
    prefix = (manager.path or path_token(manager.pk)) if manager is not None else ""
    new_path = prefix + path_token(person.pk)
    person.manager = manager
    if new_path == old_path:
        return
    person.path = new_path
    person.depth = new_path.count("/") - 1
    if old_path:
        # Everyone below: swap the path prefix; depth is the number of path tokens - 1.
        width = len(path_token(0))
        Person.objects.filter(path__startswith=old_path).exclude(pk=person.pk).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
            depth=(Length("path") + (len(new_path) - len(old_path))) / width - 1,
        )


def person_provision(
    *, caller: Caller, values: PersonValues, scim_values: ScimValues, person: Person | None
) -> Person:
    """Create (person None) or replace a provisioned person with the values of a SCIM User.

    Attributes the User leaves out keep the Person's value (an identity provider that does
    not manage the department must not wipe the one the HRIS gave).
    """
    today = timezone.localdate()
    now = timezone.now()
    if not values.email:
        raise InvalidValueException(
            detail="emails: a work email is needed (none was given)."
            if username_field() == "employee_id"
            else "userName: required."
        )
    revived = _check_unique(values, person)
    creating = person is None
    if revived is not None:
        person = revived
    manager = _manager(values, person)
    before: dict[str, Any] = {}
    career_before = Career.of(person) if person is not None else None
    if person is None:
        person = Person.objects.create(
            employee_id=values.employee_id or f"scim-{secrets.token_hex(6)}",
            email=values.email,
            first_name=values.first_name or "",
            last_name=values.last_name or "",
            title=values.title or "",
            department=values.department or "",
            function=values.function or "",
            job_level=values.job_level,
            hire_date=values.hire_date,
            created_at=now,
            updated_at=now,
        )
        scim = ScimUser(person=person, created_at=now)
        was_active = True
        _set_manager(person, manager)
    else:
        scim = ScimUser.objects.filter(person=person).first() or ScimUser(
            person=person, created_at=now
        )
        before = {f: getattr(person, f) for f in _TRACKED}
        was_active = person.is_active_on(today) and scim.deleted_at is None
        # What the provider set last time and now leaves out, it removed: clear it. What it
        # never set (HRIS values) stays, unreported.
        managed = set() if scim._state.adding else set(MANAGED) - set(scim.unset)
        person.email = values.email
        for field, attribute in _FIELDS.items():
            value = getattr(values, field)
            if value is not None:
                setattr(person, field, value)
            elif attribute in managed and field != "employee_id":
                setattr(person, field, "")
        for field, attribute in _NULLABLE.items():
            value = getattr(values, field)
            if value is not None or attribute in managed:
                setattr(person, field, value)
        if values.manager_key is not None or "manager" in managed:
            _set_manager(person, manager)
    if not person.path:
        _set_manager(person, person.manager)

    # A new terminationDate sets the termination's day (past: left; future: scheduled; with
    # active false, today at the latest). Deprovisioning (active false) of someone still
    # employed today terminates today. Reactivating undoes a termination made through SCIM
    # only, and not while the provider still sends a terminationDate that has passed: one
    # recorded by the HRIS import (the record of employment) stays, and the user keeps
    # reading active=false for the provider to see. The kind: the one given, else the one
    # recorded, else unknown. A PATCH arrives as the whole user, so a terminationDate equal to
    # the recorded one is the provider's echo, not news; a replayed request changes nothing.
    leaving = values.termination_date
    if leaving is not None and values.active is False:
        leaving = min(leaving, today)
    dated = leaving is not None and leaving != person.termination_date
    if dated:
        person.termination_date = scim.deprovisioned_on = leaving
        person.termination_kind = (
            values.termination_kind or person.termination_kind or TerminationKind.UNKNOWN
        )
    deprovision = values.active is False and was_active and person.is_active_on(today)
    undone = person.termination_date
    reactivate = (
        not dated
        and values.active is True
        and (leaving is None or leaving > today)
        and undone is not None
        and not person.is_active_on(today)
        and undone == scim.deprovisioned_on
    )
    if deprovision:
        person.termination_date = scim.deprovisioned_on = today
        person.termination_kind = (
            values.termination_kind or person.termination_kind or TerminationKind.UNKNOWN
        )
    elif reactivate:
        person.termination_date = scim.deprovisioned_on = None
        person.termination_kind = ""
    elif values.termination_kind and person.termination_date is not None:
        person.termination_kind = values.termination_kind  # a correction of why they left
    if values.termination_kind and person.termination_date is None and not reactivate:
        raise InvalidValueException(
            detail=f"terminationKind: {values.termination_kind!r} needs a termination "
            "(a terminationDate, or active false)."
        )
    if person.termination_date and person.hire_date and person.termination_date < person.hire_date:
        raise InvalidValueException(
            detail=f"terminationDate: {person.termination_date} is before the hire date "
            f"{person.hire_date}."
        )
    person.updated_at = now
    person.save()
    # The career events of the change, by the one rule (people.career): a replayed request
    # changes nothing and records nothing.
    career_record(person.pk, career_before, Career.of(person), day=today, source=SOURCE)
    left = was_active and not person.is_active_on(today)

    scim_changed = [
        name
        for name, old, new in (
            ("externalId", scim.external_id, scim_values.external_id),
            ("attributes", scim.attributes, scim_values.attributes),
        )
        if old != new
    ]
    scim.external_id = scim_values.external_id
    scim.attributes = scim_values.attributes
    scim.emails = scim_values.emails
    scim.unset = scim_values.unset
    scim.deleted_at = None
    scim.updated_at = now
    scim.save()

    if creating and revived is None:
        caller.audit("scim.user_created", person)
    elif creating:
        caller.audit("scim.user_recreated", person)
    else:
        changed = sorted(f for f in _TRACKED if getattr(person, f) != before.get(f))
        changed += scim_changed
        if changed:
            caller.audit("scim.user_updated", person, fields=changed)
    if left:
        _end_access(caller, person, reason="scim_deprovisioned")
        caller.audit(
            "scim.user_deprovisioned", person, termination_date=str(person.termination_date)
        )
    elif reactivate:
        caller.audit("scim.user_reactivated", person, termination_date_cleared=str(undone))
    return person


_FIELDS = {
    "employee_id": "employeeNumber",
    "first_name": "givenName",
    "last_name": "familyName",
    "title": "title",
    "department": "department",
    "function": "function",
}
# Person fields that are empty as None (cleared when the provider stops sending them).
_NULLABLE = {"job_level": "jobLevel", "hire_date": "hireDate"}
MANAGED = (
    "givenName",
    "familyName",
    "title",
    "department",
    "manager",
    "active",
    "employeeNumber",
    "function",
    "jobLevel",
    "hireDate",
)
_TRACKED = (
    "email",
    "employee_id",
    "first_name",
    "last_name",
    "title",
    "department",
    "manager_id",
    "function",
    "job_level",
    "hire_date",
    "termination_date",
    "termination_kind",
)


def person_delete(*, caller: Caller, person: Person) -> None:
    """A SCIM DELETE: deprovision the person (never deleted) and hide the SCIM user (404)."""
    today = timezone.localdate()
    now = timezone.now()
    scim = ScimUser.objects.filter(person=person).first() or ScimUser(person=person, created_at=now)
    if person.is_active_on(today):
        before = Career.of(person)
        person.termination_date = scim.deprovisioned_on = today
        # A kind recorded for a scheduled termination stays; otherwise nobody said why.
        person.termination_kind = person.termination_kind or TerminationKind.UNKNOWN
        person.updated_at = now
        person.save(update_fields=["termination_date", "termination_kind", "updated_at"])
        career_record(person.pk, before, Career.of(person), day=today, source=SOURCE)
        _end_access(caller, person, reason="scim_deleted")
    scim.deleted_at = now
    scim.updated_at = now
    scim.save()
    caller.audit("scim.user_deleted", person, termination_date=str(person.termination_date))


def _end_access(caller: Caller, person: Person, *, reason: str) -> None:
    user = User.objects.filter(person=person).first()
    if user is not None:
        user_sessions_end(user=user, reason=reason, actor=caller.actor)


# --- SCIM tokens (CLI) -----------------------------------------------------------------------


def scim_service_login() -> User:
    """The login that owns SCIM tokens made on the command line.

    It has no person (deprovisioning someone never stops provisioning) and no usable
    password (nobody signs in with it); it is an HR admin because only HR admins may hold
    SCIM tokens.
    """
    user, created = User.objects.get_or_create(
        username=SERVICE_LOGIN,
        defaults={"first_name": "SCIM", "last_name": "provisioning", "is_hr_admin": True},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def scim_tokens() -> list[ApiToken]:
    return list(
        ApiToken.objects.filter(scope=TokenScope.SCIM)
        .select_related("user")
        .order_by("-created_at")
    )
