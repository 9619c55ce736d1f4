"""`mentorwise broadcast`: count, preview or send a message to a segment of a program."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mentorwise.communications.inputs import BroadcastInput
from mentorwise.communications.segments import Segment
from mentorwise.communications.services import (
    broadcast_preview,
    broadcast_send,
)
from mentorwise.core.errors import MentorwiseError
from mentorwise.core.progress import progress_bar
from mentorwise.programs.models import Program


class Command(BaseCommand):
    help = (
        "Send a message to a segment of a program's participants (as the system; audited). "
        "Without --send it only counts and shows the message as the first recipient reads it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("program", help="Program slug.")
        parser.add_argument("--subject", default="", help="One line; {variables} allowed.")
        parser.add_argument("--body-file", help="The text ('-': standard input).")
        parser.add_argument("--template", default="", help="A saved free-form template instead.")
        parser.add_argument("--role", action="append", default=[], help="Repeat for several.")
        parser.add_argument(
            "--status", action="append", default=None, help="Enrollment status (default active)."
        )
        parser.add_argument(
            "--relationship", action="append", default=[], help="active, closed or none."
        )
        parser.add_argument(
            "--health", action="append", default=[], help="on_track, stalled or at_risk."
        )
        parser.add_argument("--cohort-from", default="", help="First month of enrollment, YYYY-MM.")
        parser.add_argument("--cohort-to", default="", help="Last month of enrollment, YYYY-MM.")
        parser.add_argument(
            "--essential", action="store_true", help="Also to the unsubscribed (audited)."
        )
        parser.add_argument(
            "--send",
            type=int,
            metavar="COUNT",
            help="Send, confirming the count a run without --send printed.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        program = Program.objects.filter(slug=options["program"]).first()
        if program is None:
            raise CommandError(f"No program {options['program']!r}.")
        body = ""
        if options["body_file"]:
            source = options["body_file"]
            body = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        data = BroadcastInput(
            subject=options["subject"],
            body=body,
            template=options["template"],
            essential=options["essential"],
            segment=Segment(
                roles=tuple(options["role"]),
                enrollment_statuses=tuple(options["status"] or ["active"]),
                relationships=tuple(options["relationship"]),
                health=tuple(options["health"]),
                cohort_from=options["cohort_from"],
                cohort_to=options["cohort_to"],
            ),
        )
        try:
            if options["send"] is None:
                preview = broadcast_preview(actor=None, program=program, data=data)
                audience = preview.audience
                self.stdout.write(
                    f"recipients: {audience.count}, unsubscribed (left out): "
                    f"{audience.unsubscribed}, left or erased (left out): {audience.gone}"
                )
                if preview.sample:
                    sample = preview.sample
                    self.stdout.write(f"\nAs {sample.recipient} reads it:\n{sample.subject}\n")
                    self.stdout.write(sample.body)
                self.stdout.write(f"\nTo send it: the same command with --send {audience.count}")
                return
            with progress_bar() as progress:
                broadcast = broadcast_send(
                    actor=None,
                    program=program,
                    data=data,
                    expected=options["send"],
                    progress=progress,
                )
        except MentorwiseError as error:
            details = "; ".join(str(e) for e in getattr(error, "errors", []))
            raise CommandError(f"{error.message} {details}".strip()) from error
        self.stdout.write(
            f"broadcast {broadcast.pk}: {broadcast.status}, sent {broadcast.sent_count}, "
            f"left out at send time {broadcast.skipped_count}"
        )
