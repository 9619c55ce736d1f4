"""Breakdown bar charts for equity of access and pipeline coverage (server-side SVG, pygal).

Suppressed figures have no bar and no value: the chart carries no number the table beside it
does not show. Usable as they are in the PDF report.
"""

from __future__ import annotations

import pygal
from django.utils.translation import gettext as _

from mentorwise.insights.charts import NO_FIGURE, _config, _render, no_figure
from mentorwise.insights.equity import Breakdown
from mentorwise.insights.equity_groups import shown_group_label
from mentorwise.insights.pipeline import CoverageBreakdown, LeaderBreakdown


def _percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def _label(label: str, *values: float | None) -> str:
    # A group without a bar must not read as 0%: say that its figures are not shown.
    if all(v is None for v in values):
        return _("%(group)s (not shown)") % {"group": label}
    return label


def _bars(title: str, labels: list[str], series: list[tuple[str, list[float | None]]]) -> str:
    empty = no_figure([value for _name, values in series for value in values])
    options: dict[str, object] = {
        "title": title,
        "print_values": True,
        "value_formatter": lambda x: f"{x:.0f}%",
        "range": (0, 100),
        "show_legend": len(series) > 1,
        "legend_at_bottom": True,
        # Drawn in full-width cards: a wider canvas keeps the text at the page's size.
        "width": 960,
        "height": max(220, 90 + 22 * len(labels) * len(series)),
    }
    if empty:
        options.update(NO_FIGURE)
    chart = pygal.HorizontalBar(**_config(**options))
    # Horizontal bars are drawn bottom-up: reverse so that the table's first row is on top.
    chart.x_labels = list(reversed(labels))
    for name, values in series:
        chart.add(name, list(reversed(values)))
    return _render(chart)


def equity_chart(breakdown: Breakdown, *, side_label: str) -> str:
    """Participation and match rate of each group of `breakdown`, in percent."""
    groups = breakdown.groups
    return _bars(
        _("%(side)s: participation and match rate by %(breakdown)s")
        % {"side": side_label, "breakdown": breakdown.label.lower()},
        [
            _label(shown_group_label(breakdown.dimension, g.key), g.participation, g.match_rate)
            for g in groups
        ],
        [
            (_("Participation"), [_percent(g.participation) for g in groups]),
            (_("Match rate"), [_percent(g.match_rate) for g in groups]),
        ],
    )


def coverage_chart(breakdown: CoverageBreakdown) -> str:
    """Share of each group with an active mentor or sponsor, in percent."""
    groups = breakdown.groups
    return _bars(
        _("%(breakdown)s: share with an active mentor or sponsor") % {"breakdown": breakdown.label},
        [_label(g.shown_label, g.coverage) for g in groups],
        [(_("Coverage"), [_percent(g.coverage) for g in groups])],
    )


def leaders_chart(breakdown: LeaderBreakdown) -> str:
    """Share of senior leaders of each group mentoring or sponsoring now, in percent."""
    groups = breakdown.groups
    return _bars(
        _("%(breakdown)s: share mentoring or sponsoring now") % {"breakdown": breakdown.label},
        [_label(g.shown_label, g.giving_share) for g in groups],
        [(_("Mentoring or sponsoring"), [_percent(g.giving_share) for g in groups])],
    )
