"""`mentorwise export-people [--out FILE]`: everyone in the import format, without demographics."""

from __future__ import annotations

import csv
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentorwise.core.audit import audit_record
from mentorwise.core.csv import csv_safe
from mentorwise.people.selectors import EXPORT_COLUMNS, people_export_rows


def write_people_csv(out: IO[str]) -> int:
    """Write the export to `out`; cells are formula-escaped. Returns the number of people."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for row in people_export_rows():
        # A lone CR inside a cell would not be quoted with "\n" line ends and would break the
        # row: line breaks inside cells are written as "\n" (quoted).
        writer.writerow(
            [csv_safe(row[c]).replace("\r\n", "\n").replace("\r", "\n") for c in EXPORT_COLUMNS]
        )
        count += 1
    return count


class Command(BaseCommand):
    help = (
        "Export people as CSV in the import format (demographics are not exported: they are "
        "only readable in aggregate)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", default="-", help="Output file; '-' (default) is stdout.")

    def handle(self, *args: Any, **options: Any) -> None:
        out = options["out"]
        if out == "-":
            count = write_people_csv(self.stdout)  # type: ignore[arg-type]
        else:
            try:
                with open(out, "w", newline="", encoding="utf-8") as handle:
                    count = write_people_csv(handle)
            except OSError as error:
                raise CommandError(
                    _("Cannot write %(path)s: %(problem)s")
                    % {"path": out, "problem": error.strerror}
                ) from error
            self.stderr.write(
                ngettext(
                    "Wrote %(count)s person to %(path)s.",
                    "Wrote %(count)s people to %(path)s.",
                    count,
                )
                % {"count": f"{count:,}", "path": out}
            )
        # Run by an operator on the server: the system exported the workforce.
        audit_record(actor=None, action="people.exported", data={"rows": count, "out": out})
