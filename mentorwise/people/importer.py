"""Parse and check an HRIS CSV file, row by row, without touching the database.

`parse_people_csv()` decodes the file (UTF-8, with or without BOM), finds the delimiter from
the header line only (comma or semicolon), maps headers to canonical columns through the
aliases in `columns.py`, converts every cell and collects every problem as a `FieldError`
(row = line number in the file, the header is row 1). Checks that need the database
(managers, emails of people not in the file, cycles) live in `services.people_import`.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from mentorwise.core.errors import FieldError
from mentorwise.people.columns import REQUIRED_COLUMNS, alias_table, header_key
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


def erased_employee_id(employee_id: str) -> str:
    """The pseudonym an erased person's employee id is replaced by (one-way, stable).

    An import recognises rows of erased people by it and leaves those people alone, so an
    erasure is not silently undone by the next HRIS file.
    """
    digest = hashlib.sha256(f"mentorwise-erased:{employee_id.strip()}".encode()).hexdigest()
    return f"erased-{digest[:32]}"


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


@dataclass
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


@dataclass
class ParsedFile:
    """The result of parsing: columns found, valid rows and every error."""

    columns: list[str] = field(default_factory=list)  # canonical columns present
    ignored_columns: list[str] = field(default_factory=list)  # headers we do not know
    rows: list[PersonRow] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    delimiter: str = ","
    manager_by: str | None = None  # "employee_id", "email" or None (no manager column)

    @property
    def has_manager_column(self) -> bool:
        return self.manager_by is not None


def decode(data: bytes) -> tuple[str | None, FieldError | None]:
    """UTF-8 with or without BOM; an error names the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, FieldError(
            "file",
            "The file is not UTF-8 text; save it as CSV UTF-8 and try again.",
            row=line,
            value=repr(data[error.start : error.start + 4])[2:-1],
        )


def sniff_delimiter(text: str) -> str:
    """Comma or semicolon, decided by the header line alone (never by data rows)."""
    header = text.split("\n", 1)[0]
    # Ignore quoted parts: a header like "Name; first" must not count.
    unquoted = re.sub(r'"[^"]*"', "", header)
    return ";" if unquoted.count(";") > unquoted.count(",") else ","


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
        return f"Not a date: use YYYY-MM-DD or the configured format {date_format}."
    return "Not a date: use YYYY-MM-DD."


def parse_people_csv(
    data: bytes,
    *,
    date_format: str = "",
    today: dt.date | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ParsedFile:
    """Parse an HRIS CSV file; every problem ends up in `errors`, never as an exception."""
    today = today or dt.date.today()  # noqa: DTZ011 - the caller passes the local date
    result = ParsedFile()
    text, error = decode(data)
    if error is not None or text is None:
        result.errors.append(error or FieldError("file", "Unreadable file."))
        return result
    if "\x00" in text:
        result.errors.append(FieldError("file", "The file contains NUL bytes: not a CSV file."))
        return result
    if not text.strip():
        result.errors.append(FieldError("file", "The file is empty.", row=1))
        return result
    result.delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=result.delimiter, strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        result.errors.append(FieldError("file", f"Unreadable header line: {exc}.", row=1))
        return result
    positions = _map_header(header, result)
    if result.errors:
        return result
    rows_by_line: list[tuple[int, list[str]]] = []
    start = reader.line_num + 1
    try:
        for cells in reader:
            if "".join(cells).strip():
                rows_by_line.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        result.errors.append(FieldError("file", f"Broken CSV: {exc}.", row=start))
        return result
    if not rows_by_line:
        result.errors.append(FieldError("file", "The file has a header but no people.", row=2))
        return result
    seen_ids: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    total = len(rows_by_line)
    for done, (line, cells) in enumerate(rows_by_line, start=1):
        if progress is not None and (done % 5000 == 0 or done == total):
            progress("Reading", done, total)
        if len(cells) != len(header):
            result.errors.append(
                FieldError(
                    "file",
                    f"This line has {len(cells)} values but the header has {len(header)} "
                    "columns (a missing or extra delimiter?).",
                    row=line,
                )
            )
            continue
        person = _parse_row(line, cells, positions, result, date_format, today)
        if person is None:
            continue
        if (first := seen_ids.get(person.employee_id)) is not None:
            result.errors.append(
                FieldError(
                    "employee_id",
                    f"Duplicate employee id: row {first} has it too.",
                    row=line,
                    value=person.employee_id,
                )
            )
            continue
        seen_ids[person.employee_id] = line
        email = str(person.values["email"]).lower()
        if (first := seen_emails.get(email)) is not None:
            result.errors.append(
                FieldError(
                    "email",
                    f"Duplicate email: row {first} has it too.",
                    row=line,
                    value=person.values["email"],
                )
            )
            continue
        seen_emails[email] = line
        result.rows.append(person)
    return result


def _map_header(header: list[str], result: ParsedFile) -> dict[str, int]:
    aliases = alias_table()
    positions: dict[str, int] = {}
    ranks: dict[str, int] = {}
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        key = header_key(name)
        if key and key in seen:
            result.errors.append(
                FieldError(
                    name.strip(),
                    f"Columns {seen[key] + 1} and {index + 1} have the same name; keep one.",
                    row=1,
                    value=name.strip(),
                )
            )
            continue
        seen[key] = index
        canonical, rank = aliases.get(key, ("", 0))
        if not canonical:
            if name.strip():
                result.ignored_columns.append(name.strip())
            continue
        if canonical in positions:
            # Another header means the same column: keep the preferred one, ignore the other.
            if rank < ranks[canonical]:
                result.ignored_columns.append(header[positions[canonical]].strip())
            else:
                result.ignored_columns.append(name.strip())
                continue
        positions[canonical] = index
        ranks[canonical] = rank
    missing = [c for c in REQUIRED_COLUMNS if c not in positions]
    if missing:
        result.errors.append(
            FieldError(
                ", ".join(missing),
                f"Missing required column{'s' if len(missing) > 1 else ''}: {', '.join(missing)} "
                "(see docs/import.md for the accepted names).",
                row=1,
            )
        )
    if "manager_id" in positions:
        result.manager_by = "employee_id"
    elif "manager_email" in positions:
        result.manager_by = "email"
    if "manager_id" in positions and "manager_email" in positions:
        result.errors.append(
            FieldError(
                "manager_email",
                "Give the manager either by employee id or by email, not both.",
                row=1,
            )
        )
    result.columns = list(positions)
    return positions


def _parse_row(
    line: int,
    cells: list[str],
    positions: dict[str, int],
    result: ParsedFile,
    date_format: str,
    today: dt.date,
) -> PersonRow | None:
    errors = result.errors
    before = len(errors)

    stripped: dict[str, str] = {}
    for column, index in positions.items():
        raw = cells[index].strip()
        if raw[:1] == "'" and _ESCAPED_FORMULA.match(raw):
            raw = raw[1:]
        stripped[column] = raw
    cell = stripped.__getitem__

    def fail(column: str, value: str, message: str) -> None:
        errors.append(FieldError(column, message, row=line, value=value))

    values: dict[str, Any] = {}
    for column in ("employee_id", "first_name", "last_name", "email"):
        text = cell(column)
        if not text:
            fail(column, text, "Required: this cell is empty.")
    employee_id = cell("employee_id")
    for column, limit in MAX_LENGTHS.items():
        if column in positions and len(text := cell(column)) > limit:
            fail(column, text[:80], f"Too long: at most {limit} characters.")
    for column in ("first_name", "last_name", "title", "department", "function", "location"):
        if column in positions:
            values[column] = cell(column)

    email = cell("email")
    if email and not _PLAIN_EMAIL.match(email):
        try:
            _validate_email(email)
        except ValidationError:
            fail("email", email, "Not a valid email address.")
    values["email"] = email

    if "time_zone" in positions:
        tz = cell("time_zone")
        if tz and tz not in _time_zones():
            fail("time_zone", tz, "Unknown time zone: use an IANA name such as Europe/Paris.")
        values["time_zone"] = tz

    if "job_level" in positions:
        text = cell("job_level")
        level: int | None = None
        if text:
            try:
                level = int(text)
            except ValueError:
                fail("job_level", text, "Not a whole number: use a job level from 1 to 10.")
            else:
                if not 1 <= level <= 10:
                    fail("job_level", text, "Out of range: job levels go from 1 to 10.")
        values["job_level"] = level

    if "languages" in positions:
        text = cell("languages")
        spoken = [t.strip().lower() for t in _LANGUAGE_SPLIT.split(text) if t.strip()]
        bad = [t for t in spoken if not _LANGUAGE.match(t)]
        if bad:
            fail("languages", text, f"Not a language: {bad[0]!r} (separate languages with |).")
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
                    fail(column, text, "In the future: this date cannot be after today.")
        dates[column] = day
        values[column] = day
    hire, term = dates.get("hire_date"), dates.get("termination_date")
    if hire and term and term < hire:
        fail("termination_date", str(term), "Before the hire date.")

    if "high_potential" in positions:
        text = cell("high_potential").lower()
        if text in _TRUE:
            values["is_high_potential"] = True
        elif text in _FALSE:
            values["is_high_potential"] = False
        else:
            fail("high_potential", text, "Not a yes/no value: use true or false.")

    if "termination_kind" in positions:
        text = cell("termination_kind")
        kind = TERMINATION_KIND_VALUES.get(_choice_key(text), None) if text else ""
        if kind is None:
            fail("termination_kind", text, _choice_message(TerminationKind))
        elif kind and "termination_date" in positions and term is None:
            fail("termination_kind", text, "A termination kind needs a termination date.")
        values["termination_kind"] = kind or ""

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
    if result.manager_by is not None:
        column = "manager_id" if result.manager_by == "employee_id" else "manager_email"
        manager_key = cell(column)
        if manager_key and manager_key == (employee_id if column == "manager_id" else email):
            fail(column, manager_key, "A person cannot be their own manager.")

    if len(errors) > before:
        return None
    return PersonRow(
        row=line,
        employee_id=employee_id,
        values=values,
        manager_key=manager_key,
        gender=demographics.get("gender"),
        ethnicity=demographics.get("ethnicity"),
    )


def _choice_key(text: str) -> str:
    return re.sub(r"[\s-]+", "_", text.strip().lower())


def _choice_message(enum: Any) -> str:
    return f"Unknown value: use one of {', '.join(enum.values)}."
