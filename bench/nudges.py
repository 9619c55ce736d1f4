"""The nudge run at scale: every message queued for a 100,000-person organization with
20,000 relationships within 60 s (issue 17, item 8).

    python bench/nudges.py                                   # SQLite in a temporary directory
    python bench/nudges.py --database-url postgres://postgres@127.0.0.1:5432/bench_nudges
    python bench/nudges.py --people 20000 --relationships 4000   # a quicker look

How it measures: a fresh database (migrated; on PostgreSQL the database named in the URL is
dropped and created again), the organization built with bulk_create (people, one program,
a mentee and a mentor enrollment per relationship, the accepted matches, the relationships,
started 60 days ago with their last meeting 45 days ago, so every pair is due a meeting
reminder and a check-in prompt, and every tenth relationship's agreement waits for
confirmation), a hundred people with "mute non-essential reminders" on. Then one timed
`nudges_run()` with the production task backend (django-tasks' database backend): the time
until it returns is the time until every message is queued — the Notification rows
written and their delivery tasks in the task table (nothing is delivered: no worker runs).
Prints one table: the phases, their seconds, the rows they made (and for the run its
queries and the CPU seconds of this process: on a shared machine compare those, not only
the wall time), and the verdict against the 60 s budget (exit status 1 when over it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGET_SECONDS = 60.0


def configure(args: argparse.Namespace) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "mentorwise.settings"
    os.environ["MENTORWISE_TASKS"] = "database"
    os.environ.setdefault("MENTORWISE_DATA_DIR", args.data_dir)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
        name = args.database_url.rsplit("/", 1)[1]
        base = args.database_url.rsplit("/", 1)[0]
        for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
            subprocess.run(
                ["psql", f"{base}/postgres", "-q", "-c", sql],
                check=True,
            )
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{args.data_dir}/bench.sqlite3"


def build(people: int, relationships: int) -> dict[str, int]:
    from django.utils import timezone

    from mentorwise.matches.models import Match, MatchSource, MatchStatus, Response
    from mentorwise.messaging.models import ChannelPreference
    from mentorwise.notifications.models import NudgeSettings
    from mentorwise.people.models import Person
    from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program, ProgramStatus
    from mentorwise.programs.services import program_create_from_template
    from mentorwise.relationships.models import (
        Agreement,
        AgreementVersion,
        Relationship,
        RelationshipStatus,
    )

    now = timezone.now()
    Person.objects.bulk_create(
        [
            Person(
                employee_id=f"B{n:06d}",
                first_name=f"First{n}",
                last_name=f"Last{n}",
                email=f"p{n}@bench.example",
                time_zone=("Europe/Berlin", "America/New_York", "Asia/Tokyo")[n % 3],
                languages=["en"],
                path=f"/{n}/",
            )
            for n in range(people)
        ],
        batch_size=5000,
    )
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    program = program_create_from_template(
        actor=None, template_key="hipo_leadership", name="Bench program", slug="bench"
    )
    Program.objects.filter(pk=program.pk).update(
        status=ProgramStatus.ACTIVE, mentor_training_required=False, auto_close_stalled=False
    )
    enrollments = []
    for n in range(relationships):
        for role, person_id in (("mentee", ids[2 * n]), ("mentor", ids[2 * n + 1])):
            enrollments.append(
                Enrollment(
                    program=program, person_id=person_id, role=role, status=EnrollmentStatus.ACTIVE
                )
            )
    Enrollment.objects.bulk_create(enrollments, batch_size=5000)
    by_person = dict(Enrollment.objects.filter(program=program).values_list("person_id", "pk"))
    Match.objects.bulk_create(
        [
            Match(
                program=program,
                mentee_id=by_person[ids[2 * n]],
                mentor_id=by_person[ids[2 * n + 1]],
                source=MatchSource.MANUAL,
                status=MatchStatus.ACCEPTED,
                mentee_response=Response.ACCEPTED,
                mentor_response=Response.ACCEPTED,
            )
            for n in range(relationships)
        ],
        batch_size=5000,
    )
    started = now - dt.timedelta(days=60)
    Relationship.objects.bulk_create(
        [
            Relationship(
                match_id=match_id,
                program=program,
                mentee_id=mentee_id,
                mentor_id=mentor_id,
                status=RelationshipStatus.ACTIVE,
                started_at=started,
                last_meeting_at=now - dt.timedelta(days=45),
            )
            for match_id, mentee_id, mentor_id in Match.objects.filter(program=program).values_list(
                "pk", "mentee_id", "mentor_id"
            )
        ],
        batch_size=5000,
    )
    rel_ids = list(Relationship.objects.values_list("pk", flat=True))
    Agreement.objects.bulk_create(
        [Agreement(relationship_id=pk) for pk in rel_ids[::10]], batch_size=5000
    )
    AgreementVersion.objects.bulk_create(
        [
            AgreementVersion(agreement_id=pk, number=1, created_at=started)
            for pk in Agreement.objects.values_list("pk", flat=True)
        ],
        batch_size=5000,
    )
    # Muted as the reminders page mutes: the setting and the per-kind preferences.
    NudgeSettings.objects.bulk_create(
        [NudgeSettings(person_id=pk, mute_non_essential=True) for pk in ids[:100]]
    )
    ChannelPreference.objects.bulk_create(
        [
            ChannelPreference(person_id=pk, kind=kind, channels=[])
            for pk in ids[:100]
            for kind in ("nudge", "survey", "checkin")
        ]
    )
    return {"people": len(ids), "relationships": len(rel_ids)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--relationships", type=int, default=20_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--data-dir", default="")
    parser.add_argument("--profile", action="store_true", help="Print where the run spends.")
    args = parser.parse_args()
    if 2 * args.relationships > args.people:
        parser.error("--relationships needs two people each")
    args.data_dir = args.data_dir or tempfile.mkdtemp(prefix="bench-nudges-")
    configure(args)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from mentorwise.messaging.models import Notification
    from mentorwise.notifications.models import Nudge
    from mentorwise.notifications.services import nudges_run

    rows: list[tuple[str, float, str]] = []
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    rows.append(("migrate", time.perf_counter() - started, ""))
    started = time.perf_counter()
    built = build(args.people, args.relationships)
    rows.append(
        (
            "build the organization",
            time.perf_counter() - started,
            f"{built['people']:,} people, {built['relationships']:,} relationships",
        )
    )
    DBTaskResult.objects.all().delete()
    # A worker or cron process has its URLconf loaded after the first reverse(); load it
    # before the clock starts (on this machine the imports alone take many seconds).
    from django.urls import reverse

    reverse("home")
    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    started, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(count):
        if args.profile:
            import cProfile
            import pstats

            profile = cProfile.Profile()
            result = profile.runcall(nudges_run)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(45)
        else:
            result = nudges_run()
    queued = time.perf_counter() - started
    cpu = time.process_time() - cpu
    notifications = Notification.objects.count()
    tasks = DBTaskResult.objects.count()
    queued_ids = sum(len(t.args_kwargs["args"][0]) for t in DBTaskResult.objects.all())
    rows.append(
        (
            "nudge run: every message queued",
            queued,
            f"{Nudge.objects.count():,} nudges, {notifications:,} notifications, "
            f"{tasks:,} delivery tasks for {queued_ids:,} notifications; "
            f"{queries:,} queries, {cpu:.1f} s of this process's CPU",
        )
    )
    print(f"\nNudge run on {connection.vendor} ({result.summary()})\n")
    print(f"{'phase':<34} {'seconds':>8}  rows")
    for phase, seconds, what in rows:
        print(f"{phase:<34} {seconds:>8.1f}  {what}")
    ok = queued <= BUDGET_SECONDS and queued_ids == notifications
    verdict = "within" if ok else "OVER"
    print(f"\n{verdict} the budget of {BUDGET_SECONDS:.0f} s; load average {os.getloadavg()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
