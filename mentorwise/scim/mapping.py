"""SCIM User ↔ Person: which attribute is which field, and the filters the directory answers.

The identity provider's User is the Person plus what `ScimUser.attributes` keeps. Reading
builds the SCIM representation from both (the Person wins for the mapped attributes, so an
HRIS import shows through); writing splits a SCIM resource back into Person fields and the
rest. Filters are translated into one database query (never a scan in Python).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Annotated, Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from pydantic import Field
from scim2_models import URN, Extension, InvalidFilterException, InvalidValueException
from scim2_models.path import (
    AttrPath,
    CompareOperator,
    Comparison,
    FilterNode,
    LogicalExpr,
    Not,
    Present,
    ValuePath,
)
from scim2_models.path.expressions import LogicalOperator

from mentorwise.core.lookups import lower_equals
from mentorwise.people.models import Person, TerminationKind, employed_on
from mentorwise.scim.models import ScimUser

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
# Mentorwise's own extension: what the enterprise extension has no place for (docs/scim.md).
PERSON = "urn:mentorwise:params:scim:schemas:extension:person:2.0:User"
LEVELS = range(1, 11)
# Attributes held on the Person (never copied into ScimUser.attributes).
_PERSON_ATTRIBUTES = {"userName", "title", "active"}
_PERSON_NAME_PARTS = {"givenName", "familyName"}
_PERSON_ENTERPRISE = {"employeeNumber", "department", "manager"}
_PERSON_EXTENSION = {"jobLevel", "function", "hireDate", "terminationDate", "terminationKind"}
# Never stored or returned (write-only in RFC 7643), nor anything the server owns.
_DROPPED = {"id", "meta", "schemas", "password", "externalId", "groups"}


class MentorwisePerson(Extension):
    """Mentorwise person attributes the enterprise extension has no place for: job level,
    function, hire date and termination (date and kind). Dates are YYYY-MM-DD."""

    __schema__ = URN(PERSON)

    job_level: Annotated[
        int | None,
        Field(
            description="Job level, 1 (entry) to 10 (chief executive).",
            examples=[str(level) for level in LEVELS],
        ),
    ] = None
    function: Annotated[
        str | None, Field(description="Job function (Engineering, Sales...), at most 120.")
    ] = None
    hire_date: Annotated[
        str | None,
        Field(description="Hire date, YYYY-MM-DD.", examples=["2019-04-01", "2021-09-15"]),
    ] = None
    termination_date: Annotated[
        str | None,
        Field(
            description="Termination date, YYYY-MM-DD (past: left; future: scheduled). Takes "
            "precedence over active for the termination's day.",
            examples=["2026-01-31", "2026-06-30"],
        ),
    ] = None
    termination_kind: Annotated[
        str | None,
        Field(
            description="Why the person left: voluntary, involuntary, other or unknown. Needs a "
            "termination (terminationDate, or active false).",
            examples=[k.value for k in TerminationKind],
        ),
    ] = None


def username_field() -> str:
    return str(settings.MENTORWISE_SCIM_USERNAME)


def live_people() -> QuerySet[Person]:
    """The people SCIM shows: not erased, and not deleted through SCIM."""
    return Person.objects.filter(erased_at__isnull=True).filter(
        Q(scim__isnull=True) | Q(scim__deleted_at__isnull=True)
    )


# --- Reading ---------------------------------------------------------------------------------


def person_to_scim(
    person: Person, scim: ScimUser | None, *, today: dt.date | None = None
) -> dict[str, Any]:
    """The SCIM User of a person as JSON (camelCase), id and meta included."""
    today = today or timezone.localdate()
    data: dict[str, Any] = json.loads(json.dumps(scim.attributes)) if scim else {}
    unset = set(scim.unset) if scim else set()

    def shown(attribute: str, value: Any) -> Any:
        return None if attribute in unset else value

    data["id"] = str(person.pk)
    if scim and scim.external_id:
        data["externalId"] = scim.external_id
    data["userName"] = person.email if username_field() == "email" else person.employee_id

    name = dict(data.get("name") or {})
    _put(name, "givenName", shown("givenName", person.first_name))
    _put(name, "familyName", shown("familyName", person.last_name))
    if scim is None and person.full_name:
        name.setdefault("formatted", person.full_name)
    _put(data, "name", name or None)
    _put(data, "title", shown("title", person.title))
    if scim is None:
        # Someone the HRIS brought in: show the identity provider what Mentorwise knows.
        data["displayName"] = person.full_name
        data["emails"] = [{"value": person.email, "type": "work", "primary": True}]
    _put(data, "active", shown("active", person.is_active_on(today)))

    enterprise = dict(data.get(ENTERPRISE) or {})
    if username_field() == "email":
        _put(enterprise, "employeeNumber", shown("employeeNumber", person.employee_id))
    _put(enterprise, "department", shown("department", person.department))
    if person.manager_id and "manager" not in unset:
        manager = {"value": str(person.manager_id), "$ref": f"Users/{person.manager_id}"}
        _put(manager, "displayName", person.manager.full_name if person.manager else "")
        enterprise["manager"] = manager
    else:
        enterprise.pop("manager", None)
    _put(data, ENTERPRISE, enterprise or None)

    extension = dict(data.get(PERSON) or {})
    _put(extension, "jobLevel", shown("jobLevel", person.job_level))
    _put(extension, "function", shown("function", person.function))
    _put(extension, "hireDate", shown("hireDate", _iso(person.hire_date)))
    _put(extension, "terminationDate", shown("terminationDate", _iso(person.termination_date)))
    kind = person.termination_kind if person.termination_date else ""
    _put(extension, "terminationKind", shown("terminationKind", kind))
    _put(data, PERSON, extension or None)

    data["schemas"] = [USER_SCHEMA, *(uri for uri in (ENTERPRISE, PERSON) if uri in data)]
    created = scim.created_at if scim else person.created_at
    modified = max(person.updated_at, scim.updated_at) if scim else person.updated_at
    body = json.dumps(data, sort_keys=True, default=str).encode()
    data["meta"] = {
        "resourceType": "User",
        "created": created.isoformat(),
        "lastModified": modified.isoformat(),
        "version": f'W/"{hashlib.sha256(body).hexdigest()[:16]}"',
    }
    return data


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    """Set a value, or remove the key for an empty one (SCIM: unassigned = absent)."""
    if value is None or (isinstance(value, str | list | dict) and not value):
        target.pop(key, None)
    else:
        target[key] = value


# --- Writing ---------------------------------------------------------------------------------


@dataclass
class PersonValues:
    """The Person fields a SCIM User sets; None where the User leaves the attribute out (the
    Person keeps its value, which is then not reported back to the provider)."""

    email: str | None
    employee_id: str | None
    first_name: str | None
    last_name: str | None
    title: str | None
    department: str | None
    manager_key: str | None
    active: bool | None
    job_level: int | None = None
    function: str | None = None
    hire_date: dt.date | None = None
    termination_date: dt.date | None = None
    termination_kind: str | None = None

    def unset(self) -> list[str]:
        """The SCIM names of the Person attributes this User leaves out."""
        names = {
            "first_name": "givenName",
            "last_name": "familyName",
            "title": "title",
            "department": "department",
            "manager_key": "manager",
            "active": "active",
            "job_level": "jobLevel",
            "function": "function",
            "hire_date": "hireDate",
            "termination_date": "terminationDate",
            "termination_kind": "terminationKind",
        }
        if username_field() == "email":
            names["employee_id"] = "employeeNumber"
        return sorted(attr for field, attr in names.items() if getattr(self, field) is None)


@dataclass
class ScimValues:
    """What the ScimUser row keeps of a SCIM User."""

    external_id: str
    attributes: dict[str, Any]
    emails: str
    unset: list[str]


def _text_or_none(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def scim_to_values(data: dict[str, Any]) -> tuple[PersonValues, ScimValues]:
    """Split a SCIM User (as JSON) into Person fields and what the ScimUser row keeps."""
    data = {k: v for k, v in data.items() if v is not None}
    name = dict(data.get("name") or {})
    enterprise = dict(data.get(ENTERPRISE) or {})
    extension = {k: v for k, v in dict(data.get(PERSON) or {}).items() if v is not None}
    emails = [e for e in data.get("emails") or [] if isinstance(e, dict) and e.get("value")]
    primary = next((e["value"] for e in emails if e.get("primary")), None)
    first_email = primary or (emails[0]["value"] if emails else None)
    user_name = _text_or_none(data.get("userName"))
    manager = enterprise.get("manager")
    manager_key = _text_or_none(manager.get("value")) if isinstance(manager, dict) else None
    employee_number = _text_or_none(enterprise.get("employeeNumber"))
    if username_field() == "email":
        email, employee_id = user_name, employee_number
    else:
        email, employee_id = _text_or_none(first_email), user_name
    active = data.get("active")
    values = PersonValues(
        email=email,
        employee_id=employee_id,
        first_name=_text_or_none(name.get("givenName")),
        last_name=_text_or_none(name.get("familyName")),
        title=_text_or_none(data.get("title")),
        department=_text_or_none(enterprise.get("department")),
        manager_key=manager_key,
        active=bool(active) if active is not None else None,
        job_level=_level(extension.get("jobLevel")),
        function=_text_or_none(extension.get("function")),
        hire_date=_date(extension.get("hireDate"), "hireDate"),
        termination_date=_date(extension.get("terminationDate"), "terminationDate"),
        termination_kind=_termination_kind(extension.get("terminationKind")),
    )
    _check_lengths(values)
    if values.hire_date and values.termination_date and values.termination_date < values.hire_date:
        raise InvalidValueException(
            detail=f"terminationDate: {values.termination_date} is before the hireDate "
            f"{values.hire_date}."
        )

    kept = {k: v for k, v in data.items() if k not in _PERSON_ATTRIBUTES | _DROPPED}
    rest_name = {k: v for k, v in name.items() if k not in _PERSON_NAME_PARTS}
    _put(kept, "name", rest_name or None)
    rest_enterprise = {k: v for k, v in enterprise.items() if k not in _PERSON_ENTERPRISE}
    if username_field() == "employee_id" and employee_number:
        rest_enterprise["employeeNumber"] = employee_number
    _put(kept, ENTERPRISE, rest_enterprise or None)
    rest_extension = {k: v for k, v in extension.items() if k not in _PERSON_EXTENSION}
    _put(kept, PERSON, rest_extension or None)
    scim = ScimValues(
        external_id=str(data.get("externalId") or ""),
        attributes=kept,
        emails="".join(f"\n{str(e['value']).lower()}" for e in emails) + ("\n" if emails else ""),
        unset=values.unset(),
    )
    return values, scim


def _level(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        level = int(value) if not isinstance(value, bool | float) else None
    except (TypeError, ValueError):
        level = None
    if level is None or level not in LEVELS:
        raise InvalidValueException(
            detail=f"jobLevel: {value!r} is not a job level; give a whole number from "
            f"{LEVELS[0]} to {LEVELS[-1]}."
        )
    return level


def _date(value: Any, attribute: str) -> dt.date | None:
    """A YYYY-MM-DD date; a dateTime (what some providers send) gives its date."""
    text = str(value).strip() if value is not None else ""
    if not text:
        return None
    if len(text) == 10 or (len(text) > 10 and text[10] == "T"):
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            pass
    raise InvalidValueException(detail=f"{attribute}: {text!r} is not a date; write YYYY-MM-DD.")


def _termination_kind(value: Any) -> str | None:
    text = str(value).strip().lower() if value is not None else ""
    if not text:
        return None
    if text not in TerminationKind.values:
        raise InvalidValueException(
            detail=f"terminationKind: {value!r} is not one of {', '.join(TerminationKind.values)}."
        )
    return text


_LIMITS = {
    "email": ("userName", 254),
    "employee_id": ("employeeNumber", 64),
    "first_name": ("name.givenName", 100),
    "last_name": ("name.familyName", 100),
    "title": ("title", 200),
    "department": ("department", 120),
    "function": ("function", 120),
}


def _check_lengths(values: PersonValues) -> None:
    if username_field() == "employee_id":
        limits = {**_LIMITS, "employee_id": ("userName", 64), "email": ("emails.value", 254)}
    else:
        limits = _LIMITS
    for field, (attribute, limit) in limits.items():
        value = getattr(values, field)
        if value is not None and len(value) > limit:
            raise InvalidValueException(
                detail=f"{attribute}: at most {limit} characters (got {len(value)})."
            )


# --- Filters ---------------------------------------------------------------------------------

_STRING_LOOKUPS = {
    CompareOperator.eq: "exact",
    CompareOperator.co: "contains",
    CompareOperator.sw: "startswith",
    CompareOperator.ew: "endswith",
    CompareOperator.gt: "gt",
    CompareOperator.ge: "gte",
    CompareOperator.lt: "lt",
    CompareOperator.le: "lte",
}
FILTERABLE = (
    "id, userName, externalId, emails.value, name.givenName, name.familyName, title, active, "
    "employeeNumber, department, manager.value"
)


def filter_to_q(node: FilterNode, *, today: dt.date) -> Q:
    """A database condition for a parsed SCIM filter; InvalidFilterException names what is not
    supported."""
    if isinstance(node, LogicalExpr):
        parts = [filter_to_q(term, today=today) for term in node.terms]
        combined = parts[0]
        for part in parts[1:]:
            combined = combined & part if node.op == LogicalOperator.and_ else combined | part
        return combined
    if isinstance(node, Not):
        return ~filter_to_q(node.expr, today=today)
    if isinstance(node, Present):
        return _present(node.attr_path, today)
    if isinstance(node, Comparison):
        return _compare(node.attr_path, node.op, node.value, today)
    if isinstance(node, ValuePath):
        # emails[value eq "x"] (and any and/or/not of comparisons on value) is emails.value ...
        return _value_path(node.attr_path, node.val_filter, today)
    raise InvalidFilterException(detail=f"Unsupported filter expression: {node}")


def _key(path: AttrPath) -> str:
    uri = (path.uri or "").lower()
    if uri and uri not in (USER_SCHEMA.lower(), ENTERPRISE.lower()):
        raise _unsupported(path)
    name = path.attr.lower() + (f".{path.sub_attr.lower()}" if path.sub_attr else "")
    return name


def _unsupported(path: AttrPath | str) -> InvalidFilterException:
    return InvalidFilterException(
        detail=f"Filtering on {path} is not supported; filter on {FILTERABLE}."
    )


def _columns(path: AttrPath) -> tuple[str, bool] | None:
    """The Person column of an attribute and whether its comparisons are case-exact."""
    username = "email" if username_field() == "email" else "employee_id"
    return {
        "username": (username, False),
        "externalid": ("scim__external_id", True),
        "name.givenname": ("first_name", False),
        "name.familyname": ("last_name", False),
        "title": ("title", False),
        "employeenumber": ("employee_id", False),
        "department": ("department", False),
    }.get(_key(path))


def _compare(path: AttrPath, op: CompareOperator, value: Any, today: dt.date) -> Q:
    key = _key(path)
    if op == CompareOperator.ne:
        return ~_compare(path, CompareOperator.eq, value, today)
    if key == "id":
        return _id_q("pk", op, value, path)
    if key in ("manager", "manager.value"):
        return _id_q("manager_id", op, value, path)
    if key == "active":
        if op != CompareOperator.eq or not isinstance(value, bool):
            raise InvalidFilterException(detail=f"{path}: only 'eq true' or 'eq false'.")
        active = employed_on(today)
        return active if value else ~active
    if key in ("emails", "emails.value"):
        text = _text(path, value)
        if op == CompareOperator.eq:
            stored = Q(scim__emails__contains=f"\n{text.lower()}\n")
            return Q(lower_equals("email", text)) | stored
        column = _lookup("email", op, case_exact=False)
        stored = Q(**{_lookup("scim__emails", op, case_exact=False): text.lower()})
        return Q(**{column: text}) | stored
    found = _columns(path)
    if found is None:
        raise _unsupported(path)
    column, case_exact = found
    if op == CompareOperator.eq and not case_exact:
        # userName eq "..." is how providers look a person up: indexed on LOWER(...).
        return Q(lower_equals(column, _text(path, value)))
    return Q(**{_lookup(column, op, case_exact=case_exact): _text(path, value)})


def _lookup(column: str, op: CompareOperator, *, case_exact: bool) -> str:
    lookup = _STRING_LOOKUPS[op]
    if not case_exact and lookup in ("exact", "contains", "startswith", "endswith"):
        lookup = "i" + lookup
    return f"{column}__{lookup}"


def _text(path: AttrPath, value: Any) -> str:
    if value is None or isinstance(value, bool | dict | list):
        raise InvalidFilterException(detail=f"{path}: compare with a string.")
    return str(value)


def _id_q(column: str, op: CompareOperator, value: Any, path: AttrPath) -> Q:
    if op != CompareOperator.eq:
        raise InvalidFilterException(detail=f"{path}: only 'eq' is supported.")
    text = str(value)
    if not text.isdigit():
        return Q(pk__in=[])
    return Q(**{column: int(text)})


def _present(path: AttrPath, today: dt.date) -> Q:
    key = _key(path)
    if key in ("id", "username", "active"):
        return ~Q(pk__in=[])
    if key in ("manager", "manager.value"):
        return Q(manager__isnull=False)
    if key in ("emails", "emails.value"):
        return ~Q(email="") | ~Q(scim__emails="")
    found = _columns(path)
    if found is None:
        raise _unsupported(path)
    column = found[0]
    return Q(**{f"{column}__isnull": False}) & ~Q(**{column: ""})


def _value_path(path: AttrPath, inner: FilterNode, today: dt.date) -> Q:
    if _key(path) != "emails":
        raise _unsupported(path)

    def rewrite(node: FilterNode) -> Q:
        if isinstance(node, LogicalExpr):
            parts = [rewrite(t) for t in node.terms]
            combined = parts[0]
            for part in parts[1:]:
                combined = combined & part if node.op == LogicalOperator.and_ else combined | part
            return combined
        if isinstance(node, Not):
            return ~rewrite(node.expr)
        target = AttrPath("emails", "value")
        if isinstance(node, Comparison) and node.attr_path.attr.lower() == "value":
            return _compare(target, node.op, node.value, today)
        if isinstance(node, Present) and node.attr_path.attr.lower() == "value":
            return _present(target, today)
        raise _unsupported(f"emails.{getattr(getattr(node, 'attr_path', None), 'attr', '?')}")

    return rewrite(inner)
