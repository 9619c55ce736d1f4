"""Storage limitation (GDPR Art. 5(1)(e)): purge private notes and survey free text by age.

MENTORWISE_RETAIN_PRIVATE_NOTES_DAYS: private notes not changed for that many days are
deleted. MENTORWISE_RETAIN_SURVEY_TEXT_DAYS: text answers of survey responses submitted that
many days ago are blanked (scale answers stay, so survey scores do not change). 0 keeps
them forever. Run by `mentorwise send-nudges` (the cron job) and `mentorwise purge-retention`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

from mentorwise.circles.models import CirclePrivateNote
from mentorwise.core.audit import audit_record
from mentorwise.relationships.models import PrivateNote, SurveyResponse

BATCH = 1000


@dataclass
class RetentionResult:
    """How many records a purge removed or blanked."""

    private_notes_deleted: int = 0
    survey_responses_blanked: int = 0

    def summary(self) -> str:
        notes = ngettext(
            "Retention: %(count)s private note deleted.",
            "Retention: %(count)s private notes deleted.",
            self.private_notes_deleted,
        ) % {"count": self.private_notes_deleted}
        surveys = ngettext(
            "%(count)s survey response with text answers blanked.",
            "%(count)s survey responses with text answers blanked.",
            self.survey_responses_blanked,
        ) % {"count": self.survey_responses_blanked}
        return f"{notes} {surveys}"


def retention_purge(*, now: dt.datetime | None = None) -> RetentionResult:
    """Apply the retention settings once; idempotent; audited when it changes anything."""
    now = now or timezone.now()
    result = RetentionResult()
    notes_days = settings.MENTORWISE_RETAIN_PRIVATE_NOTES_DAYS
    survey_days = settings.MENTORWISE_RETAIN_SURVEY_TEXT_DAYS
    with transaction.atomic():
        if notes_days:
            cutoff = now - dt.timedelta(days=notes_days)
            result.private_notes_deleted = PrivateNote.objects.filter(
                updated_at__lt=cutoff
            ).delete()[0]
            result.private_notes_deleted += CirclePrivateNote.objects.filter(
                updated_at__lt=cutoff
            ).delete()[0]
        if survey_days:
            cutoff = now - dt.timedelta(days=survey_days)
            result.survey_responses_blanked = _blank_survey_text(cutoff)
        if result.private_notes_deleted or result.survey_responses_blanked:
            audit_record(
                actor=None,
                action="retention.purged",
                data={
                    **asdict(result),
                    "private_notes_days": notes_days,
                    "survey_text_days": survey_days,
                },
            )
    return result


def _blank_survey_text(cutoff: dt.datetime) -> int:
    changed: list[SurveyResponse] = []
    old = SurveyResponse.objects.filter(submitted_at__lt=cutoff).only("pk", "answers")
    for response in old.iterator(chunk_size=BATCH):
        if any(isinstance(v, str) and v for v in response.answers.values()):
            response.answers = {
                k: ("" if isinstance(v, str) else v) for k, v in response.answers.items()
            }
            changed.append(response)
    SurveyResponse.objects.bulk_update(changed, ["answers"], batch_size=BATCH)
    return len(changed)
