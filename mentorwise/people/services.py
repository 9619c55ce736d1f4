"""People use cases: importing the workforce from an HRIS file.

`people_import()` checks every row of the file (importer.PeopleReader) and then every
cross-row and database rule (unknown managers, emails used by people not in the file,
management cycles), reports all the problems in one pass (the first MAX_ERRORS in detail, all of
them counted), and otherwise upserts everything in one transaction: created / updated /
unchanged, and with `full=True` people missing from the file are terminated (never deleted).

Memory stays bounded whatever the file (up to MENTORWISE_MAX_IMPORT_BYTES): the file is read
as a stream, its rows and everyone already in Mentorwise go into a scratch database on disk
(staging.py) where the checks and the plan are queries, and the writes take the rows back in
batches. No per-row queries: ids are reserved up front so that managers and materialized
paths are written with the rows, one bulk insert per batch.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentorwise.accounts.actors import Actor, User
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import ErrorLog, FieldError, InvalidInput
from mentorwise.people.bulk import insert_rows, reserve_ids
from mentorwise.people.career import Career, CareerStep, career_steps, career_write
from mentorwise.people.importer import MAX_COUNTED, MAX_ERRORS, FileLayout, PeopleReader
from mentorwise.people.models import (
    Demographics,
    ImportOutcome,
    ImportRun,
    ImportSource,
    Person,
    TerminationKind,
    employed_on,
)
from mentorwise.people.permissions import require_can_import
from mentorwise.people.run_record import pack
from mentorwise.people.staging import BATCH, Staging, UpdateRow

Progress = Callable[[str, int, int], None]
logger = logging.getLogger(__name__)
CHANGES_SHOWN = 50
# The career events an import records say they came from it; an HR connector's run says so.
SOURCE = "import"


def career_source(source: str) -> str:
    """The `CareerEvent.source` of an import started from `source` (an ImportSource)."""
    return "connector" if source == ImportSource.CONNECTOR else SOURCE


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
    terminated: int = 0  # a full import: people missing from the file
    demographics: int = 0
    # Rows giving someone employed a termination date (they are in `updated` too).
    ending: int = 0
    erased_skipped: int = 0  # rows of people whose data was erased: left alone
    dry_run: bool = False
    full: bool = False
    ignored_columns: list[str] = field(default_factory=list)
    changes: list[PersonChange] = field(default_factory=list)
    # An import that would terminate more people (missing from a full file, or given a
    # termination date) than MENTORWISE_IMPORT_TERMINATION_LIMIT percent of those employed
    # before it waits for a confirmation of that number.
    employed_before: int = 0
    termination_limit: int = 0
    needs_confirmation: bool = False

    @property
    def leaving(self) -> int:
        """Everyone the import terminates: missing from a full file, or given a date."""
        return self.terminated + self.ending

    @property
    def terminated_share(self) -> int:
        """The terminations as a whole percentage of the people employed before the import."""
        return round(100 * self.leaving / self.employed_before) if self.employed_before else 0

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
        """A few whole sentences for the terminal and the page."""
        rows = {"rows": f"{self.rows:,}"}
        if not self.changed_anything:
            if self.dry_run:
                main = ngettext(
                    "%(rows)s row read: nothing would change, everyone is up to date.",
                    "%(rows)s rows read: nothing would change, everyone is up to date.",
                    self.rows,
                )
            else:
                main = ngettext(
                    "%(rows)s row read: nothing changed, everyone is up to date.",
                    "%(rows)s rows read: nothing changed, everyone is up to date.",
                    self.rows,
                )
            return " ".join([main % rows, *self._notes(dry_run_note=False)])
        values = {
            **rows,
            "created": f"{self.created:,}",
            "updated": f"{self.updated:,}",
            "unchanged": f"{self.unchanged:,}",
            "terminated": f"{self.terminated:,}",
        }
        if self.full:
            main = ngettext(
                "%(rows)s row read: %(created)s created, %(updated)s updated, %(unchanged)s "
                "unchanged, %(terminated)s terminated (missing from the file).",
                "%(rows)s rows read: %(created)s created, %(updated)s updated, %(unchanged)s "
                "unchanged, %(terminated)s terminated (missing from the file).",
                self.rows,
            )
        else:
            main = ngettext(
                "%(rows)s row read: %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged.",
                "%(rows)s rows read: %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged.",
                self.rows,
            )
        return " ".join([main % values, *self._notes(dry_run_note=True)])

    def _notes(self, *, dry_run_note: bool) -> list[str]:
        notes = []
        if self.demographics and self.dry_run:
            notes.append(
                ngettext(
                    "Self-identified demographics would be saved for %(count)s person.",
                    "Self-identified demographics would be saved for %(count)s people.",
                    self.demographics,
                )
                % {"count": f"{self.demographics:,}"}
            )
        elif self.demographics:
            notes.append(
                ngettext(
                    "Self-identified demographics were saved for %(count)s person.",
                    "Self-identified demographics were saved for %(count)s people.",
                    self.demographics,
                )
                % {"count": f"{self.demographics:,}"}
            )
        if dry_run_note and self.dry_run:
            notes.append(_("Dry run: nothing was written."))
        if self.erased_skipped:
            notes.append(
                ngettext(
                    "%(count)s row of an erased person was left alone.",
                    "%(count)s rows of erased people were left alone.",
                    self.erased_skipped,
                )
                % {"count": f"{self.erased_skipped:,}"}
            )
        return notes


def _noop(stage: str, done: int, total: int) -> None:
    return None


class TerminationsNeedConfirmation(InvalidInput):
    """A full import over the termination limit, not confirmed for that many: nothing written."""


def termination_limit(employed: int) -> int:
    """How many people a full import may terminate without a confirmation."""
    return employed * settings.MENTORWISE_IMPORT_TERMINATION_LIMIT // 100


def _hold_mass_terminations(result: ImportResult, confirmed: int | None, today: dt.date) -> None:
    """Flag (preview) or refuse (import) an import terminating more people than the limit
    (missing from a full file, or given a termination date in any file), unless an HR admin
    confirmed at least as many terminations as it would make."""
    if not result.leaving:
        return
    result.employed_before = Person.objects.filter(employed_on(today)).count()
    result.termination_limit = termination_limit(result.employed_before)
    if result.leaving <= result.termination_limit:
        return
    if confirmed is not None and result.leaving <= confirmed:
        return
    result.needs_confirmation = True
    if result.dry_run:
        return
    raise TerminationsNeedConfirmation(
        [
            FieldError(
                "full",
                _(
                    "This import would terminate %(count)s of the %(employed)s people employed "
                    "(%(share)s%%), over the limit of %(limit)s%%: an HR admin must confirm "
                    "that number before it is imported."
                )
                % {
                    "count": f"{result.leaving:,}",
                    "employed": f"{result.employed_before:,}",
                    "share": result.terminated_share,
                    "limit": settings.MENTORWISE_IMPORT_TERMINATION_LIMIT,
                },
            )
        ]
    )


def people_import(
    *,
    actor: Actor,
    data: bytes | IO[bytes],
    file_name: str,
    full: bool = False,
    dry_run: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
    source: ImportSource = ImportSource.COMMAND,
    confirmed_terminations: int | None = None,
) -> ImportResult:
    """Import an HRIS CSV: all rows or none; raise InvalidInput listing the problems.

    `data` is the file's bytes or a seekable binary file (an upload, an open file), read as
    a stream. A dry run checks and counts exactly like the import and writes nothing.
    The import history (ImportRun) records every import, in its transaction, and every file
    refused for its problems; `source` says where it was started. A full import that would
    terminate more than MENTORWISE_IMPORT_TERMINATION_LIMIT percent of the people employed is
    held (`TerminationsNeedConfirmation`, recorded as waiting) unless `confirmed_terminations`
    is at least the number it terminates; its preview says so (`needs_confirmation`).
    """
    require_can_import(actor)
    run = ImportRun(
        actor=actor if isinstance(actor, User) else None,
        actor_label=_actor_label(actor),
        source=source,
        file_name=file_name[:200],
        full=full,
        dry_run=dry_run,
    )
    try:
        return _import(
            run,
            actor=actor,
            data=data,
            today=today or timezone.localdate(),
            progress=progress or _noop,
            confirmed_terminations=confirmed_terminations,
        )
    except InvalidInput as error:
        _record_refused(run, error)
        raise


def _record_refused(run: ImportRun, error: InvalidInput) -> None:
    """Add a refused file to the history, in its own savepoint.

    The history must never hide the file's problems: if it cannot be written (a database
    not migrated yet), the problems are still reported and the failure is logged.
    """
    if isinstance(error, TerminationsNeedConfirmation):
        run.outcome, run.errors = ImportOutcome.HELD, 0
    else:
        run.outcome, run.errors = ImportOutcome.REFUSED, error.total
    run.record = pack([], error.errors)
    try:
        with transaction.atomic():
            run.save()
    except DatabaseError:
        logger.warning("The refused import of %s was not recorded", run.file_name, exc_info=True)


def _actor_label(actor: Actor) -> str:
    if isinstance(actor, User):
        return str(actor.get_username())[:200]
    return "system"  # as in the audit log: the command line, a job, the demo


def _import(
    run: ImportRun,
    *,
    actor: Actor,
    data: bytes | IO[bytes],
    today: dt.date,
    progress: Progress,
    confirmed_terminations: int | None,
) -> ImportResult:
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if problem := file_size_problem(size):
        raise InvalidInput([problem])
    full, dry_run = run.full, run.dry_run
    with Staging() as staging:
        log = ErrorLog(MAX_ERRORS, stop_after=MAX_COUNTED)
        layout = _stage_file(staging, stream, log, size=size, today=today, progress=progress)
        result = ImportResult(
            file_name=run.file_name,
            rows=staging.rows_staged,
            dry_run=dry_run,
            full=full,
            ignored_columns=layout.ignored_columns,
        )
        if dry_run:
            _check_and_plan(staging, layout, log, result, full=full, progress=progress)
            _hold_mass_terminations(result, confirmed_terminations, today)
            return result
        with transaction.atomic():
            _lock_people_table()
            _check_and_plan(staging, layout, log, result, full=full, progress=progress)
            _hold_mass_terminations(result, confirmed_terminations, today)
            _write(
                staging,
                result,
                today=today,
                progress=progress,
                source=career_source(run.source),
            )
            run.record = pack(staging.all_changes(full=full), [])
            run.outcome = ImportOutcome.IMPORTED
            run.rows, run.created, run.updated = result.rows, result.created, result.updated
            run.terminated = result.leaving
            run.save()
            audit_record(
                actor=actor,
                action="people.imported",
                target=run,
                data={
                    "file": run.file_name,
                    "full": full,
                    **result.counts(),
                    **_confirmation(result, confirmed_terminations),
                },
            )
    return result


def _confirmation(result: ImportResult, confirmed: int | None) -> dict[str, int]:
    """For the audit entry: the terminations an HR admin confirmed over the limit."""
    if result.leaving > result.termination_limit and confirmed is not None:
        return {"confirmed_terminations": confirmed}
    return {}


def file_size_problem(size: int) -> FieldError | None:
    """An empty file or one over MENTORWISE_MAX_IMPORT_BYTES, said in sizes people read."""
    limit = settings.MENTORWISE_MAX_IMPORT_BYTES
    if size == 0:
        return FieldError("file", _("The file is empty (0 bytes): choose the CSV export itself."))
    if size > limit:
        return FieldError(
            "file",
            _(
                "The file is %(size)s; the limit is %(limit)s (%(bytes)s bytes). Split it, or "
                "ask your administrator to raise MENTORWISE_MAX_IMPORT_BYTES."
            )
            % {
                "size": filesizeformat(size),
                "limit": filesizeformat(limit),
                "bytes": f"{limit:,}",
            },
        )
    return None


def _stage_file(
    staging: Staging,
    stream: IO[bytes],
    log: ErrorLog,
    *,
    size: int,
    today: dt.date,
    progress: Progress,
) -> FileLayout:
    """Read and check every row into the scratch store, its problems into `log`.

    Raises at once only when the file could not be read to its end (not UTF-8, broken
    quoting, a bad header, too many problems): then that is the only problem worth showing.
    Otherwise the row problems wait in `log` for the checks across rows (_check_and_plan),
    so that one pass reports every problem of the file.
    """
    reader = PeopleReader(
        stream,
        errors=log,
        date_format=settings.MENTORWISE_IMPORT_DATE_FORMAT,
        today=today,
        progress=progress,
        size=size,
        keep_rejected=True,
    )
    staging.add_rows(reader)
    layout = reader.layout
    if layout is None or not reader.complete:
        log.raise_if_any()
        raise InvalidInput([FieldError("file", _("Unreadable header line."), row=1)])
    # The whole file was read: from here on the count is exact, not "at least".
    log.stop_after = None
    staging.duplicate_problems(log)
    return layout


def _check_and_plan(
    staging: Staging,
    layout: FileLayout,
    log: ErrorLog,
    result: ImportResult,
    *,
    full: bool,
    progress: Progress,
) -> None:
    """The checks against the database and across rows, then the counts and the preview.

    Every check runs whatever the ones before found (rows with problems, unknown managers
    and management cycles are reported together); any problem raises before the plan.
    """
    progress("Checking", 0, 3)
    staging.load_people()
    result.erased_skipped = staging.leave_erased_alone(layout)
    staging.reference_problems(layout, log)
    progress("Checking", 1, 3)
    staging.build_graph(layout)
    staging.graph_problems(layout, log)
    log.raise_if_any()
    progress("Checking", 2, 3)
    plan = staging.plan(layout, full=full, shown=CHANGES_SHOWN)
    result.created, result.updated, result.unchanged = plan.created, plan.updated, plan.unchanged
    result.terminated, result.demographics = plan.terminated, plan.demographics
    result.ending = plan.ending
    result.changes = [PersonChange(*change) for change in plan.changes]
    progress("Checking", 3, 3)


def _lock_people_table() -> None:
    # Two imports at once would plan against the same snapshot and both create the same
    # people (or undo each other's moves): serialise them. SQLite already holds the write
    # lock (IMMEDIATE transactions); PostgreSQL takes a table lock that still lets readers read.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Person._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")


def _write(
    staging: Staging,
    result: ImportResult,
    *,
    today: dt.date,
    progress: Progress,
    source: str = SOURCE,
) -> None:
    """Write the plan, a batch at a time, in the caller's transaction."""
    now = timezone.now()
    total = result.created + result.updated + result.terminated + result.demographics + 1
    done = 0
    staging.give_ids(reserve_ids(Person, result.created))
    for batch in staging.creates():
        # Managers come before their reports (ordered by depth), so the rows are valid in
        # insertion order too.
        people = [{**_DEFAULTS, **row, "created_at": now, "updated_at": now} for row in batch]
        insert_rows(Person, people)
        # Someone who arrives terminated (a past leaver in the HRIS file) has left: recorded.
        career_write(
            [(p["id"], career_steps(None, Career.of_values(p), day=today)) for p in people],
            source=source,
        )
        done += len(batch)
        progress("Writing", done, total)
    for updates in staging.updates():
        _write_updates(updates, now=now, today=today, source=source)
        done += sum(1 for u in updates if u.changed)
        progress("Writing", min(done, total), total)
    if result.full:
        for pks in staging.leavers():
            # Missing from the file says nothing about why they left: the kind is "unknown".
            Person.objects.filter(pk__in=pks).update(
                termination_date=today, termination_kind=TerminationKind.UNKNOWN, updated_at=now
            )
            # Leavers had no termination date (staging._LEAVERS): each leaves today.
            leaving = Career(termination_date=today, termination_kind=TerminationKind.UNKNOWN)
            steps = career_steps(Career(), leaving, day=today)
            career_write([(pk, steps) for pk in pks], source=source)
            done += len(pks)
            progress("Writing", done, total)
    for rows in staging.demographics():
        _write_demographics(rows, now=now)
        done += len(rows)
        progress("Writing", done, total)
    progress("Writing", total, total)


def _write_updates(
    updates: list[UpdateRow], *, now: dt.datetime, today: dt.date, source: str = SOURCE
) -> None:
    """The fields the file changed, plus path/depth wherever a reporting line above moved.

    Grouped by the set of changed fields so each bulk_update writes only those.
    """
    groups: dict[tuple[str, ...], list[Person]] = {}
    for u in updates:
        person = Person(id=u.pk)
        fields: list[str] = []
        for name in u.changed:
            if name == "manager":
                person.manager_id = u.manager_pk
            else:
                setattr(person, name, u.values[name])
            fields.append(name)
        if u.path_changed:
            person.path, person.depth = u.path, u.depth
            fields.append("path")
            if u.depth_changed:
                fields.append("depth")
        if u.changed:
            person.updated_at = now
            fields.append("updated_at")
        groups.setdefault(tuple(sorted(fields)), []).append(person)
    for fields_key, people in groups.items():
        Person.objects.bulk_update(people, list(fields_key), batch_size=BATCH // 4)
    career_write(_career_changes(updates, today), source=source)


def _career_changes(updates: list[UpdateRow], today: dt.date) -> list[tuple[int, list[CareerStep]]]:
    """The career events of the updated rows, by the one rule (people.career): promotions,
    demotions and internal moves on the import's day, terminations on their own day, rehires.
    """
    changes = []
    for u in updates:
        if not {"job_level", "function", "termination_date", "termination_kind"} & set(u.changed):
            continue
        before = Career(
            job_level=u.old_level,
            function=u.old_function or "",
            termination_date=u.old_termination_date,
            termination_kind=u.old_termination_kind,
        )
        after = Career(
            job_level=u.values.get("job_level", u.old_level),
            function=u.values.get("function", u.old_function) or "",
            termination_date=u.values.get("termination_date", u.old_termination_date),
            termination_kind=u.values.get("termination_kind", u.old_termination_kind) or "",
        )
        if steps := career_steps(before, after, day=today):
            changes.append((u.pk, steps))
    return changes


def _write_demographics(rows: list[tuple[int, str, str, int | None]], *, now: dt.datetime) -> None:
    creates = [
        {"person_id": pk, "gender": gender, "ethnicity": ethnicity, "updated_at": now}
        for pk, gender, ethnicity, stored in rows
        if stored is None
    ]
    updates = [
        Demographics(pk=stored, gender=gender, ethnicity=ethnicity)
        for _, gender, ethnicity, stored in rows
        if stored is not None
    ]
    insert_rows(Demographics, creates)
    Demographics.objects.bulk_update(updates, ["gender", "ethnicity"], batch_size=BATCH // 4)
