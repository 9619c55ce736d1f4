"""`mentorwise content status|export|import`: program and module texts in other languages
at the terminal, exchanged as PO files (the same checks as the translation page)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentorwise.content.access import access_target
from mentorwise.content.po import po_export, po_parse
from mentorwise.content.services import saved_text, shipped_translations_fill, translations_save
from mentorwise.content.status import status_overview
from mentorwise.content.targets import KINDS
from mentorwise.core.errors import MentorwiseError
from mentorwise.core.inputs import problems_text


def _target_arguments(parser: CommandParser) -> None:
    parser.add_argument("kind", choices=KINDS, help="program or module")
    parser.add_argument("slug", help="The program's or module's slug.")
    parser.add_argument("--language", required=True, help="Language code, e.g. de.")


class Command(BaseCommand):
    help = "Translate programs and training modules: status, and PO files out and in."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        commands.add_parser("status", help="Missing and out-of-date translations per language.")
        commands.add_parser(
            "fill",
            help="Store the shipped translations of texts Mentorwise wrote (template texts, "
            "default survey questions, built-in modules) where none is current.",
        )
        export = commands.add_parser("export", help="Write a PO file of one language's texts.")
        _target_arguments(export)
        export.add_argument("--output", default="-", help="File to write ('-': standard output).")
        load = commands.add_parser("import", help="Read translations from a PO file.")
        _target_arguments(load)
        load.add_argument("file", help="The PO file ('-': standard input).")

    def handle(self, *args: Any, **options: Any) -> None:
        # The operator at the terminal acts as the system (actor None); saves are audited.
        try:
            if options["action"] == "status":
                self._status()
                return
            if options["action"] == "fill":
                stored = shipped_translations_fill()
                self.stdout.write(
                    ngettext(
                        "%(n)s shipped translation stored.",
                        "%(n)s shipped translations stored.",
                        stored,
                    )
                    % {"n": stored}
                )
                return
            target = access_target(actor=None, kind=options["kind"], slug=options["slug"])
            if options["action"] == "export":
                text = po_export(target, options["language"])
                if options["output"] == "-":
                    self.stdout.write(text, ending="")
                else:
                    Path(options["output"]).write_text(text, encoding="utf-8")
                return
            name = options["file"]
            content = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
            texts = po_parse(target, content, options["language"])
            result = translations_save(
                actor=None, target=target, language=options["language"], texts=texts
            )
        except MentorwiseError as error:
            raise CommandError(problems_text(error)) from error
        except OSError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(saved_text(result))

    def _status(self) -> None:
        for row in status_overview(None):
            target = row.target
            parts = []
            for language, counts in sorted(row.counts.items()):
                if counts.complete:
                    parts.append(_("%(language)s complete") % {"language": language})
                else:
                    parts.append(
                        _("%(language)s %(missing)s missing, %(outdated)s out of date")
                        % {
                            "language": language,
                            "missing": counts.missing,
                            "outdated": counts.outdated,
                        }
                    )
            self.stdout.write(
                f"{target.kind} {target.slug} ({target.language}): " + "; ".join(parts)
            )
