"""`mentorwise translations update|check`: keep the translation catalogs in step with the code."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mentorwise.core import catalogs


class Command(BaseCommand):
    help = (
        "update: extract every translatable text into the catalogs in mentorwise/locale "
        "(keeping existing translations), fill the pseudo-locale and compile. "
        "check: fail if the catalogs are not what the code asks for, if a shipped language "
        "has an untranslated or fuzzy entry, or if a compiled catalog is stale. "
        "Needs GNU gettext (xgettext, msgmerge). See docs/translation.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["update", "check"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "update":
            for path in catalogs.update():
                self.stdout.write(f"wrote {path.relative_to(catalogs.PACKAGE_DIR.parent)}")
            return
        problems = catalogs.check()
        if problems:
            raise CommandError("\n".join(problems.lines()))
        self.stdout.write("The catalogs are in sync with the code and complete.")
