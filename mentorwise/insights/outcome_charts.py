"""The retention chart of the outcomes page (and of reports): server-side SVG from pygal.

Kept apart from charts.py (program health) but drawn with its style and its script-free
rendering, so it looks the same and works in pages, PDFs and without JavaScript.
"""

from __future__ import annotations

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

from mentorwise.insights.charts import _STYLE, _config, _render
from mentorwise.insights.program_outcomes import ProgramOutcomes

_PARTICIPANTS = "#2f5d8a"
_COMPARABLE = "#a86500"
_EVERYONE = "#56627d"


def retention_chart(result: ProgramOutcomes) -> str:
    """Kaplan–Meier retention of participants vs comparable non-participants, with 95% bands.

    Solid lines are the estimates, thin dashed lines of the same colour the bands' edges;
    the unadjusted comparison (all eligible non-participants) is drawn dotted for reference.
    Empty string when there is no curve to draw.
    """
    if not result.curve:
        return ""
    points = result.curve
    chart = pygal.Line(
        **_config(
            title=_("Still employed (no voluntary exit), by months since the start"),
            range=(max(0.0, min(_lowest(result) - 0.05, 0.9)), 1.0),
            show_dots=False,
            height=340,
            value_formatter=lambda v: f"{v:.0%}",
            x_title=_("Months since the cohort start"),
            style=_style(points[0].comparison_adjusted is not None),
        )
    )
    chart.x_labels = [str(p.month) for p in points]
    chart.x_labels_major_every = 6
    chart.show_minor_x_labels = False
    solid = {"width": 3}
    dashed = {"width": 1, "dasharray": "4,4"}
    chart.add(
        _("Participants"),
        [p.participants for p in points],
        stroke_style=solid,
    )
    chart.add(
        _("Participants 95% band (low)"),
        [p.participants_ci95[0] for p in points],
        stroke_style=dashed,
    )
    chart.add(
        _("Participants 95% band (high)"),
        [p.participants_ci95[1] for p in points],
        stroke_style=dashed,
    )
    if points[0].comparison_adjusted is not None:
        chart.add(
            _("Comparable non-participants"),
            [p.comparison_adjusted for p in points],
            stroke_style=solid,
        )
        for side, label in (
            (0, _("Comparable 95% band (low)")),
            (1, _("Comparable 95% band (high)")),
        ):
            chart.add(
                label,
                [
                    p.comparison_adjusted_ci95[side] if p.comparison_adjusted_ci95 else None
                    for p in points
                ],
                stroke_style=dashed,
            )
    chart.add(
        _("All eligible non-participants (unadjusted)"),
        [p.comparison for p in points],
        stroke_style={"width": 2, "dasharray": "1,5", "linecap": "round"},
    )
    return _render(chart)


def _style(adjusted: bool) -> Style:
    # pygal colours series in the order they are added: estimate, then its two band edges.
    colors = [_PARTICIPANTS] * 3 + ([_COMPARABLE] * 3 if adjusted else []) + [_EVERYONE]
    return Style(**{**_STYLE.to_dict(), "colors": tuple(colors)})


def _lowest(result: ProgramOutcomes) -> float:
    values = [p.participants_ci95[0] for p in result.curve] + [
        p.comparison_ci95[0] for p in result.curve
    ]
    values += [p.comparison_adjusted_ci95[0] for p in result.curve if p.comparison_adjusted_ci95]
    return min(values)
