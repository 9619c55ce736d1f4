"""Instructions the server executes per request of the load test's traffic: a cost that the
machine's other work does not move.

    python bench/instructions.py --data-dir /tmp/perf-sqlite
    python bench/instructions.py --data-dir /tmp/perf-pg \\
        --database-url postgres://postgres@127.0.0.1:5432/perf_load
    # against another checkout of the project (a worktree of an older commit), in one run
    python bench/instructions.py --data-dir /tmp/perf-sqlite --baseline /work/base

bench/server_cpu.py and bench/load.py time the server; on a shared machine their figures move
by a third from one run to the next, so a change worth a few percent cannot be seen there.
This bench counts instead: it sends the load test's visits (bench/mix.py, in the locust
weights' proportions) in-process through Django's test client, with production settings, under
Valgrind's callgrind, which counts the instructions executed (the same count, within about
0.2 %, whatever else the machine is doing). The count is taken from warm processes (the mix
sent twice first, then `gc.freeze()` as `mentorwise serve` does) and covers the whole
request: middleware, view, template, the ORM, and on SQLite the database's own work, which
runs in the process. On PostgreSQL the server's processes are not counted (bench/server_cpu.py
reads their CPU time).

With --baseline, the same count is taken of that checkout's code, on the same data (migrated
by this checkout: an older checkout must read the same schema), in parallel: one table with
both and their ratio. Each count has a file cache of its own, filled by its warm-up (cached
dashboard figures are read from it, as a warm server reads them, and do not expire during the
count). The data dir must hold a
built demo (bench/load.py builds one). Needs valgrind (Debian's package); about 1.5 minutes
per checkout and round on SQLite.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from load import prepare_sessions, ready_for_serving, server_env  # noqa: E402
from server_cpu import requests  # noqa: E402


def _control(*flags: str) -> None:
    """Tells the callgrind this process runs under what to do (instrument, zero, dump)."""
    command = ["callgrind_control", *flags, str(os.getpid())]
    subprocess.run(command, check=True, capture_output=True)


def child(args: argparse.Namespace) -> int:
    """Inside valgrind: counts each page of the mix, writing {page: instructions} as JSON."""
    from pages import configure

    configure(args)
    sys.path.insert(0, str(args.code))
    import django

    django.setup()
    import gc

    from django.test import Client

    import mentorwise

    assert Path(mentorwise.__file__).resolve().is_relative_to(args.code), mentorwise.__file__
    context = json.loads((args.data_dir / "load-context.json").read_text())
    cookie = context["session_cookie"]
    client = Client(HTTP_X_FORWARDED_PROTO="https")

    def get(who: dict[str, Any], path: str, kind: str) -> None:
        client.cookies.clear()
        if kind == "api":
            response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {who['token']}")
        else:
            client.cookies[cookie] = who["session"]
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    mix = requests(context)
    for _ in range(2):  # imports, templates, caches: what a warm worker has
        for who, _name, path, kind in mix:
            get(who, path, kind)
    gc.collect()
    gc.freeze()
    counts: dict[str, int] = {}
    for name in dict.fromkeys(name for _who, name, _path, _kind in mix):
        same = [(who, path, kind) for who, n, path, kind in mix if n == name]
        _control("--zero")
        _control("--instr=on")
        for _ in range(args.rounds):
            for who, path, kind in same:
                get(who, path, kind)
        _control("--instr=off")
        _control("--dump")
        dumps = sorted(args.out.parent.glob(args.out.name + ".*"), key=os.path.getmtime)
        totals = [line for line in dumps[-1].read_text().splitlines() if line.startswith("totals:")]
        counts[name] = int(totals[0].split()[1])
    Path(args.result).write_text(json.dumps({"counts": counts, "mix": [m[1] for m in mix]}))
    return 0


def count(
    args: argparse.Namespace, code: Path, work: Path, env: dict[str, str]
) -> subprocess.Popen[bytes]:
    """Starts the child for the checkout `code` under callgrind."""
    out = work / f"{code.name}.callgrind"
    command = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        f"--callgrind-out-file={out}",
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        "--code",
        str(code),
        "--out",
        str(out),
        "--result",
        str(work / f"{code.name}.json"),
        "--data-dir",
        str(args.data_dir),
        "--rounds",
        str(args.rounds),
    ]
    if args.database_url:
        command += ["--database-url", args.database_url]
    # A cache of its own (the aggregates' data generation included): the two counts run at the
    # same time, and in one shared cache each saw the other's entries come and go.
    # Cached figures kept for the whole count: under valgrind a count takes minutes, and a
    # figure expiring during it (every AGGREGATE_CACHE_SECONDS, 5 minutes by default) would be
    # recomputed inside a few dozen requests, where a server spreads that over thousands.
    child_env = {
        **env,
        "PYTHONPATH": str(code),
        "CACHE_URL": f"filecache://{work}/cache",
        "AGGREGATE_CACHE_SECONDS": "86400",
    }
    return subprocess.Popen(
        command, cwd=code, env=child_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--database-url", default="", help="Default: SQLite in the data dir.")
    parser.add_argument("--baseline", type=Path, help="Another checkout of the project.")
    parser.add_argument("--rounds", type=int, default=1, help="Times each page's requests run.")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--code", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.data_dir = args.data_dir.resolve()
    if args.child:
        return child(args)
    env = server_env(args)
    ready_for_serving(args, env)
    prepare_sessions(args, env)
    checkouts = [ROOT] + ([args.baseline.resolve()] if args.baseline else [])
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        runs = []
        for i, code in enumerate(checkouts):
            (work / str(i)).mkdir()
            runs.append(count(args, code, work / str(i), env))
        if any(run.wait() != 0 for run in runs):
            print("a count failed: run the child's command by hand to see why", file=sys.stderr)
            return 1
        results = [
            json.loads(next((work / str(i)).glob("*.json")).read_text()) for i in range(len(runs))
        ]
    mix: list[str] = results[0]["mix"]
    engine = "PostgreSQL (the server's processes not counted)" if args.database_url else "SQLite"
    print(f"\nInstructions per request (millions), {engine}, in-process, warm")
    header = f"{'page':<30} {'n':>3} {'this':>8}"
    if len(results) > 1:
        header += f" {'baseline':>9} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    totals = [0.0] * len(results)
    for name in dict.fromkeys(mix):
        n = mix.count(name)
        per = [r["counts"][name] / (n * args.rounds) / 1e6 for r in results]
        for i, value in enumerate(per):
            totals[i] += value * n
        line = f"{name:<30} {n:>3} {per[0]:>8.2f}"
        if len(per) > 1:
            line += f" {per[1]:>9.2f} {per[0] / per[1]:>6.3f}"
        print(line)
    line = f"{'the mix, per request':<30} {len(mix):>3} {totals[0] / len(mix):>8.2f}"
    if len(totals) > 1:
        line += f" {totals[1] / len(mix):>9.2f} {totals[0] / totals[1]:>6.3f}"
    print("-" * len(header))
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
