"""The HRIS CSV format: canonical column names and the header aliases real exports use.

Framework-free (no Django), so that the synthetic-organization generator and benchmarks can
share it with the importer. See docs/import.md for the documented format.
"""

from __future__ import annotations

import re


def gettext_noop(text: str) -> str:
    """Marks a text for translation without translating it (the page translates it when
    shown); this module stays free of Django."""
    return text


# Order of the columns in files that Mentorwise writes (generate-org, export-people).
CANONICAL_COLUMNS: tuple[str, ...] = (
    "employee_id",
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
    "manager_id",
    "hire_date",
    "manager_since",
    "high_potential",
    "termination_date",
    "termination_kind",
    "gender",
    "ethnicity",
)

REQUIRED_COLUMNS: tuple[str, ...] = ("employee_id", "first_name", "last_name", "email")

# What each column holds, and the value of the template file's example row (one person at
# the top of the organization, so that the template imports as it is). The import page and
# the downloadable template are built from this; docs/import.md says the same at length.
COLUMN_HELP: dict[str, tuple[str, str]] = {
    "employee_id": (
        gettext_noop("The HRIS id, unique, at most 64 characters; the key for updates."),
        "E1001",
    ),
    "first_name": (gettext_noop("At most 100 characters."), "Ada"),
    "last_name": (gettext_noop("At most 100 characters."), "Lovelace"),
    "email": (
        gettext_noop("Work email, unique (upper and lower case are the same)."),
        "ada@example.com",
    ),
    "title": (gettext_noop("Job title, at most 200 characters."), "Head of Engineering"),
    "job_level": (gettext_noop("A whole number from 1 (entry) to 10 (chief executive)."), "8"),
    "department": (gettext_noop("At most 120 characters."), "Platform"),
    "function": (gettext_noop("At most 120 characters."), "Engineering"),
    "location": (gettext_noop("At most 120 characters."), "Berlin"),
    "time_zone": (gettext_noop("An IANA time zone such as Europe/Paris."), "Europe/Berlin"),
    "languages": (gettext_noop("Language codes or names separated by |."), "en|de"),
    "manager_id": (
        gettext_noop(
            "The manager's employee_id, in the file or already in Mentorwise; empty for the top."
        ),
        "",
    ),
    "hire_date": (gettext_noop("YYYY-MM-DD, not in the future."), "2019-04-01"),
    "manager_since": (
        gettext_noop("When the person first became a people manager, YYYY-MM-DD."),
        "2021-01-01",
    ),
    "high_potential": (gettext_noop("true or false (yes/no, 1/0 too); empty is false."), "false"),
    "termination_date": (
        gettext_noop("YYYY-MM-DD, not before the hire date; empty while employed."),
        "",
    ),
    "termination_kind": (
        gettext_noop(
            "voluntary, involuntary, other or unknown; needs a termination date "
            "(blank with a date: unknown)."
        ),
        "",
    ),
    # The accepted values are in docs/import.md, not on the page: a page that lists
    # demographic values cannot be told apart from one that leaks someone's.
    "gender": (
        gettext_noop(
            "Self-identified, optional (values in docs/import.md). Shown only in aggregates."
        ),
        "",
    ),
    "ethnicity": (
        gettext_noop(
            "Self-identified, optional (values in docs/import.md). Shown only in aggregates."
        ),
        "",
    ),
}

# Columns that hold self-identified demographics: imported into Demographics, never exported.
DEMOGRAPHIC_COLUMNS: tuple[str, ...] = ("gender", "ethnicity")

# Languages in one cell are separated by "|" (a comma or semicolon could be the delimiter).
LANGUAGE_SEPARATOR = "|"

# Header aliases from Workday and other HRIS exports (reference §5.3). Keys and aliases are
# compared after `header_key()`, i.e. case-, space-, underscore- and hyphen-insensitively.
# `manager_login` and `manager_email` carry the manager's email, not an employee id.
ALIASES: dict[str, tuple[str, ...]] = {
    "employee_id": (
        "Employee ID",
        "Worker ID",
        "FILENUMBER",
        "employeeNumber",
        "Employee Number",
        "uuid",
        "Person Number",
    ),
    "first_name": ("First Name", "Legal First Name", "Given Name", "firstName"),
    "last_name": ("Last Name", "Legal Last Name", "Family Name", "Surname", "lastName"),
    "email": ("Email", "Work Email", "Primary Work Email", "Email Address", "user_login"),
    "title": ("Business Title", "Job Title", "JOBTITLE", "user_title", "Position Title"),
    "job_level": ("Job Level", "Grade", "Management Level", "Level", "Pay Grade"),
    "department": (
        "Department",
        "Cost Center",
        "Supervisory Organization",
        "user_department",
        "Organization",
    ),
    "function": ("Function", "Job Family", "Job Function", "Division"),
    "location": ("Location", "Work Location", "Country", "Office"),
    "time_zone": ("Time Zone", "Timezone", "TZ"),
    "languages": ("Languages", "Language", "Spoken Languages"),
    "manager_id": (
        "Manager ID",
        "Manager Employee ID",
        "Supervisor ID",
        "Manager Worker ID",
        "Manager",
        "Supervisor",
    ),
    "manager_email": ("manager_login", "Manager Email", "Supervisor Email"),
    "hire_date": ("Hire Date", "Original Hire Date", "HIREDATE", "Start Date"),
    "manager_since": ("Manager Since", "People Manager Since", "First Manager Date"),
    "high_potential": ("High Potential", "HiPo", "Is High Potential"),
    "termination_date": ("Termination Date", "TERMDATE", "End Date"),
    "termination_kind": ("Termination Kind", "Termination Type", "Termination Category"),
    "gender": (gettext_noop("Gender"), "Gender Identity"),
    "ethnicity": ("Ethnicity", "Race Ethnicity", "Race/Ethnicity"),
}

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def header_key(name: str) -> str:
    """Normalise a header for comparison: lower case, without spaces, underscores or dashes."""
    return _NON_ALNUM.sub("", name.strip().lstrip("\ufeff").lower())


def alias_table() -> dict[str, tuple[str, int]]:
    """Map every normalised header to (canonical column, priority: 0 = the canonical name).

    When a file has several headers for one column (Workday exports often carry both
    "Location" and "Country"), the one with the lowest priority number is used.
    """
    table: dict[str, tuple[str, int]] = {}
    for canonical, aliases in ALIASES.items():
        table[header_key(canonical)] = (canonical, 0)
        for rank, alias in enumerate(aliases, start=1):
            table.setdefault(header_key(alias), (canonical, rank))
    return table
