"""Timeline entries are kept as a message and its values, and read in each reader's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from conftest import page_client
from mentorwise.accounts.models import User
from mentorwise.relationships import inputs
from mentorwise.relationships.models import Relationship, RelationshipEvent
from mentorwise.relationships.services import check_in_create, relationship_close
from mentorwise.relationships.timeline import english_text, entry_text

pytestmark = pytest.mark.django_db


def test_an_entry_is_stored_in_english_and_read_in_the_readers_language(
    relationship: Relationship, mentee: User, mentor: User
) -> None:
    check_in_create(actor=mentee, relationship=relationship, data=inputs.CheckInNew(pulse=4))
    entry = RelationshipEvent.objects.filter(relationship=relationship, message="checked_in").get()
    assert entry.text == "Ana Mentee checked in."
    assert entry.values["name"] == "Ana Mentee"
    with translation.override("de"):
        german = entry.shown_text
    assert german != entry.text and "Ana Mentee" in german
    mentor.language = "de"
    mentor.save(update_fields=["language"])
    page = page_client(mentor).get(f"/relationships/{relationship.pk}/").content.decode()
    assert german in page and entry.text not in page


def test_every_message_reads_in_every_shipped_language() -> None:
    """Each message with plausible values renders in each language, names kept and English
    replaced (a message missing from a catalog would come back in English)."""
    values = {
        "name": "Ana Mentee",
        "mentee": "Ana Mentee",
        "mentor": "Marta Mentor",
        "survey": "midpoint",
        "kind": "early",
        "outcome": "succeeded",
        "type": "coaching",
        "minutes": 45,
        "number": 2,
        "both": True,
        "progress": 50,
        "status": "open",
        "rematch": True,
        "cancelled": 2,
    }
    messages = [
        "started", "reminded", "checked_in", "survey_answered", "sponsorship_outcome",
        "meeting_scheduled", "meeting_moved", "meeting_cancelled", "meeting_logged",
        "agreement_changed", "agreement_confirmed", "goal_added", "goal_described",
        "goal_progress", "milestone_added", "milestone_done", "milestone_undone", "closed",
    ]  # fmt: skip
    for message in messages:
        english = english_text(message, values)
        assert "Ana Mentee" in english, message
        for language in ("de", "fr", "es", "ja", "ar"):
            with translation.override(language):
                text = entry_text(message, values)
            assert text != english and "Ana Mentee" in text, (message, language)


def test_older_entries_without_a_message_are_shown_as_they_were(
    relationship: Relationship,
) -> None:
    entry = RelationshipEvent.objects.create(
        relationship=relationship, kind="check_in", text="Someone checked in."
    )
    with translation.override("fr"):
        assert entry.shown_text == "Someone checked in."


def test_a_closure_entry_counts_its_cancelled_meetings_in_words(
    relationship: Relationship, mentee: User
) -> None:
    relationship_close(
        actor=mentee,
        relationship=relationship,
        data=inputs.Closure(kind="early", reason="No time", rematch=True),
    )
    entry = RelationshipEvent.objects.get(relationship=relationship, message="closed")
    assert entry.text == ("Ana Mentee closed the relationship (early). A re-match was requested.")


def test_an_entry_whose_message_this_version_cannot_read_shows_its_stored_text(
    relationship: Relationship,
) -> None:
    entry = RelationshipEvent.objects.create(
        relationship=relationship,
        kind="check_in",
        message="from_a_later_version",
        values={"name": "Ana Mentee"},
        text="Ana Mentee did something new.",
    )
    assert entry.shown_text == "Ana Mentee did something new."
    broken = RelationshipEvent.objects.create(
        relationship=relationship, kind="survey", message="survey_answered", values={}, text="x."
    )
    assert broken.shown_text == "x."  # a value missing: the stored text, never a 500
