"""Program content per language (core/content.py): each text in the reader's language when a
current translation exists, else in the owner's default language, never a stale one."""

from __future__ import annotations

import pickle

import pytest
from django.utils import translation

from mentorwise.accounts.models import User
from mentorwise.core.aggregates import clear_local
from mentorwise.core.content import (
    LocalizedText,
    TextUnit,
    coverage,
    digest,
    localized,
    save_translations,
    shipped_translation,
)
from mentorwise.programs.content import program_units
from mentorwise.programs.models import Program
from mentorwise.programs.services import ProgramChanges, program_update

pytestmark = pytest.mark.django_db


def _translate(program: Program, language: str, texts: dict[str, str]) -> None:
    save_translations(program, program_units(program), language, texts, actor_id=None)


def test_a_reader_gets_the_translation_of_their_language_and_the_original_otherwise(
    program: Program,
) -> None:
    _translate(program, "fr", {"name": "Leadership 2026 (FR)", "description": "En français"})
    with translation.override("fr"):
        assert program.title == "Leadership 2026 (FR)"
        assert program.title.lang == "fr" and program.title.translated
        assert program.about == "En français"
    with translation.override("de"):  # no German translation: the program's own text
        assert program.title == "Leadership 2026"
        assert program.title.lang == "en" and not program.title.translated
    # An explicit language wins over the active one (e-mails, agreements).
    assert program.text("name", program.name, "fr") == "Leadership 2026 (FR)"


def test_a_translation_goes_out_of_date_when_its_original_changes(
    program: Program, hr_admin: User
) -> None:
    _translate(program, "fr", {"description": "Ancienne description"})
    with translation.override("fr"):
        assert program.about == "Ancienne description"
    program_update(
        actor=hr_admin, program=program, changes=ProgramChanges(description="A new text")
    )
    program.refresh_from_db()
    with translation.override("fr"):
        # The French text says what the program no longer says: the original is shown.
        assert program.about == "A new text" and program.about.lang == "en"
    states = {s.unit.path: s.state for s in coverage(program, program_units(program), "fr")}
    assert states["description"] == "outdated"
    assert states["name"] == "missing"


def test_a_saved_translation_is_read_at_once_by_a_reader_whose_cache_was_filled(
    program: Program,
) -> None:
    with translation.override("de"):
        assert program.title == "Leadership 2026"  # fills the per-process cache for German
    _translate(program, "de", {"name": "Führung 2026"})
    with translation.override("de"):
        assert program.title == "Führung 2026"
    clear_local()
    with translation.override("de"):
        assert program.title == "Führung 2026"


def test_an_empty_translation_removes_it(program: Program) -> None:
    _translate(program, "es", {"name": "Liderazgo"})
    saved, removed = save_translations(
        program, program_units(program), "es", {"name": "  "}, actor_id=None
    )
    assert (saved, removed) == (0, 1)
    with translation.override("es"):
        assert program.title == "Leadership 2026"


def test_a_program_written_in_german_falls_back_to_german(program: Program) -> None:
    Program.objects.filter(pk=program.pk).update(language="de", name="Führung 2026")
    program.refresh_from_db()
    with translation.override("ja"):
        assert program.title == "Führung 2026" and program.title.lang == "de"
    with translation.override("de"):
        assert program.title.lang == "de" and not program.title.translated


def test_localized_text_keeps_its_language_through_a_cache() -> None:
    text = LocalizedText("Bonjour", "fr", translated=True)
    again = pickle.loads(pickle.dumps(text))  # noqa: S301 - our own bytes
    assert again == "Bonjour" and again.lang == "fr" and again.translated
    assert isinstance(again, LocalizedText)


def test_an_unsaved_owner_has_only_its_original(program: Program) -> None:
    unsaved = Program(name="Pilot 2031", language="en")
    assert localized(unsaved, "name", "Pilot 2031", "en", "fr") == "Pilot 2031"
    units = [TextUnit("name", "Name", "Pilot 2031")]
    assert [s.state for s in coverage(unsaved, units, "fr")] == ["missing"]


def test_digest_ignores_surrounding_whitespace_only() -> None:
    assert digest(" a text\n") == digest("a text")
    assert digest("a text") != digest("a  text")


def test_shipped_translation_reads_the_catalogs_whole_or_line_by_line() -> None:
    # "Yes" is in every catalog (a template's enrollment choice); nonsense is in none.
    assert shipped_translation("Yes", "de") == "Ja"
    assert shipped_translation("no such text in any catalog", "de") is None
    assert shipped_translation("Yes\nno such text in any catalog", "de") is None
    assert shipped_translation("Yes\nYes", "fr") == "Oui\nOui"


def test_a_page_of_many_programs_reads_each_languages_translations_once(
    hr_admin: User, django_assert_max_num_queries: object
) -> None:
    from mentorwise.core.content import reading
    from mentorwise.programs.services import program_create_from_template

    programs = [
        program_create_from_template(actor=hr_admin, template_key="flash_mentoring", name=f"P{n}")
        for n in range(12)
    ]
    with reading(), translation.override("fr"), django_assert_max_num_queries(1):  # type: ignore[operator]
        titles = [(p.title, p.about, p.objectives_text) for p in programs]
    assert all(about.translated for _, about, _ in titles)  # the template's texts, in French
