"""Server CPU per request of the load test's traffic, in a real gunicorn worker.

Starts `mentorwise serve` with one process and one thread (production settings, as
bench/load.py does), sends the load test's visits (bench/mix.py) one after another over one
keep-alive connection, and reads the worker's CPU time from /proc before and after: what each
request costs the server, free of the queueing, the load generator and the other worker that
blur bench/load.py. With PostgreSQL it also reads the CPU of the database's server processes
(they share the machine's cores with the workers), per page and for the mix.

    python bench/server_cpu.py --data-dir /tmp/perf-sqlite --rounds 3
    python bench/server_cpu.py --data-dir /tmp/perf-pg \\
        --database-url postgres://postgres@127.0.0.1:5432/perf_load

The data dir must hold a built demo (bench/load.py builds one). /proc's CPU times count in
ticks of 10 ms: the per-page figures are averages over --rounds × the visits of each page.
Linux only.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import subprocess
import sys
import urllib.parse
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import prepare_sessions, ready_for_serving, server_env, start_server, wait_until_up
from mix import Visit, admin_visit, mentee_visit, mentor_visit

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a database process that ended
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / TICK


def postgres_pids() -> list[int]:
    found = subprocess.run(["pgrep", "-u", "postgres"], capture_output=True, text=True)
    return [int(pid) for pid in found.stdout.split()]


def requests(context: dict[str, Any]) -> list[tuple[dict[str, Any], str, str, str]]:
    """The mix in the locust weights' proportions (5 mentee, 3 mentor, 2 HR admin visits)."""
    visits: list[tuple[dict[str, Any], Visit]] = []
    visits += [(who, mentee_visit(who)) for who in context["mentees"][:10]]
    visits += [(who, mentor_visit(who)) for who in context["mentors"][:6]]
    for i, who in enumerate(context["admins"][:4]):
        slug = context["programs"][i % len(context["programs"])]
        name = context["search"][i * 7 % len(context["search"])]
        visits.append((who, admin_visit(slug, name)))
    return [(who, name, path, kind) for who, visit in visits for name, path, kind in visit]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--database-url", default="", help="Default: SQLite in the data dir.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8790)
    args = parser.parse_args()
    args.data_dir = args.data_dir.resolve()
    env = server_env(args)
    ready_for_serving(args, env)
    context = prepare_sessions(args, env)
    cookie = context["session_cookie"]
    server = start_server(args, env, workers=1, threads=1, log="server-cpu.log")
    try:
        wait_until_up(f"http://127.0.0.1:{args.port}/health/")
        children = subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
        ).stdout.split()
        worker = [int(children[0])]
        database = postgres_pids() if args.database_url else []
        connection = http.client.HTTPConnection("127.0.0.1", args.port)

        def get(who: dict[str, Any], path: str, kind: str) -> None:
            headers = {"X-Forwarded-Proto": "https"}
            if kind == "api":
                headers["Authorization"] = f"Bearer {who['token']}"
            else:
                headers["Cookie"] = f"{cookie}={who['session']}"
            connection.request("GET", urllib.parse.quote(path, safe="/?=&"), headers=headers)
            response = connection.getresponse()
            response.read()
            assert response.status == 200, (path, response.status)

        mix = requests(context)
        for who, _name, path, kind in mix:  # the worker's first requests import the app
            get(who, path, kind)
        started, db_started = cpu_seconds(worker), cpu_seconds(database)
        for _ in range(args.rounds):
            for who, _name, path, kind in mix:
                get(who, path, kind)
        total = (cpu_seconds(worker) - started) * 1000 / (args.rounds * len(mix))
        db_total = (cpu_seconds(database) - db_started) * 1000 / (args.rounds * len(mix))
        engine = "PostgreSQL" if args.database_url else "SQLite"
        print(f"\nServer CPU per request, {engine}, gunicorn 1 process x 1 thread")
        header = f"{'page':<30} {'CPU ms':>7}" + (f" {'PostgreSQL ms':>14}" if database else "")
        print(header)
        print("-" * len(header))
        for name in dict.fromkeys(name for _who, name, _path, _kind in mix):
            same = [row for row in mix if row[1] == name]
            before, db_before = cpu_seconds(worker), cpu_seconds(database)
            for _ in range(args.rounds):
                for who, _name, path, kind in same:
                    get(who, path, kind)
            sent = args.rounds * len(same)
            cost = (cpu_seconds(worker) - before) * 1000 / sent
            db_cost = (cpu_seconds(database) - db_before) * 1000 / sent
            print(f"{name:<30} {cost:>7.1f}" + (f" {db_cost:>14.1f}" if database else ""))
        line = f"\nthe mix ({len(mix)} requests x {args.rounds}): {total:.1f} ms per request"
        if args.database_url:
            line += f", PostgreSQL's processes {db_total:.1f} ms"
        print(line)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
