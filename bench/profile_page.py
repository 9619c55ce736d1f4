"""cProfile one page (or the leadership PDF) on a built demo, as bench/pages.py fetches it.

    python bench/profile_page.py --data-dir /tmp/perf-sqlite --role program.manager \\
        --url /matching/programs/leadership-mentoring/ --reps 5
    python bench/profile_page.py --data-dir /tmp/perf-pdf --role hr.admin \\
        --url /insights/programs/leadership-mentoring/report.pdf --reps 2 --sort tottime

The page is fetched once to warm the caches, then --reps times under cProfile; prints the
--top functions by --sort (cumulative by default) and, with --out, writes the raw stats.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import setup


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--role", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    setup(args)
    from django.test import Client

    from mentorwise.accounts.models import User

    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.force_login(User.objects.get(username=args.role))
    assert client.get(args.url).status_code == 200
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.reps):
        assert client.get(args.url).status_code == 200
    profile.disable()
    if args.out:
        profile.dump_stats(args.out)
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
