"""Time the first (uncached) computation of a program's outcomes at scale.

    TMPDIR=/dev/shm python bench/outcomes_speed.py --people 100000 --process staggered_starts
    TMPDIR=/dev/shm python bench/outcomes_speed.py --people 100000 --save /dev/shm/c100k.npz
    python bench/outcomes_speed.py --load /dev/shm/c100k.npz --repeat 3      # estimator only
    python bench/outcomes_speed.py --load /dev/shm/c100k.npz --profile 25    # cProfile, top 25

Builds one world of ``bench/outcomes_validation.py`` (``--process``, with ``--people``
people) and writes it through the normal data path (HRIS import, career events, program,
enrollments, matches, relationships), then times what the background task does:
``cohort_data`` (the cohort read), ``data.cohort()`` (the arrays the estimator takes) and
``estimate_cohort`` with the application's outcomes and replicates, and prints a Markdown
table of CPU and wall-clock seconds per stage. ``--save`` keeps the estimator's input as a
``.npz`` file; ``--load`` times the estimator alone on such a file (no database), so two
versions of the estimator can be timed alternately on the same input.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import datetime as dt
import io
import pstats
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ARRAYS = (
    "treated", "job_level", "function", "tenure_years", "is_manager", "high_potential",
    "location", "exit_days", "exited", "trial", "cluster", "exited_unknown", "censor_days",
)  # fmt: skip
# A mentoring program's outcomes.
OUTCOMES = ("retention_12m", "retention_24m", "promotion_12m", "internal_move_12m")
N_BOOTSTRAP = 200  # program_outcomes.N_BOOTSTRAP (checked when a world is written)


@dataclasses.dataclass
class Timer:
    rows: list[tuple[str, float, float]] = dataclasses.field(default_factory=list)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        cpu, wall = time.process_time(), time.perf_counter()
        yield
        self.rows.append((name, time.process_time() - cpu, time.perf_counter() - wall))

    def table(self) -> str:
        lines = ["| stage | CPU s | wall s |", "|---|---|---|"]
        lines += [f"| {name} | {cpu:.2f} | {wall:.2f} |" for name, cpu, wall in self.rows]
        cpu = sum(r[1] for r in self.rows if not r[0].startswith("("))
        wall = sum(r[2] for r in self.rows if not r[0].startswith("("))
        lines.append(f"| **total** | **{cpu:.2f}** | **{wall:.2f}** |")
        return "\n".join(lines)


def save_cohort(cohort: Any, path: str) -> None:
    arrays = {name: np.asarray(getattr(cohort, name)) for name in ARRAYS}
    arrays |= {f"outcome:{k}": np.asarray(v) for k, v in cohort.outcomes.items()}
    arrays |= {f"days:{k}": np.asarray(v) for k, v in cohort.outcome_days.items()}
    arrays |= {f"share:{k}": np.asarray(v) for k, v in cohort.shares.items()}
    arrays["follow_up_days"] = np.asarray(cohort.follow_up_days)
    np.savez(path, **arrays)  # type: ignore[arg-type]


def load_cohort(path: str) -> Any:
    from mentorwise.insights.outcomes import Cohort

    data = np.load(path)

    def prefixed(prefix: str) -> dict[str, np.ndarray]:
        return {k[len(prefix) :]: data[k] for k in data.files if k.startswith(prefix)}

    return Cohort(
        **{name: data[name] for name in ARRAYS},
        outcomes=prefixed("outcome:"),
        outcome_days=prefixed("days:"),
        shares=prefixed("share:"),
        follow_up_days=float(data["follow_up_days"]),
    )


def describe(cohort: Any) -> str:
    treated = np.asarray(cohort.treated)
    cluster = np.asarray(cohort.cluster)
    return (
        f"{len(treated):,} rows ({int(treated.sum()):,} participant rows), "
        f"{np.unique(cluster).size:,} people, {np.unique(np.asarray(cohort.trial)).size} trials"
    )


def estimate(cohort: Any, seed: int, n_bootstrap: int) -> Any:
    from mentorwise.insights.outcomes import as_json, estimate_cohort

    return as_json(estimate_cohort(cohort, OUTCOMES, seed, n_bootstrap=n_bootstrap).outcomes)


def summary(result: dict[str, Any]) -> str:
    lines = []
    for name, value in result.items():
        adjusted = value["adjusted"]
        text = (
            f"{adjusted['estimate']:+.6f} [{adjusted['ci95'][0]:+.6f}, {adjusted['ci95'][1]:+.6f}]"
            if adjusted
            else f"refused: {(value['reason'] or '')[:80]}"
        )
        lines.append(f"    {name}: {text}")
    return "\n".join(lines)


def from_database(args: argparse.Namespace, timer: Timer, echo: Callable[[str], None]) -> Any:
    import outcomes_validation as v

    v.setup_django()
    from django.db import transaction

    from mentorwise.insights import program_outcomes as po
    from mentorwise.insights.outcome_data import cohort_data

    process = dataclasses.replace(v.PROCESSES[args.process], n=args.people)
    with timer.stage("(world: simulate and write)"), transaction.atomic():
        world = v.simulate_world(process, args.seed)
        program = v.write_world(world, process, f"speed-{args.seed}")
    with timer.stage("cohort read (cohort_data)"):
        data = cohort_data(program=program, as_of=v.AS_OF)
    with timer.stage("estimator input (data.cohort())"):
        cohort = data.cohort()
    echo(f"{process.name}, {args.people:,} people: {describe(cohort)}")
    if args.save:
        save_cohort(cohort, args.save)
        echo(f"saved {args.save}")
    # The background task's outcomes and replicates.
    assert po.outcome_names(program) == OUTCOMES and po.N_BOOTSTRAP == N_BOOTSTRAP
    return cohort


def main(argv: list[str] | None = None, *, echo: Callable[[str], None] = print) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--process", default="staggered_starts")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bootstrap", type=int, help="default: the application's (200)")
    parser.add_argument("--save", help="write the estimator's input to this .npz file")
    parser.add_argument("--load", help="time the estimator alone on this .npz file")
    parser.add_argument("--repeat", type=int, default=1, help="estimator runs (with --load)")
    parser.add_argument("--profile", type=int, default=0, help="print cProfile's top N")
    parser.add_argument("--json", help="write the estimates to this file (to compare versions)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    timer = Timer()
    if args.load:
        cohort = load_cohort(args.load)
        echo(f"{args.load}: {describe(cohort)}")
    else:
        cohort = from_database(args, timer, echo)
    n_bootstrap = args.bootstrap or N_BOOTSTRAP
    result: dict[str, Any] = {}
    for k in range(args.repeat):
        label = f"estimate_cohort ({n_bootstrap} replicates)" + (f" #{k + 1}" if k else "")
        profiler = cProfile.Profile() if args.profile else None
        with timer.stage(label):
            if profiler:
                profiler.enable()
            result = estimate(cohort, args.seed, n_bootstrap)
            if profiler:
                profiler.disable()
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.profile)
            echo(out.getvalue())
    echo(summary(result))
    if args.json:
        import json

        Path(args.json).write_text(json.dumps(result, indent=1, sort_keys=True))
    echo("")
    echo(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    echo(timer.table())


if __name__ == "__main__":
    main()
