"""Server time of the main pages, one user at a time, on a built demo organization.

    # the demo organization, built once per engine (100,000 people: a few minutes)
    MENTORWISE_DATA_DIR=/tmp/perf-sqlite mentorwise demo --people 100000 --no-serve
    python bench/pages.py --data-dir /tmp/perf-sqlite
    python bench/pages.py --data-dir /tmp/perf-pg \\
        --database-url postgres://postgres@127.0.0.1:5432/perf_load
    # the leadership PDF of a program (best at 2,000 people)
    python bench/pages.py --data-dir /tmp/perf-pdf --pdf leadership-mentoring --reps 5

How it measures: in this process, with production settings (DEBUG off, HTTPS behind a
proxy, the real session and cache backends of the data dir), Django's test `Client` fetches
each main page of tests/main_pages.py (the list the query budgets check) as the role that
uses it. The time of a request is the time `Client.get` takes: the whole middleware stack,
the view and the template, without a network or a web server. Each page is fetched once
to warm the process (imports, templates); then --cold-reps times right after a new data
generation, as after any write (`core.aggregates`: every cached figure is computed again;
on code without that cache these are ordinary requests); then --reps times (a page stops
after --max-seconds, with at least 3 requests: it is over budget anyway); its SQL queries
are counted on one more request.
Prints one table: page, role, the median cold time (after a write), median and p95 server
time in milliseconds, the median CPU
time of this process (what the request cost without waiting for the machine's other work;
the database's own time on PostgreSQL is not in it), queries, requests timed; then
the pages over the budget (--budget-ms, on p95). With --pdf SLUG it times the leadership
report (the program's PDF, as its manager's HR admin downloads it) instead.

The machine's other work slows every figure: the load average is printed with the table.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(args: argparse.Namespace) -> None:
    """Settings for the built demo in `args.data_dir`, Django set up, static files collected
    once (the manifest storage needs them)."""
    args.data_dir = args.data_dir.resolve()
    configure(args)
    import django

    django.setup()
    from django.core.management import call_command

    if not (args.data_dir / "static" / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)


def configure(args: argparse.Namespace) -> None:
    """Production settings, as bench/load.py gives the server (set before Django starts)."""
    os.environ.update(
        {
            "MENTORWISE_DATA_DIR": str(args.data_dir),
            "DJANGO_SETTINGS_MODULE": "mentorwise.settings",
            "DEBUG": "false",
            "SECRET_KEY": "load-test-" + "k" * 50,
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "SECURE_PROXY_SSL_HEADER": "true",
            "MENTORWISE_TASKS": "database",
            "LOG_LEVEL": "WARNING",
        }
    )
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_pages(args: argparse.Namespace) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from mentorwise.accounts.models import User
    from tests.main_pages import PAGES, page_url

    clients: dict[str, Client] = {}
    rows = []
    only = set(args.only.split(",")) if args.only else set()
    pages = [row for row in PAGES if not only or row[1] in only]
    for role, _page, address, _budget in pages:
        if role not in clients:
            clients[role] = Client(HTTP_X_FORWARDED_PROTO="https")
            clients[role].force_login(User.objects.get(username=role))
        response = clients[role].get(page_url(address))  # warms the process (imports, templates)
        assert response.status_code == 200, (role, address, response.status_code)
    if not args.no_freeze:
        _freeze_when_warm()
    for role, page, address, _budget in pages:
        client, url = clients[role], page_url(address)
        cold = []
        for _ in range(args.cold_reps):
            _after_a_write()
            started = time.perf_counter()
            response = client.get(url)
            cold.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (role, url, response.status_code)
        first = statistics.median(cold) if cold else float("nan")
        times, cpu = [], []
        for _ in range(args.reps):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            assert response.status_code == 200, (role, url, response.status_code)
            if sum(times) > args.max_seconds * 1000 and len(times) >= 3:
                break  # a page this slow is over budget at any count; keep the run short
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        rows.append(
            (
                page,
                role,
                first,
                statistics.median(times),
                percentile(times, 0.95),
                statistics.median(cpu),
                len(queries),
                len(times),
            )
        )
        print(f"  {page} ({role}): {rows[-1][4]:.0f} ms p95", file=sys.stderr, flush=True)

    engine = "PostgreSQL" if args.database_url else "SQLite"
    people = _people()
    print(f"\nMain pages, server time: {engine}, {people:,} people, {args.reps} requests each")
    header = f"{'page':<26} {'role':<16} {'cold ms':>8} {'median ms':>9} {'p95 ms':>7} "
    header += f"{'CPU ms':>7} {'queries':>7} {'n':>3}"
    print(header)
    print("-" * len(header))
    for page, role, first, median, p95, cpu_ms, count, n in rows:
        flag = "  over budget" if p95 > args.budget_ms else ""
        print(
            f"{page:<26} {role:<16} {first:>8.1f} {median:>9.1f} {p95:>7.1f} {cpu_ms:>7.1f} "
            f"{count:>7} {n:>3}{flag}"
        )
    worst = max(rows, key=lambda r: r[4])
    over = [r for r in rows if r[4] > args.budget_ms]
    print(f"\nslowest p95: {worst[0]} ({worst[1]}) {worst[4]:.0f} ms; ", end="")
    print(f"{len(over)} of {len(rows)} pages over {args.budget_ms:.0f} ms", end="")
    print(f"; load average {os.getloadavg()[0]:.1f}")
    return 1 if over else 0


def _freeze_when_warm() -> None:
    """What a production worker does once warm (mentorwise.core.warmheap): the objects alive
    now leave the garbage collector's full passes, whose pauses would otherwise land on
    whichever page is timed when one comes (code without it: nothing to do)."""
    try:
        from mentorwise.core import warmheap  # noqa: F401 - only on code that freezes
    except ImportError:
        return
    gc.collect()
    gc.freeze()


def _after_a_write() -> None:
    """Make the next request find no cached aggregate, as after any write (a no-op on code
    without the aggregate cache), so that the first request of a page is its cold cost."""
    try:
        from mentorwise.core.aggregates import invalidate_aggregates
    except ImportError:
        return
    invalidate_aggregates()


def _forget_pdfs() -> None:
    """Make the next request lay the PDF out again and draw its charts anew, as after a
    change of its content (code that reuses identical PDFs, or charts of the same figures)."""
    try:
        from mentorwise.insights import charts, report
    except ImportError:
        return
    getattr(report, "_PDFS", {}).clear()
    drawn = getattr(charts, "DRAWN", None)
    if drawn is not None:
        drawn.clear()


def time_pdf(args: argparse.Namespace) -> int:
    """The PDF laid out from scratch (`--reps` times: as after any change of its content),
    then downloaded again with nothing changed (`--reps` times)."""
    from django.test import Client

    from mentorwise.accounts.models import User

    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.force_login(User.objects.get(username=args.pdf_role))
    url = f"/insights/programs/{args.pdf}/report.pdf"
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(f"\nLeadership PDF of {args.pdf} ({args.pdf_role}), {engine}, {_people():,} people")
    for label, before in (("laid out", _forget_pdfs), ("again, unchanged", lambda: None)):
        times, cpu = [], []
        for _ in range(args.reps):
            before()
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
            assert response.status_code == 200, (url, response.status_code)
        print(
            f"  {label:17} median {statistics.median(times):.2f} s, max {max(times):.2f} s "
            f"over {args.reps} (CPU {statistics.median(cpu):.2f} s), "
            f"{len(response.content):,} bytes"
        )
    print(f"  load average {os.getloadavg()[0]:.1f}")
    return 0


def _people() -> int:
    from mentorwise.people.models import Person

    return Person.objects.count()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--database-url", default="", help="Default: SQLite in the data dir.")
    parser.add_argument("--reps", type=int, default=30, help="Timed requests per page.")
    parser.add_argument("--budget-ms", type=float, default=100.0, help="p95 budget per page.")
    parser.add_argument(
        "--max-seconds", type=float, default=20.0, help="Stop timing a page after this long."
    )
    parser.add_argument("--only", default="", help="Page names (comma list) to time.")
    parser.add_argument(
        "--no-freeze",
        action="store_true",
        help="Leave the warm process's objects in the collector's full passes (see "
        "mentorwise/core/warmheap.py, which production workers apply).",
    )
    parser.add_argument(
        "--cold-reps", type=int, default=3, help="Requests timed right after a write, per page."
    )
    parser.add_argument("--pdf", default="", help="Time this program's leadership PDF.")
    parser.add_argument("--pdf-role", default="hr.admin")
    args = parser.parse_args()
    setup(args)
    return time_pdf(args) if args.pdf else time_pages(args)


if __name__ == "__main__":
    sys.exit(main())
