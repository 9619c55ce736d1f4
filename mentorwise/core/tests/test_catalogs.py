"""The catalogs match the code and are complete; the check can fail; the pseudo-locale."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mentorwise.core import catalogs
from mentorwise.core.pseudo import GROWTH, is_pseudo, pseudo


@pytest.fixture
def gettext_tools() -> None:
    """makemessages needs GNU gettext: skipped where it is missing, except in CI."""
    if shutil.which("xgettext") and shutil.which("msgmerge"):
        return
    if os.environ.get("CI", "").lower() in {"true", "1"}:
        pytest.fail("CI must check the catalogs: install GNU gettext (apt-get install gettext)")
    pytest.skip("GNU gettext is not installed (apt-get install gettext)")


def test_the_catalogs_are_in_sync_with_the_code_and_complete(gettext_tools: None) -> None:
    problems = catalogs.check()
    assert not problems, "\n".join(problems.lines())


@pytest.fixture
def copied_catalogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "locale"
    shutil.copytree(catalogs.LOCALE_DIR, copy)
    monkeypatch.setattr(catalogs, "LOCALE_DIR", copy)
    return copy


def test_the_check_finds_each_kind_of_fault(copied_catalogs: Path, gettext_tools: None) -> None:
    german = catalogs.po_path(copied_catalogs, "de")
    catalog = polib.pofile(str(german))
    first, second, third = list(catalog)[:3]
    catalog.remove(first)  # the code asks for a text the catalog lacks
    second.msgstr = ""  # untranslated
    third.flags.append("fuzzy")
    catalog.save(str(german))
    french = catalogs.po_path(copied_catalogs, "fr")
    french_catalog = polib.pofile(str(french))
    next(iter(french_catalog)).msgstr = "Autre chose"  # the .po changed, the .mo was not rebuilt
    french_catalog.save(str(french))

    problems = catalogs.check()
    assert first.msgid in problems.out_of_sync["de"]
    assert problems.untranslated["de"] == [second.msgid]
    assert problems.fuzzy["de"] == [third.msgid]
    assert "fr" in problems.stale_compiled and "de" in problems.stale_compiled
    assert set(problems.untranslated) == {"de"}
    assert any(line.startswith("de: 1 untranslated") for line in problems.lines())


_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}|<[a-z]+>|&amp;")


@given(
    st.lists(
        st.one_of(
            st.text(
                alphabet=st.characters(codec="utf-8", exclude_characters="%{}<>&"), max_size=12
            ),
            st.sampled_from(["%(count)s", "%(name)s", "{when}", "<strong>", "&amp;", "%%"]),
        ),
        max_size=8,
    )
)
def test_pseudo_keeps_placeholders_and_grows(parts: list[str]) -> None:
    text = "".join(parts)
    shown = pseudo(text)
    if not text:
        assert shown == ""
        return
    assert _PLACEHOLDER.findall(shown) == _PLACEHOLDER.findall(text)
    assert shown.count("%%") >= text.count("%%")
    visible = len(_PLACEHOLDER.sub("", text).replace("%%", ""))
    assert len(shown) - len(text) >= GROWTH * visible  # 40% longer, placeholders aside
    assert is_pseudo(shown)
    assert shown.rstrip().endswith("]") and shown.startswith("[")


def test_pseudo_text_has_no_plain_ascii_letters_outside_placeholders() -> None:
    shown = pseudo("Schedule %(count)s meetings with {name} <em>now</em>")
    outside = re.sub(r"%\([a-z]+\)s|\{[a-z]+\}|</?em>", "", shown)
    assert not re.search(r"[A-Za-z]", outside), outside


def test_a_label_inside_a_sentence_keeps_a_german_nouns_capital() -> None:
    from django.utils import translation

    from mentorwise.core.templatetags.languages import in_sentence

    with translation.override("de"):
        assert in_sentence("Funktion") == "Funktion"
    with translation.override("fr"):
        assert in_sentence("Fonction") == "fonction"
    with translation.override("en"):
        assert in_sentence("Closed early") == "closed early"
