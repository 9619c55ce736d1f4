"""The pair's agreement and goals: terms, a goal's SMART description, progress, milestones."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _
from ninja import Field, Schema

from mentorwise.core.errors import FieldError, InvalidInput
from mentorwise.programs.inputs import CADENCE_DAYS
from mentorwise.relationships.inputs.rules import (
    LONG_TEXT_MAX,
    PROGRESS,
    TITLE_MAX,
    documented_max,
    not_one_of,
    out_of_range,
    raise_any,
    too_long,
)
from mentorwise.relationships.models import GoalStatus

SMART_TEXTS = ("specific", "measurable", "achievable", "relevant")


# Input objects ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AgreementTerms:
    """The pair's own terms; a change is saved as a new version of the agreement."""

    meeting_cadence_days: int
    pair_objectives: str = ""
    confidentiality: str = ""


@dataclass(frozen=True)
class GoalFields:
    """The SMART description of a goal."""

    title: str
    specific: str = ""
    measurable: str = ""
    achievable: str = ""
    relevant: str = ""
    target_date: dt.date | None = None


@dataclass(frozen=True)
class GoalProgressChange:
    """Progress in percent; a status left None stays as it is."""

    progress: int
    status: str | None = None


@dataclass(frozen=True)
class MilestoneNew:
    """A step towards a goal."""

    title: str
    due_date: dt.date | None = None


# Validation ------------------------------------------------------------------------------


def agreement_terms_validate(data: AgreementTerms) -> AgreementTerms:
    """`data` with its texts trimmed, once it passed every rule; InvalidInput lists all
    problems otherwise. The cadence's range is the program's (`programs.inputs`)."""
    raise_any(
        [
            out_of_range("meeting_cadence_days", data.meeting_cadence_days, CADENCE_DAYS, "days"),
            too_long("pair_objectives", data.pair_objectives, LONG_TEXT_MAX),
            too_long("confidentiality", data.confidentiality, LONG_TEXT_MAX),
        ]
    )
    return replace(
        data,
        pair_objectives=data.pair_objectives.strip(),
        confidentiality=data.confidentiality.strip(),
    )


def goal_fields_validate(data: GoalFields) -> GoalFields:
    """`data` with its title trimmed, once it passed every rule; InvalidInput lists all
    problems otherwise."""
    title = data.title.strip()
    missing = FieldError("title", _("is required")) if not title else None
    raise_any(
        [
            missing or too_long("title", title, TITLE_MAX),
            *(too_long(name, getattr(data, name), LONG_TEXT_MAX) for name in SMART_TEXTS),
        ]
    )
    return replace(data, title=title)


def goal_progress_validate(data: GoalProgressChange) -> GoalProgressChange:
    raise_any(
        [
            out_of_range("progress", data.progress, PROGRESS),
            None if data.status is None else not_one_of("status", data.status, GoalStatus.values),
        ]
    )
    return data


def milestone_validate(data: MilestoneNew) -> MilestoneNew:
    title = data.title.strip()
    if not title or len(title) > TITLE_MAX:
        raise InvalidInput(
            [FieldError("title", _("is required, at most %(n)s characters") % {"n": TITLE_MAX})]
        )
    return replace(data, title=title)


# Schemas: the API body to input objects, one to one ------------------------------------


class AgreementIn(Schema):
    pair_objectives: str = Field(
        "",
        description="The pair's own objectives.",
        json_schema_extra=documented_max(LONG_TEXT_MAX),
    )
    meeting_cadence_days: int = Field(description="Days between meetings, 1 to 365.")
    confidentiality: str = Field("", json_schema_extra=documented_max(LONG_TEXT_MAX))

    def to_input(self) -> AgreementTerms:
        return AgreementTerms(**self.model_dump())


class GoalIn(Schema):
    title: str = Field(json_schema_extra=documented_max(TITLE_MAX))
    specific: str = Field(
        "",
        description="What exactly will be achieved.",
        json_schema_extra=documented_max(LONG_TEXT_MAX),
    )
    measurable: str = Field(
        "", description="How progress is measured.", json_schema_extra=documented_max(LONG_TEXT_MAX)
    )
    achievable: str = Field(
        "", description="Why it is realistic.", json_schema_extra=documented_max(LONG_TEXT_MAX)
    )
    relevant: str = Field(
        "", description="Why it matters now.", json_schema_extra=documented_max(LONG_TEXT_MAX)
    )
    target_date: dt.date | None = Field(None, description="Time-bound: when.")

    def to_input(self) -> GoalFields:
        return GoalFields(**self.model_dump())


class ProgressIn(Schema):
    progress: int = Field(description="0 to 100.")
    status: str | None = Field(None, description="open, achieved or dropped.")

    def to_input(self) -> GoalProgressChange:
        return GoalProgressChange(**self.model_dump())


class MilestoneIn(Schema):
    title: str = Field(json_schema_extra=documented_max(TITLE_MAX))
    due_date: dt.date | None = None

    def to_input(self) -> MilestoneNew:
        return MilestoneNew(**self.model_dump())
