"""`mentorwise import-people FILE.csv [--full] [--dry-run]`: import people from an HRIS CSV.

`mentorwise import-people --history` lists the latest imports and refused files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from mentorwise.core.errors import InvalidInput
from mentorwise.people.models import ImportOutcome, ImportRun
from mentorwise.people.services import TerminationsNeedConfirmation, people_import


class Command(BaseCommand):
    help = (
        "Import people from an HRIS CSV file (see docs/import.md): every row is checked "
        "first; any problem means nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", nargs="?", help="CSV file (UTF-8, comma or semicolon separated)."
        )
        parser.add_argument(
            "--history",
            action="store_true",
            help="List the latest imports and refused files (the import page's history).",
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="The file is the whole workforce: mark people missing from it as terminated.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count, but write nothing."
        )
        parser.add_argument(
            "--confirm-terminations",
            type=int,
            metavar="N",
            help="With --full: allow up to N terminations even over "
            "MENTORWISE_IMPORT_TERMINATION_LIMIT (the dry run tells the number).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["history"]:
            self._history()
            return
        if not options["file"]:
            raise CommandError(_("Name the CSV file to import (or use --history)."))
        path = Path(options["file"])
        try:
            # Read as a stream by the import: never the whole file in memory.
            handle = path.open("rb")
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(problem)s") % {"path": path, "problem": error.strerror}
            ) from error
        console = Console(file=self.stdout._out)  # type: ignore[arg-type]
        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        tasks: dict[str, Any] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        try:
            with handle, progress:
                result = people_import(
                    actor=None,
                    data=handle,
                    file_name=path.name,
                    full=options["full"],
                    dry_run=options["dry_run"],
                    progress=report,
                    confirmed_terminations=options["confirm_terminations"],
                )
        except TerminationsNeedConfirmation as error:
            raise CommandError(
                _("%(file)s: %(problem)s Nothing was imported; run again with %(option)s.")
                % {
                    "file": path.name,
                    "problem": error.errors[0].message,
                    "option": "--confirm-terminations N",
                }
            ) from error
        except InvalidInput as error:
            for problem in error.errors:
                self.stderr.write(f"{path.name}: {problem}")
            n = error.total
            if error.truncated:
                self.stderr.write(
                    _(
                        "%(file)s: %(shown)s problems are shown; the file has %(count)s in all. "
                        "Fix these first, then run the import again."
                    )
                    % {"file": path.name, "shown": f"{len(error.errors):,}", "count": f"{n:,}"}
                )
            raise CommandError(
                ngettext(
                    "%(count)s problem found in %(file)s; nothing was imported.",
                    "%(count)s problems found in %(file)s; nothing was imported.",
                    n,
                )
                % {"count": f"{n:,}", "file": path.name}
            ) from error
        if result.ignored_columns:
            self.stdout.write(
                _("Ignored columns: %(columns)s") % {"columns": ", ".join(result.ignored_columns)}
            )
        self.stdout.write(result.summary())
        if result.needs_confirmation:
            self.stdout.write(
                _(
                    "Over the termination limit: import with --confirm-terminations %(count)s "
                    "once you have checked that the file is the whole workforce."
                )
                % {"count": result.leaving}
            )

    def _history(self) -> None:
        # The command line is the operator (actor None, as for the import itself): all runs.
        runs = ImportRun.objects.select_related("actor")[:20]
        if not runs:
            self.stdout.write(_("No file has been imported yet."))
        for run in runs:
            when = timezone.localtime(run.created_at).strftime("%Y-%m-%d %H:%M %Z")
            if run.outcome == ImportOutcome.IMPORTED:
                what = _(
                    "imported: %(created)s added, %(updated)s changed, %(terminated)s terminated"
                ) % {
                    "created": f"{run.created:,}",
                    "updated": f"{run.updated:,}",
                    "terminated": f"{run.terminated:,}",
                }
            else:
                what = ngettext(
                    "refused: %(count)s problem", "refused: %(count)s problems", run.errors
                ) % {"count": f"{run.errors:,}"}
            self.stdout.write(
                f"{when}  {run.actor_label} ({run.get_source_display()})  {run.file_name}  {what}"
            )
