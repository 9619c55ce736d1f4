"""The leadership PDF: charts stripped of what only a browser uses, and PDFs reused only for
exactly the same content."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from conftest import page_client
from mentorwise.insights import charts, report
from mentorwise.insights.health import program_health
from mentorwise.programs.models import Program

pytestmark = pytest.mark.django_db


def _tags(svg: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for tag in re.findall(r"<([a-z]+)\b", svg):
        found[tag] = found.get(tag, 0) + 1
    return found


def test_paper_svg_keeps_every_drawn_element(program: Program, program_manager, mentee) -> None:
    svg = charts.funnel_chart(program_health(program=program, actor=program_manager).funnel)
    paper = report._paper_svg(svg)
    before, after = _tags(svg), _tags(paper)
    assert before.get("desc") and before.get("title")  # pygal's tooltips and titles
    assert "desc" not in after and "title" not in after and "<!--" not in paper
    for tag in ("svg", "g", "text", "path", "rect", "style"):
        assert after.get(tag) == before.get(tag), tag
    assert re.findall(r"<text\b[^>]*>[^<]*</text>", paper) == re.findall(
        r"<text\b[^>]*>[^<]*</text>", svg
    )
    assert ":hover" in svg and ":hover" not in paper
    assert "fill-opacity" in paper  # drawn styles stay
    assert re.search(r"chart-[0-9a-f]{8}-", svg) and not re.search(r"chart-[0-9a-f]{8}-", paper)
    assert paper == report._paper_svg(
        charts.funnel_chart(program_health(program=program, actor=program_manager).funnel)
    )  # the same figures, the same image


def test_paper_svg_drops_only_interactive_rules() -> None:
    svg = (
        '<svg><defs><style type="text/css">#c .bar{fill:red}#c .bar:hover{fill:blue}'
        "#c rect{transition:150ms}#c .axis text{font-size:13px}</style></defs>"
        '<g class="bar"><rect/><desc class="value">12</desc><title>Eligible: 12</title></g>'
        "<!-- made by pygal --><text>Eligible</text></svg>"
    )
    assert report._paper_svg(svg) == (
        '<svg><defs><style type="text/css">#c .bar{fill:red}#c .axis text{font-size:13px}'
        '</style></defs><g class="bar"><rect/></g><text>Eligible</text></svg>'
    )


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def test_a_pdf_is_laid_out_again_only_when_its_content_changes(
    program: Program, program_manager, hr_admin, mentee, monkeypatch: pytest.MonkeyPatch
) -> None:
    from weasyprint import HTML

    layouts: list[str] = []
    write_pdf = HTML.write_pdf

    def counting(self: Any, *args: Any, **kwargs: Any) -> bytes:
        layouts.append("pdf")
        result: bytes = write_pdf(self, *args, **kwargs)
        return result

    monkeypatch.setattr(HTML, "write_pdf", counting)
    monkeypatch.setattr(report, "_PDFS", {})
    url = f"/insights/programs/{program.slug}/report.pdf"
    manager = page_client(program_manager)
    first = manager.get(url).content
    assert manager.get(url).content == first
    assert len(layouts) == 1

    # What another viewer may read is other HTML: their own layout, never the manager's PDF.
    admin_pdf = page_client(hr_admin).get(url).content
    assert len(layouts) == 2 and admin_pdf != first

    Program.objects.filter(pk=program.pk).update(name="Leadership, renamed")
    renamed = manager.get(url).content
    assert len(layouts) == 3
    assert "Leadership, renamed" in _pdf_text(renamed)
    assert "Leadership, renamed" not in _pdf_text(first)


def test_the_pdf_cache_keeps_a_few_reports() -> None:
    html = '<p>report generated <span class="generated">{}</span></p><p>{}</p>'
    assert report._pdf_key(html.format("Dec 6, 00:40", "a")) == report._pdf_key(
        html.format("Dec 7, 09:15", "a")
    )
    assert report._pdf_key(html.format("Dec 6, 00:40", "a")) != report._pdf_key(
        html.format("Dec 6, 00:40", "b")
    )
