"""Read queries about people: the management chain, the directory, the org chart in arrays."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypedDict

import numpy as np
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from mentorwise.accounts.actors import Actor
from mentorwise.accounts.roles import actor_person_id, is_hr_admin
from mentorwise.core.aggregates import cached_aggregate
from mentorwise.core.errors import NotFound
from mentorwise.people.columns import (
    CANONICAL_COLUMNS,
    COLUMN_HELP,
    DEMOGRAPHIC_COLUMNS,
    LANGUAGE_SEPARATOR,
    REQUIRED_COLUMNS,
)
from mentorwise.people.models import CareerEvent, ImportRun, Person, employed_on
from mentorwise.people.permissions import import_runs_visible_to, people_visible_to
from mentorwise.people.rows import COLUMN_FIELD
from mentorwise.people.run_record import RecordedChange, RunRecord, unpack
from mentorwise.people.search import (
    PersonOrder,
    person_search,
    search_is_indexed,
    search_order,
)

# Upper bound of a path range scan: every path character is 0-9, a-f or "/", all of which
# sort before "g" in binary and in the usual PostgreSQL collations, so the descendants of X
# are exactly the paths in [X.path, X.path + "g") and one index range scan finds them.
_PATH_END = "g"


def import_run_list(*, actor: Actor, limit: int = 20) -> list[ImportRun]:
    """The latest imports and refused files the actor may see (HR admins: all), newest first."""
    return list(import_runs_visible_to(actor).select_related("actor")[:limit])


@dataclass(frozen=True)
class RunChangeRow:
    employee_id: str
    name: str
    kind: str
    fields: list[str]


@dataclass(frozen=True)
class ImportRunView:
    run: ImportRun
    record: RunRecord
    counts: dict[str, int]


def import_run_detail(*, actor: Actor, run_id: int) -> ImportRunView:
    """One run of the import history with what it did (HR admins; NotFound for others)."""
    run = import_runs_visible_to(actor).select_related("actor").filter(pk=run_id).first()
    if run is None:
        raise NotFound(gettext("No such import."))
    record = unpack(run.record)
    counts = dict.fromkeys(("created", "updated", "terminated"), 0)
    for change in record.changes:
        counts[change.kind] = counts.get(change.kind, 0) + 1
    return ImportRunView(run, record, counts)


def run_change_rows(changes: list[RecordedChange]) -> list[RunChangeRow]:
    """One page of a run's changes with each person's current employee id and name (an
    erased person shows as erased)."""
    people = Person.objects.only("employee_id", "first_name", "last_name").in_bulk(
        [c.person_id for c in changes]
    )
    rows = []
    for change in changes:
        person = people.get(change.person_id)
        rows.append(
            RunChangeRow(
                employee_id=person.employee_id if person else "—",
                name=person.full_name if person else "—",
                kind=change.kind,
                fields=change.fields,
            )
        )
    return rows


class ImportColumn(TypedDict):
    name: str
    required: bool
    description: str
    example: str


def import_columns() -> list[ImportColumn]:
    """The columns of the HRIS file, in the template's order, with what each holds."""
    return [
        {
            "name": name,
            "required": name in REQUIRED_COLUMNS,
            "description": gettext(COLUMN_HELP[name][0]),
            "example": COLUMN_HELP[name][1],
        }
        for name in CANONICAL_COLUMNS
    ]


def import_template_csv() -> str:
    """The template file: the header and one example row that imports as it is."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CANONICAL_COLUMNS)
    writer.writerow([COLUMN_HELP[name][1] for name in CANONICAL_COLUMNS])
    return out.getvalue()


CAREER_SHOWN = 50


def person_career(person: Person) -> list[CareerEvent]:
    """A person's latest career events, newest first (at most CAREER_SHOWN): for HR admins."""
    events = CareerEvent.objects.filter(person=person).order_by("-date", "-pk")
    return list(events[:CAREER_SHOWN])


def person_ancestors(person: Person) -> QuerySet[Person]:
    """The managers above `person`, top (CEO) first; one primary-key lookup."""
    return Person.objects.filter(pk__in=person.ancestor_ids).order_by("depth")


def person_descendants(person: Person, *, include_self: bool = False) -> QuerySet[Person]:
    """Everyone below `person` in the management chain (direct and indirect reports)."""
    if not person.path:
        return Person.objects.none()
    lower = Q(path__gte=person.path) if include_self else Q(path__gt=person.path)
    return Person.objects.filter(lower, path__lt=person.path + _PATH_END).order_by("path")


def is_above(manager: Person, person: Person) -> bool:
    """True when `manager` is a direct or indirect manager of `person` (not the same person)."""
    return bool(manager.path) and person.path.startswith(manager.path) and manager != person


def is_in_chain(x: Person, y: Person) -> bool:
    """True when one of the two manages the other, directly or through others.

    Two different people are "in each other's chain" when one appears on the other's path
    to the top; colleagues who share a manager are not. No query: the paths decide.
    """
    return is_above(x, y) or is_above(y, x)


@dataclass
class OrgArrays:
    """The reporting lines in arrays for bulk use (matching, analytics).

    `ids[i]` is a person's primary key, `parent[i]` the position of their manager in the
    same arrays (-1 for none), `depth[i]` their depth below the top, `active[i]` whether they
    are employed today.
    """

    ids: np.ndarray
    parent: np.ndarray
    depth: np.ndarray
    active: np.ndarray

    def index_of(self, person_ids: Any) -> np.ndarray:
        """Positions of the given primary keys (which must exist)."""
        return np.searchsorted(self.ids, np.asarray(person_ids, dtype=np.int64))


def org_chart_arrays(*, today: dt.date | None = None) -> OrgArrays:
    """Everyone's manager as a parent array, in primary-key order; one query."""
    today = today or timezone.localdate()
    rows = list(
        Person.objects.order_by("pk").values_list("pk", "manager_id", "depth", "termination_date")
    )
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    managers = np.fromiter((r[1] or 0 for r in rows), dtype=np.int64, count=len(rows))
    parent = np.searchsorted(ids, managers)
    parent[managers == 0] = -1
    depth = np.fromiter((r[2] for r in rows), dtype=np.int64, count=len(rows))
    active = np.fromiter((r[3] is None or r[3] > today for r in rows), dtype=bool, count=len(rows))
    return OrgArrays(ids=ids, parent=parent.astype(np.int64), depth=depth, active=active)


class PersonFilters(TypedDict, total=False):
    """The directory's filters (page and API alike); absent or None means "any"."""

    q: str
    department: str
    function: str
    location: str
    level: int | None  # profile filters (permissions.PROFILE_FILTERS): such reads are audited
    level_min: int | None
    level_max: int | None
    high_potential: bool | None
    status: str  # "" | active | terminated


def person_list(
    *,
    actor: Actor,
    directory: bool | None = None,
    filters: PersonFilters | None = None,
    order: PersonOrder = "name",
) -> QuerySet[Person]:
    """The people the actor may see (`directory` as for `permissions.people_visible_to`),
    narrowed by the directory filters, in name or id order.

    The search (`q`) is `people.search.person_search`: names by any part, an email address
    or employee id only whole. `level` is one job level; `level_min` and `level_max` bound a
    range (both ends included); given together, all must hold.
    """
    filters = filters or {}
    people = people_visible_to(actor, directory=directory).order_by(*_ORDER[order])
    if q := (filters.get("q") or "").strip():
        people = people.filter(person_search(q))
        if search_is_indexed(q):
            people = people.order_by(*search_order(order))
    for name in ("department", "function", "location"):
        if value := filters.get(name):
            people = people.filter(**{name: value})
    if (level := filters.get("level")) is not None:
        people = people.filter(job_level=level)
    if (low := filters.get("level_min")) is not None:
        people = people.filter(job_level__gte=low)
    if (high := filters.get("level_max")) is not None:
        people = people.filter(job_level__lte=high)
    today = timezone.localdate()
    if filters.get("status") == "active":
        people = people.filter(employed_on(today))
    elif filters.get("status") == "terminated":
        people = people.exclude(employed_on(today))
    if (potential := filters.get("high_potential")) is not None:
        people = people.filter(is_high_potential=potential)
    return people


# The orders of person_list without a search; each has an index (Person.Meta).
_ORDER: dict[PersonOrder, tuple[str, ...]] = {
    "name": ("last_name", "first_name", "id"),
    "id": ("id",),
}


def with_managers(people: list[Person]) -> None:
    """Reads the managers of `people` in one query and caches each on its person, so that
    `person.manager` costs no query. A plain `IN` on their ids: Django's prefetch of a
    forward key writes one `OR` term per id on SQLite (3–4 ms to compile for a page of 50)."""
    ids = {p.manager_id for p in people if p.manager_id is not None}
    managers = Person.objects.in_bulk(ids) if ids else {}
    field = Person._meta.get_field("manager")
    for person in people:
        field.set_cached_value(person, managers.get(person.manager_id))


def person_filter_options(*, actor: Actor, directory: bool | None = None) -> dict[str, list[str]]:
    """Distinct departments, functions and locations for the directory's filter menus.

    Three scans of the people table (about 20 ms at 100,000 people): cached, per reader's
    scope (the whole directory, or one's own record), until the next committed write."""
    if directory is None:
        directory = is_hr_admin(actor)
    people = people_visible_to(actor, directory=directory).order_by()

    def options() -> dict[str, list[str]]:
        return {
            name: [v for v in people.values_list(name, flat=True).distinct().order_by(name) if v]
            for name in ("department", "function", "location")
        }

    return cached_aggregate(
        "people.filter_options",
        lambda: ("directory",) if directory else ("own", actor_person_id(actor)),
        options,
    )


def person_direct_report_count(person: Person) -> int:
    return Person.objects.filter(manager=person).count()


def person_team_counts(person: Person) -> dict[str, int]:
    """Direct reports and everyone below, in one query."""
    below = person_descendants(person).aggregate(
        total=Count("pk"), direct=Count("pk", filter=Q(manager=person))
    )
    return {"direct": below["direct"], "total": below["total"]}


EXPORT_COLUMNS = tuple(c for c in CANONICAL_COLUMNS if c not in DEMOGRAPHIC_COLUMNS)


def people_export_rows() -> Iterator[dict[str, str]]:
    """Everyone in the canonical CSV columns, without demographics (aggregate use only)."""
    ids = dict(Person.objects.order_by().values_list("pk", "employee_id"))
    fields = tuple(COLUMN_FIELD.get(c, c) for c in EXPORT_COLUMNS)
    written: dict[str, Callable[[Any], str]] = {
        "job_level": lambda v: "" if v is None else str(v),
        "languages": lambda v: LANGUAGE_SEPARATOR.join(v or []),
        "manager_id": lambda v: ids.get(v, "") if v else "",
        "hire_date": _iso,
        "manager_since": _iso,
        "termination_date": _iso,
        "high_potential": lambda v: "true" if v else "false",
    }
    for row in Person.objects.order_by("path", "pk").values_list(*fields).iterator(5000):
        yield {
            column: written[column](value) if column in written else value
            for column, value in zip(EXPORT_COLUMNS, row, strict=True)
        }


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""
