"""A training module's texts that may be written in several languages (core/content.py).

Paths: "title", "summary", "body", "questions.<id>.text", "questions.<id>.choices.<key>",
"questions.<id>.explanation". Knowledge checks are graded on ids and keys, so a translated
check grades the same.
"""

from __future__ import annotations

from pathlib import Path

import polib
from django.utils.translation import gettext as _

from mentorwise.core.content import TextUnit, coverage, save_translations
from mentorwise.core.languages import SHIPPED
from mentorwise.learning.builtin import MODULES_DIR
from mentorwise.learning.models import TrainingModule

# The built-in modules' translations, one PO file per language and module (made with
# `mentorwise content export module <slug> --language <code>`).
TRANSLATIONS_DIR = MODULES_DIR / "translations"


def module_units(module: TrainingModule) -> list[TextUnit]:
    """Every translatable text of `module`, in the order its page shows them."""
    units = [
        TextUnit("title", _("Title"), module.title),
        TextUnit("summary", _("Summary"), module.summary, multiline=True),
        TextUnit("body", _("Text (Markdown)"), module.body_markdown, multiline=True),
    ]
    for n, q in enumerate(module.questions, start=1):
        base = f"questions.{q['id']}"
        units.append(TextUnit(f"{base}.text", _("Question %(n)s") % {"n": n}, q["text"]))
        for c in q["choices"]:
            units.append(
                TextUnit(
                    f"{base}.choices.{c['key']}",
                    _("Question %(n)s, choice %(choice)s") % {"n": n, "choice": c["key"]},
                    c["text"],
                )
            )
        units.append(
            TextUnit(
                f"{base}.explanation",
                _("Question %(n)s, explanation") % {"n": n},
                q.get("explanation", ""),
            )
        )
    return [u for u in units if u.source.strip()]


def shipped_module_translations(module: TrainingModule, directory: Path = TRANSLATIONS_DIR) -> int:
    """Store the translations Mentorwise ships for a built-in module (PO files under
    `modules/translations/<language>/<slug>.po`) where the organization has no current one.
    An entry written for another wording of the text than the module's is left out. Returns
    how many were stored."""
    units = module_units(module)
    by_path = {u.path: u for u in units}
    stored = 0
    for language in SHIPPED:
        path = directory / language.code / f"{module.slug}.po"
        if language.code == module.language or not path.exists():
            continue
        current = {
            s.unit.path for s in coverage(module, units, language.code) if s.state == "current"
        }
        texts = {}
        for entry in polib.pofile(str(path)):
            unit_path = (entry.msgctxt or "").removeprefix("module/")
            unit = by_path.get(unit_path)
            if (
                unit is None
                or unit_path in current
                or "fuzzy" in entry.flags
                or not entry.msgstr.strip()
                or entry.msgid.strip() != unit.source.strip()
            ):
                continue
            texts[unit_path] = entry.msgstr
        if texts:
            stored += save_translations(module, units, language.code, texts, actor_id=None)[0]
    return stored
