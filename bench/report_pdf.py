"""CPU time of the leadership PDF, laid out anew ("cold") and again unchanged ("warm").

    python bench/report_pdf.py --data-dir /tmp/perf-pdf --program leadership-mentoring --reps 5

bench/pages.py --pdf times downloads of one unchanged report, which after the first are
served from the per-process PDF cache (`insights.report._PDFS`); this script also times the
report as the first download after a change sees it: the cache is emptied before each cold
request. Same settings as bench/pages.py; prints median and max CPU and wall seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import configure


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--program", default="leadership-mentoring")
    parser.add_argument("--role", default="hr.admin")
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    args.data_dir = args.data_dir.resolve()
    configure(args)
    import django

    django.setup()
    from django.test import Client

    from mentorwise.accounts.models import User
    from mentorwise.insights import report

    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.force_login(User.objects.get(username=args.role))
    url = f"/insights/programs/{args.program}/report.pdf"
    assert client.get(url).status_code == 200
    print(f"Leadership PDF of {args.program} ({args.role}), {args.reps} requests each")
    for label, clear in (("cold", True), ("warm", False)):
        cpu, wall = [], []
        for _ in range(args.reps):
            if clear:
                getattr(report, "_PDFS", {}).clear()
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
            assert response.status_code == 200
        print(
            f"  {label}: CPU median {statistics.median(cpu):.2f} s (max {max(cpu):.2f}), "
            f"wall median {statistics.median(wall):.2f} s, {len(response.content):,} bytes"
        )
    print(f"load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
