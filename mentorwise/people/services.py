"""People use cases: importing the workforce from an HRIS file.

`people_import()` checks every row of the file (importer.parse_people_csv) and then every
cross-row and database rule (unknown managers, emails used by people not in the file,
management cycles), reports all problems at once, and otherwise upserts everything in one
transaction: created / updated / unchanged, and with `full=True` people missing from the file
are terminated (never deleted). Designed for 100,000 rows: one read of the table into dicts,
no per-row queries, ids allocated up front so that managers and materialized paths are
written with the rows in one bulk insert.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from mentorwise.core.audit import audit_record
from mentorwise.core.errors import FieldError, InvalidInput
from mentorwise.people.bulk import allocate_ids, insert_rows
from mentorwise.people.importer import (
    PERSON_FIELDS,
    ParsedFile,
    PersonRow,
    erased_employee_id,
    parse_people_csv,
)
from mentorwise.people.models import (
    CareerEvent,
    CareerEventKind,
    Demographics,
    Person,
    path_token,
)
from mentorwise.people.permissions import require_can_import

Progress = Callable[[str, int, int], None]
BATCH = 2000
CHANGES_SHOWN = 50
# Person fields' defaults for people created from a file that lacks some columns.
_DEFAULTS: dict[str, Any] = {
    "title": "",
    "job_level": None,
    "department": "",
    "function": "",
    "location": "",
    "time_zone": "",
    "languages": [],
    "hire_date": None,
    "manager_since": None,
    "is_high_potential": False,
    "termination_date": None,
    "termination_kind": "",
}
_LOADED = ("id", "employee_id", *PERSON_FIELDS, "manager_id", "path", "depth", "erased_at")
_AT = {name: i for i, name in enumerate(_LOADED)}


@dataclass
class PersonChange:
    """One line of the preview: who, what happened, which fields (never demographic values)."""

    employee_id: str
    name: str
    kind: str  # created | updated | terminated
    fields: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do)."""

    file_name: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    terminated: int = 0
    demographics: int = 0
    erased_skipped: int = 0  # rows of people whose data was erased: left alone
    dry_run: bool = False
    full: bool = False
    ignored_columns: list[str] = field(default_factory=list)
    changes: list[PersonChange] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated or self.terminated or self.demographics)

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "terminated": self.terminated,
            "demographics": self.demographics,
            "erased_skipped": self.erased_skipped,
        }

    def summary(self) -> str:
        """One sentence for the terminal and the page."""
        verb = "would be" if self.dry_run else "were"
        skipped = (
            f" {self.erased_skipped:,} rows of erased people were left alone."
            if self.erased_skipped
            else ""
        )
        if not self.changed_anything:
            change = "nothing would change" if self.dry_run else "nothing changed"
            return f"{self.rows:,} rows read: {change}, everyone is up to date.{skipped}"
        parts = [
            f"{self.created:,} created",
            f"{self.updated:,} updated",
            f"{self.unchanged:,} unchanged",
        ]
        if self.full:
            parts.append(f"{self.terminated:,} terminated (missing from the file)")
        text = f"{self.rows:,} rows read: " + ", ".join(parts)
        if self.demographics:
            text += f"; self-identified demographics {verb} saved for {self.demographics:,}"
        text += " (dry run: nothing was written)." if self.dry_run else "."
        return text + skipped


@dataclass
class _Plan:
    creates: list[PersonRow] = field(default_factory=list)
    updates: dict[str, list[str]] = field(default_factory=dict)  # employee id -> changed fields
    unchanged: int = 0
    terminate: list[int] = field(default_factory=list)  # pks
    parent: dict[str, str | None] = field(default_factory=dict)  # employee id -> manager's
    demographics: list[PersonRow] = field(default_factory=list)


def _noop(stage: str, done: int, total: int) -> None:
    return None


def people_import(
    *,
    actor: Any,
    data: bytes,
    file_name: str,
    full: bool = False,
    dry_run: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import an HRIS CSV: all rows or none; raise InvalidInput listing every problem."""
    require_can_import(actor)
    progress = progress or _noop
    today = today or timezone.localdate()
    limit = settings.MENTORWISE_MAX_IMPORT_BYTES
    if len(data) > limit:
        raise InvalidInput(
            [FieldError("file", f"The file is larger than the limit of {limit:,} bytes.")]
        )
    parsed = parse_people_csv(
        data, date_format=settings.MENTORWISE_IMPORT_DATE_FORMAT, today=today, progress=progress
    )
    if parsed.errors:
        raise InvalidInput(parsed.errors)
    result = ImportResult(
        file_name=file_name,
        rows=len(parsed.rows),
        dry_run=dry_run,
        full=full,
        ignored_columns=parsed.ignored_columns,
    )
    if dry_run:
        existing, demographics = _load_existing()
        _plan_and_count(parsed, existing, demographics, result, full=full, progress=progress)
        return result
    with transaction.atomic():
        _lock_people_table()
        existing, demographics = _load_existing()
        plan = _plan_and_count(parsed, existing, demographics, result, full=full, progress=progress)
        _write(parsed, plan, existing, demographics, today=today, progress=progress)
        audit_record(
            actor=actor,
            action="people.imported",
            data={"file": file_name, "full": full, **result.counts()},
        )
    return result


def _lock_people_table() -> None:
    # Two imports at once would plan against the same snapshot and both create the same
    # people (or undo each other's moves): serialise them. SQLite already holds the write
    # lock (IMMEDIATE transactions); PostgreSQL takes a table lock that still lets readers read.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Person._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")


def _load_existing() -> tuple[dict[str, tuple[Any, ...]], dict[int, tuple[str, str, int]]]:
    """Everyone in the database as tuples keyed by employee id; demographics by person pk."""
    existing = {row[1]: row for row in Person.objects.order_by().values_list(*_LOADED)}
    demographics = {
        person_id: (g, e, pk)
        for person_id, g, e, pk in Demographics.objects.order_by().values_list(
            "person_id", "gender", "ethnicity", "pk"
        )
    }
    return existing, demographics


def _plan_and_count(
    parsed: ParsedFile,
    existing: dict[str, tuple[Any, ...]],
    demographics: dict[int, tuple[str, str, int]],
    result: ImportResult,
    *,
    full: bool,
    progress: Progress,
) -> _Plan:
    result.erased_skipped = _leave_erased_alone(parsed, existing)
    plan = _plan(parsed, existing, demographics, full=full, progress=progress)
    result.created = len(plan.creates)
    result.updated = len(plan.updates)
    result.unchanged = plan.unchanged
    result.terminated = len(plan.terminate)
    result.demographics = len(plan.demographics)
    rows = {r.employee_id: r for r in parsed.rows}
    for r in plan.creates[:CHANGES_SHOWN]:
        result.changes.append(PersonChange(r.employee_id, _name(r.values), "created"))
    for eid, fields in list(plan.updates.items())[: max(0, CHANGES_SHOWN - len(result.changes))]:
        result.changes.append(PersonChange(eid, _name(rows[eid].values), "updated", fields))
    by_pk = {rec[0]: rec for rec in existing.values()} if plan.terminate else {}
    for pk in plan.terminate[: max(0, CHANGES_SHOWN - len(result.changes))]:
        rec = by_pk[pk]
        name = f"{rec[_AT['first_name']]} {rec[_AT['last_name']]}"
        result.changes.append(PersonChange(rec[1], name, "terminated", ["termination_date"]))
    return plan


def _leave_erased_alone(parsed: ParsedFile, existing: dict[str, tuple[Any, ...]]) -> int:
    """Drop the rows of people whose data was erased, so an import never restores it.

    Their employee id was replaced by `erased_employee_id()`; a row with the original id is
    recognised by it. Others' manager references to them are pointed at the erased record.
    """
    erased_i, email_i = _AT["erased_at"], _AT["email"]

    def erased_record(employee_id: str) -> tuple[Any, ...] | None:
        rec = existing.get(erased_employee_id(employee_id))
        return rec if rec is not None and rec[erased_i] is not None else None

    kept: list[PersonRow] = []
    emails: dict[str, str] = {}  # original email -> the erased record's placeholder
    for r in parsed.rows:
        rec = erased_record(r.employee_id)
        if rec is None:
            kept.append(r)
        else:
            emails[r.values["email"].lower()] = rec[email_i]
    skipped = len(parsed.rows) - len(kept)
    for r in kept:
        if not r.manager_key:
            continue
        if parsed.manager_by == "employee_id" and (rec := erased_record(r.manager_key)):
            r.manager_key = rec[1]
        elif parsed.manager_by == "email" and r.manager_key.lower() in emails:
            r.manager_key = emails[r.manager_key.lower()]
    parsed.rows = kept
    return skipped


def _name(values: dict[str, Any]) -> str:
    return f"{values.get('first_name', '')} {values.get('last_name', '')}".strip()


def _plan(
    parsed: ParsedFile,
    existing: dict[str, tuple[Any, ...]],
    demographics: dict[int, tuple[str, str, int]],
    *,
    full: bool,
    progress: Progress,
) -> _Plan:
    """Check the rules that span rows and the database, then decide what changes."""
    errors: list[FieldError] = []
    plan = _Plan()
    in_file = {r.employee_id: r for r in parsed.rows}
    eid_by_pk = {rec[0]: eid for eid, rec in existing.items()}
    email_i = _AT["email"]
    # Emails must stay unique across the file and the people the file does not mention.
    others_email = {
        rec[email_i].lower(): eid for eid, rec in existing.items() if eid not in in_file
    }
    for r in parsed.rows:
        owner = others_email.get(r.values["email"].lower())
        if owner is not None:
            errors.append(
                FieldError(
                    "email",
                    f"Already used by {owner}, who is not in this file.",
                    row=r.row,
                    value=r.values["email"],
                )
            )

    # Managers: the final reporting line of everyone (file rows and people not in the file).
    manager_column = "manager_id" if parsed.manager_by == "employee_id" else "manager_email"
    by_email: dict[str, str] = {}
    if parsed.manager_by == "email":
        by_email = dict(others_email)
        by_email.update({r.values["email"].lower(): r.employee_id for r in parsed.rows})
    parent = plan.parent
    for eid, rec in existing.items():
        if eid not in in_file or not parsed.has_manager_column:
            parent[eid] = eid_by_pk.get(rec[_AT["manager_id"]])
    for r in parsed.rows:
        if not parsed.has_manager_column:
            parent.setdefault(r.employee_id, None)
            continue
        key = r.manager_key or ""
        if not key:
            parent[r.employee_id] = None
            continue
        if parsed.manager_by == "email":
            manager = by_email.get(key.lower())
        else:
            manager = key if key in in_file or key in existing else None
        if manager is None:
            errors.append(
                FieldError(
                    manager_column,
                    "Unknown manager: nobody in this file or in Mentorwise has this "
                    + ("employee id." if parsed.manager_by == "employee_id" else "email."),
                    row=r.row,
                    value=key,
                )
            )
            parent[r.employee_id] = None
        else:
            parent[r.employee_id] = manager
    if not errors:
        errors.extend(_cycle_errors(parent, in_file, manager_column))
    if errors:
        raise InvalidInput(sorted(errors, key=lambda e: (e.row or 0, e.field)))
    progress("Checking", len(parsed.rows), len(parsed.rows))

    # Differences, field by field, only for the columns the file has.
    manager_i = _AT["manager_id"]
    for r in parsed.rows:
        found = existing.get(r.employee_id)
        if found is None:
            plan.creates.append(r)
        else:
            changed = [f for f, v in r.values.items() if found[_AT[f]] != v]
            if parsed.has_manager_column:
                manager_eid = parent[r.employee_id]
                if eid_by_pk.get(found[manager_i]) != manager_eid:
                    changed.append("manager")
            if changed:
                plan.updates[r.employee_id] = changed
            else:
                plan.unchanged += 1
        if r.gender is not None or r.ethnicity is not None:
            old = demographics.get(found[0]) if found is not None else None
            new = (
                r.gender if r.gender is not None else (old[0] if old else ""),
                r.ethnicity if r.ethnicity is not None else (old[1] if old else ""),
            )
            if old is None or old[:2] != new:
                plan.demographics.append(r)
    if full:
        term_i = _AT["termination_date"]
        erased_i = _AT["erased_at"]
        plan.terminate = [
            rec[0]
            for eid, rec in existing.items()
            if eid not in in_file and rec[term_i] is None and rec[erased_i] is None
        ]
    return plan


def _cycle_errors(
    parent: dict[str, str | None], in_file: dict[str, PersonRow], column: str
) -> list[FieldError]:
    """One error per file row that sits on a management cycle, naming the whole loop."""
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = known to reach the top
    errors: list[FieldError] = []
    for start in parent:
        if start in state:
            continue
        walk: list[str] = []
        node: str | None = start
        while node is not None and node not in state:
            state[node] = 1
            walk.append(node)
            node = parent.get(node)
        if node is not None and state[node] == 1:
            loop = walk[walk.index(node) :]
            shown = " → ".join([*loop, loop[0]])
            for member in loop:
                if member in in_file:
                    r = in_file[member]
                    errors.append(
                        FieldError(
                            column,
                            f"Management cycle: {shown}.",
                            row=r.row,
                            value=r.manager_key,
                        )
                    )
        for member in walk:
            state[member] = 2
    return errors


def _write(
    parsed: ParsedFile,
    plan: _Plan,
    existing: dict[str, tuple[Any, ...]],
    demographics: dict[int, tuple[str, str, int]],
    *,
    today: dt.date,
    progress: Progress,
) -> None:
    now = timezone.now()
    total = len(plan.creates) + len(plan.updates) + len(plan.terminate) + 1
    done = 0
    pk_of = {eid: rec[0] for eid, rec in existing.items()}
    new_ids = allocate_ids(Person, len(plan.creates))
    for r, pk in zip(plan.creates, new_ids, strict=True):
        pk_of[r.employee_id] = pk
    paths = _paths(plan.parent, pk_of)

    creates: list[dict[str, Any]] = []
    for r in plan.creates:
        eid = r.employee_id
        path = paths[eid]
        parent_eid = plan.parent.get(eid)
        creates.append(
            {
                **_DEFAULTS,
                **r.values,
                "id": pk_of[eid],
                "employee_id": eid,
                "manager_id": pk_of[parent_eid] if parent_eid else None,
                "path": path,
                "depth": path.count("/") - 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    # Managers before their reports, so that the rows are valid in insertion order too.
    creates.sort(key=lambda row: row["depth"])
    for start in range(0, len(creates), BATCH):
        insert_rows(Person, creates[start : start + BATCH])
        done += len(creates[start : start + BATCH])
        progress("Writing", done, total)

    # Updates: the fields the file changed, plus path/depth wherever a reporting line above
    # moved. Grouped by the set of changed fields so each bulk_update writes only those.
    rows = {r.employee_id: r for r in parsed.rows}
    groups: dict[tuple[str, ...], list[Person]] = {}
    path_i, depth_i = _AT["path"], _AT["depth"]
    for eid, rec in existing.items():
        changed = plan.updates.get(eid, [])
        path = paths[eid]
        if not changed and path == rec[path_i]:
            continue
        fields: list[str] = []
        person = Person(id=rec[0])
        for f in changed:
            if f == "manager":
                parent_eid = plan.parent.get(eid)
                person.manager_id = pk_of[parent_eid] if parent_eid else None
                fields.append("manager")
            else:
                setattr(person, f, rows[eid].values[f])
                fields.append(f)
        if path != rec[path_i]:
            person.path, person.depth = path, path.count("/") - 1
            fields.append("path")
            if person.depth != rec[depth_i]:
                fields.append("depth")
        if fields:
            if changed:
                person.updated_at = now
                fields.append("updated_at")
            groups.setdefault(tuple(sorted(fields)), []).append(person)
    for fields_key, people in groups.items():
        for start in range(0, len(people), BATCH // 4):
            Person.objects.bulk_update(people[start : start + BATCH // 4], list(fields_key))
        done += len(people)
        progress("Writing", min(done, total), total)

    for start in range(0, len(plan.terminate), BATCH):
        chunk = plan.terminate[start : start + BATCH]
        Person.objects.filter(pk__in=chunk).update(termination_date=today, updated_at=now)
        done += len(chunk)
        progress("Writing", done, total)

    _write_career_events(plan, existing, rows, today)
    _write_demographics(plan.demographics, pk_of, demographics, now)
    progress("Writing", total, total)


def _write_career_events(
    plan: _Plan, existing: dict[str, tuple[Any, ...]], rows: dict[str, PersonRow], today: dt.date
) -> None:
    """A job level the file raises is a promotion, a function it changes an internal move.

    Dated on the import's day (when the change was seen); outcome insights count them.
    """
    level_i, function_i = _AT["job_level"], _AT["function"]
    events: list[CareerEvent] = []
    for eid, changed in plan.updates.items():
        rec, new = existing[eid], rows[eid].values
        old_level, new_level = rec[level_i], new.get("job_level")
        if "job_level" in changed and old_level and new_level and new_level > old_level:
            events.append(
                CareerEvent(
                    person_id=rec[0],
                    kind=CareerEventKind.PROMOTION,
                    date=today,
                    from_level=old_level,
                    to_level=new_level,
                    source="import",
                )
            )
        old_function, new_function = rec[function_i], new.get("function")
        if "function" in changed and old_function and new_function:
            events.append(
                CareerEvent(
                    person_id=rec[0],
                    kind=CareerEventKind.INTERNAL_MOVE,
                    date=today,
                    from_function=old_function,
                    to_function=new_function,
                    source="import",
                )
            )
    CareerEvent.objects.bulk_create(events, batch_size=BATCH)


def _paths(parent: dict[str, str | None], pk_of: dict[str, int]) -> dict[str, str]:
    """Materialized path of everyone, top down, from the final reporting lines (no cycles)."""
    paths: dict[str, str] = {}
    for start in parent:
        if start in paths:
            continue
        walk = []
        node: str | None = start
        while node is not None and node not in paths:
            walk.append(node)
            node = parent.get(node)
        prefix = paths[node] if node is not None else ""
        for member in reversed(walk):
            prefix += path_token(pk_of[member])
            paths[member] = prefix
    return paths


def _write_demographics(
    rows: Iterable[PersonRow],
    pk_of: dict[str, int],
    existing: dict[int, tuple[str, str, int]],
    now: dt.datetime,
) -> None:
    creates: list[dict[str, Any]] = []
    updates: list[Demographics] = []
    for r in rows:
        pk = pk_of[r.employee_id]
        old = existing.get(pk)
        gender = r.gender if r.gender is not None else (old[0] if old else "")
        ethnicity = r.ethnicity if r.ethnicity is not None else (old[1] if old else "")
        if old is None:
            creates.append(
                {"person_id": pk, "gender": gender, "ethnicity": ethnicity, "updated_at": now}
            )
        else:
            updates.append(Demographics(pk=old[2], gender=gender, ethnicity=ethnicity))
    for start in range(0, len(creates), BATCH):
        insert_rows(Demographics, creates[start : start + BATCH])
    Demographics.objects.bulk_update(updates, ["gender", "ethnicity"], batch_size=BATCH // 4)
