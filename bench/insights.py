"""Benchmark the insights selectors on a large data set against the 500 ms dashboard budget.

    python bench/insights.py
    python bench/insights.py --people 20000 --relationships 4000 --meetings 40000 --repeat 3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mw_insights_bench python bench/insights.py

Builds 100,000 people (HRIS import), 7 programs from the templates, their enrollments and
matches, 20,000 relationships with agreements, 200,000 meetings, check-ins, goals, surveys,
safety reports and training over the last 12 months (see `bench/insights_data.py`), printing
the time of each stage. Then times each selector of `mentorwise.insights.health` on the
largest program, `programs_overview` for an HR admin, `disclosure.protect_table` on an
8 department × 6 program breakdown, the equity of access selectors, page and CSV, and the
pipeline selector, page and CSV, the outcomes selector (cold and cached), page and CSV,
and prints a Markdown table: median and max of --repeat
runs (after one warm-up run, which also counts the queries) and whether the median is within
budget. Then renders each dashboard page whole (routing, middleware, template, charts) as
the HR admin and times it the same way.

With SQLite (the default) the database is a new file in a temporary folder. With
DATABASE_URL every table of that database is emptied first, so point it at a scratch one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BUDGET_MS = 500.0
# The scratch PostgreSQL database must not be one of these: the benchmark empties it.
REFUSED_DATABASES = ("test", "postgres", "mentorwise")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--relationships", type=int, default=20_000)
    parser.add_argument("--meetings", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per selector")
    args = parser.parse_args()
    if args.relationships * 2 > args.people:
        parser.error("--people must be at least twice --relationships (mentees and mentors)")

    scratch = tempfile.TemporaryDirectory(prefix="mw-bench-")
    os.environ.setdefault("MENTORWISE_DATA_DIR", scratch.name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorwise.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("LOG_REQUESTS_LEVEL", "WARNING")  # no log line per timed page
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    db = settings.DATABASES["default"]
    if not str(db["ENGINE"]).endswith(".sqlite3") and db["NAME"] in REFUSED_DATABASES:
        sys.exit(f"Refusing to empty database {db['NAME']!r}: use a scratch one.")
    call_command("migrate", verbosity=0, skip_checks=True)
    if connection.vendor != "sqlite":
        call_command("flush", interactive=False, verbosity=0)
    print(f"database: {connection.vendor} {db['NAME']}")

    from insights_data import build

    print("building the data set:")
    started = time.perf_counter()
    data = build(
        people=args.people,
        relationships=args.relationships,
        meetings=args.meetings,
        seed=args.seed,
    )
    print(f"built in {time.perf_counter() - started:.1f} s: " + _describe(data.counts))

    _summarize(data.programs[0])
    cases = (
        _cases(data.programs, data.admin)
        + _outcome_cases(data.programs, data.admin)
        + _page_cases(data.programs, data.admin)
    )
    # A cold outcome estimate (200 bootstrap refits) is timed twice, not --repeat times.
    rows = [
        (name, *_time(call, min(2, args.repeat) if "cold" in name else args.repeat))
        for name, call in cases
    ]
    print()
    print(f"| selector | median ms | max ms | queries | median ≤ {BUDGET_MS:.0f} ms |")
    print("|---|---:|---:|---:|:---:|")
    for name, median, worst, queries in rows:
        verdict = "yes" if median <= BUDGET_MS else "**no**"
        print(f"| {name} | {median:.1f} | {worst:.1f} | {queries} | {verdict} |")
    over = [name for name, median, *_ in rows if median > BUDGET_MS]
    print()
    print("over budget: " + (", ".join(over) if over else "none"))


def _summarize(program: Any) -> None:
    """Print the largest program's main figures, to show the data set is not uniform."""
    from mentorwise.insights import health

    figures = health.program_health(program=program)
    shares = figures.health
    cadence = figures.meeting_cadence
    funnel = figures.funnel
    print(
        f"largest program {program.template_key!r}: funnel eligible {funnel.eligible:,}, "
        f"enrolled {funnel.enrolled:,}, matched {funnel.matched:,}, active {funnel.active:,}, "
        f"completed {funnel.completed:,}; health of {shares.n:,} active: on track "
        f"{shares.on_track:,}, stalled {shares.stalled:,}, at risk {shares.at_risk:,}; "
        f"mean cadence ratio {cadence.mean_ratio or 0:.2f}; agreements confirmed "
        f"{figures.agreement_confirmation.share or 0:.0%}; "
        f"{len(figures.check_in_trend)} months of check-ins"
    )


def _describe(counts: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {name}" for name, n in counts.items())


def _cases(programs: list[Any], admin: Any) -> list[tuple[str, Callable[[], Any]]]:
    """(label, call) of every timed selector, on the largest program."""
    from django.db.models import Count

    from mentorwise.disclosure import min_group_size, protect_table
    from mentorwise.insights import health
    from mentorwise.programs.models import Enrollment, EnrollmentStatus, Role

    program = programs[0]
    label = f"`{program.template_key}`"
    cases: list[tuple[str, Callable[[], Any]]] = [
        (f"program_funnel {label}", lambda: health.program_funnel(program=program)),
        (f"time_to_match {label}", lambda: health.time_to_match(program=program)),
        (f"match_acceptance {label}", lambda: health.match_acceptance(program=program)),
        (
            f"agreement_confirmation {label}",
            lambda: health.agreement_confirmation(program=program),
        ),
        (f"meeting_cadence {label}", lambda: health.meeting_cadence(program=program)),
        (
            f"relationship_health_shares {label}",
            lambda: health.relationship_health_shares(program=program),
        ),
        (f"goal_progress {label}", lambda: health.goal_progress(program=program)),
        (f"check_in_trend {label} (month)", lambda: health.check_in_trend(program=program)),
        (
            f"check_in_trend {label} (week)",
            lambda: health.check_in_trend(program=program, bucket="week"),
        ),
        (
            f"survey_scores {label} (midpoint)",
            lambda: health.survey_scores(program=program, kind="midpoint"),
        ),
        (f"training_completion {label}", lambda: health.training_completion(program=program)),
        (f"**program_health** {label}", lambda: health.program_health(program=program)),
        (
            f"**programs_overview** (HR admin, {len(programs)} programs)",
            lambda: health.programs_overview(actor=admin),
        ),
    ]
    # A realistic breakdown to protect: active mentees by the 8 largest departments × the 6
    # largest programs (counting is not timed; only the suppression is).
    counted = (
        Enrollment.objects.filter(
            program__in=programs[:6], role=Role.MENTEE, status=EnrollmentStatus.ACTIVE
        )
        .values("person__department", "program_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    cells: dict[tuple[str, int], int] = {
        (row["person__department"], row["program_id"]): row["n"] for row in counted
    }
    totals: dict[str, int] = {}
    for (department, _), n in cells.items():
        totals[department] = totals.get(department, 0) + n
    departments = sorted(totals, key=lambda d: -totals[d])[:8]
    table = [[cells.get((d, p.pk), 0) for p in programs[:6]] for d in departments]
    k = min_group_size()
    cases.append(
        (
            f"protect_table ({len(table)} departments × {len(table[0])} programs, k={k})",
            lambda: protect_table(table, k=k),
        )
    )
    cases.extend(_equity_cases(programs, admin))
    return cases


def _equity_cases(programs: list[Any], admin: Any) -> list[tuple[str, Callable[[], Any]]]:
    """Equity of access (largest program and the sponsorship one) and the pipeline: the
    selectors, then the pages and exports as an HR admin gets them (rendered, charts
    included)."""
    from mentorwise.insights import equity, pipeline

    get = _page_getter(admin)
    program = programs[0]
    sponsorship = next(
        (p for p in programs if p.template_key == "sponsorship_underrepresented"), programs[-1]
    )
    label = f"`{program.template_key}`"
    base = f"/insights/programs/{program.slug}"
    return [
        (
            f"program_equity {label} (mentees)",
            lambda: equity.program_equity(program=program, side="mentee"),
        ),
        (
            f"program_equity {label} (mentors)",
            lambda: equity.program_equity(program=program, side="mentor"),
        ),
        (
            f"program_equity `{sponsorship.template_key}` (mentees)",
            lambda: equity.program_equity(program=sponsorship, side="mentee"),
        ),
        ("pipeline (organisation-wide)", lambda: pipeline.pipeline()),
        (f"**page** equity {label} by gender (HR admin)", get(f"{base}/equity/?by=gender")),
        (
            f"**page** equity {label} mentors by function",
            get(f"{base}/equity/?side=mentor&by=function"),
        ),
        (f"equity.csv {label} (both sides, 5 breakdowns)", get(f"{base}/equity.csv")),
        ("**page** pipeline", get("/insights/pipeline/")),
        ("pipeline.csv", get("/insights/pipeline.csv")),
    ]


def _outcome_cases(programs: list[Any], admin: Any) -> list[tuple[str, Callable[[], Any]]]:
    """Outcomes against a comparable group on the largest program (started 380 days ago):
    the cohort read from the database, the whole estimate without the cache (cold), the
    cached selector, and the page and CSV as the HR admin gets them."""
    from mentorwise.insights.outcome_data import cohort_data
    from mentorwise.insights.program_outcomes import program_outcomes

    program = programs[0]
    label = f"`{program.template_key}`"
    get = _page_getter(admin)
    base = f"/insights/programs/{program.slug}"

    return [
        (f"outcome cohort_data {label}", lambda: cohort_data(program=program)),
        (
            f"program_outcomes {label} cold (no cache: cohort, propensity, 200 bootstrap refits)",
            lambda: program_outcomes(program=program, use_cache=False),
        ),
        (f"**program_outcomes** {label} (cached)", lambda: program_outcomes(program=program)),
        (f"**page** outcomes {label} (HR admin)", get(f"{base}/outcomes/")),
        (f"outcomes.csv {label}", get(f"{base}/outcomes.csv")),
    ]


def _page_cases(programs: list[Any], admin: Any) -> list[tuple[str, Callable[[], Any]]]:
    """(label, call) of every dashboard page, rendered whole through Django (URL routing,
    middleware, session, template, charts) as the HR admin, who sees the most."""
    get = _page_getter(admin)
    slug = programs[0].slug
    pages = [
        ("overview", "/insights/"),
        (f"program health `{programs[0].template_key}`", f"/insights/programs/{slug}/"),
        ("activity CSV", f"/insights/programs/{slug}/activity.csv"),
    ]
    return [(f"**page** {label}", get(url)) for label, url in pages]


def _page_getter(admin: Any) -> Callable[[str], Callable[[], Any]]:
    """A factory of timed calls that GET a page as `admin` and insist on a 200."""
    from django.test import Client

    client = Client()
    client.force_login(admin)

    def get(url: str) -> Callable[[], Any]:
        def call() -> Any:
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"GET {url} answered {response.status_code}")
            return response

        return call

    return get


def _time(call: Callable[[], Any], repeat: int) -> tuple[float, float, int]:
    """Median and max milliseconds of `repeat` runs after a warm-up run, and its queries."""
    from django.db import connection

    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    # An execute wrapper, not CaptureQueriesContext: a page request resets the latter's list.
    with connection.execute_wrapper(count):
        call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times), queries


if __name__ == "__main__":
    main()
