"""`mentorwise sync-training`: bring the built-in training modules up to date with their files."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

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
                _("Module files are not valid:\n%(errors)s")
                % {"errors": "\n".join(f"  {e}" for e in error.errors)}
            ) from error
        for slug in result.skipped:
            self.stderr.write(
                _("Skipped %(slug)s: an organization module already uses this slug.")
                % {"slug": slug}
            )
        self.stdout.write(
            _(
                "Training modules: %(added)s added, %(updated)s updated, %(unchanged)s "
                "unchanged, %(retired)s retired."
            )
            % {
                "added": len(result.created),
                "updated": len(result.updated),
                "unchanged": len(result.unchanged),
                "retired": len(result.retired),
            }
        )
