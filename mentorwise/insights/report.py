"""The leadership report of a program: one PDF with its health, activity, equity and outcomes.

The report is the dashboards on paper: every number comes from the same selectors as the
pages, the charts are the same server-side SVG, and suppressed cells stay suppressed.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.core.pdf import html_to_pdf
from mentorwise.core.warmheap import without_full_collections
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

# What a chart holds for the browser only: tooltip data (<desc>), hover titles, comments,
# and style rules for hovering and transitions. Paper shows none of them, but WeasyPrint
# parses, cascades and walks every element and rule of each chart.
_NOT_DRAWN = re.compile(r"<desc\b[^>]*>.*?</desc>|<title\b[^>]*>.*?</title>|<!--.*?-->", re.S)
_STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S)
_RULE = re.compile(r"[^{}]+\{[^{}]*\}")
# pygal names each chart with a random id (for its scripts); an image is a document of its
# own, so one fixed id serves, and the report's HTML is the same for the same figures.
_CHART_ID = re.compile(r"chart-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _interactive(rule: str) -> bool:
    return ":hover" in rule or "transition" in rule


def _paper_svg(svg: str) -> str:
    """The chart without what only a browser uses (see `_NOT_DRAWN`), under a fixed id; it
    draws the same."""

    def styles(match: re.Match[str]) -> str:
        kept = "".join(r for r in _RULE.findall(match.group(2)) if not _interactive(r))
        return match.group(1) + kept + match.group(3)

    return _STYLE.sub(styles, _NOT_DRAWN.sub("", _CHART_ID.sub("chart", svg)))


def _figure(svg: str) -> str:
    """A chart as an image of the report (safe: our chart code's SVG, never user text).

    Inline, each chart's few hundred SVG elements and its stylesheet would go through the
    HTML cascade and box layout of the whole report; as an image WeasyPrint draws the same
    SVG without them (a third less time for the whole PDF).
    """
    data = base64.b64encode(_paper_svg(svg).encode()).decode("ascii")
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


def _page_footer() -> SafeString:
    """The CSS `content` value of the page footer ("Page 2 of 5") in the active language:
    the translated sentence with CSS page counters in place of its numbers. Quotes,
    backslashes and angle brackets are dropped from the translation so that it cannot end
    the CSS string or the style element."""
    counters = {"page": "\x00page\x00", "pages": "\x00pages\x00"}
    text = _("Page %(page)s of %(pages)s") % counters
    text = re.sub(r'["\\<>]', "", text)
    text = text.replace(counters["page"], '" counter(page) "')
    text = text.replace(counters["pages"], '" counter(pages) "')
    return mark_safe(f'"{text}"')


def program_report_context(*, program: Program, actor: Actor) -> dict[str, Any]:
    """Everything the report shows, computed once. Reading demographic breakdowns (HR admins
    only) is recorded in the audit log, as on the equity page."""
    health = program_health(program=program, actor=actor)
    activity = program_activity(program=program)
    sections = health_sections(health)
    return {
        "program": program,
        "generated_at": timezone.now(),
        "page_footer": _page_footer(),
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


# Laying out the report takes WeasyPrint about a second of CPU, and the same report is often
# downloaded again with nothing changed. A process keeps the last few PDFs it made, keyed by
# a digest of their exact HTML apart from the generation time: any change of a figure, a
# text, a date or of what the viewer may read (HR admins' demographic tables) is another
# key, so no write can leave a stale PDF, and no one gets a PDF made from another person's
# HTML. A PDF served again keeps the time its identical content was first laid out.
_PDFS: dict[str, bytes] = {}
_PDFS_KEPT = 8
_PDFS_LOCK = threading.Lock()
_GENERATED = re.compile(r'<span class="generated">[^<]*</span>')


def _pdf_key(html: str) -> str:
    return hashlib.sha256(_GENERATED.sub("", html).encode()).hexdigest()


def program_report_pdf(*, program: Program, actor: Actor) -> bytes:
    """The report as PDF bytes (WeasyPrint renders the SVG charts natively). The figures are
    computed (and demographic reads audited) on every call; see `_PDFS` for the layout."""
    with without_full_collections():  # the charts drawn for it fill the heap as well
        html = program_report_html(program=program, actor=actor)
    key = _pdf_key(html)
    pdf = _PDFS.get(key)
    if pdf is None:
        # No image cache shared between renders: WeasyPrint draws an SVG through state kept
        # on the parsed image, so two threads drawing one cached chart corrupt both PDFs.
        pdf = html_to_pdf(html)
        with _PDFS_LOCK:
            _PDFS[key] = pdf
            while len(_PDFS) > _PDFS_KEPT:
                del _PDFS[next(iter(_PDFS))]
    return pdf
