"""`mentorwise demo`: migrate, seed a demo organization once, print the logins, serve."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from mentorwise.core.languages import available
from mentorwise.core.outbox import outbox_active
from mentorwise.core.progress import progress_bar
from mentorwise.demo.seed import (
    DEMO_LANGUAGE,
    DEMO_PASSWORD,
    demo_is_seeded,
    demo_logins,
    demo_logins_language,
    demo_seed,
)


class Command(BaseCommand):
    help = "Set up a populated demo organization (once) and serve it on 127.0.0.1:8000."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=2000, help="Head count (default 2000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument("--reset", action="store_true", help="Delete all data and seed again.")
        parser.add_argument("--no-serve", action="store_true", help="Seed only; do not serve.")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Address to serve on.")
        parser.add_argument(
            "--language",
            default=DEMO_LANGUAGE,
            choices=[*(language.code for language in available()), "auto"],
            help="Language of the demo logins (default English); auto: each person's HRIS "
            "language, e.g. Japanese for the HR admin in Tokyo.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        if options["people"] < 50:
            raise CommandError(f"--people {options['people']}: the demo needs at least 50 people")
        call_command("migrate", interactive=False, verbosity=0)
        if options["reset"]:
            call_command("flush", interactive=False, verbosity=0)
            self.stdout.write("All data deleted (--reset).")
        if demo_is_seeded():
            self.stdout.write(
                "The demo organization is already there; reusing it (--reset starts over)."
            )
        else:
            started = time.perf_counter()
            with progress_bar(enabled=options["verbosity"] > 0) as progress:
                try:
                    result = demo_seed(
                        people=options["people"],
                        seed=options["seed"],
                        progress=progress,
                        language="" if options["language"] == "auto" else options["language"],
                    )
                except RuntimeError as error:
                    raise CommandError(str(error)) from error
            if connection.vendor == "postgresql":
                # Planner statistics for the tables just filled: without them (autovacuum off,
                # or not yet run) PostgreSQL guesses row counts and picks per-row scans.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Seeded {result.people:,} people, {len(result.programs)} programs and "
                    f"{result.enrollments:,} enrollments in {time.perf_counter() - started:.1f} s."
                )
            )
            if result.states:
                states = ", ".join(f"{n} {state}" for state, n in sorted(result.states.items()))
                self.stdout.write(f"Matches and relationships: {states}.")
        language = "" if options["language"] == "auto" else options["language"]
        demo_logins_language(language)
        self._print_logins(options["addr"])
        if not options["no_serve"]:
            self._serve(options["addr"])

    def _serve(self, addr: str) -> None:
        """Serve the web app, with a background worker for emails and large matching runs."""
        # Errors are answered as in production: the product's error pages, never Django's
        # technical ones (they list every URL pattern and show settings and paths). What
        # DEBUG decided at start-up stays: the development key, cookies over plain HTTP and
        # static files served from the source tree.
        settings.DEBUG = False
        env = dict(os.environ)
        if "MENTORWISE_BASE_URL" not in env:
            # Links in the e-mails (read in the outbox) lead to this server.
            env["MENTORWISE_BASE_URL"] = settings.MENTORWISE_BASE_URL = f"http://{addr}"
        worker = subprocess.Popen(
            [sys.executable, "-m", "mentorwise", "db_worker", "--interval", "1", "--no-reload"],
            stdout=subprocess.DEVNULL if self.verbosity < 2 else None,
            env=env,
        )
        self.stdout.write(f"Background worker started (pid {worker.pid}); Ctrl-C stops both.")
        try:
            call_command("runserver", addr, use_reloader=False, skip_checks=True)
        finally:
            worker.terminate()
            worker.wait(timeout=10)

    def _print_logins(self, addr: str) -> None:
        self.stdout.write(f"\nOpen http://{addr}/ and log in with password “{DEMO_PASSWORD}” as:")
        for login in demo_logins():
            self.stdout.write(
                f"  {login.username:<16} {login.role:<16} {login.name} — {login.what}"
            )
        if outbox_active():
            self.stdout.write(
                f"\nE-mails are kept, not sent: hr.admin reads them at http://{addr}/outbox/"
            )
