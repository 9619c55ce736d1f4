"""The leadership report of a program: one PDF with its health, activity, equity and outcomes.

The report is the dashboards on paper: every number comes from the same selectors as the
pages, the charts are the same server-side SVG, and suppressed cells stay suppressed.
"""

from __future__ import annotations

import base64
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from mentorwise.accounts.actors import Actor
from mentorwise.insights import charts, charts_equity
from mentorwise.insights.equity_access import equity_dimensions_for, record_demographics_viewed
from mentorwise.insights.equity_display import equity_table
from mentorwise.insights.equity_groups import SIDE_LABELS, SIDES
from mentorwise.insights.equity_release import released_equity
from mentorwise.insights.figures import health_sections
from mentorwise.insights.health import program_health
from mentorwise.insights.outcome_charts import retention_chart
from mentorwise.insights.program_outcomes import (
    ESTIMAND,
    OUTCOME_HELP,
    OUTCOME_LABELS,
    program_outcomes,
)
from mentorwise.insights.trends import program_activity
from mentorwise.programs.models import Program


def _figure(svg: str) -> str:
    """A chart as an image of the report (safe: our chart code's SVG, never user text).

    Inline, each chart's few hundred SVG elements and its stylesheet would go through the
    HTML cascade and box layout of the whole report; as an image WeasyPrint draws the same
    SVG without them (a third less time for the whole PDF).
    """
    data = base64.b64encode(svg.encode()).decode("ascii")
    return mark_safe(f'<img alt="" src="data:image/svg+xml;base64,{data}">')


def _equity_sections(program: Program, actor: Actor) -> list[dict[str, Any]]:
    """Each side's breakdowns the actor may read: a table each, a chart for the mentees'."""
    dimensions = equity_dimensions_for(actor, program)
    sections = []
    for side in SIDES:
        equity = released_equity(program=program, side=side, dimensions=dimensions)
        tables = []
        for breakdown in equity.breakdowns.values():
            headers, rows = equity_table(equity, breakdown)
            svg = (
                _figure(charts_equity.equity_chart(breakdown, side_label=SIDE_LABELS[side]))
                if side == SIDES[0]
                else ""
            )
            tables.append({"breakdown": breakdown, "headers": headers, "rows": rows, "svg": svg})
        sections.append({"label": SIDE_LABELS[side], "equity": equity, "tables": tables})
    record_demographics_viewed(
        actor=actor, program=program, dimensions=dimensions, sides=list(SIDES), via="pdf"
    )
    return sections


def _outcomes_section(program: Program) -> dict[str, Any]:
    result = program_outcomes(program=program)
    rows = [
        {
            "label": OUTCOME_LABELS[name],
            "help": OUTCOME_HELP[name],
            "estimate": estimate,
            "verdict": result.verdict(name),
        }
        for name, estimate in result.outcomes.items()
    ]
    chart = _figure(retention_chart(result)) if result.curve else ""
    return {"result": result, "rows": rows, "chart": chart, "estimand": ESTIMAND}


def program_report_context(*, program: Program, actor: Actor) -> dict[str, Any]:
    """Everything the report shows, computed once. Reading demographic breakdowns (HR admins
    only) is recorded in the audit log, as on the equity page."""
    health = program_health(program=program, actor=actor)
    activity = program_activity(program=program)
    sections = health_sections(health)
    return {
        "program": program,
        "generated_at": timezone.now(),
        "health": health,
        "sections": sections,
        "activity": activity,
        "svg": {
            "funnel": _figure(charts.funnel_chart(health.funnel)),
            "health": _figure(charts.health_chart(health.health)),
            "activity": _figure(charts.activity_chart(activity)),
        },
        "equity_sections": _equity_sections(program, actor),
        "outcomes": _outcomes_section(program),
    }


def program_report_html(*, program: Program, actor: Actor) -> str:
    return render_to_string(
        "insights/report.html", program_report_context(program=program, actor=actor)
    )


def program_report_pdf(*, program: Program, actor: Actor) -> bytes:
    """The report as PDF bytes (WeasyPrint renders the SVG charts natively)."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=program_report_html(program=program, actor=actor)).write_pdf()
    return pdf  # (WeasyPrint is untyped)
