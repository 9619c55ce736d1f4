"""What a circle service takes: one validated input object per use case, built alike by the
page forms, the API schemas and the CLI; each `*_validate` lists every problem at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.utils import timezone
from django.utils.translation import gettext as _

from mentorwise.core.errors import FieldError, InvalidInput

AGREEMENT_MAX = 5000
TITLE_MAX = 200
TEXT_MAX = 2000
COMMENT_MAX = 500
NOTE_MAX = 10000
LOCATION_MAX = 300
OUTCOMES_MAX = 5000


def _too_long(field: str, text: str, limit: int) -> FieldError | None:
    if len(text) > limit:
        return FieldError(
            field, _("must be at most %(n)d characters") % {"n": limit}, value=text[:40]
        )
    return None


def _raise(errors: list[FieldError | None]) -> None:
    found = [e for e in errors if e is not None]
    if found:
        raise InvalidInput(found)


@dataclass(frozen=True)
class AgreementText:
    text: str
    cadence_days: int = 30

    def validate(self) -> AgreementText:
        clean = replace(self, text=self.text.strip())
        _raise(
            [
                _too_long("agreement", clean.text, AGREEMENT_MAX),
                FieldError("agreement", _("must not be empty")) if not clean.text else None,
                FieldError(
                    "meeting_cadence_days",
                    _("must be a whole number from 7 to 90"),
                    value=str(self.cadence_days),
                )
                if not 7 <= self.cadence_days <= 90
                else None,
            ]
        )
        return clean


@dataclass(frozen=True)
class GoalFields:
    title: str
    description: str = ""
    progress: int = 0
    status: str = "open"

    def validate(self) -> GoalFields:
        from mentorwise.circles.models import CircleGoalStatus

        clean = replace(self, title=self.title.strip(), description=self.description.strip())
        _raise(
            [
                FieldError("title", _("must not be empty")) if not clean.title else None,
                _too_long("title", clean.title, TITLE_MAX),
                _too_long("description", clean.description, TEXT_MAX),
                FieldError("progress", _("must be from 0 to 100"), value=str(self.progress))
                if not 0 <= self.progress <= 100
                else None,
                FieldError("status", _("must be open, achieved or dropped"), value=self.status)
                if self.status not in CircleGoalStatus.values
                else None,
            ]
        )
        return clean


@dataclass(frozen=True)
class MeetingPlan:
    starts_at: dt.datetime
    duration_minutes: int = 60
    location: str = ""
    topic: str = ""

    def validate(self, *, future: bool = True) -> MeetingPlan:
        clean = replace(self, location=self.location.strip(), topic=self.topic.strip())
        _raise(
            [
                FieldError("starts_at", _("must include a time zone"))
                if timezone.is_naive(self.starts_at)
                else None,
                FieldError("starts_at", _("must be in the future"))
                if future and timezone.is_aware(self.starts_at) and self.starts_at < timezone.now()
                else None,
                FieldError(
                    "duration_minutes",
                    _("must be from 15 to 480 minutes"),
                    value=str(self.duration_minutes),
                )
                if not 15 <= self.duration_minutes <= 480
                else None,
                _too_long("location", clean.location, LOCATION_MAX),
                _too_long("topic", clean.topic, LOCATION_MAX),
            ]
        )
        return clean


@dataclass(frozen=True)
class MeetingRecord:
    """A held meeting: who was present (membership ids) and the shared notes."""

    present: tuple[int, ...]
    shared_notes: str = ""

    def validate(self) -> MeetingRecord:
        clean = replace(self, shared_notes=self.shared_notes.strip())
        _raise([_too_long("shared_notes", clean.shared_notes, TEXT_MAX)])
        return clean


@dataclass(frozen=True)
class CheckInNew:
    pulse: int
    comment: str = ""

    def validate(self) -> CheckInNew:
        clean = replace(self, comment=self.comment.strip())
        _raise(
            [
                FieldError("pulse", _("must be from 1 to 5"), value=str(self.pulse))
                if not 1 <= self.pulse <= 5
                else None,
                _too_long("comment", clean.comment, COMMENT_MAX),
            ]
        )
        return clean


@dataclass(frozen=True)
class Closure:
    reason: str
    outcomes: str = ""

    def validate(self) -> Closure:
        clean = replace(self, reason=self.reason.strip(), outcomes=self.outcomes.strip())
        _raise(
            [
                FieldError("reason", _("must not be empty")) if not clean.reason else None,
                _too_long("reason", clean.reason, TEXT_MAX),
                _too_long("outcomes", clean.outcomes, OUTCOMES_MAX),
            ]
        )
        return clean


@dataclass(frozen=True)
class ClosingSurvey:
    usefulness: int
    comment: str = ""

    def validate(self) -> ClosingSurvey:
        clean = replace(self, comment=self.comment.strip())
        _raise(
            [
                FieldError("usefulness", _("must be from 1 to 5"), value=str(self.usefulness))
                if not 1 <= self.usefulness <= 5
                else None,
                _too_long("comment", clean.comment, TEXT_MAX),
            ]
        )
        return clean


def note_problem(text: str) -> FieldError | None:
    return _too_long("private_note", text.strip(), NOTE_MAX)
