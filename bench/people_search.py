"""Benchmark the people search and the e-mail lookups at 100,000 people, before and after.

    python bench/people_search.py                      # SQLite and PostgreSQL, 100,000 people
    python bench/people_search.py --engines sqlite --people 20000 --reps 10

For each engine, in a scratch database (SQLite: a new file; PostgreSQL: the database named
by --postgres-url, dropped and created again), the benchmark migrates the people app to the
state before its search indexes (0005), imports a synthetic organization
(people.generator), times the old code path (kept below as the reference), migrates to
0006 (which builds the indexes; its time is printed) and times the code the page, the API
and the sign-in/SCIM lookups run now. Both paths must return the same people.

What is timed, per query (the database work of one request, no template):
- page search: `person_list` + the page's paginator (a count and the first 50 in name order);
- API search: `GET /api/people?q=...` (the first 100 in id order);
- e-mail lookup: one person by e-mail address, whatever its case.
Prints one table: median and p95 in milliseconds, before and after, on each engine, and
the machine's load average (other work on the machine slows every figure).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The migration that built the search indexes: its operations are undone on the current
# schema for "before" and done again, timed, for "after" (migrating the people app back to
# 0005 would leave the later columns out of the tables the import writes).
INDEXES = "0006_person_search_indexes"
PAGE_SIZE = 50
API_LIMIT = 100


def old_search_q(q: str) -> Any:
    """The search as `people.selectors.person_list` wrote it before `people.search` (reference)."""
    from django.db.models import Q

    terms = Q()
    for word in q.split()[:5]:
        terms &= (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__iexact=word)
            | Q(employee_id__iexact=word)
        )
    return terms


def queries(rng: random.Random, people: list[tuple[str, str, str, str]]) -> dict[str, list[str]]:
    """Queries of each kind, made from random people of the organization."""

    def pick() -> tuple[str, str, str, str]:
        return people[rng.randrange(len(people))]

    def part(name: str) -> str:
        start = rng.randrange(max(1, len(name) - 3))
        return name[start : start + 4].lower()

    kinds: dict[str, list[str]] = {
        "part of a last name": [],
        "first and last name": [],
        "whole e-mail (upper case)": [],
        "employee id (lower case)": [],
        "no one": [],
        "two letters": [],
    }
    for _ in range(64):
        first, last, email, employee_id = pick()
        kinds["part of a last name"].append(part(last))
        kinds["first and last name"].append(f"{first} {last}")
        kinds["whole e-mail (upper case)"].append(email.upper())
        kinds["employee id (lower case)"].append(employee_id.lower())
        kinds["no one"].append(f"zq{rng.randrange(10_000):04d}x")
        kinds["two letters"].append(part(first)[:2])
    return kinds


def timed(run: Callable[[str], Any], words: list[str], reps: int) -> tuple[list[float], list[Any]]:
    run(words[0])  # warm the caches the first request of a running server has warmed
    times, results = [], []
    for word in words[:reps]:
        started = time.perf_counter()
        results.append(run(word))
        times.append((time.perf_counter() - started) * 1000)
    return times, results


def worker(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorwise.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.paginator import Paginator
    from django.db import connection

    call_command("migrate", verbosity=0, skip_checks=True)
    search_indexes(build=False)

    from mentorwise.accounts.models import User
    from mentorwise.core.lookups import lower_equals
    from mentorwise.people.generator import generate_org
    from mentorwise.people.models import Person
    from mentorwise.people.selectors import person_list
    from mentorwise.people.services import people_import

    def log(text: str) -> None:
        print(f"[{connection.vendor}] {text}", file=sys.stderr, flush=True)

    org = generate_org(args.people, args.seed)
    with tempfile.TemporaryDirectory() as scratch:
        csv_path = Path(scratch) / "people.csv"
        org.write_csv(csv_path)
        started = time.perf_counter()
        people_import(actor=None, data=csv_path.read_bytes(), file_name="people.csv")
        log(f"imported {Person.objects.count():,} people in {time.perf_counter() - started:.1f} s")
    actor = User.objects.create(username="bench.hr", is_hr_admin=True)
    rows = list(Person.objects.values_list("first_name", "last_name", "email", "employee_id"))
    kinds = queries(random.Random(args.seed), rows)

    def analyze() -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def page(search: Callable[[str], Any]) -> Callable[[str], Any]:
        def run(q: str) -> tuple[int, list[tuple[int, int | None]]]:
            found = Paginator(search(q), PAGE_SIZE).get_page(1)
            return found.paginator.count, [(p.pk, p.manager_id and p.manager.pk) for p in found]

        return run

    def api(search: Callable[[str], Any]) -> Callable[[str], Any]:
        return lambda q: [p.pk for p in search(q)[:API_LIMIT]]

    # The old code path: the selector's filter then, the view's and the API's orders.
    def old_page(q: str) -> Any:
        return Person.objects.filter(old_search_q(q)).select_related("manager")

    def old_api(q: str) -> Any:
        return old_page(q).order_by("id")

    # The code path now, as the view and the API call it.
    def new_page(q: str) -> Any:
        return person_list(actor=actor, filters={"q": q}).prefetch_related("manager")

    def new_api(q: str) -> Any:
        return person_list(actor=actor, filters={"q": q}, order="id")

    emails = kinds.pop("whole e-mail (upper case)")

    Search = Callable[[str], Any]

    def measure(label: str, searches: tuple[Search, Search], lookup: Search) -> dict[str, Any]:
        page_search, api_search = searches
        out: dict[str, Any] = {}
        for kind, words in kinds.items():
            out[f"page search: {kind}"] = timed(page(page_search), words, args.reps)
            out[f"API search: {kind}"] = timed(api(api_search), words, args.reps)
        out["page search: whole e-mail (upper case)"] = timed(page(page_search), emails, args.reps)
        out["e-mail lookup (upper case)"] = timed(lookup, emails, args.reps)
        log(f"timed {label}")
        return out

    load_start = os.getloadavg()[0]
    analyze()
    before = measure(
        "before",
        (old_page, old_api),
        lambda e: Person.objects.filter(email__iexact=e).values_list("pk").first(),
    )
    started = time.perf_counter()
    search_indexes(build=True)
    migrated = time.perf_counter() - started
    log(f"migration {INDEXES}: {migrated:.1f} s")
    analyze()
    after = measure(
        "after",
        (new_page, new_api),
        lambda e: Person.objects.filter(lower_equals("email", e)).values_list("pk").first(),
    )
    table = []
    for name, (times_before, found_before) in before.items():
        times_after, found_after = after[name]
        if found_before != found_after:
            raise SystemExit(f"{name}: the search found other people after the change")
        table.append(
            {
                "engine": connection.vendor,
                "operation": name,
                "before": summary(times_before),
                "after": summary(times_after),
            }
        )
    load = (load_start, os.getloadavg()[0])
    print(json.dumps({"rows": table, "migration_s": migrated, "load": load}))


def search_indexes(*, build: bool) -> None:
    """Do (`build`) or undo the operations of the people app's migration INDEXES: its
    expression indexes on the person table and its name search (SQLite's trigram table with
    its triggers, PostgreSQL's trigram indexes), as the migration does them."""
    import importlib

    from django.db import connection, migrations

    from mentorwise.people.models import Person

    migration = importlib.import_module(f"mentorwise.people.migrations.{INDEXES}")
    with connection.schema_editor() as editor:
        for operation in migration.Migration.operations:
            if isinstance(operation, migrations.AddIndex):
                if build:
                    editor.add_index(Person, operation.index)
                else:
                    editor.remove_index(Person, operation.index)
        if build:
            migration.create_name_search(None, editor)
        else:
            migration.drop_name_search(None, editor)


def summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def run_engine(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    env = {**os.environ, "LOG_LEVEL": "WARNING"}
    with tempfile.TemporaryDirectory(prefix="mw-bench-search-") as data_dir:
        env["MENTORWISE_DATA_DIR"] = data_dir
        if engine == "postgresql":
            recreate_database(args.postgres_url)
            env["DATABASE_URL"] = args.postgres_url
        else:
            env.pop("DATABASE_URL", None)
        command = [sys.executable, __file__, "--worker", "--people", str(args.people)]
        command += ["--reps", str(args.reps), "--seed", str(args.seed)]
        env["PYTHONPATH"] = str(ROOT)
        done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    sys.stderr.write(done.stderr)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def recreate_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    if name in ("test", "postgres", "mentorwise"):
        raise SystemExit(f"Refusing to drop database {name!r}: name a scratch one.")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=40, help="timed queries of each kind")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres-url", default="postgres://postgres@127.0.0.1:5432/mw_bench_people_search"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    results = {engine: run_engine(engine, args) for engine in args.engines.split(",")}
    print(f"\nPeople search at {args.people:,} people, {args.reps} queries of each kind (ms)\n")
    columns = ("before med", "p95", "after med", "p95")
    header = f"{'engine':<11}{'operation':<44}" + "".join(f"{c:>11}" for c in columns)
    print(header)
    print("-" * len(header))
    for engine, result in results.items():
        for row in result["rows"]:
            (b50, b95), (a50, a95) = row["before"], row["after"]
            figures = f"{b50:>11.1f}{b95:>11.1f}{a50:>11.1f}{a95:>11.1f}"
            print(f"{engine:<11}{row['operation']:<44}{figures}")
        print(f"{engine:<11}{'migration ' + INDEXES + ' (s)':<44}{result['migration_s']:>44.1f}")
        start, end = result["load"]
        print(f"{engine:<11}machine load average (1 min): {start:.1f} -> {end:.1f}")


if __name__ == "__main__":
    main()
