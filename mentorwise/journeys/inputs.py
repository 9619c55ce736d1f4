"""A journey step as people write it (form, API, CLI alike), and its one validator."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _
from ninja import Field, Schema

from mentorwise.core.errors import FieldError, InvalidInput
from mentorwise.journeys.models import GuideType, OffsetUnit, StepKind

TITLE_MAX = 200
BODY_MAX = 4000
URL_MAX = 500
QUESTION_MAX = 300
QUESTIONS_MAX = 12
# The latest a step may fall: three years after the start, in each unit.
OFFSET_MAX = {OffsetUnit.DAYS: 1096, OffsetUnit.WEEKS: 156, OffsetUnit.MONTHS: 36}


@dataclass(frozen=True)
class StepInput:
    """One step: what it is, when it falls due after the start, and what it says."""

    kind: str
    offset_value: int
    offset_unit: str
    title: str
    body: str = ""
    guide_type: str = ""
    questions: tuple[str, ...] = field(default_factory=tuple)
    url: str = ""


def step_validate(data: StepInput) -> StepInput:
    """The step cleaned (spaces trimmed; guide fields dropped from other kinds), or
    InvalidInput naming every field that is wrong."""
    errors: list[FieldError] = []
    kind, unit = data.kind, data.offset_unit
    clean = replace(
        data,
        title=data.title.strip(),
        body=data.body.strip(),
        url=data.url.strip(),
        questions=tuple(q.strip() for q in data.questions if q.strip()),
        guide_type=data.guide_type.strip(),
    )
    if kind not in StepKind.values:
        errors.append(
            FieldError("kind", _("must be task, tip, resource or guide"), value=str(kind))
        )
    if unit not in OffsetUnit.values:
        errors.append(
            FieldError("offset_unit", _("must be days, weeks or months"), value=str(unit))
        )
    elif not 0 <= data.offset_value <= OFFSET_MAX[OffsetUnit(unit)]:
        errors.append(
            FieldError(
                "offset_value",
                _("must be between 0 and %(max)s") % {"max": OFFSET_MAX[OffsetUnit(unit)]},
                value=str(data.offset_value),
            )
        )
    if not clean.title:
        errors.append(FieldError("title", _("is required")))
    elif len(clean.title) > TITLE_MAX:
        errors.append(FieldError("title", _("at most %(n)s characters") % {"n": TITLE_MAX}))
    if len(clean.body) > BODY_MAX:
        errors.append(FieldError("body", _("at most %(n)s characters") % {"n": BODY_MAX}))
    if clean.url:
        if len(clean.url) > URL_MAX:
            errors.append(FieldError("url", _("at most %(n)s characters") % {"n": URL_MAX}))
        elif not _is_link(clean.url):
            errors.append(
                FieldError(
                    "url",
                    _("must start with https://, http:// or / (a page of this site)"),
                    value=clean.url,
                )
            )
    elif kind == StepKind.RESOURCE:
        errors.append(FieldError("url", _("a resource needs a link")))
    if kind == StepKind.GUIDE:
        if clean.guide_type not in GuideType.values:
            errors.append(
                FieldError(
                    "guide_type",
                    _("a guide is a coaching, mentoring or sponsoring conversation"),
                    value=clean.guide_type,
                )
            )
        if not clean.questions:
            errors.append(FieldError("questions", _("a guide needs at least one question")))
        elif len(clean.questions) > QUESTIONS_MAX:
            errors.append(
                FieldError("questions", _("at most %(n)s questions") % {"n": QUESTIONS_MAX})
            )
        for n, question in enumerate(clean.questions, start=1):
            if len(question) > QUESTION_MAX:
                errors.append(
                    FieldError(
                        "questions",
                        _("question %(number)s: at most %(n)s characters")
                        % {"number": n, "n": QUESTION_MAX},
                    )
                )
    else:
        clean = replace(clean, guide_type="", questions=())
    if errors:
        raise InvalidInput(errors)
    return clean


def _is_link(url: str) -> bool:
    if any(c.isspace() for c in url) or "\x00" in url:
        return False
    if url.startswith("/"):
        return not url.startswith("//")  # "//host" leaves the site
    return url.startswith(("https://", "http://")) and len(url.split("://", 1)[1]) > 0


def questions_from_text(text: str) -> tuple[str, ...]:
    """A guide's questions typed one per line (the form's textarea)."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


# The API's and the CLI's input (the form builds the same StepInput) ---------------------


class StepIn(Schema):
    kind: str = Field(description="task, tip, resource or guide (a conversation guide).")
    offset_value: int = Field(description="How many days, weeks or months after the start.")
    offset_unit: str = Field("weeks", description="days, weeks or months.")
    title: str = Field(json_schema_extra={"maxLength": TITLE_MAX})
    body: str = Field(
        "", description="What to do or know.", json_schema_extra={"maxLength": BODY_MAX}
    )
    guide_type: str = Field(
        "", description="Guides only: coaching, mentoring or sponsoring (ignored otherwise)."
    )
    questions: list[str] = Field(
        default_factory=list,
        description=f"Guides only: the questions to ask, in order (1 to {QUESTIONS_MAX}).",
    )
    url: str = Field(
        "",
        description="A link: https://… or a page of this site (/…); required for a resource.",
        json_schema_extra={"maxLength": URL_MAX},
    )

    def to_input(self) -> StepInput:
        return StepInput(
            kind=self.kind,
            offset_value=self.offset_value,
            offset_unit=self.offset_unit,
            title=self.title,
            body=self.body,
            guide_type=self.guide_type,
            questions=tuple(self.questions),
            url=self.url,
        )


class StepAddIn(StepIn):
    position: int | None = Field(None, description="1-based place in the order; last if empty.")
