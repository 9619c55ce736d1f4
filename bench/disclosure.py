"""The attacker against the disclosure control: random tables, then the equity page at scale.

    python bench/disclosure.py                      # after: mentorwise.disclosure
    PYTHONPATH=/path/to/old/checkout python bench/disclosure.py --tables-only --defence old
    python bench/disclosure.py --people 100000      # + equity page timing at 100,000 people
    python bench/disclosure.py --tables 0 --pairs 300 --tables-only  # consecutive releases
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mw_disclosure_bench python bench/disclosure.py

1. Random tables: --tables two-way tables (2..5 rows × 2..5 columns, a third of the cells 0,
   a third 1..4, a third 5..40; seeded) published with all their totals and protected with
   k = 5 by the chosen defence (``new``: ``mentorwise.disclosure.protect_table``; ``old``:
   ``mentorwise.insights.suppression.suppress_table`` of a checkout that still has it). The
   independent attacker of ``tests/attacker.py`` (integer programs over the published
   figures, sums and non-negativity) counts small values recovered exactly, small values
   narrowed to an interval shorter than k - 1, and hidden small groups proved non-empty.
2. Equity (unless --tables-only): builds --people people with the insights benchmark's
   generator (bulk HRIS import, programs, enrollments, relationships; ``bench/insights_data.py``)
   and times, for the largest program: the page's first read of a month (the release is
   missing: it asks the worker), preparing the month's release of both sides, ``program_equity``
   for each side (with and without last month's record) and the protection alone, and the
   page and CSV as an HR admin from the release (median of --repeat runs after a warm-up).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.append(str(ROOT))  # mentorwise from PYTHONPATH first (--defence old)

K = 5


def random_table(rng: np.random.Generator) -> list[list[int]]:
    rows, columns = (int(n) for n in rng.integers(2, 6, size=2))
    kind = rng.integers(0, 3, size=(rows, columns))
    small = rng.integers(1, K, size=(rows, columns))
    large = rng.integers(K, 41, size=(rows, columns))
    return np.where(kind == 0, 0, np.where(kind == 1, small, large)).tolist()


def defence(name: str) -> Any:
    if name == "old":
        from mentorwise.insights.suppression import suppress_table  # type: ignore[import-not-found]

        return lambda table: suppress_table(table, k=K).mask
    from mentorwise.disclosure import protect_table

    return lambda table: protect_table(table, k=K)


def _attacker() -> Any:
    """``tests/attacker.py`` of this checkout (whatever ``mentorwise`` is on the path)."""
    spec = importlib.util.spec_from_file_location("attacker", ROOT / "tests" / "attacker.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["attacker"] = module
    spec.loader.exec_module(module)
    return module


def attack_tables(count: int, seed: int, which: str) -> None:
    attack_table = _attacker().attack_table
    protect = defence(which)
    rng = np.random.default_rng(seed)
    recovered = narrowed = non_empty = tables_leaking = hidden_cells = cells = 0
    started = time.perf_counter()
    for _ in range(count):
        table = random_table(rng)
        mask = np.asarray(protect(table), dtype=bool)
        findings = attack_table(table, mask, K)
        recovered += len(findings.recovered)
        narrowed += len(findings.narrowed)
        non_empty += len(findings.proved_non_empty)
        tables_leaking += findings.total > 0
        hidden_cells += int(mask.sum())
        cells += mask.size
    elapsed = time.perf_counter() - started
    print(f"defence: {which}; {count} random tables, k = {K}, seed {seed} ({elapsed:.1f} s)")
    print(f"  small values recovered exactly:        {recovered}")
    print(f"  small values narrowed below k - 1:     {narrowed}")
    print(f"  hidden small groups proved non-empty:  {non_empty}")
    print(f"  tables with any finding:               {tables_leaking}")
    print(f"  figures hidden:                        {hidden_cells} of {cells}")


def attack_pairs(count: int, seed: int, alone: bool) -> None:
    """Two releases of a random table, one person added, removed or moved in between,
    protected in sequence (or, ``alone``, the second on its own as before) and attacked
    together (``tests/attacker_releases.py``)."""
    _attacker()
    spec = importlib.util.spec_from_file_location(
        "attacker_releases", ROOT / "tests" / "attacker_releases.py"
    )
    assert spec and spec.loader
    pairs = importlib.util.module_from_spec(spec)
    sys.modules["tests.attacker"] = sys.modules["attacker"]
    spec.loader.exec_module(pairs)
    from attacker import table_sums, table_truth

    from mentorwise.disclosure import protect_release
    from mentorwise.disclosure.protect import table_system

    rng = np.random.default_rng(seed)
    findings = moved = hidden = 0
    started = time.perf_counter()
    for _ in range(count):
        before = np.asarray(random_table(rng))
        after = before.copy()
        source = tuple(int(n) for n in rng.integers(0, before.shape))
        target = tuple(int(n) for n in rng.integers(0, before.shape))
        kind = int(rng.integers(0, 3))  # 0: add, 1: remove, 2: move
        if kind == 0:
            after[target] += 1
        elif after[source] > 0:
            after[source] -= 1
            after[target] += kind == 2
        system, rows, columns = table_system(before)
        first = protect_release(system, k=K)
        second = protect_release(table_system(after)[0], k=K, previous=None if alone else first)
        truths = (table_truth(before.tolist()), table_truth(after.tolist()))
        published = [
            {n: None if n in release.hidden else v for n, v in truth.items()}
            for release, truth in zip((first, second), truths, strict=True)
        ]
        sums = table_sums(rows, columns)
        found, changed = pairs.judge_pair(published[0], sums, published[1], sums, truths, K)
        findings += found.total
        moved += len(changed)
        hidden += len(second.hidden)
    elapsed = time.perf_counter() - started
    how = "each on its own" if alone else "jointly"
    print(f"{count} pairs of releases protected {how}, k = {K}, seed {seed} ({elapsed:.1f} s)")
    print(f"  counts proved moved:                   {moved}")
    print(f"  findings (recovered, narrowed, proved non-empty): {findings}")
    print(f"  figures hidden in the second releases: {hidden}")


def time_equity(people: int, relationships: int, repeat: int) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    db = settings.DATABASES["default"]
    if not str(db["ENGINE"]).endswith(".sqlite3") and db["NAME"] in ("test", "postgres"):
        sys.exit(f"Refusing to empty database {db['NAME']!r}: use a scratch one.")
    call_command("migrate", verbosity=0, skip_checks=True)
    if connection.vendor != "sqlite":
        call_command("flush", interactive=False, verbosity=0)
    import datetime as dt

    from django.utils import timezone
    from insights_data import build

    from mentorwise.insights import equity
    from mentorwise.insights.equity_release import equity_release_prepare

    print(f"database: {connection.vendor}; building {people:,} people:")
    data = build(people=people, relationships=relationships, meetings=1000, seed=1)
    program = data.programs[0]
    from django.test import Client

    client = Client()
    client.force_login(data.admin)
    base = f"/insights/programs/{program.slug}"
    print(f"\n| {program.template_key} | median ms | max ms |\n|---|---:|---:|")

    def once(name: str, call: Any) -> None:
        started = time.perf_counter()
        call()
        print(f"| {name} | {1000 * (time.perf_counter() - started):.1f} | |")

    # A process's first request loads the URLconf and every view (seconds, whatever the
    # page): take it on another page, then time the equity page's first read of the month.
    once("the process's first request (another page)", lambda: client.get("/insights/"))
    # The page never computes a release: with none for the month it asks the worker (not
    # running here) and says the figures are being prepared.
    once(
        "page, first read of the month (release missing: asks the worker)",
        lambda: client.get(f"{base}/equity/?by=gender"),
    )
    now = timezone.now()
    once(
        "preparing the month's release, both sides (background task or cron)",
        lambda: [equity_release_prepare(program, side, now) for side in ("mentee", "mentor")],
    )
    records = {
        side: equity.program_equity(program=program, side=side).record
        for side in ("mentee", "mentor")
    }
    next_month = now + dt.timedelta(days=32)
    cases = {
        "program_equity (mentees, 5 breakdowns)": lambda: equity.program_equity(
            program=program, side="mentee"
        ),
        "program_equity (mentors, 5 breakdowns)": lambda: equity.program_equity(
            program=program, side="mentor"
        ),
        "program_equity, both sides, jointly with last month's release": lambda: [
            equity.program_equity(
                program=program, side=side, as_of=next_month, previous=records[side]
            )
            for side in ("mentee", "mentor")
        ],
        "page equity by gender (released)": lambda: client.get(f"{base}/equity/?by=gender"),
        "equity.csv (both sides, 5 breakdowns, released)": lambda: client.get(f"{base}/equity.csv"),
    }
    for name, call in cases.items():
        call()
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            answer = call()
            times.append(1000 * (time.perf_counter() - started))
            assert getattr(answer, "status_code", 200) == 200
        print(f"| {name} | {statistics.median(times):.1f} | {max(times):.1f} |")
    protect_only(program, repeat)


def protect_only(program: Any, repeat: int) -> None:
    """The protection alone (both sides' five breakdowns), without the queries."""
    from mentorwise.insights import equity

    captured: dict[str, Any] = {}
    real = equity._protect_breakdowns

    def keep(raws: Any, k: int, previous: Any) -> Any:
        captured[str(len(captured))] = raws
        return real(raws, k, previous)

    equity._protect_breakdowns = keep  # type: ignore[assignment]
    try:
        for side in ("mentee", "mentor"):
            equity.program_equity(program=program, side=side)
    finally:
        equity._protect_breakdowns = real  # type: ignore[assignment]
    for name, raws in zip(("mentee", "mentor"), captured.values(), strict=True):
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            hidden, _ = real(raws, 5, None)
            times.append(1000 * (time.perf_counter() - started))
        count = sum(len(h) for h in hidden.values())
        print(
            f"| protection alone, {name} side ({count} counts hidden) | "
            f"{statistics.median(times):.1f} | {max(times):.1f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--defence", choices=("new", "old"), default="new")
    parser.add_argument("--tables-only", action="store_true")
    parser.add_argument("--pairs", type=int, default=0, help="pairs of consecutive releases")
    parser.add_argument("--pairs-alone", action="store_true", help="second release on its own")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--relationships", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    scratch = tempfile.TemporaryDirectory(prefix="mw-bench-")
    os.environ.setdefault("MENTORWISE_DATA_DIR", scratch.name)  # a new SQLite file each run
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("LOG_REQUESTS_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorwise.settings")
    import django

    django.setup()
    attack_tables(args.tables, args.seed, args.defence)
    if args.pairs:
        attack_pairs(args.pairs, args.seed, args.pairs_alone)
    if not args.tables_only:
        time_equity(args.people, args.relationships, args.repeat)


if __name__ == "__main__":
    main()
