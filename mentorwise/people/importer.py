"""Read an HRIS CSV file as a stream: the header, then one checked row at a time.

`PeopleReader` decodes the file (UTF-8, with or without BOM) while it reads it, finds the
delimiter from the header line only (comma or semicolon), maps headers to canonical columns
through the aliases in `columns.py` and yields every valid row (`rows.parse_row`); every
problem goes to an `ErrorLog` (row = line number in the file, the header is row 1).

Memory does not grow with the file: a line is read, checked and handed on, only the first
problems are kept (the others are counted), and a row longer than MAX_ROW_CHARS ends the
reading instead of filling memory. Checks across rows and against the database (duplicates,
managers, cycles) live in `staging.py`, the import itself in `services.people_import`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mentorwise.core.errors import ErrorLog, FieldError
from mentorwise.people.columns import REQUIRED_COLUMNS, alias_table, header_key
from mentorwise.people.rows import PersonRow, parse_row, rejected_row

# Problems listed in detail; beyond this they are only counted. The page shows them all.
MAX_ERRORS = 1000
# Past this many problems the reading stops ("at least ..."): such a file is not what was
# meant, and reading millions more bad rows would cost the server time and tell nothing more.
MAX_COUNTED = 1_000_000
# One row (a record, which quoted line breaks may spread over several lines) is at most this
# many characters; 19 columns at their length limits take about 2,000.
MAX_ROW_CHARS = 1_000_000
# HRIS exports have a few dozen columns, a few hundred at most.
MAX_COLUMNS = 1000

Progress = Callable[[str, int, int], None]
_NOT_UTF8 = gettext_lazy("The file is not UTF-8 text; save it as CSV UTF-8 and try again.")


def erased_employee_id(employee_id: str) -> str:
    """The pseudonym an erased person's employee id is replaced by (one-way, stable).

    An import recognises rows of erased people by it and leaves those people alone, so an
    erasure is not silently undone by the next HRIS file.
    """
    digest = hashlib.sha256(f"mentorwise-erased:{employee_id.strip()}".encode()).hexdigest()
    return f"erased-{digest[:32]}"


@dataclass
class FileLayout:
    """What the header says: where each known column is and how managers are given."""

    positions: dict[str, int] = field(default_factory=dict)  # canonical column -> index
    width: int = 0  # number of columns in the header
    columns: list[str] = field(default_factory=list)  # canonical columns present
    ignored_columns: list[str] = field(default_factory=list)  # headers we do not know
    delimiter: str = ","
    manager_by: str | None = None  # "employee_id", "email" or None (no manager column)

    @property
    def has_manager_column(self) -> bool:
        return self.manager_by is not None

    @property
    def manager_column(self) -> str:
        return "manager_id" if self.manager_by == "employee_id" else "manager_email"


class _Stop(Exception):
    """A problem that ends the reading: what was read before it may be cut mid-file."""

    def __init__(self, error: FieldError) -> None:
        super().__init__(error.message)
        self.error = error


class _RowTooLong(Exception):
    pass


class _CsvBroken(Exception):
    pass


def _lines(text: io.TextIOWrapper, used: list[int]) -> Iterator[str]:
    """The lines of `text`, line endings kept; `used[0]` adds up the characters of a CSV row.

    Never more than the row budget at once: a 50 MB file without line breaks must not become
    one 50 MB (or, as UCS-4, 200 MB) string. The reader sets `used[0]` to 0 at each row.
    """
    readline = text.readline
    count = 0
    while line := readline(MAX_ROW_CHARS):
        count += 1
        used[0] += len(line)
        if used[0] >= MAX_ROW_CHARS:
            raise _RowTooLong
        if "\x00" in line:
            message = _("The file contains NUL bytes: not a CSV file.")
            raise _Stop(FieldError("file", message, row=count))
        yield line


def sniff_delimiter(header: str) -> str:
    """Comma or semicolon, decided by the header line alone (never by data rows)."""
    # Ignore quoted parts: a header like "Name; first" must not count.
    unquoted = re.sub(r'"[^"]*"', "", header)
    return ";" if unquoted.count(";") > unquoted.count(",") else ","


class PeopleReader:
    """The valid rows of an HRIS file, one at a time; problems go to `errors`.

    With `keep_rejected`, rows with problems come too (`valid=False`, their keys only), so
    that the checks across rows can run on the same pass.

    Iterate once. `layout` is set when the header was usable; `rows_read` counts the non-blank
    rows, valid or not; `complete` says the file was read to its end. A problem that ends the
    reading (not UTF-8, NUL bytes, broken quoting, a giant row) replaces the others: the rows
    before it may have been cut anywhere.
    """

    def __init__(
        self,
        stream: IO[bytes],
        *,
        errors: ErrorLog,
        date_format: str = "",
        today: dt.date | None = None,
        progress: Progress | None = None,
        size: int = 0,
        keep_rejected: bool = False,
    ) -> None:
        self.stream = stream
        self.keep_rejected = keep_rejected
        self.errors = errors
        self.date_format = date_format
        self.today = today or dt.date.today()  # noqa: DTZ011 - the caller passes the local date
        self.progress = progress
        self.size = size
        self.layout: FileLayout | None = None
        self.rows_read = 0
        self.complete = False
        self._start = 1  # line on which the current CSV row starts
        self._used = [0]  # characters of the current CSV row (see _lines)

    def __iter__(self) -> Iterator[PersonRow]:
        # newline="": \n, \r\n and \r all end a line and reach the csv module untranslated.
        text = io.TextIOWrapper(self.stream, encoding="utf-8-sig", newline="")
        try:
            yield from self._read(_lines(text, self._used))
        except _Stop as stop:
            self.errors.replace(stop.error)
        except _RowTooLong:
            message = _(
                "Broken CSV: this row is longer than %(limit)s characters (an unclosed quote?)."
            ) % {"limit": f"{MAX_ROW_CHARS:,}"}
            self.errors.replace(FieldError("file", message, row=self._start))
        except _CsvBroken as exc:
            self.errors.replace(
                FieldError(
                    "file", _("Broken CSV: %(problem)s.") % {"problem": exc}, row=self._start
                )
            )
        except UnicodeDecodeError:
            self.errors.replace(_bad_byte(self.stream))
        finally:
            # Detach, so that closing (or collecting) the wrapper leaves the caller's file open.
            text.detach()

    def _read(self, lines: Iterator[str]) -> Iterator[PersonRow]:
        first = next(lines, "")
        if not first.strip() and all(not line.strip() for line in lines):
            self.errors.add(FieldError("file", _("The file is empty."), row=1))
            return
        delimiter = sniff_delimiter(first)
        reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter, strict=True)
        try:
            header = next(reader)
        except csv.Error as exc:
            raise _Stop(
                FieldError(
                    "file", _("Unreadable header line: %(problem)s.") % {"problem": exc}, row=1
                )
            ) from exc
        if len(header) > MAX_COLUMNS:
            raise _Stop(
                FieldError(
                    "file",
                    _(
                        "The header has %(count)s columns; at most %(limit)s are supported "
                        "(is this the HRIS export?)."
                    )
                    % {"count": f"{len(header):,}", "limit": f"{MAX_COLUMNS:,}"},
                    row=1,
                )
            )
        layout = _map_header(header, self.errors)
        layout.delimiter = delimiter
        if self.errors:
            return
        self.layout = layout
        # The loop runs once per line of a file that may have millions: locals, no attributes.
        errors, used, width, positions = self.errors, self._used, layout.width, layout.positions
        manager_by, date_format, today = layout.manager_by, self.date_format, self.today
        progress, stream, size = self.progress, self.stream, self.size
        start = self._start = reader.line_num + 1
        read = 0
        for cells in _rows(reader, used):
            line, start = start, reader.line_num + 1
            self._start = start
            if not "".join(cells).strip():
                continue
            read += 1
            if progress is not None and read % 5000 == 0:
                progress("Reading", stream.tell(), size)
            if len(cells) != width:
                if self.keep_rejected:
                    yield _shifted_row(line, cells, positions)
                if errors.full:
                    errors.tally()
                else:
                    errors.add(
                        FieldError(
                            "file",
                            _(
                                "This line has %(values)s values but the header has "
                                "%(columns)s columns (a missing or extra delimiter?)."
                            )
                            % {"values": len(cells), "columns": width},
                            row=line,
                        )
                    )
                if errors.exhausted:
                    self.rows_read = read
                    return
                continue
            person = parse_row(
                line,
                cells,
                positions,
                manager_by=manager_by,
                errors=errors,
                date_format=date_format,
                today=today,
            )
            if person.valid or self.keep_rejected:
                yield person
            if not person.valid and errors.exhausted:
                self.rows_read = read
                return
        self.rows_read = read
        if progress is not None:
            progress("Reading", size, size)
        if not read:
            errors.add(FieldError("file", _("The file has a header but no people."), row=2))
        self.complete = True


def _rows(reader: Iterator[list[str]], used: list[int]) -> Iterator[list[str]]:
    """The CSV rows, the row budget reset before each; broken quoting ends the reading."""
    while True:
        used[0] = 0
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _CsvBroken(str(exc)) from exc
        yield cells


def _shifted_row(line: int, cells: list[str], positions: dict[str, int]) -> PersonRow:
    """The keys of a row with the wrong number of values, where its cells still have them.

    Only used to recognise the person when others name them as manager: the employee id
    usually comes first, before the cell that shifted the rest.
    """

    def cell(column: str | None) -> str:
        index = positions.get(column or "")
        return cells[index].strip() if index is not None and index < len(cells) else ""

    return rejected_row(line, cell("employee_id"), cell("email"), None, shifted=True)


def _bad_byte(stream: IO[bytes]) -> FieldError:
    """Where the file stops being UTF-8: read it again from the start, counting lines."""
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    lines = 0
    while True:
        chunk = stream.read(1 << 16)
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            # error.object is the chunk plus at most three undecoded bytes before it (never a
            # line break), so counting in it continues the count of the chunks before.
            line = lines + error.object[: error.start].count(b"\n") + 1
            shown = repr(error.object[error.start : error.start + 4])[2:-1]
            return FieldError("file", str(_NOT_UTF8), row=line, value=shown)
        if not chunk:
            return FieldError("file", str(_NOT_UTF8))
        lines += chunk.count(b"\n")


def _map_header(header: list[str], errors: ErrorLog) -> FileLayout:
    aliases = alias_table()
    layout = FileLayout(width=len(header))
    positions = layout.positions
    ranks: dict[str, int] = {}
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        key = header_key(name)
        if key and key in seen:
            errors.add(
                FieldError(
                    name.strip(),
                    _("Columns %(first)s and %(second)s have the same name; keep one.")
                    % {"first": seen[key] + 1, "second": index + 1},
                    row=1,
                    value=name.strip(),
                )
            )
            continue
        seen[key] = index
        canonical, rank = aliases.get(key, ("", 0))
        if not canonical:
            if name.strip():
                layout.ignored_columns.append(name.strip())
            continue
        if canonical in positions:
            # Another header means the same column: keep the preferred one, ignore the other.
            if rank < ranks[canonical]:
                layout.ignored_columns.append(header[positions[canonical]].strip())
            else:
                layout.ignored_columns.append(name.strip())
                continue
        positions[canonical] = index
        ranks[canonical] = rank
    missing = [c for c in REQUIRED_COLUMNS if c not in positions]
    if missing:
        errors.add(
            FieldError(
                ", ".join(missing),
                ngettext(
                    "Missing required column: %(columns)s "
                    "(see docs/import.md for the accepted names).",
                    "Missing required columns: %(columns)s "
                    "(see docs/import.md for the accepted names).",
                    len(missing),
                )
                % {"columns": ", ".join(missing)},
                row=1,
            )
        )
    if "manager_id" in positions:
        layout.manager_by = "employee_id"
    elif "manager_email" in positions:
        layout.manager_by = "email"
    if "manager_id" in positions and "manager_email" in positions:
        errors.add(
            FieldError(
                "manager_email",
                _("Give the manager either by employee id or by email, not both."),
                row=1,
            )
        )
    layout.columns = list(positions)
    return layout
