"""Validate the outcome estimates on data-generating processes the estimator did not shape.

    python bench/outcomes_validation.py                       # 7 processes, 50–200 seeds each
    python bench/outcomes_validation.py --jobs 2              # the same on two cores
    python bench/outcomes_validation.py --seeds 5 --process null_staggered
    TMPDIR=/dev/shm python bench/outcomes_validation.py       # faster: SQLite in memory files
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mw_val python bench/outcomes_validation.py

Each process below is written apart from the estimator's model: selection is non-linear
(an inverted U in job level, a tenure bump, interactions), relationships start on different
days, people leave and get promoted in continuous time (exponential hazards that depend on the
covariates non-linearly), and participation multiplies the hazards after a person's own start.
Every seed goes through the normal data path: the people (with hire dates, managers, final job
levels and functions, termination dates and kinds) are loaded by the HRIS import
(``people_import``, a CSV), the dated HRIS history of promotions and internal moves is written
as career events (``source="import"``), and the program, enrollments, matches and
relationships (each with its own start) are created as the application stores them. The
estimate is ``program_outcomes`` — the selector behind the page, CSV, API and CLI. Each seed
runs in a transaction that is rolled back.

The truth is the sample average effect on the participants, computed from the hazards:
``mean over participants of P(outcome | treated from their start) − P(outcome | not)``.
Printed per process and outcome (12-month retention and promotion): the true effect, mean bias
with its Monte Carlo standard error, RMSE, the mean standard error the intervals imply (width /
3.92), 95% coverage with its Monte Carlo standard error, over the seeds with a number, and the
refusal rate (seeds where the estimate was withheld with a reason). The bootstrap uses the
application's number of replicates (``program_outcomes.N_BOOTSTRAP``) unless told otherwise.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

AS_OF = dt.date(2026, 6, 1)
YEAR = 365.0
FUNCTIONS = ("Engineering", "Sales", "Operations", "Finance", "Marketing")
LOCATIONS = ("London", "Berlin", "Singapore")
REFUSED_DATABASES = ("test", "postgres", "mentorwise")


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class Process:
    """One data-generating process. Rates are per year."""

    name: str
    description: str
    n: int = 1500
    stagger_days: int = 0  # relationship starts uniform over [0, stagger_days]
    exit_hazard_ratio: float = 0.65  # voluntary exits after one's start, participants
    promotion_rate_ratio: float = 1.7  # promotions after one's start, participants
    other_exit_rate: float = 0.05
    follow_up_days: int = 760
    unknown_kind_share: float = 0.0  # exits recorded with a blank kind
    selection: str = "inverted_u"  # or "deterministic"
    identifiable: bool = True
    seeds: int = 50  # by default; more where the estimates are noisy and a seed is cheap


PROCESSES = {
    p.name: p
    for p in (
        Process(
            "nonlinear_selection",
            "inverted U in level, tenure bump, hipo × function; all start on day 0",
        ),
        Process("staggered_starts", "as above, starts spread over 0–120 days", stagger_days=120),
        Process(
            "null_staggered",
            "no effect at all, starts over 0–120 days",
            stagger_days=120,
            exit_hazard_ratio=1.0,
            promotion_rate_ratio=1.0,
            seeds=150,
        ),
        Process(
            "unknown_exits",
            "staggered; 40% of exits recorded with a blank kind",
            stagger_days=120,
            unknown_kind_share=0.4,
        ),
        Process(
            "heavy_censoring",
            "staggered; 30%/year other exits, followed only 16 months",
            stagger_days=120,
            other_exit_rate=0.30,
            follow_up_days=490,
        ),
        Process("small_cohort", "staggered; 250 people", n=250, stagger_days=120, seeds=200),
        Process(
            "poor_overlap",
            "levels 5+ nearly always join, levels 1–2 never",
            stagger_days=60,
            selection="deterministic",
            identifiable=False,
        ),
    )
}


@dataclass
class World:
    """One seed's people and what happened to them (days from the program start)."""

    level: np.ndarray
    function: np.ndarray
    location: np.ndarray
    tenure: np.ndarray
    manager: np.ndarray
    hipo: np.ndarray
    joins: np.ndarray
    start_day: np.ndarray  # nan: never joined
    exit_day: np.ndarray  # nan: still employed on AS_OF
    exit_kind: np.ndarray
    promotions: list[list[float]]
    moves: list[float]
    truth: dict[str, float]
    final_level: np.ndarray = field(default_factory=lambda: np.zeros(0))


def simulate_world(process: Process, seed: int) -> World:
    rng = np.random.default_rng(seed)
    n = process.n
    level = rng.choice(np.arange(1, 8), size=n, p=[0.22, 0.22, 0.2, 0.15, 0.11, 0.06, 0.04])
    function = rng.choice(np.array(FUNCTIONS), size=n)
    location = rng.choice(np.array(LOCATIONS), size=n, p=[0.5, 0.3, 0.2])
    tenure = np.round(rng.gamma(1.6, 1.5 + 0.5 * level), 2).clip(0.2, 35)
    manager = rng.random(n) < _sigmoid(-3.5 + 0.8 * level)
    hipo = rng.random(n) < _sigmoid(-1.6 + 0.3 * (level == 3) + 0.3 * (level == 4))

    # Joining: non-linear in level (mid-levels most), a bump at 2–4 years of tenure, and an
    # interaction (high potentials in Sales join much more).
    if process.selection == "deterministic":
        p_join = np.where(level >= 5, 0.97, np.where(level <= 2, 0.0, 0.15))
    else:
        bump = ((tenure >= 2) & (tenure < 4)).astype(float)
        logit = (
            -2.4
            - 0.55 * (level - 3.5) ** 2
            + 0.9 * bump
            + 0.8 * hipo
            + 1.2 * hipo * (function == "Sales")
            - 0.4 * (location == "Singapore")
        )
        p_join = _sigmoid(logit + 1.4)
    joins = rng.random(n) < p_join
    planned = np.where(joins, rng.integers(0, process.stagger_days + 1, n), np.nan)

    # Hazards (per year), non-linear in the covariates and sharing confounders with joining.
    vol = 0.16 * np.exp(
        0.35 * (level - 3.5) ** 2 / 4
        - 0.6 * hipo
        + 0.5 * bump_of(tenure)
        - 0.3 * manager
        + 0.4 * hipo * (function == "Sales")
    )
    promo = 0.18 * np.exp(0.9 * hipo - 0.25 * np.abs(level - 3) + 0.3 * bump_of(tenure))
    other = np.full(n, process.other_exit_rate)
    hr, rr = process.exit_hazard_ratio, process.promotion_rate_ratio

    horizon = float(process.follow_up_days)
    # Latent times via common random numbers: the untreated clock runs at rate 1, the treated
    # one at the hazard ratio after the start.
    e_vol = rng.exponential(1.0, n)
    e_other = rng.exponential(1.0, n)
    t_vol0 = e_vol / vol * YEAR
    t_other = e_other / other * YEAR
    start_ok = joins & ~(np.minimum(t_vol0, t_other) <= planned)  # gone before their start
    start_day = np.where(start_ok, planned, np.nan)
    s = np.nan_to_num(start_day, nan=np.inf)
    with np.errstate(invalid="ignore"):  # inf - inf for those who never start: unused
        t_vol = np.where(t_vol0 <= s, t_vol0, s + (t_vol0 - s) / hr)
    exit_day = np.fmin(t_vol, t_other)
    exit_day = np.where(exit_day <= horizon, np.ceil(exit_day), np.nan)
    kind = np.where(t_vol <= t_other, "voluntary", "involuntary")
    hidden = rng.random(n) < process.unknown_kind_share
    kind = np.where(np.isnan(exit_day), "", np.where(hidden, "", kind))

    # Promotions: a Poisson process, rate × rr after one's start; one level each.
    promotions: list[list[float]] = []
    moves: list[float] = []
    end = np.nan_to_num(exit_day, nan=horizon)
    for i in range(n):
        days: list[float] = []
        t = 0.0
        while True:
            rate = promo[i] * (rr if t >= s[i] else 1.0) / YEAR
            step = rng.exponential(1.0 / rate)
            if t < s[i] <= t + step and rr != 1.0:
                # Crossed the start: restart the clock at the new rate (memoryless).
                t = s[i]
                continue
            t += step
            if t >= end[i]:
                break
            days.append(math.ceil(t))
        promotions.append(days)
        move = rng.exponential(YEAR / 0.08)
        moves.append(math.ceil(move) if move < end[i] else math.nan)
    final_level = np.minimum(level + np.array([len(d) for d in promotions]), 10)

    # The truth: each participant's expected outcome with and without taking part, from their
    # start (exponential clocks are memoryless, so being there at the start is all that counts).
    treated = ~np.isnan(start_day)
    lam, rho, mu = vol[treated], promo[treated], other[treated]
    t = 1.0  # a year, in years

    def promoted(r: np.ndarray, v: np.ndarray) -> np.ndarray:
        total = r + v + mu
        return r / total * (1 - np.exp(-total * t))

    truth = {
        "retention_12m": float(np.mean(np.exp(-lam * hr * t) - np.exp(-lam * t))),
        "promotion_12m": float(np.mean(promoted(rho * rr, lam * hr) - promoted(rho, lam))),
    }
    return World(
        level=level,
        function=function,
        location=location,
        tenure=tenure,
        manager=manager,
        hipo=hipo,
        joins=joins,
        start_day=start_day,
        exit_day=exit_day,
        exit_kind=kind,
        promotions=promotions,
        moves=moves,
        truth=truth,
        final_level=final_level,
    )


def bump_of(tenure: np.ndarray) -> np.ndarray:
    return ((tenure >= 2) & (tenure < 4)).astype(float)


# --------------------------------------------------------------------------------------------
# Through the application's data path


def write_world(world: World, process: Process, slug: str) -> Any:
    """People by HRIS import, history as career events, the program and its relationships."""
    from django.utils import timezone

    from mentorwise.matches.models import Match, MatchSource, MatchStatus, Response
    from mentorwise.people.models import CareerEvent, CareerEventKind, Person
    from mentorwise.people.services import people_import
    from mentorwise.programs.models import Enrollment, Program, ProgramKind, ProgramStatus, Role
    from mentorwise.relationships.models import Relationship, RelationshipStatus

    start = AS_OF - dt.timedelta(days=process.follow_up_days)
    department = f"Validation {slug}"
    n = len(world.level)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["employee_id", "first_name", "last_name", "email", "job_level", "department",
         "function", "location", "hire_date", "manager_id", "high_potential",
         "termination_date", "termination_kind"]
    )  # fmt: skip
    other_function = {f: FUNCTIONS[(k + 1) % len(FUNCTIONS)] for k, f in enumerate(FUNCTIONS)}
    for i in range(n):
        hire = start - dt.timedelta(days=round(float(world.tenure[i]) * 365.25))
        exit_at = world.exit_day[i]
        moved = not math.isnan(world.moves[i])
        writer.writerow(
            [f"{slug}-{i}", "Val", f"Person {i}", f"{slug}-{i}@validation.invalid",
             int(world.final_level[i]), department,
             other_function[world.function[i]] if moved else world.function[i],
             world.location[i], hire.isoformat(), "", "true" if world.hipo[i] else "false",
             "" if math.isnan(exit_at) else (start + dt.timedelta(days=int(exit_at))).isoformat(),
             world.exit_kind[i]]
        )  # fmt: skip
    # Managers have active direct reports (one each, outside the compared department).
    for i in np.flatnonzero(world.manager).tolist():
        writer.writerow(
            [f"{slug}-r{i}", "Val", f"Report {i}", f"{slug}-r{i}@validation.invalid", 1,
             f"{department} reports", world.function[i], world.location[i],
             (start - dt.timedelta(days=800)).isoformat(), f"{slug}-{i}", "false", "", ""]
        )  # fmt: skip
    n_mentors = max(1, int(np.sum(~np.isnan(world.start_day))) // 3)
    for j in range(n_mentors):
        writer.writerow(
            [f"{slug}-m{j}", "Val", f"Mentor {j}", f"{slug}-m{j}@validation.invalid", 8,
             f"{department} mentors", "Operations", "London",
             (start - dt.timedelta(days=3000)).isoformat(), "", "false", "", ""]
        )  # fmt: skip
    people_import(actor=None, data=out.getvalue().encode(), file_name="hris.csv", today=AS_OF)
    ids = dict(
        Person.objects.filter(employee_id__startswith=f"{slug}-").values_list("employee_id", "pk")
    )

    events = []
    for i in range(n):
        for k, day in enumerate(world.promotions[i]):
            lv = int(world.level[i]) + k
            events.append(
                CareerEvent(
                    person_id=ids[f"{slug}-{i}"],
                    kind=CareerEventKind.PROMOTION,
                    date=start + dt.timedelta(days=int(day)),
                    from_level=min(lv, 10),
                    to_level=min(lv + 1, 10),
                    source="import",
                )
            )
        if not math.isnan(world.moves[i]):
            events.append(
                CareerEvent(
                    person_id=ids[f"{slug}-{i}"],
                    kind=CareerEventKind.INTERNAL_MOVE,
                    date=start + dt.timedelta(days=int(world.moves[i])),
                    from_function=world.function[i],
                    to_function=other_function[world.function[i]],
                    source="import",
                )
            )
    CareerEvent.objects.bulk_create(events, batch_size=2000)

    program = Program.objects.create(
        slug=slug,
        name=f"Validation {slug}",
        kind=ProgramKind.MENTORING,
        status=ProgramStatus.CLOSED,
        objectives="Validation",
        start_date=start,
        end_date=start + dt.timedelta(days=365),
        eligibility={Role.MENTEE: {"departments": [department]}, Role.MENTOR: {}},
    )
    mentors = Enrollment.objects.bulk_create(
        [
            Enrollment(program=program, person_id=ids[f"{slug}-m{j}"], role=Role.MENTOR, capacity=5)
            for j in range(n_mentors)
        ]
    )
    joined = np.flatnonzero(~np.isnan(world.start_day)).tolist()
    mentees = Enrollment.objects.bulk_create(
        [
            Enrollment(program=program, person_id=ids[f"{slug}-{i}"], role=Role.MENTEE)
            for i in joined
        ]
    )
    # Some who meant to join left first: enrolled, never matched.
    gone_first = np.flatnonzero(world.joins & np.isnan(world.start_day)).tolist()
    Enrollment.objects.bulk_create(
        [
            Enrollment(program=program, person_id=ids[f"{slug}-{i}"], role=Role.MENTEE)
            for i in gone_first
        ]
    )
    relationships = []
    for k, (i, mentee) in enumerate(zip(joined, mentees, strict=True)):
        began = timezone.make_aware(
            dt.datetime.combine(start + dt.timedelta(days=int(world.start_day[i])), dt.time(9))
        )
        match = Match.objects.create(
            program=program,
            mentee=mentee,
            mentor=mentors[k % n_mentors],
            source=MatchSource.MANUAL,
            status=MatchStatus.ENDED,
            mentee_response=Response.ACCEPTED,
            mentor_response=Response.ACCEPTED,
            decided_at=began,
            published_at=began,
        )
        relationships.append(
            Relationship(
                match=match,
                program=program,
                mentee=mentee,
                mentor=match.mentor,
                status=RelationshipStatus.CLOSED,
                started_at=began,
                closed_at=began + dt.timedelta(days=300),
            )
        )
    Relationship.objects.bulk_create(relationships)
    return program


@dataclass
class Run:
    estimate: dict[str, float | None]
    ci: dict[str, tuple[float, float] | None]
    naive: dict[str, float | None]
    reason: dict[str, str | None]
    truth: dict[str, float]
    seconds: float


OUTCOMES = ("retention_12m", "promotion_12m")


def run_seed(process: Process, seed: int, *, n_bootstrap: int | None = None) -> Run:
    """Simulate, write through the data path, estimate, roll back."""
    from django.db import transaction

    from mentorwise.insights import program_outcomes as po

    world = simulate_world(process, seed)
    started = time.perf_counter()
    with transaction.atomic():
        program = write_world(world, process, f"v{seed}-{process.name.replace('_', '')}"[:40])
        saved = po.N_BOOTSTRAP
        po.N_BOOTSTRAP = n_bootstrap or saved
        try:
            result = po.program_outcomes(program=program, as_of=AS_OF, use_cache=False)
        finally:
            po.N_BOOTSTRAP = saved
        payload = po.outcomes_json(result)
        transaction.set_rollback(True)
    seconds = time.perf_counter() - started
    estimate, ci, naive, reason = {}, {}, {}, {}
    for name in OUTCOMES:
        value = payload.get(name)
        adjusted = value["adjusted"] if value else None
        estimate[name] = adjusted["estimate"] if adjusted else None
        ci[name] = tuple(adjusted["ci95"]) if adjusted else None  # type: ignore[assignment]
        naive[name] = value["naive"]["estimate"] if value and value["naive"] else None
        reason[name] = (value["reason"] if value else payload["reason"]) or None
    return Run(estimate, ci, naive, reason, world.truth, seconds)


@dataclass(frozen=True)
class Summary:
    process: str
    outcome: str
    truth: float
    bias: float | None
    bias_mcse: float | None
    rmse: float | None
    mean_se: float | None
    coverage: float | None
    coverage_mcse: float | None
    refusals: float
    naive_bias: float | None
    seeds: int


def summarise(process: str, runs: list[Run]) -> list[Summary]:
    out = []
    for name in OUTCOMES:
        truth = [r.truth[name] for r in runs]
        got = [r for r in runs if r.estimate[name] is not None]
        errors = [r.estimate[name] - r.truth[name] for r in got]  # type: ignore[operator]
        covered = [r.ci[name][0] <= r.truth[name] <= r.ci[name][1] for r in got]  # type: ignore[index]
        naive = [r.naive[name] - r.truth[name] for r in runs if r.naive[name] is not None]  # type: ignore[operator]
        widths = [(r.ci[name][1] - r.ci[name][0]) / (2 * 1.959964) for r in got]  # type: ignore[index]
        k = len(errors)
        cover = float(np.mean(covered)) if covered else None
        out.append(
            Summary(
                process=process,
                outcome=name,
                truth=float(np.mean(truth)),
                bias=float(np.mean(errors)) if errors else None,
                # Monte Carlo standard errors: of the mean over k seeds, and of a proportion.
                bias_mcse=float(np.std(errors, ddof=1) / math.sqrt(k)) if k > 1 else None,
                rmse=float(np.sqrt(np.mean(np.square(errors)))) if errors else None,
                mean_se=float(np.mean(widths)) if widths else None,
                coverage=cover,
                coverage_mcse=math.sqrt(cover * (1 - cover) / k) if cover is not None else None,
                refusals=1 - len(got) / len(runs),
                naive_bias=float(np.mean(naive)) if naive else None,
                seeds=len(runs),
            )
        )
    return out


def table(rows: list[Summary]) -> str:
    def f(v: float | None, fmt: str) -> str:
        return "–" if v is None else format(v, fmt)

    lines = [
        "| process | outcome | true effect | bias | ± MCSE | RMSE | mean SE | 95% coverage "
        "| ± MCSE | refused | naive bias | seeds |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.process} | {r.outcome} | {r.truth:+.3f} | {f(r.bias, '+.4f')} | "
            f"{f(r.bias_mcse, '.4f')} | {f(r.rmse, '.4f')} | {f(r.mean_se, '.4f')} | "
            f"{f(r.coverage, '.1%')} | {f(r.coverage_mcse, '.1%')} | {r.refusals:.0%} | "
            f"{f(r.naive_bias, '+.4f')} | {r.seeds} |"
        )
    return "\n".join(lines)


def setup_django() -> None:
    scratch = tempfile.mkdtemp(prefix="mw-outcomes-val-")
    os.environ.setdefault("MENTORWISE_DATA_DIR", scratch)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorwise.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    db = settings.DATABASES["default"]
    if not str(db["ENGINE"]).endswith(".sqlite3") and db["NAME"] in REFUSED_DATABASES:
        sys.exit(f"Refusing to use database {db['NAME']!r}: use a scratch one.")
    call_command("migrate", verbosity=0, skip_checks=True)


def _run_many(name: str, seeds: list[int], n_bootstrap: int | None) -> list[Run]:
    """One worker's share: a process's seeds, in a Django set up for this worker."""
    if not _READY:
        setup_django()
        _READY.append(True)
    return [run_seed(PROCESSES[name], seed, n_bootstrap=n_bootstrap) for seed in seeds]


_READY: list[bool] = []


def _all_runs(
    names: list[str], seeds: dict[str, list[int]], n_bootstrap: int | None, jobs: int
) -> dict[str, list[Run]]:
    if jobs <= 1:
        return {name: _run_many(name, seeds[name], n_bootstrap) for name in names}
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Chunks of 10 seeds, so that the workers finish together; each has its own database.
    chunks = [
        (name, seeds[name][i : i + 10]) for name in names for i in range(0, len(seeds[name]), 10)
    ]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        done = list(pool.map(_run_many, *zip(*chunks, strict=True), [n_bootstrap] * len(chunks)))
    out: dict[str, list[Run]] = {name: [] for name in names}
    for (name, _), runs in zip(chunks, done, strict=True):
        out[name] += runs
    return out


def main(argv: list[str] | None = None, *, echo: Callable[[str], None] = print) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, help="per process (default: the process's own)")
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--bootstrap", type=int, help="default: the application's")
    parser.add_argument("--process", action="append", choices=sorted(PROCESSES))
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    args = parser.parse_args(argv)
    names = args.process or list(PROCESSES)
    seeds = {
        name: list(range(args.first_seed, args.first_seed + (args.seeds or PROCESSES[name].seeds)))
        for name in names
    }
    all_runs = _all_runs(names, seeds, args.bootstrap, args.jobs)
    rows: list[Summary] = []
    for name in names:
        process = PROCESSES[name]
        runs = all_runs[name]
        seconds = np.median([r.seconds for r in runs])
        echo(f"{name}: {process.description} ({len(runs)} seeds, median {seconds:.1f} s each)")
        reasons = {r.reason[o] for r in runs for o in OUTCOMES if r.reason[o]}
        for reason in sorted(reasons)[:3]:
            echo(f"    refused e.g.: {reason[:150]}")
        rows += summarise(name, runs)
    echo("")
    echo(table(rows))


if __name__ == "__main__":
    main()
