"""One HRIS row: convert every cell to its Person field and check it, without the database.

`parse_row()` turns the cells of one CSV row into a `PersonRow` (the Person fields the file
gives, the manager reference and self-identified demographics) or reports each problem with
its row (line number in the file) and column. Checks across rows and against the database
live in `staging.py`; reading the file in `importer.py`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentorwise.core.errors import ErrorLog, FieldError
from mentorwise.people.columns import REQUIRED_COLUMNS
from mentorwise.people.models import Ethnicity, Gender, TerminationKind

# Person fields a row may set, in file order; `manager` is resolved later.
PERSON_FIELDS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "email",
    "title",
    "job_level",
    "department",
    "function",
    "location",
    "time_zone",
    "languages",
    "hire_date",
    "manager_since",
    "is_high_potential",
    "termination_date",
    "termination_kind",
)
# The order in which a row's values are checked, and so in which the preview names the
# fields an update changes.
VALUE_ORDER: tuple[str, ...] = (
    "first_name",
    "last_name",
    "title",
    "department",
    "function",
    "location",
    "email",
    "time_zone",
    "job_level",
    "languages",
    "hire_date",
    "manager_since",
    "termination_date",
    "is_high_potential",
    "termination_kind",
)
DATE_FIELDS: tuple[str, ...] = ("hire_date", "manager_since", "termination_date")
# Canonical column -> Person field, where the names differ.
COLUMN_FIELD = {"high_potential": "is_high_potential"}
MAX_LENGTHS = {
    "employee_id": 64,
    "first_name": 100,
    "last_name": 100,
    "email": 254,
    "title": 200,
    "department": 120,
    "function": 120,
    "location": 120,
    "time_zone": 64,
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LANGUAGE = re.compile(r"^[a-z][a-z -]{0,34}$")
_LANGUAGE_SPLIT = re.compile(r"[|;,]")
_TRUE = {"true", "yes", "y", "1", "x"}
_FALSE = {"false", "no", "n", "0", ""}
# Exports escape formulas with a leading quote (core.csv.csv_safe); undo it on import so that
# export -> import round-trips.
_ESCAPED_FORMULA = re.compile(r"^'[=+\-@\t\r]")
_validate_email = EmailValidator()
# A strict subset of what EmailValidator accepts, checked first because the validator's lazy
# regexes cost about 10 µs per call (a second per 100,000 rows); anything else still goes
# through the validator, which has the last word.
_PLAIN_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _choices(enum: Any) -> dict[str, str]:
    """Accept a choice by value or label, case- and space-insensitively."""
    table: dict[str, str] = {}
    for value, label in enum.choices:
        table[value] = value
        table[re.sub(r"[\s-]+", "_", str(label).strip().lower())] = value
    return table


GENDER_VALUES = _choices(Gender)
ETHNICITY_VALUES = _choices(Ethnicity)
TERMINATION_KIND_VALUES = _choices(TerminationKind)


@dataclass(slots=True)
class PersonRow:
    """One valid row: the employee id, the Person fields the file gives, manager and demographics.

    `values` holds only the columns present in the file, so that an update leaves the other
    fields alone.
    """

    row: int
    employee_id: str
    values: dict[str, Any]
    manager_key: str | None = None  # employee id or email of the manager, "" for none
    gender: str | None = None
    ethnicity: str | None = None
    # False for a row with problems: only its keys (employee id, email, manager) are kept, so
    # that the checks across rows still run and do not call its person unknown.
    valid: bool = True
    # True when the row had the wrong number of values: its keys are a guess, good enough to
    # recognise a manager but not to report duplicates or unknown references for.
    shifted: bool = False


def fields_given(columns: list[str]) -> list[str]:
    """The Person fields a file with these canonical columns sets, in VALUE_ORDER."""
    given = {COLUMN_FIELD.get(c, c) for c in columns}
    return [f for f in VALUE_ORDER if f in given]


@functools.lru_cache(maxsize=65536)
def parse_date(text: str, date_format: str) -> dt.date:
    """ISO 8601 (YYYY-MM-DD) or the one configured strptime format; raises ValueError."""
    if _ISO_DATE.match(text):
        return dt.date.fromisoformat(text)
    if date_format:
        return dt.datetime.strptime(text, date_format).date()  # noqa: DTZ007 - a date only
    raise ValueError(text)


def _date_message(date_format: str) -> str:
    if date_format:
        return _("Not a date: use YYYY-MM-DD or the configured format %(format)s.") % {
            "format": date_format
        }
    return _("Not a date: use YYYY-MM-DD.")


def parse_row(
    line: int,
    cells: list[str],
    positions: dict[str, int],
    *,
    manager_by: str | None,
    errors: ErrorLog,
    date_format: str,
    today: dt.date,
) -> PersonRow:
    """Convert and check one row; every problem goes to `errors`.

    A row with a problem comes back with `valid=False` and only its keys (see PersonRow).
    """
    before = errors.total

    stripped: dict[str, str] = {}
    for column, index in positions.items():
        raw = cells[index].strip()
        if raw[:1] == "'" and _ESCAPED_FORMULA.match(raw):
            raw = raw[1:]
        stripped[column] = raw
    cell = stripped.__getitem__

    def fail(column: str, value: str, message: str) -> None:
        if errors.full:
            errors.tally()
        else:
            errors.add(FieldError(column, message, row=line, value=value))

    values: dict[str, Any] = {}
    for column in REQUIRED_COLUMNS:
        text = cell(column)
        if not text:
            fail(column, text, _("Required: this cell is empty."))
    employee_id = cell("employee_id")
    for column, limit in MAX_LENGTHS.items():
        if column in positions and len(text := cell(column)) > limit:
            fail(
                column,
                text[:80],
                ngettext(
                    "Too long: at most %(limit)s character.",
                    "Too long: at most %(limit)s characters.",
                    limit,
                )
                % {"limit": limit},
            )
    for column in ("first_name", "last_name", "title", "department", "function", "location"):
        if column in positions:
            values[column] = cell(column)

    email = cell("email")
    if email and not _PLAIN_EMAIL.match(email):
        try:
            _validate_email(email)
        except ValidationError:
            fail("email", email, _("Not a valid email address."))
    values["email"] = email

    if "time_zone" in positions:
        tz = cell("time_zone")
        if tz and tz not in _time_zones():
            fail("time_zone", tz, _("Unknown time zone: use an IANA name such as Europe/Paris."))
        values["time_zone"] = tz

    if "job_level" in positions:
        text = cell("job_level")
        level: int | None = None
        if text:
            try:
                level = int(text)
            except ValueError:
                fail("job_level", text, _("Not a whole number: use a job level from 1 to 10."))
            else:
                if not 1 <= level <= 10:
                    fail("job_level", text, _("Out of range: job levels go from 1 to 10."))
        values["job_level"] = level

    if "languages" in positions:
        text = cell("languages")
        spoken = [t.strip().lower() for t in _LANGUAGE_SPLIT.split(text) if t.strip()]
        bad = [t for t in spoken if not _LANGUAGE.match(t)]
        if bad:
            fail(
                "languages",
                text,
                _("Not a language: %(value)s (separate languages with |).")
                % {"value": repr(bad[0])},
            )
        values["languages"] = list(dict.fromkeys(spoken))

    dates: dict[str, dt.date | None] = {}
    for column in ("hire_date", "manager_since", "termination_date"):
        if column not in positions:
            continue
        text = cell(column)
        day: dt.date | None = None
        if text:
            try:
                day = parse_date(text, date_format)
            except ValueError:
                fail(column, text, _date_message(date_format))
            else:
                if column != "termination_date" and day > today:
                    fail(column, text, _("In the future: this date cannot be after today."))
        dates[column] = day
        values[column] = day
    hire, term = dates.get("hire_date"), dates.get("termination_date")
    if hire and term and term < hire:
        fail("termination_date", str(term), _("Before the hire date."))

    if "high_potential" in positions:
        text = cell("high_potential").lower()
        if text in _TRUE:
            values["is_high_potential"] = True
        elif text in _FALSE:
            values["is_high_potential"] = False
        else:
            fail("high_potential", text, _("Not a yes/no value: use true or false."))

    if "termination_kind" in positions:
        text = cell("termination_kind")
        kind = TERMINATION_KIND_VALUES.get(_choice_key(text), None) if text else ""
        if kind is None:
            fail("termination_kind", text, _choice_message(TerminationKind))
        elif kind and "termination_date" in positions and term is None:
            fail("termination_kind", text, _("A termination kind needs a termination date."))
        # A date with a blank kind: the person left for a reason the file does not give.
        values["termination_kind"] = kind or (TerminationKind.UNKNOWN.value if term else "")

    demographics: dict[str, str | None] = {}
    for column, table, enum in (
        ("gender", GENDER_VALUES, Gender),
        ("ethnicity", ETHNICITY_VALUES, Ethnicity),
    ):
        if column not in positions:
            continue
        text = cell(column)
        value = table.get(_choice_key(text)) if text else None
        if text and value is None:
            fail(column, text, _choice_message(enum))
        demographics[column] = value

    manager_key: str | None = None
    if manager_by is not None:
        column = "manager_id" if manager_by == "employee_id" else "manager_email"
        manager_key = cell(column)
        if manager_key and manager_key == (employee_id if column == "manager_id" else email):
            fail(column, manager_key, _("A person cannot be their own manager."))

    if errors.total > before:
        return rejected_row(line, employee_id, email, manager_key)
    return PersonRow(
        row=line,
        employee_id=employee_id,
        values=values,
        manager_key=manager_key,
        gender=demographics.get("gender"),
        ethnicity=demographics.get("ethnicity"),
    )


def rejected_row(
    line: int, employee_id: str, email: str, manager_key: str | None, *, shifted: bool = False
) -> PersonRow:
    """The keys of a row with problems, for the checks across rows (never written)."""
    return PersonRow(
        row=line,
        employee_id=employee_id,
        values={"email": email},
        manager_key=manager_key,
        valid=False,
        shifted=shifted,
    )


def _choice_key(text: str) -> str:
    return re.sub(r"[\s-]+", "_", text.strip().lower())


def _choice_message(enum: Any) -> str:
    # The values are what the file must hold, so they stay as they are.
    return _("Unknown value: use one of %(values)s.") % {"values": ", ".join(enum.values)}
