"""HTML laid out as a PDF: the one place the project calls WeasyPrint."""

from __future__ import annotations

from mentorwise.core.warmheap import without_full_collections


def html_to_pdf(html: str) -> bytes:
    """The PDF of a self-contained HTML document (styles inline, images as data URLs)."""
    from weasyprint import HTML  # imported on first use: it loads Pango and fonts

    with without_full_collections():
        pdf: bytes = HTML(string=html).write_pdf()  # WeasyPrint is untyped
    return pdf
