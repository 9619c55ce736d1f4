"""Find text on a page that was never translated: the pseudo-locale's test oracle.

A page rendered in the pseudo-locale (`en-xa`) shows every translated text accented and in
brackets (`[Ýöûŕ åççöûñţ ·····]`). What is left in plain letters is either data (a person's
name, a program's description, a skill: known values read from the database) or text that
was never marked for translation. `untranslated(html, data)` returns the latter: each visible
text node and each human-readable attribute (`title`, `aria-label`, `placeholder`, `alt`,
the `value` of buttons) with the pseudo segments and the known data values taken out, and
letters still left.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.apps import apps
from django.db import models

# A pseudo-translated segment, placeholders (and the data they received) inside.
_PSEUDO_SEGMENT = re.compile(r"\[[^\[\]]*?·+\]")
_LETTERS = re.compile(r"[A-Za-z]{2,}")
_INVISIBLE = {"script", "style", "template", "noscript"}
_READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-description"}
# Not language: the product's name and file names' endings. Words in capitals of up to five
# letters (CET, GMT, API, CSV) are abbreviations every language writes alike.
ALWAYS_ALLOWED = {"Mentorwise", "ics", "csv", "pdf", "json"}
_ABBREVIATION = re.compile(r"[A-Z]{2,5}")


_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}


class _Texts(HTMLParser):
    """Visible texts, leaving out parts marked as another language (`lang` differing from the
    page's: the language picker names each language in itself) or as not to be translated
    (`translate="no"`: identifiers people type as they are, such as a file's column names)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.page_language = ""
        self.foreign_depth = 0  # > 0 inside an element that declared another language
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        language = values.get("lang") or ""
        if tag == "html":
            self.page_language = language
        if self.foreign_depth:
            if tag not in _VOID:
                self.foreign_depth += 1
            return
        foreign = language and language != self.page_language and tag != "html"
        if foreign or values.get("translate") == "no":
            if tag not in _VOID:
                self.foreign_depth = 1
            return
        if tag in _INVISIBLE:
            self.hidden += 1
        for name in _READ_ATTRIBUTES:
            if values.get(name):
                self.texts.append(str(values[name]))
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.texts.append(str(values["value"]))

    def handle_endtag(self, tag: str) -> None:
        if self.foreign_depth:
            if tag not in _VOID:
                self.foreign_depth -= 1
            return
        if tag in _INVISIBLE and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden and not self.foreign_depth and data.strip():
            self.texts.append(data)


# Stored identifiers that pages never show as text (a translation's address and checksum);
# codes with choices are left out too (pages show their labels). A two-letter code taken
# for data would cut words on every page ("en" out of "Mentorwise").
_NOT_SHOWN = {"language", "owner", "path", "source_digest"}


def data_values(minimum_length: int = 2) -> set[str]:
    """Every text value stored in the database (names, titles, descriptions, skills...)."""
    values: set[str] = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField))
            and not f.choices
            and f.name not in _NOT_SHOWN
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                if isinstance(value, str) and len(value.strip()) >= minimum_length:
                    values.add(value.strip())
    return values


def untranslated(html: str, data: set[str]) -> list[str]:
    """The visible texts of `html` holding words that are neither translated nor data.

    A text node passes when, with its pseudo segments and the data values it contains cut
    out, every piece left is free of words or is itself part of a data value (a paragraph of
    a rendered description)."""
    parser = _Texts()
    parser.feed(html)
    page = "\n".join(parser.texts)
    present = sorted((value for value in data if value in page), key=len, reverse=True)
    corpus = "\n".join(data)
    found: list[str] = []
    for text in parser.texts:
        rest = _PSEUDO_SEGMENT.sub(_CUT, text)
        if not _LETTERS.search(rest):
            continue
        for value in present:
            if value in rest:
                rest = rest.replace(value, _CUT)
        pieces = (" ".join(piece.split()) for piece in rest.split(_CUT))
        if any(_is_language(piece, corpus) for piece in pieces):
            found.append(" ".join(text.split()))
    return found


_CUT = "\x00"


def _is_language(piece: str, corpus: str) -> bool:
    words = [
        w
        for w in _LETTERS.findall(piece)
        if w not in ALWAYS_ALLOWED and not _ABBREVIATION.fullmatch(w)
    ]
    return bool(words) and piece not in corpus
