"""Texts Mentorwise writes into an organization's content come translated: template texts,
default survey questions and built-in modules; the organization's own translations win."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

from mentorwise.accounts.models import User
from mentorwise.content.access import access_target
from mentorwise.content.services import shipped_translations_fill, translations_save
from mentorwise.content.status import target_status
from mentorwise.core.languages import SHIPPED
from mentorwise.core.models import ContentTranslation
from mentorwise.learning.content import TRANSLATIONS_DIR, module_units
from mentorwise.learning.models import TrainingModule
from mentorwise.learning.services import modules_sync_builtin
from mentorwise.programs.models import Program
from mentorwise.programs.services import (
    ProgramChanges,
    program_create_from_template,
    program_update,
)
from mentorwise.relationships.services import survey_for

pytestmark = pytest.mark.django_db
OTHERS = [x.code for x in SHIPPED if x.code != "en"]


def test_a_program_from_a_template_starts_translated_but_for_its_own_name(
    hr_admin: User,
) -> None:
    program = program_create_from_template(
        actor=hr_admin, template_key="sponsorship_underrepresented", name="Rise 2027"
    )
    for language in OTHERS:
        states = {
            section.unit_id(s.unit): s.state
            for section, statuses in target_status(program_target(program), language)
            for s in statuses
            if section.key == "program"
        }
        missing = sorted(k for k, v in states.items() if v != "current")
        assert missing == ["program/name"], (language, missing)  # the organization's name
        with translation.override(language):
            assert program.about.translated and program.about != program.description
            assert program.responsibilities_of("sponsor").translated


def program_target(program: Program):  # type: ignore[no-untyped-def]
    return access_target(actor=None, kind="program", slug=program.slug)


def test_a_survey_with_the_default_questions_starts_translated(program: Program) -> None:
    survey = survey_for(program=program, kind="closing")
    for language in OTHERS:
        with translation.override(language):
            labels = [q["label"] for q in survey.reader_questions]
        assert all(label.translated for label in labels), language


def test_changing_a_template_text_puts_its_translations_out_of_date(
    program: Program, hr_admin: User
) -> None:
    program_update(
        actor=hr_admin,
        program=program,
        changes=ProgramChanges(
            responsibilities={**program.responsibilities, "mentee": "Our own words for mentees."}
        ),
    )
    program.refresh_from_db()
    with translation.override("de"):
        assert program.responsibilities_of("mentee") == "Our own words for mentees."
        assert program.responsibilities_of("mentor").translated  # untouched text stays


def test_the_sync_ships_module_translations_but_keeps_the_organizations_own(
    hr_admin: User,
) -> None:
    module = TrainingModule.objects.get(slug="active-listening")
    target = access_target(actor=hr_admin, kind="module", slug=module.slug)
    translations_save(
        actor=hr_admin, target=target, language="de", texts={"module/title": "Unser Titel"}
    )
    ContentTranslation.objects.filter(
        owner="learning.trainingmodule", owner_id=module.pk, language="fr"
    ).delete()
    modules_sync_builtin()
    with translation.override("de"):
        assert module.display_title == "Unser Titel"
    with translation.override("fr"):
        assert module.display_title.translated  # restored from the shipped PO file
    assert shipped_translations_fill() == 0  # nothing left to fill


def test_every_shipped_module_translation_matches_the_current_english(tmp_path: Path) -> None:
    """A PO file written for an earlier wording would silently show English: this fails
    first, naming the entries to translate again."""
    import polib

    stale = []
    for module in TrainingModule.objects.filter(is_builtin=True):
        sources = {f"module/{u.path}": u.source for u in module_units(module)}
        for language in OTHERS:
            path = TRANSLATIONS_DIR / language / f"{module.slug}.po"
            assert path.exists(), path
            entries = {e.msgctxt: e for e in polib.pofile(str(path))}
            for text_id, source in sources.items():
                entry = entries.get(text_id)
                if entry is None or entry.msgid.strip() != source.strip() or not entry.msgstr:
                    stale.append(f"{language}/{module.slug}: {text_id}")
    assert not stale, stale


def test_a_survey_not_saved_yet_counts_as_translated_where_readers_get_it(
    program: Program,
) -> None:
    from mentorwise.content.status import status_overview

    target = program_target(program)
    unsaved = [s for s in target.sections if s.key.startswith("survey-")]
    assert unsaved and all(s.owner.pk is None for s in unsaved)
    for section, statuses in target_status(target, "fr"):
        if section.key.startswith("survey-"):
            assert {s.state for s in statuses} == {"current"}
    row = next(r for r in status_overview(None) if r.target.slug == program.slug)
    assert row.counts["fr"].missing == 1  # the program's own name only
