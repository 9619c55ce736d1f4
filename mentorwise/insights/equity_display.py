"""The equity figures as people read them: formatted cells, the accessible table (page and
PDF) and the CSV export. A suppressed figure is "—" in print and an empty CSV cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorwise.core.csv import csv_safe
from mentorwise.insights.equity import Breakdown, GroupFigures, ProgramEquity
from mentorwise.insights.equity_groups import MENTEE, MENTOR, shown_group_label

DASH = "—"


GAP_LABELS = {
    "participation": cast(str, gettext_lazy("participation under four-fifths of the rest")),
    "match": cast(str, gettext_lazy("match rate under four-fifths of the rest")),
    "sponsorship": cast(str, gettext_lazy("sponsorship under four-fifths of the rest")),
}


def fmt_count(value: int | None) -> str:
    return DASH if value is None else f"{value:,}"


def fmt_share(value: float | None) -> str:
    return DASH if value is None else f"{100 * value:.0f}%"


def fmt_number(value: float | None, digits: int = 1) -> str:
    return DASH if value is None else f"{value:.{digits}f}"


@dataclass(frozen=True)
class TableRow:
    """One printed row: its label, its cells as text ("—" when suppressed) and its flags."""

    label: str
    cells: list[str]
    gaps: tuple[str, ...] = ()
    suppressed: bool = False
    is_total: bool = False

    @property
    def gap_labels(self) -> list[str]:
        return [str(GAP_LABELS[g]) for g in self.gaps]


def row_label(breakdown: Breakdown, group: GroupFigures) -> str:
    """A group's label as people read it (the total is "All")."""
    if group is breakdown.total:
        return _("All")
    return shown_group_label(breakdown.dimension, group.key)


def gap_notes(breakdown: Breakdown) -> list[str]:
    """Each flagged gap of the breakdown as a sentence people read."""
    notes = []
    for group, metric in breakdown.gaps:
        values = {"group": shown_group_label(breakdown.dimension, group.key)}
        if metric == "participation":
            note = _("%(group)s: participation rate under four-fifths of everyone else's.")
        elif metric == "match":
            note = _("%(group)s: match rate under four-fifths of everyone else's.")
        else:
            note = _("%(group)s: sponsorship rate under four-fifths of everyone else's.")
        notes.append(note % values)
    return notes


def equity_table(equity: ProgramEquity, breakdown: Breakdown) -> tuple[list[str], list[TableRow]]:
    """The accessible table of one breakdown (page and PDF): headers and rows, total last."""
    headers = [
        _("Population"),
        _("Enrolled"),
        _("Participation"),
        _("Matched"),
        _("Match rate"),
        _("Median days to match"),
        equity.seniority_label,
        equity.sponsorship_label,
        _("Promoted since start"),
        _("Still employed"),
    ]
    rows = []
    for group in [*breakdown.groups, breakdown.total]:
        seniority = fmt_number(group.seniority, 1 if equity.side == MENTEE else 2)
        rows.append(
            TableRow(
                label=row_label(breakdown, group),
                cells=[
                    fmt_count(group.population),
                    fmt_count(group.enrolled),
                    fmt_share(group.participation),
                    fmt_count(group.matched),
                    fmt_share(group.match_rate),
                    fmt_number(group.median_days_to_match, 0),
                    seniority,
                    fmt_share(group.sponsorship_rate),
                    fmt_share(group.promotion_rate),
                    fmt_share(group.retention_rate),
                ],
                gaps=group.gaps,
                suppressed=group.suppressed,
                is_total=group is breakdown.total,
            )
        )
    return headers, rows


CSV_COLUMNS = (
    "side",
    "dimension",
    "group",
    "population",
    "enrolled",
    "participation",
    "matched",
    "match_rate",
    "median_days_to_match",
    "mentor_seniority",
    "mentees_per_mentor",
    "sponsored",
    "sponsorship_rate",
    "promoted",
    "promotion_rate",
    "still_employed",
    "retention_rate",
    "gaps",
    "suppressed",
)


def csv_figure(value: float | int | None, digits: int = 4) -> str | int | float:
    """A figure as a CSV cell: empty when suppressed, rates rounded (equity and pipeline)."""
    if value is None:
        return ""
    return round(value, digits) if isinstance(value, float) else value


def equity_csv(results: Iterable[ProgramEquity]) -> str:
    """The breakdowns as CSV (formula-safe); a suppressed figure is an empty cell."""

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for equity in results:
        for dimension, breakdown in equity.breakdowns.items():
            for group in [*breakdown.groups, breakdown.total]:
                writer.writerow(
                    [
                        equity.side,
                        dimension,
                        csv_safe(row_label(breakdown, group)),
                        csv_figure(group.population),
                        csv_figure(group.enrolled),
                        csv_figure(group.participation),
                        csv_figure(group.matched),
                        csv_figure(group.match_rate),
                        csv_figure(group.median_days_to_match, 1),
                        csv_figure(group.seniority if equity.side == MENTEE else None, 2),
                        csv_figure(group.seniority if equity.side == MENTOR else None, 2),
                        csv_figure(group.sponsored),
                        csv_figure(group.sponsorship_rate),
                        csv_figure(group.promoted),
                        csv_figure(group.promotion_rate),
                        csv_figure(group.still_employed),
                        csv_figure(group.retention_rate),
                        " ".join(group.gaps),
                        "yes" if group.suppressed else "",
                    ]
                )
    return out.getvalue()
