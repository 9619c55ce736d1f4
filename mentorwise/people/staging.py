"""An import's scratch store: the file's rows and the people already in Mentorwise, on disk.

The checks that span rows (duplicates, managers, management cycles) and the plan (created,
updated, unchanged, terminated) need every row at once. As Python objects that is memory in
proportion to the file: about a gigabyte for a 50 MB file of valid rows, ten for one of short
bad rows. So the rows go into a private SQLite database in a temporary folder (owner-only,
deleted when the import ends) and the checks are queries over it; Python holds one batch of
rows, the first problems and, for a management cycle, a few integers per person involved.

This is not the Mentorwise database (it is the same whether that is SQLite or PostgreSQL),
and nothing in it outlives the import. `services.people_import` drives it: stage the file,
load the people, check, plan, and for a real import hand the rows to the writes in batches.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from django.utils.translation import gettext_lazy

from mentorwise.core.errors import ErrorLog, FieldError
from mentorwise.people import reporting_lines
from mentorwise.people.importer import FileLayout, PeopleReader, erased_employee_id
from mentorwise.people.models import Demographics, Person, path_token
from mentorwise.people.rows import DATE_FIELDS, PERSON_FIELDS, fields_given

BATCH = 2000

_INTEGER_FIELDS = {"job_level", "is_high_potential"}
_COLUMNS = ", ".join(
    f'"{f}" {"INTEGER" if f in _INTEGER_FIELDS else "TEXT"}' for f in PERSON_FIELDS
)
_SCHEMA = f"""
CREATE TABLE row (
    line INTEGER PRIMARY KEY,  -- line number in the file
    eid TEXT NOT NULL,
    email_key TEXT NOT NULL,   -- the email in lower case (Python's, not SQLite's ASCII lower())
    manager_key TEXT,          -- as written; NULL when the file has no manager column
    manager_ref TEXT,          -- what it is looked up by: an employee id or a lower-case email
    gender TEXT,               -- NULL: not given (an empty cell leaves what is stored)
    ethnicity TEXT,
    {_COLUMNS},
    pk INTEGER,                -- the person's id: existing, or reserved for a new person
    new INTEGER NOT NULL DEFAULT 1,  -- 1: the import creates this person
    changed TEXT,              -- for existing people: "field,field," ('' when unchanged)
    demo INTEGER NOT NULL DEFAULT 0, -- 1: the demographics change
    bad INTEGER NOT NULL DEFAULT 0   -- a row with problems, its keys only (never written):
                                     -- 1 keys as read, 2 keys guessed (wrong number of values)
);
CREATE TABLE person (
    pk INTEGER PRIMARY KEY,
    eid TEXT NOT NULL,
    email_key TEXT NOT NULL,
    manager_pk INTEGER,
    path TEXT NOT NULL,
    depth INTEGER NOT NULL,
    erased INTEGER NOT NULL,
    {_COLUMNS}
);
CREATE TABLE demo (
    person_pk INTEGER PRIMARY KEY, gender TEXT NOT NULL, ethnicity TEXT NOT NULL, pk INTEGER
);
CREATE TABLE node (            -- everyone after the import: reporting lines by employee id
    id INTEGER PRIMARY KEY,
    eid TEXT NOT NULL UNIQUE,
    pk INTEGER,
    parent TEXT,
    line INTEGER,              -- the file line, NULL for people the file does not mention
    depth INTEGER,
    path TEXT
);
CREATE TABLE problem (line INTEGER, field TEXT NOT NULL, value TEXT, message TEXT NOT NULL);
"""
_NEW_ID = gettext_lazy(
    "Unknown manager: nobody in this file or in Mentorwise has this employee id."
)
_NEW_EMAIL = gettext_lazy("Unknown manager: nobody in this file or in Mentorwise has this email.")
# Messages finished in SQL: the translated text comes in as a parameter, its placeholder
# replaced by the row's value there.
_DUPLICATE_ID = gettext_lazy("Duplicate employee id: row %(row)s has it too.")
_DUPLICATE_EMAIL = gettext_lazy("Duplicate email: row %(row)s has it too.")
_EMAIL_TAKEN = gettext_lazy("Already used by %(employee_id)s, who is not in this file.")


def _date_out(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


# Person field values to and from SQLite: dates as ISO text, languages as JSON, booleans 0/1.
_TO_SQL: dict[str, Callable[[Any], Any]] = {
    **dict.fromkeys(DATE_FIELDS, lambda v: v.isoformat() if v else None),
    "languages": lambda v: json.dumps(v or []),
    "is_high_potential": lambda v: None if v is None else int(v),
}
_FROM_SQL: dict[str, Callable[[Any], Any]] = {
    **dict.fromkeys(DATE_FIELDS, _date_out),
    "languages": json.loads,
    "is_high_potential": bool,
}


def _to_sql(name: str, value: Any) -> Any:
    convert = _TO_SQL.get(name)
    return convert(value) if convert is not None else value


def _from_sql(name: str, value: Any) -> Any:
    convert = _FROM_SQL.get(name)
    return convert(value) if convert is not None else value


@dataclass
class Plan:
    """What the import does (or, for a dry run, would do), counted in the scratch store."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    terminated: int = 0
    demographics: int = 0
    # Rows that give someone employed a termination date (counted in `updated` too).
    ending: int = 0
    # The first changes for the preview: (employee id, name, kind, fields).
    changes: list[tuple[str, str, str, list[str]]] = field(default_factory=list)


@dataclass
class UpdateRow:
    """One existing person the import changes: new values of the changed fields, path, events."""

    pk: int
    changed: list[str]
    values: dict[str, Any]
    manager_pk: int | None
    path: str
    depth: int
    path_changed: bool
    depth_changed: bool
    old_level: int | None
    old_function: str
    old_termination_date: dt.date | None = None
    old_termination_kind: str = ""


class Staging:
    """The scratch database of one import; use as a context manager (it deletes itself)."""

    def __init__(self) -> None:
        # A folder of our own (mode 0700) keeps personal data from other local users.
        self._folder = tempfile.TemporaryDirectory(prefix="mentorwise-import-")
        self.db = sqlite3.connect(Path(self._folder.name) / "import.sqlite3", isolation_level=None)
        # Scratch data: no journal, no fsync; a bounded page cache (this is the memory bound).
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "temp_store = FILE"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute("PRAGMA cache_size = -32000")  # KiB
        self.db.create_function("path_token", 1, path_token, deterministic=True)
        self.db.create_function("erased_id", 1, erased_employee_id, deterministic=True)
        self.db.executescript(_SCHEMA)
        self.rows_staged = 0
        self.fields: list[str] = []
        self._unique = True

    def __enter__(self) -> Staging:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.db.close()
        self._folder.cleanup()

    def _one(self, sql: str, params: Iterable[Any] = ()) -> Any:
        return self.db.execute(sql, tuple(params)).fetchone()[0]

    def _bulk(self, sql: str, rows: Iterable[tuple[Any, ...]]) -> None:
        # executemany() pulls the rows one by one: a generator is never held whole.
        self.db.execute("BEGIN")
        self.db.executemany(sql, rows)
        self.db.execute("COMMIT")

    # -- the file -------------------------------------------------------------------------

    def add_rows(self, reader: PeopleReader) -> None:
        """Store the rows as the reader yields them; only the fields the file gives.

        Rows with problems (reader.keep_rejected) are stored by their keys alone (`bad`), so
        that duplicates, managers and cycles are checked on the same pass as the rows; an
        import with any of them never gets to the plan.
        """
        rows = iter(reader)
        first = next(rows, None)  # reads the header too
        layout = reader.layout
        if first is not None and layout is not None:
            self.fields = fields_given(layout.columns)
            by_email = layout.manager_by == "email"
            convert = [(f, _TO_SQL.get(f)) for f in self.fields]

            at_email = self.fields.index("email")

            def tuples() -> Iterator[tuple[Any, ...]]:
                for r in itertools.chain([first], rows):
                    key, values = r.manager_key, r.values
                    ref = key.lower() if key is not None and by_email else key
                    email = values["email"].lower()
                    if not r.valid:
                        keys: list[Any] = [None] * len(self.fields)
                        keys[at_email] = values["email"]
                        bad = 2 if r.shifted else 1
                        yield (r.row, r.employee_id, email, key, ref, None, None, *keys, bad)
                        continue
                    self.rows_staged += 1
                    yield (
                        r.row, r.employee_id, email, key, ref, r.gender, r.ethnicity,
                        *[c(values[f]) if c else values[f] for f, c in convert], 0,
                    )  # fmt: skip

            given = ", ".join(f'"{f}"' for f in self.fields)
            columns = (
                f"line, eid, email_key, manager_key, manager_ref, gender, ethnicity, {given}, bad"
            )
            marks = ", ".join(["?"] * (8 + len(self.fields)))
            self._bulk(f"INSERT INTO row ({columns}) VALUES ({marks})", tuples())  # noqa: S608
        # Unique indexes when the keys are unique (the usual case): then there are no
        # duplicates to look for.
        self._unique = True
        for name, key in (("row_eid", "eid"), ("row_email", "email_key")):
            try:
                self.db.execute(f"CREATE UNIQUE INDEX {name} ON row ({key})")
            except sqlite3.IntegrityError:
                self.db.execute(f"CREATE INDEX {name} ON row ({key})")
                self._unique = False

    def duplicate_problems(self, log: ErrorLog) -> None:
        """Employee ids and emails (case-insensitive) given twice, naming the first row."""
        if self._unique:
            return
        # The grouping scans the index alone; only duplicated keys go back to the rows.
        self.db.execute(
            "INSERT INTO problem SELECT r.line, 'employee_id', r.eid, "
            "replace(?, '%(row)s', d.first) "
            "FROM (SELECT eid, MIN(line) AS first FROM row WHERE eid <> '' AND bad < 2 "
            "  GROUP BY eid HAVING COUNT(*) > 1) d "
            "JOIN row r ON r.eid = d.eid AND r.line > d.first AND r.bad < 2",
            (str(_DUPLICATE_ID),),
        )
        # A row with a duplicate id is not also reported for its email.
        self.db.execute(
            "INSERT INTO problem SELECT r.line, 'email', r.email, "
            "replace(?, '%(row)s', d.first) "
            "FROM (SELECT email_key, MIN(line) AS first FROM row "
            "  WHERE email_key <> '' AND bad < 2 AND line NOT IN (SELECT line FROM problem) "
            "  GROUP BY email_key HAVING COUNT(*) > 1) d "
            "JOIN row r ON r.email_key = d.email_key AND r.line > d.first "
            "WHERE r.bad < 2 AND r.line NOT IN (SELECT line FROM problem)",
            (str(_DUPLICATE_EMAIL),),
        )
        self._take_problems(log)

    def _take_problems(self, log: ErrorLog) -> None:
        """Move the problems found by queries into `log`: the first by (row, column), counted."""
        total = self._one("SELECT COUNT(*) FROM problem")
        if total:
            shown = [
                FieldError(field, message, row=line, value=value)
                for line, field, value, message in self.db.execute(
                    "SELECT line, field, value, message FROM problem ORDER BY line, field LIMIT ?",
                    (log.limit,),
                )
            ]
            log.merge(shown, total)
            self.db.execute("DELETE FROM problem")

    # -- the people already in Mentorwise -------------------------------------------------

    def load_people(self) -> None:
        """Copy everyone (and their demographics) from the database, streaming."""
        names = ("pk", "employee_id", "manager_id", "path", "depth", "erased_at", *PERSON_FIELDS)
        people = Person.objects.order_by().values_list(*names).iterator(chunk_size=BATCH)
        at_email = names.index("email")

        def tuples() -> Iterator[tuple[Any, ...]]:
            for rec in people:
                values = [_to_sql(f, v) for f, v in zip(PERSON_FIELDS, rec[6:], strict=True)]
                erased = rec[5] is not None
                yield (rec[0], rec[1], rec[at_email].lower(), *rec[2:5], erased, *values)

        marks = ", ".join(["?"] * (7 + len(PERSON_FIELDS)))
        self._bulk(f"INSERT INTO person VALUES ({marks})", tuples())  # noqa: S608
        self.db.execute("CREATE UNIQUE INDEX person_eid ON person (eid)")
        self.db.execute("CREATE INDEX person_email ON person (email_key)")
        demographics = Demographics.objects.order_by().values_list(
            "person_id", "gender", "ethnicity", "pk"
        )
        self._bulk("INSERT INTO demo VALUES (?, ?, ?, ?)", demographics.iterator(BATCH))

    def leave_erased_alone(self, layout: FileLayout) -> int:
        """Drop the rows of people whose data was erased, so an import never restores it.

        Their employee id was replaced by `erased_employee_id()`; a row with the original id
        is recognised by it. Others' manager references to them are pointed at the erased
        record. Returns the number of rows dropped.
        """
        if not self._one("SELECT EXISTS (SELECT 1 FROM person WHERE erased)"):
            return 0
        self.db.execute(
            "CREATE TABLE gone AS SELECT r.line, r.email_key, p.email_key AS placeholder "
            "FROM row r JOIN person p ON p.eid = erased_id(r.eid) AND p.erased"
        )
        if layout.manager_by == "employee_id":
            self.db.execute(
                "UPDATE row SET manager_ref = p.eid FROM person p "
                "WHERE row.manager_ref <> '' AND p.eid = erased_id(row.manager_ref) AND p.erased"
            )
        elif layout.manager_by == "email":
            self.db.execute(
                "UPDATE row SET manager_ref = g.placeholder FROM gone g "
                "WHERE g.email_key = row.manager_ref"
            )
        return int(
            self.db.execute("DELETE FROM row WHERE line IN (SELECT line FROM gone)").rowcount
        )

    # -- checks against the database and across rows --------------------------------------

    def reference_problems(self, layout: FileLayout, log: ErrorLog) -> None:
        """Emails of people the file does not mention, managers nobody has."""
        # Emails must stay unique across the file and the people the file does not mention.
        self.db.execute(
            "INSERT INTO problem SELECT r.line, 'email', r.email, "
            "replace(?, '%(employee_id)s', MIN(p.eid)) "
            "FROM row r JOIN person p ON p.email_key = r.email_key "
            "WHERE r.email_key <> '' AND r.bad < 2 "
            "AND NOT EXISTS (SELECT 1 FROM row f WHERE f.eid = p.eid) GROUP BY r.line",
            (str(_EMAIL_TAKEN),),
        )
        if layout.has_manager_column:
            if layout.manager_by == "employee_id":
                known = (
                    "EXISTS (SELECT 1 FROM row f WHERE f.eid = r.manager_ref) "
                    "OR EXISTS (SELECT 1 FROM person p WHERE p.eid = r.manager_ref)"
                )
            else:  # the file's emails, or those of people the file does not mention
                known = (
                    "EXISTS (SELECT 1 FROM row f WHERE f.email_key = r.manager_ref) "
                    "OR EXISTS (SELECT 1 FROM person p WHERE p.email_key = r.manager_ref "
                    "AND NOT EXISTS (SELECT 1 FROM row x WHERE x.eid = p.eid))"
                )
            message = _NEW_ID if layout.manager_by == "employee_id" else _NEW_EMAIL
            self.db.execute(
                "INSERT INTO problem SELECT r.line, ?, r.manager_key, ? FROM row r "  # noqa: S608
                f"WHERE r.manager_ref <> '' AND NOT ({known})",
                (layout.manager_column, str(message)),
            )
        self._take_problems(log)

    def build_graph(self, layout: FileLayout) -> None:
        """Everyone's final manager and depth (see reporting_lines.build)."""
        reporting_lines.build(self.db, layout)

    def graph_problems(self, layout: FileLayout, log: ErrorLog) -> None:
        """Management cycles and reporting lines too deep (see reporting_lines.problems)."""
        reporting_lines.problems(self.db, layout, log)

    # -- the plan ---------------------------------------------------------------------------

    def plan(self, layout: FileLayout, *, full: bool, shown: int) -> Plan:
        """Decide created / updated / unchanged per row and count; the first `shown` changes."""
        changed = [
            f"CASE WHEN row.\"{f}\" IS NOT p.\"{f}\" THEN '{f},' ELSE '' END" for f in self.fields
        ]
        if layout.has_manager_column:
            changed.append("CASE WHEN n.parent IS NOT m.eid THEN 'manager,' ELSE '' END")
        self.db.execute(
            f"UPDATE row SET pk = p.pk, new = 0, changed = {' || '.join(changed)} "  # noqa: S608
            "FROM person p JOIN node n ON n.eid = p.eid LEFT JOIN person m ON m.pk = p.manager_pk "
            "WHERE p.eid = row.eid"
        )
        # New demographics: a given value replaces, a missing one keeps what is stored.
        self.db.execute(
            "UPDATE row SET demo = 1 WHERE (gender IS NOT NULL OR ethnicity IS NOT NULL) "
            "AND NOT EXISTS (SELECT 1 FROM demo d WHERE d.person_pk = row.pk "
            "AND COALESCE(row.gender, d.gender) = d.gender "
            "AND COALESCE(row.ethnicity, d.ethnicity) = d.ethnicity)"
        )
        created, updated, unchanged, demographics = self.db.execute(
            "SELECT TOTAL(new), TOTAL(changed <> ''), TOTAL(changed = ''), TOTAL(demo) FROM row"
        ).fetchone()
        plan = Plan(int(created), int(updated), int(unchanged), 0, int(demographics))
        if full:
            plan.terminated = self._one(f"SELECT COUNT(*) FROM person p WHERE {_LEAVERS}")  # noqa: S608
        plan.ending = self._one(
            "SELECT COUNT(*) FROM row r JOIN person p ON p.pk = r.pk WHERE NOT r.new "
            "AND r.termination_date IS NOT NULL AND p.termination_date IS NULL AND NOT p.erased"
        )
        for eid, first, last in self.db.execute(
            "SELECT eid, first_name, last_name FROM row WHERE new ORDER BY line LIMIT ?", (shown,)
        ):
            plan.changes.append((eid, _name(first, last), "created", []))
        for eid, first, last, fields in self.db.execute(
            "SELECT eid, first_name, last_name, changed FROM row WHERE changed <> '' "
            "ORDER BY line LIMIT ?",
            (shown - len(plan.changes),),
        ):
            plan.changes.append((eid, _name(first, last), "updated", fields.split(",")[:-1]))
        if full:
            for eid, first, last in self.db.execute(
                f"SELECT eid, first_name, last_name FROM person p WHERE {_LEAVERS} "  # noqa: S608
                "ORDER BY pk LIMIT ?",
                (shown - len(plan.changes),),
            ):
                plan.changes.append((eid, _name(first, last), "terminated", ["termination_date"]))
        return plan

    def all_changes(self, *, full: bool) -> Iterator[tuple[int, str, list[str]]]:
        """Every change of the import as (person id, kind, fields), after the writes (new
        people have their ids then): created and updated rows in file order, then the people
        a full import terminated."""
        for (pk,) in self.db.execute("SELECT pk FROM row WHERE new ORDER BY line"):
            yield pk, "created", []
        for pk, fields in self.db.execute(
            "SELECT pk, changed FROM row WHERE changed <> '' ORDER BY line"
        ):
            yield pk, "updated", fields.split(",")[:-1]
        if full:
            for (pk,) in self.db.execute(
                f"SELECT pk FROM person p WHERE {_LEAVERS} ORDER BY pk"  # noqa: S608
            ):
                yield pk, "terminated", ["termination_date"]

    # -- the writes, in batches -------------------------------------------------------------

    def give_ids(self, ids: Iterator[int]) -> None:
        """Record the ids reserved for new people (file order), then everyone's path."""
        self.db.execute("BEGIN")
        last = 0
        while lines := self.db.execute(
            "SELECT line FROM row WHERE new AND line > ? ORDER BY line LIMIT ?", (last, BATCH)
        ).fetchall():
            self.db.executemany(
                "UPDATE row SET pk = ? WHERE line = ?", [(next(ids), line) for (line,) in lines]
            )
            last = lines[-1][0]
        self.db.execute("COMMIT")
        self.db.execute(
            "UPDATE node SET pk = r.pk FROM row r WHERE r.eid = node.eid AND node.pk IS NULL"
        )
        reporting_lines.assign_paths(self.db)

    def creates(self) -> Iterator[list[dict[str, Any]]]:
        """New people as {attname: value} of the fields the file gives, managers first."""
        names = ", ".join(f'r."{f}"' for f in self.fields)
        cursor = self.db.execute(
            f"SELECT r.pk, r.eid, m.pk, n.path, n.depth, {names} FROM row r "  # noqa: S608
            "JOIN node n ON n.eid = r.eid LEFT JOIN node m ON m.eid = n.parent "
            "WHERE r.new ORDER BY n.depth, r.line"
        )
        while chunk := cursor.fetchmany(BATCH):
            yield [
                {
                    "id": pk,
                    "employee_id": eid,
                    "manager_id": manager,
                    "path": path,
                    "depth": depth,
                    **{f: _from_sql(f, v) for f, v in zip(self.fields, values, strict=True)},
                }
                for pk, eid, manager, path, depth, *values in chunk
            ]

    def updates(self) -> Iterator[list[UpdateRow]]:
        """Existing people whose fields, manager or path change (a move above them moves them)."""
        names = ", ".join(f'r."{f}"' for f in self.fields)
        cursor = self.db.execute(
            "SELECT p.pk, COALESCE(r.changed, ''), m.pk, n.path, n.depth, "  # noqa: S608
            'n.path IS NOT p.path, n.depth IS NOT p.depth, p.job_level, p."function", '
            f"p.termination_date, p.termination_kind, {names} "
            "FROM node n JOIN person p ON p.eid = n.eid LEFT JOIN row r ON r.eid = n.eid "
            "LEFT JOIN node m ON m.eid = n.parent "
            "WHERE r.changed <> '' OR n.path IS NOT p.path ORDER BY p.pk"
        )
        while chunk := cursor.fetchmany(BATCH):
            batch = []
            for row in chunk:
                pk, changed, manager, path, depth, moved, deeper, level, function = row[:9]
                left, left_kind, *values = row[9:]
                fields = changed.split(",")[:-1]
                given = dict(zip(self.fields, values, strict=True))
                batch.append(
                    UpdateRow(
                        pk=pk,
                        changed=fields,
                        values={f: _from_sql(f, given[f]) for f in fields if f != "manager"},
                        manager_pk=manager,
                        path=path,
                        depth=depth,
                        path_changed=bool(moved),
                        depth_changed=bool(deeper),
                        old_level=level,
                        old_function=function,
                        old_termination_date=_date_out(left),
                        old_termination_kind=left_kind or "",
                    )
                )
            yield batch

    def leavers(self) -> Iterator[list[int]]:
        """Ids of people a full import terminates: not in the file, active, not erased."""
        cursor = self.db.execute(f"SELECT pk FROM person p WHERE {_LEAVERS} ORDER BY pk")  # noqa: S608
        while chunk := cursor.fetchmany(BATCH):
            yield [pk for (pk,) in chunk]

    def demographics(self) -> Iterator[list[tuple[int, str, str, int | None]]]:
        """(person id, gender, ethnicity, id of the stored demographics or None) to write."""
        cursor = self.db.execute(
            "SELECT r.pk, COALESCE(r.gender, d.gender, ''), "
            "COALESCE(r.ethnicity, d.ethnicity, ''), d.pk "
            "FROM row r LEFT JOIN demo d ON d.person_pk = r.pk WHERE r.demo ORDER BY r.line"
        )
        while chunk := cursor.fetchmany(BATCH):
            yield chunk


# People in Mentorwise a full import terminates (alias `p` of the person table).
_LEAVERS = (
    "p.termination_date IS NULL AND NOT p.erased "
    "AND NOT EXISTS (SELECT 1 FROM row r WHERE r.eid = p.eid)"
)


def _name(first: str | None, last: str | None) -> str:
    return f"{first or ''} {last or ''}".strip()
