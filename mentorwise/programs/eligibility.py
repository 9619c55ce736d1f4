"""Eligibility rules as data, validated, described in words and evaluated by the database.

A program stores, per role, a dict of rules; every rule narrows the set of active people:

    level_min, level_max            job level range (inclusive)
    functions, departments,         only people in one of these (lists of names)
    locations
    exclude_functions               nobody in these functions
    min_tenure_months,              time since hire date
    max_tenure_months
    is_manager                      True: has active direct reports; False: has none
    first_time_manager_months       became a manager within the last N months
    min_manager_years               has been a manager for at least N years
    high_potential                  True / False: the HRIS high-potential flag

Rules are combined with AND. Terminated people are never eligible.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentorwise.core.errors import FieldError, InvalidInput
from mentorwise.people.models import Person, employed_on

INT_RULES = {
    "level_min": (1, 10),
    "level_max": (1, 10),
    "min_tenure_months": (0, 600),
    "max_tenure_months": (0, 600),
    "first_time_manager_months": (1, 120),
    "min_manager_years": (0, 50),
}
LIST_RULES = ("functions", "departments", "locations", "exclude_functions")
BOOL_RULES = ("is_manager", "high_potential")
RULE_NAMES = (*INT_RULES, *LIST_RULES, *BOOL_RULES)


def rules_validate(rules: dict[str, Any], *, role: str = "") -> dict[str, Any]:
    """Return the rules cleaned (empty values dropped); raise InvalidInput naming each bad rule."""
    if not isinstance(rules, dict):
        raise InvalidInput([FieldError(f"eligibility.{role}", _("must be an object of rules"))])
    prefix = f"eligibility.{role}." if role else "eligibility."
    errors: list[FieldError] = []
    clean: dict[str, Any] = {}
    for name, value in rules.items():
        where = prefix + name
        if name not in RULE_NAMES:
            errors.append(
                FieldError(
                    where,
                    _("unknown rule; use one of %(names)s") % {"names": ", ".join(RULE_NAMES)},
                )
            )
            continue
        if value is None or value == "" or value == []:
            continue
        if name in INT_RULES:
            low, high = INT_RULES[name]
            if isinstance(value, bool) or not isinstance(value, int | str):
                errors.append(FieldError(where, _("must be a whole number"), value=str(value)))
                continue
            try:
                number = int(value)
            except ValueError:
                errors.append(FieldError(where, _("must be a whole number"), value=str(value)))
                continue
            if not low <= number <= high:
                errors.append(
                    FieldError(
                        where,
                        _("must be between %(low)s and %(high)s") % {"low": low, "high": high},
                        value=str(value),
                    )
                )
                continue
            clean[name] = number
        elif name in LIST_RULES:
            if isinstance(value, str):
                value = [v.strip() for v in value.split(",")]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                errors.append(FieldError(where, _("must be a list of names"), value=str(value)))
                continue
            names = sorted({v.strip() for v in value if v.strip()})
            if names:
                clean[name] = names
        else:
            if not isinstance(value, bool):
                errors.append(FieldError(where, _("must be true or false"), value=str(value)))
                continue
            clean[name] = value
    for low_name, high_name in (
        ("level_min", "level_max"),
        ("min_tenure_months", "max_tenure_months"),
    ):
        if low_name in clean and high_name in clean and clean[low_name] > clean[high_name]:
            errors.append(
                FieldError(
                    prefix + low_name,
                    _("is above %(rule)s (%(value)s)")
                    % {"rule": high_name, "value": clean[high_name]},
                    value=str(clean[low_name]),
                )
            )
    if errors:
        raise InvalidInput(errors)
    return clean


def _months_ago(today: dt.date, months: int) -> dt.date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    day = min(today.day, 28)
    return dt.date(year, month + 1, day)


def rules_q(rules: dict[str, Any], *, today: dt.date | None = None) -> Q:
    """The database filter for `rules` (validated), active people only."""
    today = today or timezone.localdate()
    q = employed_on(today)
    if "level_min" in rules:
        q &= Q(job_level__gte=rules["level_min"])
    if "level_max" in rules:
        q &= Q(job_level__lte=rules["level_max"])
    if "functions" in rules:
        q &= Q(function__in=rules["functions"])
    if "departments" in rules:
        q &= Q(department__in=rules["departments"])
    if "locations" in rules:
        q &= Q(location__in=rules["locations"])
    if "exclude_functions" in rules:
        q &= ~Q(function__in=rules["exclude_functions"])
    if "min_tenure_months" in rules:
        q &= Q(hire_date__lte=_months_ago(today, rules["min_tenure_months"]))
    if "max_tenure_months" in rules:
        q &= Q(hire_date__gt=_months_ago(today, rules["max_tenure_months"]))
    if "first_time_manager_months" in rules:
        q &= Q(manager_since__gt=_months_ago(today, rules["first_time_manager_months"]))
        q &= Q(manager_since__lte=today)
    if "min_manager_years" in rules:
        q &= Q(manager_since__lte=_months_ago(today, 12 * rules["min_manager_years"]))
    if "high_potential" in rules:
        q &= Q(is_high_potential=rules["high_potential"])
    if "is_manager" in rules:
        has_reports = Exists(
            Person.objects.filter(manager=OuterRef("pk")).filter(employed_on(today))
        )
        q &= Q(has_reports) if rules["is_manager"] else ~Q(has_reports)
    return q


def eligible_people(rules: dict[str, Any], *, today: dt.date | None = None) -> QuerySet[Person]:
    return Person.objects.filter(rules_q(rules, today=today))


def rules_describe(rules: dict[str, Any]) -> list[str]:
    """The rules in plain words, for program pages ("job level 3 to 7", "high potential")."""
    words: list[str] = []
    low, high = rules.get("level_min"), rules.get("level_max")
    if low and high:
        words.append(_("job level %(low)s to %(high)s") % {"low": low, "high": high})
    elif low:
        words.append(_("job level %(level)s or above") % {"level": low})
    elif high:
        words.append(_("job level %(level)s or below") % {"level": high})
    if "functions" in rules:
        words.append(_("function: %(names)s") % {"names": ", ".join(rules["functions"])})
    if "departments" in rules:
        words.append(_("department: %(names)s") % {"names": ", ".join(rules["departments"])})
    if "locations" in rules:
        words.append(_("location: %(names)s") % {"names": ", ".join(rules["locations"])})
    if "exclude_functions" in rules:
        words.append(_("not in %(names)s") % {"names": ", ".join(rules["exclude_functions"])})
    if "min_tenure_months" in rules:
        n = rules["min_tenure_months"]
        words.append(
            ngettext("at least %(n)s month since hire", "at least %(n)s months since hire", n)
            % {"n": n}
        )
    if "max_tenure_months" in rules:
        n = rules["max_tenure_months"]
        words.append(
            ngettext("hired within the last %(n)s month", "hired within the last %(n)s months", n)
            % {"n": n}
        )
    if rules.get("is_manager") is True:
        words.append(_("manages people"))
    elif rules.get("is_manager") is False:
        words.append(_("no direct reports"))
    if "first_time_manager_months" in rules:
        n = rules["first_time_manager_months"]
        words.append(
            ngettext(
                "became a manager in the last %(n)s month",
                "became a manager in the last %(n)s months",
                n,
            )
            % {"n": n}
        )
    if "min_manager_years" in rules:
        n = rules["min_manager_years"]
        words.append(
            ngettext("manager for at least %(n)s year", "manager for at least %(n)s years", n)
            % {"n": n}
        )
    if rules.get("high_potential") is True:
        words.append(_("identified as high potential"))
    elif rules.get("high_potential") is False:
        words.append(_("not flagged high potential"))
    return words or [_("every active employee")]


def ineligibility_reason(
    rules: dict[str, Any], person: Person, *, today: dt.date | None = None
) -> str | None:
    """None when `person` meets the rules, else the first unmet rule in words."""
    today = today or timezone.localdate()
    if not person.is_active_on(today):
        return _("You are no longer an active employee.")
    for name in rules:
        if not eligible_people({name: rules[name]}, today=today).filter(pk=person.pk).exists():
            return _("This role requires: %(rule)s.") % {
                "rule": rules_describe({name: rules[name]})[0]
            }
    return None
