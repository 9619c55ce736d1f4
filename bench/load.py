"""Load test: mixed traffic of mentees, mentors and HR admins against a production-like server.

What it does
1. Builds the demo organization into MENTORWISE_DATA_DIR if there is none yet
   (`mentorwise demo --people N --no-serve`; 100,000 people take about a minute on SQLite).
2. Logs in demo people without a browser: for a sample of mentees and mentors with an
   active relationship, and for the demo HR admin, it creates real sessions through
   Django's `login()`, and an API token for the HR admin. The locust users take them.
3. Starts `mentorwise serve` (gunicorn, its default processes) with production settings on
   loopback: DEBUG=false, a secret key, HTTPS behind a proxy (`SECURE_PROXY_SSL_HEADER`;
   every request carries `X-Forwarded-Proto: https` as a TLS-terminating proxy would send
   it, so `__Host-` secure cookies and HSTS are all on).
4. Runs locust headless (bench/locustfile.py) at each concurrency level for a fixed time,
   then prints requests/s, p50/p95/p99 latency and error count per level, plus the slowest
   pages. Exits 1 if any request failed (non-2xx or an exception).

The locust users are FastHttpUser (geventhttpclient): locust shares the server's two cores,
and requests-based HttpUser took several times more CPU per request (measured: 50 → 64
requests/s at 50 users on the same server and data, one run after the other).

Run it (the machine's other work slows it; keep the runs short):

    pip install -e '.[bench]'
    python bench/load.py --data-dir /tmp/mw-load --people 100000 --users 1,10,50 --time 30
    # PostgreSQL instead of the embedded SQLite database (an empty database; it is built):
    python bench/load.py --data-dir /tmp/mw-load-pg \\
        --database-url postgres://postgres@127.0.0.1:5432/mentorwise_load

Traffic (bench/mix.py; think time 0.5–1.5 s between visits; every visit is a few requests):
- mentee (5 of 10 visits): home page, their relationship page, its goals and meetings
  through the API;
- mentor (3 of 10): home page, their relationships, one relationship, open match requests;
- HR admin (2 of 10): people directory search, a program page, the insights overview and a
  program's health dashboard, API lists of people (search) and programs.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mentorwise.core.management.commands.serve import default_workers, worker_class  # noqa: E402

LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"


def server_env(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "MENTORWISE_DATA_DIR": str(args.data_dir),
            "DJANGO_SETTINGS_MODULE": "mentorwise.settings",
            "DEBUG": "false",
            "SECRET_KEY": "load-test-" + "k" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_PROXY_SSL_HEADER": "true",
            "MENTORWISE_TASKS": "database",
            "LOG_LEVEL": "WARNING",
        }
    )
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    else:
        env.pop("DATABASE_URL", None)
    return env


def build_data(args: argparse.Namespace, env: dict[str, str]) -> None:
    demo_env = {**env, "DEBUG": "true"}
    print(f"Building the demo organization ({args.people:,} people) in {args.data_dir} ...")
    started = time.monotonic()
    subprocess.run(
        ["mentorwise", "demo", "--people", str(args.people), "--no-serve", "-v", "0"],
        env=demo_env,
        check=True,
    )
    print(f"  built in {time.monotonic() - started:.0f} s")


def prepare_sessions(args: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    """Sessions and ids for the locust users, made in a child process with the server's env."""
    out = Path(args.data_dir) / "load-context.json"
    code = f"""
import json, random, django
django.setup()
from django.conf import settings
from django.contrib.auth import login
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from mentorwise.accounts.models import TokenScope, User
from mentorwise.accounts.services import api_token_create
from mentorwise.people.models import Person
from mentorwise.programs.models import Program
from mentorwise.relationships.models import Relationship

rng = random.Random(1)
def session(user):
    request = RequestFactory().get("/")
    request.session = SessionStore()
    login(request, user, backend="mentorwise.accounts.backends.PasswordBackend")
    request.session.save()
    return request.session.session_key

active = Relationship.objects.filter(status="active").select_related(
    "mentee__person__user", "mentor__person__user")
mentees, mentors = {{}}, {{}}
for r in active.order_by("id")[:3000]:
    mentee = getattr(r.mentee.person, "user", None)
    mentor = getattr(r.mentor.person, "user", None)
    if mentee is not None:
        mentees.setdefault(mentee.pk, (mentee, r.pk))
    if mentor is not None:
        mentors.setdefault(mentor.pk, (mentor, r.pk))
pick = lambda d, n: rng.sample(sorted(d.values(), key=lambda v: v[0].pk), min(n, len(d)))
admin = User.objects.get(username="hr.admin")
_, token = api_token_create(actor=admin, name="load test", scope=TokenScope.READ)
names = list(Person.objects.order_by("?").values_list("last_name", flat=True)[:200])
context = {{
    "session_cookie": settings.SESSION_COOKIE_NAME,
    "mentees": [{{"session": session(u), "relationship": r}} for u, r in pick(mentees, 40)],
    "mentors": [{{"session": session(u), "relationship": r}} for u, r in pick(mentors, 30)],
    "admins": [{{"session": session(admin), "token": token}} for _ in range(5)],
    "programs": list(Program.objects.values_list("slug", flat=True)),
    "search": sorted(set(names)),
}}
open({str(out)!r}, "w").write(json.dumps(context))
print(len(context["mentees"]), "mentees,", len(context["mentors"]), "mentors,",
      len(context["programs"]), "programs")
"""
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT)
    return json.loads(out.read_text())


def ready_for_serving(args: argparse.Namespace, env: dict[str, str]) -> None:
    """Bring a built data set up to the current schema and collect the static files once
    (the server starts with --skip-collectstatic)."""
    subprocess.run(["mentorwise", "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    if not (args.data_dir / "static" / "staticfiles.json").exists():
        subprocess.run(
            ["mentorwise", "collectstatic", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT
        )


def start_server(
    args: argparse.Namespace, env: dict[str, str], workers: int, threads: int, log: str
) -> subprocess.Popen[bytes]:
    """`mentorwise serve` on loopback (port `args.port`), its output in the data dir's `log`;
    in a session of its own, so that `os.killpg` stops it with its workers."""
    return subprocess.Popen(
        [
            *("mentorwise", "serve", "--bind", f"127.0.0.1:{args.port}"),
            *("--workers", str(workers), "--threads", str(threads), "--skip-collectstatic"),
        ],
        env=env,
        cwd=ROOT,
        stdout=open(args.data_dir / log, "w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_until_up(url: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer {url} within {seconds:.0f} s")


def warm_up(host: str, context: dict[str, Any], workers: int) -> None:
    """First requests import the whole app in each worker: take them before measuring."""
    cookie = context["session_cookie"]
    mentee, admin = context["mentees"][0], context["admins"][0]
    pages = [("/", mentee), (f"/relationships/{mentee['relationship']}/", mentee)]
    pages += [("/people/?q=a", admin), ("/insights/", admin)]
    pages += [(f"/programs/{slug}/", admin) for slug in context["programs"]]

    def get(page: tuple[str, dict[str, Any]]) -> int:
        request = urllib.request.Request(  # noqa: S310 - loopback
            host + page[0],
            headers={"X-Forwarded-Proto": "https", "Cookie": f"{cookie}={page[1]['session']}"},
        )
        with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310
            return response.status

    with ThreadPoolExecutor(max_workers=4 * workers) as pool:
        list(pool.map(get, pages * 2 * workers))


def run_level(args: argparse.Namespace, users: int, host: str, context_file: Path) -> dict:
    prefix = Path(args.data_dir) / f"locust-{users}"
    env = {**os.environ, "MENTORWISE_LOAD_CONTEXT": str(context_file)}
    command = [
        *("locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary"),
        *("-u", str(users), "-r", str(max(1, users // 2)), "-t", f"{args.time}s"),
        *("--host", host, "--csv", str(prefix), "--stop-timeout", "10"),
        *("--loglevel", "WARNING"),
    ]
    subprocess.run(command, env=env, check=False, stdout=subprocess.DEVNULL)
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv", newline="")))  # noqa: SIM115
    total = next(r for r in rows if r["Name"] == "Aggregated")
    pages = sorted(
        (r for r in rows if r["Name"] != "Aggregated"),
        key=lambda r: float(r["95%"] or 0),
        reverse=True,
    )
    return {"users": users, "total": total, "pages": pages}


def print_table(results: list[dict], title: str) -> None:
    print()
    print(title)
    header = f"{'users':>5} {'requests':>9} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
    header += f"{'p99 ms':>7} {'max ms':>7} {'errors':>6}  machine load (1 min)"
    print(header)
    print("-" * len(header))
    for result in results:
        t = result["total"]
        print(
            f"{result['users']:>5} {int(t['Request Count']):>9,} "
            f"{float(t['Requests/s']):>7.1f} {t['50%']:>7} {t['95%']:>7} {t['99%']:>7} "
            f"{float(t['Max Response Time']):>7.0f} {int(t['Failure Count']):>6}"
            f"  {result['load'][0]:.1f} → {result['load'][1]:.1f}"
        )
    slowest = results[-1]
    print(f"\nSlowest pages at {slowest['users']} users (p95):")
    for row in slowest["pages"][:6]:
        print(f"  {row['95%']:>6} ms  {row['Type']} {row['Name']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="Default: SQLite in the data dir.")
    parser.add_argument("--users", default="1,10,50", help="Concurrency levels (comma list).")
    parser.add_argument("--time", type=int, default=30, help="Seconds per level.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        help="gunicorn processes (serve's default).",
    )
    parser.add_argument(
        "--threads", type=int, default=1, help="Threads per process (serve's default: 1)."
    )
    args = parser.parse_args()
    args.data_dir = args.data_dir.resolve()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    env = server_env(args)

    sqlite_built = not args.database_url and (args.data_dir / "mentorwise.sqlite3").exists()
    if not (sqlite_built or (args.data_dir / "load-built").exists()):
        build_data(args, env)
        (args.data_dir / "load-built").write_text(str(args.people))
    ready_for_serving(args, env)
    context = prepare_sessions(args, env)
    context_file = args.data_dir / "load-context.json"
    random.seed(1)

    host = f"http://127.0.0.1:{args.port}"
    server = start_server(args, env, args.workers, args.threads, "server.log")
    try:
        wait_until_up(f"{host}/health/")
        print("Warming up the workers ...", flush=True)
        warm_up(host, context, args.workers)
        results = []
        for users in (int(u) for u in args.users.split(",")):
            print(f"{users} concurrent users for {args.time} s ...", flush=True)
            load_before = os.getloadavg()[0]
            results.append(run_level(args, users, host, context_file))
            results[-1]["load"] = (load_before, os.getloadavg()[0])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    engine = "PostgreSQL" if args.database_url else "SQLite"
    print_table(
        results,
        f"Mentorwise under load: {engine}, gunicorn {args.workers} processes × {args.threads} "
        f"thread(s) ({worker_class(args.threads)}), "
        f"{len(context['programs'])} programs, {args.time} s per level",
    )
    errors = sum(int(r["total"]["Failure Count"]) for r in results)
    if errors:
        print(f"\n{errors} failed requests; see {args.data_dir}/locust-*_failures.csv")
    idle = [r["users"] for r in results if int(r["total"]["Request Count"]) == 0]
    if idle:
        # A locustfile that breaks before its first request measures nothing: say so.
        print(f"\nno request was made at {idle} users; see {args.data_dir}/server.log")
    return 1 if errors or idle else 0


if __name__ == "__main__":
    sys.exit(main())
