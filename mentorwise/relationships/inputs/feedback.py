"""What the pair reports and decides: check-ins, closure, sponsorship actions, safety reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _
from ninja import Field, Schema

from mentorwise.core.errors import FieldError, InvalidInput
from mentorwise.relationships.inputs.rules import (
    COMMENT_MAX,
    LONG_TEXT_MAX,
    PULSE,
    documented_max,
    not_one_of,
    out_of_range,
    raise_any,
    too_long,
)
from mentorwise.relationships.models import (
    ClosureKind,
    SafetyCategory,
    SafetyStatus,
    SponsorshipKind,
    SponsorshipOutcome,
)

# Input objects ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInNew:
    """How the relationship is going for one of the pair (1 bad to 5 great)."""

    pulse: int
    comment: str = ""


@dataclass(frozen=True)
class Closure:
    """How a relationship ends; an early closure needs a reason and may ask for a re-match."""

    kind: str
    reason: str = ""
    rematch: bool = False


@dataclass(frozen=True)
class SponsorshipNew:
    """Advocacy the sponsor did for the protégé."""

    kind: str
    description: str


@dataclass(frozen=True)
class SponsorshipResult:
    """How a sponsorship action turned out; the date defaults to today (none while pending)."""

    outcome: str
    outcome_on: dt.date | None = None


@dataclass(frozen=True)
class SafetyReportNew:
    """A problem reported to the relationship's overseers outside the pair."""

    category: str
    description: str


@dataclass(frozen=True)
class SafetyHandling:
    """An overseer's handling step: the report's new status and a note."""

    status: str
    note: str = ""


# Validation ------------------------------------------------------------------------------


def _required_text(field: str, value: str, limit: int) -> FieldError | None:
    if not value.strip() or len(value) > limit:
        return FieldError(field, _("is required, at most %(n)s characters") % {"n": limit})
    return None


def check_in_validate(data: CheckInNew) -> CheckInNew:
    raise_any(
        [
            out_of_range("pulse", data.pulse, PULSE),
            too_long("comment", data.comment, COMMENT_MAX),
        ]
    )
    return replace(data, comment=data.comment.strip())


def closure_reason_problem(kind: str, reason: str) -> FieldError | None:
    """An early closure without a reason (the one rule for one closure and a bulk one)."""
    if kind == ClosureKind.EARLY and not reason.strip():
        return FieldError("reason", _("an early closure needs a reason"))
    return None


def closure_validate(data: Closure) -> Closure:
    """`data` with its reason trimmed, once it passed every rule; InvalidInput lists all
    problems otherwise. A re-match is asked for by an early closure only."""
    reason = data.reason.strip()
    kind_error = None
    if data.kind not in ClosureKind.values:
        kind_error = FieldError("kind", _("must be planned or early"), value=data.kind)
    raise_any(
        [
            kind_error,
            closure_reason_problem(data.kind, reason),
            too_long("reason", reason, COMMENT_MAX),
        ]
    )
    return replace(data, reason=reason, rematch=data.rematch and data.kind == ClosureKind.EARLY)


def sponsorship_validate(data: SponsorshipNew) -> SponsorshipNew:
    raise_any(
        [
            not_one_of("kind", data.kind, SponsorshipKind.values),
            _required_text("description", data.description, COMMENT_MAX),
        ]
    )
    return replace(data, description=data.description.strip())


def sponsorship_result_validate(data: SponsorshipResult) -> SponsorshipResult:
    if data.outcome not in SponsorshipOutcome.values:
        raise InvalidInput(
            [
                FieldError(
                    "outcome",
                    _("must be one of %(choices)s")
                    % {"choices": ", ".join(SponsorshipOutcome.values)},
                )
            ]
        )
    return data


def safety_report_validate(data: SafetyReportNew) -> SafetyReportNew:
    raise_any(
        [
            not_one_of("category", data.category, SafetyCategory.values),
            _required_text("description", data.description, LONG_TEXT_MAX),
        ]
    )
    return data


def safety_handling_validate(data: SafetyHandling) -> SafetyHandling:
    raise_any(
        [
            not_one_of("status", data.status, SafetyStatus.values),
            too_long("note", data.note.strip(), LONG_TEXT_MAX),
        ]
    )
    return replace(data, note=data.note.strip())


# Schemas: the API body to input objects, one to one ------------------------------------


class CheckInIn(Schema):
    pulse: int = Field(description="1 (bad) to 5 (great).")
    comment: str = Field("", json_schema_extra=documented_max(COMMENT_MAX))

    def to_input(self) -> CheckInNew:
        return CheckInNew(**self.model_dump())


class CloseIn(Schema):
    kind: str = Field(description="planned or early.")
    reason: str = Field(
        "",
        description="Required for an early closure.",
        json_schema_extra=documented_max(COMMENT_MAX),
    )
    rematch: bool = Field(False, description="Early closure: put the mentee back in the pool.")

    def to_input(self) -> Closure:
        return Closure(**self.model_dump())


class SponsorshipIn(Schema):
    kind: str = Field(
        description="stretch_assignment, promotion, visible_project, introduction or other."
    )
    description: str = Field(json_schema_extra=documented_max(COMMENT_MAX))

    def to_input(self) -> SponsorshipNew:
        return SponsorshipNew(**self.model_dump())


class OutcomeIn(Schema):
    outcome: str = Field(description="pending, succeeded or not_succeeded.")
    outcome_on: dt.date | None = None

    def to_input(self) -> SponsorshipResult:
        return SponsorshipResult(**self.model_dump())


class SafetyIn(Schema):
    category: str = Field(description="conduct, no_shows, conflict_of_interest or other.")
    description: str = Field(json_schema_extra=documented_max(LONG_TEXT_MAX))

    def to_input(self) -> SafetyReportNew:
        return SafetyReportNew(**self.model_dump())


class HandleIn(Schema):
    status: str = Field(description="open, in_review or resolved.")
    note: str = Field("", json_schema_extra=documented_max(LONG_TEXT_MAX))

    def to_input(self) -> SafetyHandling:
        return SafetyHandling(**self.model_dump())
