"""`mentorwise serve`: the production web server (gunicorn), configured from the environment."""

from __future__ import annotations

import os
import shlex
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise CommandError(f"{name}={raw!r}: must be a whole number") from None
    if value < 1:
        raise CommandError(f"{name}={value}: must be at least 1")
    return value


def default_workers() -> int:
    # One process per core and one more, which takes up a core while another waits on the
    # database: measured under load at 50 users on 2 cores (docs/performance.md, eleventh
    # round), 3 processes answered more requests with shorter tails than 5 or 8.
    # Capped: each process holds its own database connection and memory.
    return min((os.cpu_count() or 1) + 1, 8)


def worker_class(threads: int) -> str:
    """Single-threaded processes are gunicorn's sync workers: one request at a time, each
    taken from the socket they all share only when the process is free, so a request waits
    for whichever process frees first. Threaded (gthread) processes hold their own queues
    of kept-alive connections: under load one process had a queue while the other was idle,
    and a process's threads took turns on its one interpreter lock."""
    return "sync" if threads == 1 else "gthread"


class Command(BaseCommand):
    help = (
        "Run Mentorwise under gunicorn (one request per process at a time unless --threads; "
        "static files from WhiteNoise). "
        "Defaults come from MENTORWISE_BIND, WEB_CONCURRENCY, GUNICORN_THREADS, "
        "GUNICORN_TIMEOUT and FORWARDED_ALLOW_IPS; see docs/deployment.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            default=os.environ.get("MENTORWISE_BIND", "127.0.0.1:8000"),
            help="Address to listen on (default $MENTORWISE_BIND or 127.0.0.1:8000).",
        )
        parser.add_argument("--workers", type=int, help="Processes (default $WEB_CONCURRENCY).")
        parser.add_argument(
            "--threads",
            type=int,
            help="Threads per process (default 1; more makes threaded workers).",
        )
        parser.add_argument(
            "--timeout",
            type=int,
            help="Seconds before a stuck request's worker is restarted (default 120).",
        )
        parser.add_argument(
            "--skip-collectstatic",
            action="store_true",
            help="Do not collect static files first (do it once at deploy time instead).",
        )
        parser.add_argument(
            "--print", action="store_true", help="Print the gunicorn command and exit."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workers = options["workers"] or _env_int("WEB_CONCURRENCY", default_workers())
        threads = options["threads"] or _env_int("GUNICORN_THREADS", 1)
        timeout = options["timeout"] or _env_int("GUNICORN_TIMEOUT", 120)
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "mentorwise.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            worker_class(threads),
            # The parent loads and warms the application once (core.warmup); workers, the
            # first ones and those that replace them, are forked warm.
            "--preload",
            "--config",
            "python:mentorwise.core.gunicorn_conf",
            "--timeout",
            str(timeout),
            "--graceful-timeout",
            "30",
            "--keep-alive",
            "5",
            # Recycle workers now and then (staggered) so that slow leaks never pile up.
            "--max-requests",
            "2000",
            "--max-requests-jitter",
            "200",
            # Requests are logged by Mentorwise itself (one line each, JSON if configured).
            "--error-logfile",
            "-",
            "--forwarded-allow-ips",
            os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
            # Its default path in $HOME would clash between instances; nothing uses it.
            "--no-control-socket",
        ]
        if options["print"]:
            self.stdout.write(shlex.join(argv))
            return
        if not options["skip_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - replace this process: signals reach gunicorn
