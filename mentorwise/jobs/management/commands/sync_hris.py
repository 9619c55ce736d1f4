"""`mentorwise sync-hris`: run the HR connectors (cron: every 15 minutes with --all-due)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mentorwise.connectors.models import Connector, ConnectorRun, RunOutcome, RunTrigger
from mentorwise.connectors.services import connector_run, connector_test, sync_due


class Command(BaseCommand):
    help = (
        "Run the HR connectors (Workday, SuccessFactors, BambooHR, SFTP) into the people "
        "import. --all-due runs those whose schedule is due: safe to run from cron every 15 "
        "minutes. --connector NAME runs one now; --dry-run previews (nothing written); --test "
        "only checks the connection. Exit status 1 when a run failed, was refused or is held."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--connector", metavar="NAME", help="Run (or test) this connector.")
        parser.add_argument("--all-due", action="store_true", help="Run every due connector.")
        parser.add_argument("--dry-run", action="store_true", help="Preview: write nothing.")
        parser.add_argument("--test", action="store_true", help="Test the connection only.")
        parser.add_argument(
            "--confirm-terminations",
            type=int,
            metavar="N",
            help="With --connector: a whole-workforce run held for terminating more than the "
            "limit imports when it terminates at most N people (the number the held run "
            "reported).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["connector"]
        if not name and not options["all_due"]:
            if options["test"]:
                connectors = list(Connector.objects.all())
            else:
                raise CommandError("Give --connector NAME or --all-due.")
        elif name:
            connector = Connector.objects.filter(name=name).first()
            if connector is None:
                known = ", ".join(Connector.objects.values_list("name", flat=True)) or "none"
                raise CommandError(f"No connector named {name!r} (known: {known}).")
            connectors = [connector]
        else:
            connectors = []
        if options["test"]:
            failed = False
            for connector in connectors:
                outcome = connector_test(actor=None, connector=connector)
                mark = "ok" if outcome.ok else "FAILED"
                self.stdout.write(f"{connector.name}: {mark}: {outcome.message}")
                failed |= not outcome.ok
            if failed:
                raise SystemExit(1)
            return
        if options["all_due"] and not name:
            runs = sync_due(dry_run=options["dry_run"]).runs
            if not runs:
                self.stdout.write("No HR connector was due.")
        else:
            runs = [
                connector_run(
                    actor=None,
                    connector=connectors[0],
                    dry_run=options["dry_run"],
                    confirmed_terminations=options["confirm_terminations"],
                    trigger=RunTrigger.COMMAND,
                )
            ]
        bad = False
        for run in runs:
            self.stdout.write(_describe(run))
            bad |= run.outcome in (RunOutcome.FAILED, RunOutcome.REFUSED, RunOutcome.HELD)
        if bad:
            raise SystemExit(1)


def _describe(run: ConnectorRun) -> str:
    text = f"{run.connector.name}: {run.get_outcome_display()}"
    if run.outcome in (RunOutcome.IMPORTED, RunOutcome.PREVIEWED):
        text += (
            f" ({run.records} records: {run.created} created, {run.updated} updated, "
            f"{run.terminated} terminated)"
        )
    if run.held_terminations:
        text += f"; {run.held_terminations} terminations wait for an HR admin's confirmation"
    if run.error:
        text += f": {run.error}"
    return text
