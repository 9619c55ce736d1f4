"""Charts as server-rendered SVG (pygal): they work in pages, PDFs and without JavaScript.

Each chart has a table beside it on the page (the same figures), so nothing depends on
seeing the picture.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

import pygal
from django.utils import dateformat
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from pygal.style import Style

from mentorwise.insights.health import Funnel, HealthShares, ProgramOverviewRow, TrendPoint
from mentorwise.insights.trends import ActivityMonth

_STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#5f6b7a",
    colors=("#2f5d8a", "#1d7a46", "#a86500", "#b42318", "#6b7a99"),
    font_family="system-ui, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=13,
    title_font_size=15,
    no_data_font_size=16,
)


def _config(**options: object) -> dict[str, object]:
    # No scripts (no tooltips from a CDN) and no XML declaration: the SVG is inlined in HTML.
    return {
        "style": _STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "width": 640,
        "height": 300,
        "show_legend": False,
        "explicit_size": False,
        "truncate_label": -1,  # never cut "Dec 25" to "Dec …"
        "no_data_text": _("No figure to draw: every group is too small to show (see the table)"),
        "truncate_legend": -1,
        **options,
    }


# A chart with no value to draw: only its title and the no-data text, without axes or grid
# lines for the text to run across.
NO_FIGURE: dict[str, object] = {
    "show_x_guides": False,
    "show_y_guides": False,
    "show_x_labels": False,
    "show_y_labels": False,
    "show_legend": False,
    "height": 160,
}


def no_figure(values: list[float | None]) -> bool:
    return all(value is None for value in values)


_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


def _render(chart: pygal.graph.graph.Graph) -> str:
    # pygal embeds a config <script> for its optional tooltips; without the tooltip library it
    # does nothing, and pages allow no inline scripts, so it is removed.
    return _SCRIPT.sub("", chart.render(is_unicode=True))


class DrawnCharts:
    """The last `size` charts drawn in this process, by what they show: a dashboard read again
    with the same figures (its aggregates are cached until the next write) is not drawn again.

    The key is the chart's kind, the language it is written in and every figure and label it
    draws, so a chart is only ever reused for exactly the figures it was drawn from."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._svgs: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, draw: Callable[[], str]) -> str:
        key = (get_language(), key)
        with self._lock:
            svg = self._svgs.get(key)
            if svg is not None:
                self._svgs.move_to_end(key)
                return svg
        svg = draw()
        with self._lock:
            self._svgs[key] = svg
            while len(self._svgs) > self._size:
                self._svgs.popitem(last=False)
        return svg

    def clear(self) -> None:
        with self._lock:
            self._svgs.clear()


DRAWN = DrawnCharts()


def funnel_chart(funnel: Funnel) -> str:
    return DRAWN.get(("funnel", funnel), lambda: _funnel_chart(funnel))


def health_chart(shares: HealthShares) -> str:
    return DRAWN.get(("health", shares), lambda: _health_chart(shares))


def trend_chart(points: list[TrendPoint]) -> str:
    return DRAWN.get(("trend", tuple(points)), lambda: _trend_chart(points))


def activity_chart(months: list[ActivityMonth]) -> str:
    """Relationships active at each month's end, with new matches and meetings held."""
    return DRAWN.get(("activity", tuple(months)), lambda: _activity_chart(months))


def programs_chart(rows: list[ProgramOverviewRow]) -> str:
    """Enrolled mentees and active relationships of each program, side by side."""
    drawn = tuple((row.program.title, row.enrolled, row.active) for row in rows)
    return DRAWN.get(("programs", drawn), lambda: _programs_chart(rows))


def _funnel_chart(funnel: Funnel) -> str:
    chart = pygal.HorizontalBar(**_config(title=_("Mentee funnel"), print_values=True))
    stages = [
        (_("Eligible"), funnel.eligible),
        (_("Enrolled"), funnel.enrolled),
        (_("Matched"), funnel.matched),
        (_("Active"), funnel.active),
        (_("Completed"), funnel.completed),
    ]
    chart.x_labels = [label for label, _value in reversed(stages)]
    chart.add(_("People"), [value for _label, value in reversed(stages)])
    return _render(chart)


def _health_chart(shares: HealthShares) -> str:
    chart = pygal.Bar(**_config(title=_("Active relationships by health"), print_values=True))
    chart.x_labels = [_("On track"), _("Stalled"), _("At risk")]
    chart.add(
        _("Relationships"),
        [
            {"value": shares.on_track, "color": "#1d7a46"},
            {"value": shares.stalled, "color": "#a86500"},
            {"value": shares.at_risk, "color": "#b42318"},
        ],
    )
    return _render(chart)


def _trend_chart(points: list[TrendPoint]) -> str:
    chart = pygal.Line(
        **_config(
            title=_("Check-in pulse by month (1–5)"),
            range=(1, 5),
            show_dots=True,
            dots_size=4,
            x_label_rotation=0,
            **(NO_FIGURE if no_figure([p.mean_pulse for p in points]) else {}),
        )
    )
    chart.x_labels = [dateformat.format(p.period, "M Y") for p in points]
    # A hidden month (fewer than k people) is a gap in the line, not a point.
    chart.add(
        _("Mean pulse"),
        [None if p.mean_pulse is None else round(p.mean_pulse, 2) for p in points],
    )
    return _render(chart)


def _activity_chart(months: list[ActivityMonth]) -> str:
    chart = pygal.Line(
        **_config(
            title=_("Activity by month"),
            show_dots=True,
            dots_size=3,
            show_legend=True,
            legend_at_bottom=True,
            legend_at_bottom_columns=3,
            x_label_rotation=0,
            x_labels_major_every=2,
            show_minor_x_labels=False,
            y_labels_major_count=6,
            show_minor_y_labels=False,
        )
    )
    chart.x_labels = [dateformat.format(m.month, "M y") for m in months]
    chart.add(_("Active at month end"), [m.active_at_end for m in months])
    chart.add(_("New matches"), [m.matched for m in months])
    chart.add(_("Meetings held"), [m.meetings for m in months])
    return _render(chart)


def _programs_chart(rows: list[ProgramOverviewRow]) -> str:
    chart = pygal.HorizontalBar(
        **_config(
            title=_("Programs: enrolled mentees and active relationships"),
            show_legend=True,
            legend_at_bottom=True,
            legend_at_bottom_columns=2,
            width=960,
            height=max(260, 110 + 52 * len(rows)),
            print_values=True,
        )
    )
    # Horizontal bars are drawn bottom-up: reversed, they read top-down like the table.
    shown = list(reversed(rows))
    chart.x_labels = [row.program.title for row in shown]
    chart.add(_("Enrolled mentees"), [row.enrolled for row in shown])
    chart.add(_("Active relationships"), [row.active for row in shown])
    return _render(chart)
