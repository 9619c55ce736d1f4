"""`mentorwise sync-training`: bring the built-in training modules up to date with their files."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mentorwise.core.errors import InvalidInput
from mentorwise.learning.services import modules_sync_builtin


class Command(BaseCommand):
    help = (
        "Create and update the built-in training modules from the Markdown files shipped with "
        "Mentorwise (also done after every `migrate`). Modules that admins wrote are left alone."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = modules_sync_builtin(actor=None)
        except InvalidInput as error:
            raise CommandError(
                "Module files are not valid:\n" + "\n".join(f"  {e}" for e in error.errors)
            ) from error
        for slug in result.skipped:
            self.stderr.write(f"Skipped {slug}: an organization module already uses this slug.")
        self.stdout.write(
            f"Training modules: {len(result.created)} added, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged, {len(result.retired)} retired."
        )
