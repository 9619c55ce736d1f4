"""Benchmark the HRIS import: generate an organization, import it into a fresh database.

    python bench/import_people.py --people 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mw_bench python bench/import_people.py

Prints generation time, import time and rows per second, the time of a second import of
the same file (which must change nothing), and the peak memory of the process. With SQLite
(the default) the database is a new file in a temporary folder; with DATABASE_URL the people
tables of that database are emptied first, so point it at a scratch database.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    scratch = tempfile.TemporaryDirectory(prefix="mw-bench-")
    os.environ.setdefault("MENTORWISE_DATA_DIR", scratch.name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorwise.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from mentorwise.people.generator import generate_org
    from mentorwise.people.models import Demographics, Person
    from mentorwise.people.services import people_import

    db = settings.DATABASES["default"]
    if not str(db["ENGINE"]).endswith(".sqlite3") and db["NAME"] in ("test", "postgres"):
        sys.exit(
            f"Refusing to empty the people tables of database {db['NAME']!r}: use a scratch one."
        )
    call_command("migrate", verbosity=0, skip_checks=True)
    Demographics.objects.all().delete()
    Person.objects.all().delete()
    print(f"database: {connection.vendor} {db['NAME']}")

    started = time.perf_counter()
    org = generate_org(args.people, args.seed)
    generated = time.perf_counter() - started
    csv_path = Path(scratch.name) / "people.csv"
    org.write_csv(csv_path)
    data = csv_path.read_bytes()
    print(f"generate {args.people:,} people: {generated:.2f} s; CSV {len(data) / 1e6:.1f} MB")

    started = time.perf_counter()
    first = people_import(actor=None, data=data, file_name=csv_path.name)
    elapsed = time.perf_counter() - started
    assert first.created == args.people, first.summary()
    print(f"first import: {elapsed:.2f} s, {args.people / elapsed:,.0f} rows/s ({first.summary()})")

    started = time.perf_counter()
    again = people_import(actor=None, data=data, file_name=csv_path.name)
    elapsed_again = time.perf_counter() - started
    assert not again.changed_anything, again.summary()
    print(f"second import (same file): {elapsed_again:.2f} s ({again.summary()})")

    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak memory (max RSS): {peak_kb / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
