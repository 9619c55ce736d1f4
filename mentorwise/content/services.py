"""Writing translations of a program's or module's texts: every text checked first, all
problems reported at once, all saved in one transaction, one audit entry."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentorwise.accounts.actors import Actor
from mentorwise.content.status import other_languages
from mentorwise.content.targets import Section, Target, not_a_text
from mentorwise.core.audit import audit_record
from mentorwise.core.content import (
    TEXT_MAX,
    digest,
    save_translations,
    shipped_translations_store,
)
from mentorwise.core.errors import FieldError, InvalidInput
from mentorwise.core.languages import SHIPPED
from mentorwise.learning.content import shipped_module_translations
from mentorwise.learning.models import TrainingModule
from mentorwise.programs.content import program_shipped_translations
from mentorwise.programs.models import Program
from mentorwise.relationships.content import survey_units
from mentorwise.relationships.models import Survey
from mentorwise.relationships.services import survey_for


@dataclass(frozen=True)
class SaveResult:
    saved: int
    removed: int


def saved_text(result: SaveResult) -> str:
    """What a save did, in words ("3 translations saved, 1 removed.")."""
    saved = ngettext("%(n)s translation saved", "%(n)s translations saved", result.saved) % {
        "n": result.saved
    }
    removed = ngettext("%(n)s removed", "%(n)s removed", result.removed) % {"n": result.removed}
    return _("%(saved)s, %(removed)s.") % {"saved": saved, "removed": removed}


def translations_validate(
    target: Target, language: str, texts: dict[str, str], seen: dict[str, str] | None = None
) -> None:
    """InvalidInput listing every problem: a language that is not one to translate into, an
    unknown text id, a text too long, a translation written from an original that has
    changed since (`seen`: text id → digest of the original the translator read)."""
    errors: list[FieldError] = []
    if language not in other_languages(target):
        errors.append(
            FieldError(
                "language",
                _("must be one of %(choices)s (the texts are written in %(own)s)")
                % {"choices": ", ".join(other_languages(target)), "own": target.language},
                value=language,
            )
        )
    known = target.units()
    for text_id, text in texts.items():
        if text_id not in known:
            errors.append(FieldError(text_id, not_a_text(target.kind)))
        elif len(text) > TEXT_MAX:
            errors.append(
                FieldError(text_id, _("is longer than %(max)s characters") % {"max": TEXT_MAX})
            )
        elif seen and text_id in seen and seen[text_id] != digest(known[text_id][1].source):
            errors.append(
                FieldError(
                    text_id,
                    _("its original changed while you were translating: read it again"),
                )
            )
    if errors:
        raise InvalidInput(errors)


def _stored_owner(section: Section) -> Section:
    """The section with a saved owner: a program's survey that still has its default
    questions is saved first (with those questions), so that a translation can point at it."""
    owner = section.owner
    if isinstance(owner, Survey) and owner.pk is None:
        owner = survey_for(program=owner.program, kind=owner.kind)
    return Section(section.key, section.title, owner, section.units)


@transaction.atomic
def translations_save(
    *,
    actor: Actor,
    target: Target,
    language: str,
    texts: dict[str, str],
    seen: dict[str, str] | None = None,
) -> SaveResult:
    """Store the translations of `texts` (text id → translation into `language`; an empty
    text removes the translation); ids left out stay as they are. `seen` (text id → digest of
    the original the translator read) refuses a translation of an original changed since.
    The caller got `target` through `access.access_target`, which checked the permission."""
    translations_validate(target, language, texts, seen)
    saved = removed = 0
    for section in target.sections:
        mine = {
            unit.path: texts[section.unit_id(unit)]
            for unit in section.units
            if section.unit_id(unit) in texts
        }
        if not mine or (section.owner.pk is None and not any(t.strip() for t in mine.values())):
            continue
        stored = _stored_owner(section)
        s, r = save_translations(
            stored.owner, section.units, language, mine, actor_id=getattr(actor, "pk", None)
        )
        saved, removed = saved + s, removed + r
    audit_record(
        actor=actor,
        action="content.translated",
        target=target.obj,
        data={"language": language, "saved": saved, "removed": removed},
    )
    return SaveResult(saved, removed)


@transaction.atomic
def shipped_translations_fill() -> int:
    """Give every program, saved survey and built-in module the shipped translations of the
    texts Mentorwise wrote, where no current translation exists (after an upgrade that
    brought new ones). Returns how many were stored."""
    languages = [x.code for x in SHIPPED]
    stored = 0
    for program in Program.objects.all():
        stored += program_shipped_translations(program)
    for survey in Survey.objects.select_related("program"):
        stored += shipped_translations_store(
            survey, survey_units(survey), survey.program.language, languages
        )
    for module in TrainingModule.objects.filter(is_builtin=True):
        stored += shipped_module_translations(module)
    return stored
