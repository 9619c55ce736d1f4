"""Retention: old private notes and survey text go; recent ones and scale answers stay."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from mentorwise.core.models import AuditEntry
from mentorwise.privacy.retention import retention_purge
from mentorwise.relationships.models import PrivateNote, SurveyResponse

pytestmark = pytest.mark.django_db


def _age(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def test_purge_deletes_old_private_notes_and_blanks_old_survey_text(
    rich_relationship: Any, settings: Any
) -> None:
    settings.MENTORWISE_RETAIN_PRIVATE_NOTES_DAYS = 30
    settings.MENTORWISE_RETAIN_SURVEY_TEXT_DAYS = 60
    old_note = PrivateNote.objects.filter(text__startswith="ANA").get()
    PrivateNote.objects.filter(pk=old_note.pk).update(updated_at=_age(31))
    SurveyResponse.objects.filter(side="mentee").update(submitted_at=_age(61))
    SurveyResponse.objects.filter(side="mentor").update(submitted_at=_age(59))

    result = retention_purge()

    assert result.private_notes_deleted == 1 and result.survey_responses_blanked == 1
    assert list(PrivateNote.objects.values_list("text", flat=True)) == [
        "MARTA-SECRET about Ana Mentee"
    ]
    old = SurveyResponse.objects.get(side="mentee").answers
    assert old["comments"] == "" and old["satisfaction"] == 4
    assert SurveyResponse.objects.get(side="mentor").answers["comments"] == "MARTA-SECRET survey"
    entry = AuditEntry.objects.get(action="retention.purged")
    assert entry.data["private_notes_deleted"] == 1 and entry.actor is None
    # Idempotent: a second run finds nothing and writes no audit row.
    assert retention_purge().private_notes_deleted == 0
    assert AuditEntry.objects.filter(action="retention.purged").count() == 1


def test_zero_keeps_everything_forever(rich_relationship: Any, settings: Any) -> None:
    settings.MENTORWISE_RETAIN_PRIVATE_NOTES_DAYS = 0
    settings.MENTORWISE_RETAIN_SURVEY_TEXT_DAYS = 0
    PrivateNote.objects.update(updated_at=_age(5000))
    SurveyResponse.objects.update(submitted_at=_age(5000))
    result = retention_purge()
    assert (result.private_notes_deleted, result.survey_responses_blanked) == (0, 0)
    assert PrivateNote.objects.count() == 2
    assert not AuditEntry.objects.filter(action="retention.purged").exists()


def test_defaults_are_two_years(settings: Any) -> None:
    from mentorwise import settings as project_settings

    assert project_settings.MENTORWISE_RETAIN_PRIVATE_NOTES_DAYS == 730
    assert project_settings.MENTORWISE_RETAIN_SURVEY_TEXT_DAYS == 730


def test_the_nudge_cron_job_applies_retention(rich_relationship: Any, settings: Any) -> None:
    settings.MENTORWISE_RETAIN_PRIVATE_NOTES_DAYS = 30
    PrivateNote.objects.update(updated_at=_age(31))
    out = StringIO()
    call_command("send_nudges", stdout=out)
    assert "2 private notes deleted" in out.getvalue()
    assert not PrivateNote.objects.exists()


def test_purge_retention_command(rich_relationship: Any, settings: Any) -> None:
    settings.MENTORWISE_RETAIN_SURVEY_TEXT_DAYS = 10
    SurveyResponse.objects.update(submitted_at=_age(11))
    out = StringIO()
    call_command("purge_retention", stdout=out)
    assert "2 survey responses with text answers blanked" in out.getvalue()
