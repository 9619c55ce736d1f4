"""An organization's own content in several languages, with fallback to its default one.

A program, a survey or a training module is written in one language (its `language`) and
its texts may be translated into the others Mentorwise ships (`ContentTranslation`). A
reader gets each text in their language when a current translation exists, else in the
default language; the returned `LocalizedText` says which (`lang`), so that pages mark it
(`lang="…"`) for screen readers, hyphenation and fonts.

A translation remembers the digest of the default text it was written from: once that
text changes, the translation is *out of date* and the default text is shown again until
someone updates it (a translated question that no longer asks what the program asks would
collect answers to another question). Owners list their translatable texts as `TextUnit`s
(programs/content.py, relationships/content.py, learning/content.py); `coverage` says which
are missing or out of date, `save_translations` writes one language's texts at once.

Reads are cheap: all translations into one language are loaded in one query and kept per
process under the shared data generation (core/aggregates.py), so any committed write —
a translation saved here, or a default text changed — is seen by the next read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import cast

from django.db import models, transaction
from django.utils import timezone, translation

from mentorwise.core.aggregates import cached_aggregate
from mentorwise.core.models import ContentTranslation

TEXT_MAX = 20_000


# A model instance whose texts may be translated (a program, a survey, a training module).
Owner = models.Model


class Translatable:
    """A model whose texts may be translated: it has a `language` (what its texts are written
    in) and reads each text through `text()`."""

    language: str

    @property
    def content_language(self) -> str:
        """The language its own texts are written in (their default language)."""
        return self.language

    def text(self, path: str, source: str, language: str | None = None) -> LocalizedText:
        """One of its texts in `language` (the reader's by default), or in its default
        language."""
        return localized(cast(Owner, self), path, source, self.language, language)


class LocalizedText(str):
    """A text as one reader gets it, remembering the language it is written in."""

    lang: str
    translated: bool

    def __new__(cls, text: str, lang: str, *, translated: bool = False) -> LocalizedText:
        value = super().__new__(cls, text)
        value.lang = lang
        value.translated = translated
        return value

    def __reduce__(self) -> tuple[object, ...]:  # kept in caches (core/aggregates.py)
        return (LocalizedText, (str(self), self.lang), {"translated": self.translated})


@dataclass(frozen=True)
class TextUnit:
    """One translatable text of an owner: its path, what it is, and its default wording."""

    path: str
    label: str  # what the text is, as the translation page names it ("Name", "Question 2")
    source: str
    multiline: bool = False


@dataclass(frozen=True)
class UnitStatus:
    unit: TextUnit
    translation: str  # "" when missing
    state: str  # "current", "outdated" or "missing"


def digest(text: str) -> str:
    """A short fingerprint of a default text (whitespace at the ends ignored)."""
    return hashlib.sha256(text.strip().encode()).hexdigest()[:16]


def owner_key(owner: Owner) -> tuple[str, int]:
    return owner._meta.label_lower, int(str(owner.pk))


def _load(language: str) -> dict[tuple[str, int, str], tuple[str, str]]:
    rows = ContentTranslation.objects.filter(language=language).values_list(
        "owner", "owner_id", "path", "text", "source_digest"
    )
    return {(o, i, p): (text, d) for o, i, p, text, d in rows}


# The translations one request (or job) has read, per language: a page that shows fifty
# programs reads them once, not once per text. Set by `reading()`; None outside one.
_read: ContextVar[dict[str, dict[tuple[str, int, str], tuple[str, str]]] | None] = ContextVar(
    "content_translations_read", default=None
)


@contextmanager
def reading() -> Iterator[None]:
    """Read each language's translations once inside (a request: ContentReadingMiddleware)."""
    token = _read.set({})
    try:
        yield
    finally:
        _read.reset(token)


def translations_into(language: str) -> dict[tuple[str, int, str], tuple[str, str]]:
    """Every stored translation into `language`: (owner, id, path) → (text, source digest)."""
    memo = _read.get()
    if memo is not None and language in memo:
        return memo[language]
    found = cached_aggregate("content-translations", lambda: language, lambda: _load(language))
    if memo is not None:
        memo[language] = found
    return found


def localized(
    owner: Owner, path: str, source: str, default_language: str, language: str | None = None
) -> LocalizedText:
    """`owner`'s text at `path` in `language` (the active one by default) when a current
    translation exists, else its default wording `source` in `default_language`."""
    wanted = (language or translation.get_language() or default_language).lower()
    if wanted == default_language or not source.strip() or owner.pk is None:
        return LocalizedText(source, default_language)
    label, pk = owner_key(owner)
    stored = translations_into(wanted).get((label, pk, path))
    if stored is None or stored[1] != digest(source):
        return LocalizedText(source, default_language)
    return LocalizedText(stored[0], wanted, translated=True)


def coverage(owner: Owner, units: Sequence[TextUnit], language: str) -> list[UnitStatus]:
    """Each text of `owner` with its translation into `language` and whether it is current
    (an unsaved owner — a program's survey still on its default questions — has what the
    catalogs give for the texts Mentorwise wrote)."""
    if owner.pk is None:
        return [unsaved_status(unit, language) for unit in units]
    label, pk = owner_key(owner)
    stored = {
        path: (text, d)
        for path, text, d in ContentTranslation.objects.filter(
            owner=label, owner_id=pk, language=language
        ).values_list("path", "text", "source_digest")
    }
    result = []
    for unit in units:
        text, source_digest = stored.get(unit.path, ("", None))
        result.append(UnitStatus(unit, text, state_of(source_digest, unit.source)))
    return result


@dataclass(frozen=True)
class Counts:
    total: int
    missing: int
    outdated: int

    @property
    def complete(self) -> bool:
        return self.missing == 0 and self.outdated == 0


def count(states: Iterable[str]) -> Counts:
    """How many of these states ("current", "outdated", "missing") are missing, outdated."""
    found = list(states)
    return Counts(len(found), found.count("missing"), found.count("outdated"))


def state_of(stored_digest: str | None, source: str) -> str:
    """ "missing" (no translation), "outdated" (written from another text) or "current"."""
    if stored_digest is None:
        return "missing"
    return "current" if stored_digest == digest(source) else "outdated"


@transaction.atomic
def save_translations(
    owner: Owner,
    units: Sequence[TextUnit],
    language: str,
    texts: dict[str, str],
    *,
    actor_id: int | None,
) -> tuple[int, int]:
    """Store `texts` (path → translation into `language`) for `owner`'s `units`, each marked
    as written from the unit's current default text; an empty text removes the translation.
    Paths not in `texts` are left as they are. Returns (saved, removed). The caller checked
    the permission and validated the input (every path a unit's, `language` not the
    owner's default, no text over TEXT_MAX)."""
    label, pk = owner_key(owner)
    by_path = {u.path: u for u in units}
    now = timezone.now()
    memo = _read.get()
    if memo is not None:
        memo.clear()  # read again after this write
    saved = removed = 0
    for path, text in texts.items():
        unit = by_path[path]
        rows = ContentTranslation.objects.filter(
            owner=label, owner_id=pk, language=language, path=path
        )
        if not text.strip():
            removed += rows.delete()[0]
            continue
        ContentTranslation.objects.update_or_create(
            owner=label,
            owner_id=pk,
            language=language,
            path=path,
            defaults={
                "text": text.strip(),
                "source_digest": digest(unit.source),
                "updated_at": now,
                "updated_by_id": actor_id,
            },
        )
        saved += 1
    return saved, removed


def unsaved_status(unit: TextUnit, language: str) -> UnitStatus:
    """A text of an owner not saved yet: current where the catalogs translate it."""
    shipped = shipped_translation(unit.source, language)
    return UnitStatus(unit, shipped or "", "missing" if shipped is None else "current")


def shipped_translation(source: str, language: str) -> str | None:
    """The catalogs' translation of a text Mentorwise itself wrote (a template's objectives,
    a default survey question), or None. A text of several lines is translated line by line
    when it is not one entry (a template's objectives are one entry each)."""
    with translation.override(language):
        whole = translation.gettext(source)
        if whole != source:
            return whole
        lines = source.splitlines()
        if len(lines) < 2:
            return None
        translated = [translation.gettext(line) if line.strip() else line for line in lines]
    if any(t == line for t, line in zip(translated, lines, strict=True) if line.strip()):
        return None
    return "\n".join(translated)


def shipped_translations_store(
    owner: Owner, units: Sequence[TextUnit], default_language: str, languages: Iterable[str]
) -> int:
    """Store the catalogs' translations of `owner`'s texts that Mentorwise wrote (those the
    organization wrote have none), into each of `languages` but the default, where no
    current translation exists. Returns how many were stored."""
    stored = 0
    for language in languages:
        if language == default_language:
            continue
        current = {s.unit.path for s in coverage(owner, units, language) if s.state == "current"}
        texts = {}
        for unit in units:
            if unit.path not in current:
                text = shipped_translation(unit.source, language)
                if text is not None:
                    texts[unit.path] = text
        if texts:
            stored += save_translations(owner, units, language, texts, actor_id=None)[0]
    return stored
