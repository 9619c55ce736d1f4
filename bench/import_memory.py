"""Peak memory and time of the HRIS import on files at the byte limit, worst row shapes first.

    python bench/import_memory.py                        # 50 MB files (the default limit)
    python bench/import_memory.py --mb 10 --cases short-bad,valid-minimal
    python bench/import_memory.py --mb 10 --old /tmp/mentorwise-old   # also another checkout

Builds one CSV file per row shape, `--mb` megabytes (MiB) each, just under the limit:

- short-bad: a valid header, then two-byte rows ("x" + line break): one error per row;
- bad-cells: all 19 columns, every checked cell wrong: about ten errors per row;
- many-columns: 1,000 columns (the most the importer reads), valid rows;
- long-cells: rows with a 100,000-character cell (under the csv module's field limit);
- one-line: the whole file one line without a line break;
- valid-minimal: the four required columns, the shortest valid rows (the most people);
- valid-org: a realistic organization (`generate_org`), all columns.

Every import runs in a fresh subprocess (its own SQLite database in a temporary folder, or
the scratch PostgreSQL database of DATABASE_URL, emptied first) through `people_import`, the
service the web page and `mentorwise import-people` call, with the file open as a stream as
the page passes its upload: once as a dry run (the page's preview) and once for real. A
subprocess reports its peak resident set size (ru_maxrss), its size just before the import
(Django loaded, database migrated) and the import's wall time. The reference is Python's csv
module merely reading the same file in a bare process; with --old the same runs use the
code of another checkout (given the whole file as bytes, as its page did), under a memory
cap (--old-cap-gb) so that it cannot take the machine down.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
TODAY = "2026-11-26"


def _fill(path: Path, size: int, header: str, row: Callable[[int], str]) -> int:
    """Write `header` and rows until the next row would pass `size` bytes; the row count."""
    written, count = 0, 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(header)
        written += len(header.encode())
        while True:
            line = row(count)
            n = len(line.encode())
            if written + n > size:
                return count
            out.write(line)
            written += n
            count += 1


REQUIRED = "employee_id,first_name,last_name,email\n"
ALL = (
    "employee_id,first_name,last_name,email,title,job_level,department,function,location,"
    "time_zone,languages,manager_id,hire_date,manager_since,high_potential,termination_date,"
    "termination_kind,gender,ethnicity\n"
)


def build_short_bad(path: Path, size: int) -> int:
    return _fill(path, size, REQUIRED, lambda i: "x\n")


def build_bad_cells(path: Path, size: int) -> int:
    bad = f",,,nope,{'T' * 201},11,,,,Mars/Base,12,,2099-01-01,x,maybe,1999-01-01,fired,robot,z\n"
    return _fill(path, size, ALL, lambda i: bad)


def build_many_columns(path: Path, size: int) -> int:
    extra = 996
    header = REQUIRED.rstrip("\n") + "".join(f",extra{c}" for c in range(extra)) + "\n"
    filler = "," * extra
    return _fill(path, size, header, lambda i: f"E{i},Ana,Li,e{i}@example.com{filler}\n")


def build_long_cells(path: Path, size: int) -> int:
    cell = "T" * 100_000
    header = REQUIRED.rstrip("\n") + ",title\n"
    return _fill(path, size, header, lambda i: f"E{i},Ana,Li,e{i}@example.com,{cell}\n")


def build_one_line(path: Path, size: int) -> int:
    with path.open("w", encoding="utf-8") as out:
        out.write(REQUIRED.rstrip("\n") + ",")
        block = "a" * MIB
        left = size - len(REQUIRED)
        while left > 0:
            out.write(block[: min(left, MIB)])
            left -= MIB
    return 1


def build_valid_minimal(path: Path, size: int) -> int:
    return _fill(path, size, REQUIRED, lambda i: f"{i},A,B,{i}@x.io\n")


def build_valid_org(path: Path, size: int) -> int:
    sys.path.insert(0, str(ROOT))
    import datetime as dt

    from mentorwise.people.generator import generate_org

    people = int(size / 172)  # bytes per person of the generator's files, measured
    while True:
        org = generate_org(people, 1, today=dt.date.fromisoformat(TODAY))
        org.write_csv(path)
        if path.stat().st_size <= size:
            return people
        people = int(people * size / path.stat().st_size * 0.999)


CASES: dict[str, Callable[[Path, int], int]] = {
    "short-bad": build_short_bad,
    "bad-cells": build_bad_cells,
    "many-columns": build_many_columns,
    "long-cells": build_long_cells,
    "one-line": build_one_line,
    "valid-minimal": build_valid_minimal,
    "valid-org": build_valid_org,
}


# -- the measured processes --------------------------------------------------------------


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child_csv(path: str) -> dict[str, object]:
    """The reference: the csv module reading every row, keeping nothing."""
    csv.field_size_limit(sys.maxsize)
    started, cpu = time.perf_counter(), _cpu()
    rows = 0
    with open(path, encoding="utf-8", newline="") as handle:
        for _ in csv.reader(handle):
            rows += 1
    return {
        "seconds": time.perf_counter() - started,
        "cpu": _cpu() - cpu,
        "outcome": f"{rows:,} rows",
        "before_kb": 0,
    }


def child_import(path: str, mode: str, code: str, as_bytes: bool) -> dict[str, object]:
    sys.path.insert(0, code)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorwise.settings")
    import datetime as dt

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from mentorwise.core.errors import InvalidInput
    from mentorwise.people.models import Demographics, Person
    from mentorwise.people.services import people_import

    db = settings.DATABASES["default"]
    if not str(db["ENGINE"]).endswith(".sqlite3") and db["NAME"] in ("test", "postgres"):
        sys.exit(f"Refusing to empty the people tables of database {db['NAME']!r}.")
    call_command("migrate", verbosity=0, skip_checks=True)
    Demographics.objects.all().delete()
    Person.objects.all().delete()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu = time.perf_counter(), _cpu()
    try:
        if as_bytes:
            data: object = Path(path).read_bytes()
        else:
            data = open(path, "rb")  # noqa: SIM115 - closed with the process
        result = people_import(
            actor=None,
            data=data,
            file_name=Path(path).name,
            dry_run=mode == "dry",
            today=dt.date.fromisoformat(TODAY),
        )
        outcome = f"{result.created:,} created"
    except InvalidInput as error:
        shown = len(error.errors)
        total = getattr(error, "total", shown)
        outcome = f"{total:,} problems ({shown:,} listed)"
    except MemoryError:
        outcome = "MemoryError"
    return {
        "seconds": time.perf_counter() - started,
        "cpu": _cpu() - cpu,
        "outcome": outcome,
        "before_kb": before,
    }


def run_child(args: list[str], cap_bytes: int | None = None) -> dict[str, object]:
    def limit() -> None:
        if cap_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (cap_bytes, cap_bytes))

    with tempfile.TemporaryDirectory(prefix="mw-bench-mem-") as scratch:
        env = {**os.environ, "MENTORWISE_DATA_DIR": scratch}
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, __file__, "--child", *args],
            capture_output=True,
            text=True,
            env=env,
            preexec_fn=limit,
            check=False,
        )
        wall = time.perf_counter() - started
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        killed = "MemoryError" in done.stderr or done.returncode < 0
        return {"outcome": f"failed: {'out of memory' if killed else tail[:60]}", "wall": wall}
    return {**json.loads(lines[-1]), "wall": wall}


def child_main(argv: list[str]) -> None:
    kind, *rest = argv
    if kind == "csv":
        report = child_csv(rest[0])
    else:
        path, mode, code, as_bytes = rest
        report = child_import(path, mode, code, as_bytes == "bytes")
    report["peak_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(report))


# -- the table ----------------------------------------------------------------------------


def _mb(kb: object) -> str:
    return f"{int(kb) / 1024:,.0f}" if isinstance(kb, int) else "—"  # type: ignore[call-overload]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="File size in MiB (default 50).")
    parser.add_argument("--cases", default=",".join(CASES), help="Comma-separated case names.")
    parser.add_argument("--modes", default="dry,real", help="dry, real or both (default).")
    parser.add_argument("--old", default="", help="Another checkout to measure as well.")
    parser.add_argument("--old-cap-gb", type=float, default=6.0, help="Memory cap for --old.")
    parser.add_argument("--keep", default="", help="Folder to keep the generated files in.")
    args = parser.parse_args()
    size = int(args.mb * MIB)
    cases = [c for c in args.cases.split(",") if c]
    modes = [m for m in args.modes.split(",") if m]
    folder = Path(args.keep or tempfile.mkdtemp(prefix="mw-bench-files-"))
    folder.mkdir(parents=True, exist_ok=True)
    database = os.environ.get("DATABASE_URL", "SQLite")
    print(f"files of {args.mb:g} MiB in {folder}; database: {database}; load {os.getloadavg()}")
    columns = [
        "case", "rows", "mode", "outcome", "peak MB", "import's own MB", "CPU s", "wall s",
        "peak ÷ csv read", "CPU ÷ csv read",
    ]  # fmt: skip
    if args.old:
        columns += ["old peak MB", "old CPU s", "old outcome", "old ÷ new peak"]
    table = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for case in cases:
        path = folder / f"{case}.csv"
        if not (args.keep and path.exists()):
            CASES[case](path, size)
        rows = _rows(path)
        ref = run_child(["csv", str(path)])
        table.append(_line(case, rows, "csv read (reference)", ref, ref, extra=len(columns) - 10))
        print(table[-1], flush=True)
        for mode in modes:
            new = run_child(["import", str(path), mode, str(ROOT), "stream"])
            line = _line(case, rows, mode, new, ref, extra=0)
            if args.old:
                cap = int(args.old_cap_gb * 1024**3)
                old = run_child(["import", str(path), mode, args.old, "bytes"], cap_bytes=cap)
                peak = _mb(old["peak_kb"]) if "peak_kb" in old else f"> {args.old_cap_gb:g} GB"
                cpu = f"{old['cpu']:.1f}" if "cpu" in old else f"{old['wall']:.1f} (wall)"
                ratio = _ratio(old.get("peak_kb"), new.get("peak_kb"))
                if "peak_kb" not in old:
                    ratio = f"> {_ratio(cap // 1024, new.get('peak_kb'))}"
                line += f" {peak} | {cpu} | {old['outcome']} | {ratio} |"
            table.append(line)
            print(table[-1], flush=True)
        if not args.keep:
            path.unlink()
    print(f"load {os.getloadavg()}")
    print()
    print("\n".join(table))


def _rows(path: Path) -> int:
    """Data lines of a generated file (they have no quoted line breaks)."""
    with path.open("rb") as handle:
        return max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(MIB), b"")) - 1)


def _line(
    case: str, rows: int, mode: str, run: dict[str, object], ref: dict[str, object], extra: int
) -> str:
    own = (
        _mb(int(run["peak_kb"]) - int(run["before_kb"]))  # type: ignore[call-overload]
        if "peak_kb" in run and run.get("before_kb")
        else "—"
    )
    cells = [
        case,
        f"{rows:,}",
        mode,
        str(run["outcome"]),
        _mb(run.get("peak_kb")),
        own,
        f"{run['cpu']:.1f}" if "cpu" in run else "—",
        f"{run.get('seconds', run['wall']):.1f}",
        _ratio(run.get("peak_kb"), ref.get("peak_kb")),
        _ratio(run.get("cpu"), ref.get("cpu")),
        *["" for _ in range(extra)],
    ]
    return "| " + " | ".join(cells) + " |"


def _ratio(value: object, reference: object) -> str:
    if (
        not isinstance(value, int | float)
        or not isinstance(reference, int | float)
        or not reference
    ):
        return "—"
    return f"{value / reference:.1f}"


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_main(sys.argv[2:])
    else:
        main()
