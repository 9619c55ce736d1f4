"""The leadership report of a program: one PDF with its health, activity, equity and outcomes.

The report is the dashboards on paper: every number comes from the same selectors as the
pages, the charts are the same server-side SVG, and suppressed cells stay suppressed.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from mentorwise.insights import charts
from mentorwise.insights.figures import health_figures
from mentorwise.insights.health import program_health
from mentorwise.insights.trends import program_activity
from mentorwise.programs.models import Program


def program_report_context(*, program: Program, actor: Any) -> dict[str, Any]:
    """Everything the report shows, computed once."""
    health = program_health(program=program)
    activity = program_activity(program=program)
    sections: dict[str, list] = {}
    for figure in health_figures(health):
        sections.setdefault(figure.section, []).append(figure)
    return {
        "program": program,
        "generated_at": timezone.now(),
        "health": health,
        "sections": sections,
        "activity": activity,
        "svg": {
            "funnel": mark_safe(charts.funnel_chart(health.funnel)),
            "health": mark_safe(charts.health_chart(health.health)),
            "activity": mark_safe(charts.activity_chart(activity)),
        },
    }


def program_report_html(*, program: Program, actor: Any) -> str:
    return render_to_string(
        "insights/report.html", program_report_context(program=program, actor=actor)
    )


def program_report_pdf(*, program: Program, actor: Any) -> bytes:
    """The report as PDF bytes (WeasyPrint renders the SVG charts natively)."""
    from weasyprint import HTML

    return HTML(string=program_report_html(program=program, actor=actor)).write_pdf()  # type: ignore[no-any-return]
