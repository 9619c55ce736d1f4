"""`mentorwise insights <subcommand>`: insight figures in the terminal (text or JSON)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentorwise.insights.equity_release import equity_releases_prepare
from mentorwise.insights.program_outcomes import (
    OUTCOME_LABELS,
    ProgramOutcomes,
    outcomes_json,
    program_outcomes,
)
from mentorwise.programs.models import Program


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def _points(effect: Any) -> str:
    if effect is None:
        return "–"
    lo, hi = effect.ci95
    return f"{effect.estimate * 100:+.1f} [{lo * 100:+.1f}, {hi * 100:+.1f}]"


class Command(BaseCommand):
    help = "Insight figures in the terminal. Subcommands: outcomes, equity-releases."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        outcomes = subcommands.add_parser(
            "outcomes",
            help="Outcomes of a program run against comparable non-participants.",
            description="Retention, promotion and internal moves of a program's participants "
            "against comparable eligible non-participants (propensity-weighted).",
        )
        outcomes.add_argument("slug", help="The program's slug.")
        outcomes.add_argument("--json", action="store_true", help="Print JSON (see docs).")
        outcomes.add_argument(
            "--no-cache", action="store_true", help="Recompute even if a cached result exists."
        )

        subcommands.add_parser(
            "equity-releases",
            help="Prepare this month's equity releases (daily from cron; idempotent).",
            description="Compute and store this month's protected equity figures of both sides "
            "of every program that is not a draft, so that no reader waits for them.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "outcomes":
            self._outcomes(options)
        elif options["subcommand"] == "equity-releases":
            made = equity_releases_prepare()
            self.stdout.write(
                ngettext(
                    "%(n)d equity release prepared for this month.",
                    "%(n)d equity releases prepared for this month.",
                    made,
                )
                % {"n": made}
            )

    def _outcomes(self, options: dict[str, Any]) -> None:
        program = Program.objects.filter(slug=options["slug"]).first()
        if program is None:
            raise CommandError(_("No program with slug %(slug)r.") % {"slug": options["slug"]})
        result = program_outcomes(program=program, use_cache=not options["no_cache"])
        if options["json"]:
            self.stdout.write(json.dumps(outcomes_json(result), indent=2))
        else:
            self._table(result)

    def _table(self, result: ProgramOutcomes) -> None:
        w = self.stdout.write
        w(f"{result.program_name} ({result.program_slug})")
        start = f"{result.start:%Y-%m-%d}" if result.start else "no start date"
        w(
            f"Cohort start {start}, followed up to {result.as_of:%Y-%m-%d} "
            f"({result.follow_up_months} months): {result.n_participants:,} participants, "
            f"{result.n_comparison:,} eligible non-participants."
        )
        if result.reason:
            w(self.style.WARNING(result.reason))
            return
        w("")
        header = (
            f"{'Outcome':<40} {'Particip.':>9} {'Others':>7} {'Comparable':>10}  "
            f"{'Naive diff (points) [95% CI]':<30} {'Adjusted diff (points) [95% CI]':<30}"
        )
        w(header)
        w("-" * len(header))
        for name, e in result.outcomes.items():
            w(
                f"{OUTCOME_LABELS[name]:<40} {_pct(e.rate_participants):>9} "
                f"{_pct(e.rate_comparison):>7} {_pct(e.rate_comparison_adjusted):>10}  "
                f"{_points(e.naive):<30} {_points(e.adjusted):<30}"
            )
        w("")
        for _name, verdict in result.verdicts:
            w(f"- {verdict}")
        w("")
        w("Balance (standardised mean difference, |SMD| <= 0.1 is balanced):")
        for b in result.balance:
            w(f"  {b.covariate:<32} before {b.smd_before:+.3f}   after {b.smd_after:+.3f}")
