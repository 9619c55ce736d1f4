"""What a client may send to create or change a program, and the one place it is checked.

The page (`forms.ProgramForm`), the API (`api/programs.py`) and the CLI (`mentorwise program`)
build the same input objects: `ProgramCreate` and `ProgramChanges`. The API and the CLI parse
raw values with the same schemas (`ProgramCreateIn`, `ProgramPatchIn`, which convert 1:1);
the form's fields produce typed values itself. Every rule (required fields, ranges, known
choices, a name no other program has, end after start, eligibility per role, questions,
matching weights and options) is checked by `program_create_validate` and
`program_changes_validate`, which report every problem at once, each naming its field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from ninja import Field, Schema

from mentorwise.core.errors import FieldError, InvalidInput
from mentorwise.core.languages import SHIPPED
from mentorwise.programs.catalog import ProgramTemplate, template_get
from mentorwise.programs.eligibility import rules_validate
from mentorwise.programs.matching_config import matching_config_validate
from mentorwise.programs.models import GIVING_ROLES, Program, ProgramKind, ProgramStatus, Role

NAME_MAX_LENGTH = 200
CADENCE_DAYS = (1, 365)


# Input objects ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgramCreate:
    """A new draft program from a template; empty name and slug are derived, missing dates
    run from today for the template's duration."""

    template: str
    name: str = ""
    slug: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None


@dataclass(frozen=True)
class ProgramChanges:
    """Fields an admin or program manager may change; None means unchanged. The inclusion
    option inside `matching` is HR admins' alone (left out of `matching`, it is kept)."""

    name: str | None = None
    description: str | None = None
    objectives: str | None = None
    responsibilities: dict[str, str] | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    meeting_cadence_days: int | None = None
    eligibility: dict[str, dict[str, Any]] | None = None
    enrollment_questions: list[dict[str, Any]] | None = None
    matching: dict[str, Any] | None = None
    mentor_training_required: bool | None = None
    self_match: bool | None = None
    status: str | None = None
    kind: str | None = None
    language: str | None = None


# Schemas: raw values (API body, CLI JSON) to input objects ----------------------------------


class ProgramCreateIn(Schema):
    template: str = Field(description="Template key, see GET /api/templates.")
    name: str = Field("", description="Defaults to the template's name; at most 200 characters.")
    slug: str = Field("", max_length=80, description="URL name; generated from the name if empty.")
    start_date: dt.date | None = None
    end_date: dt.date | None = None

    def to_input(self) -> ProgramCreate:
        return ProgramCreate(**self.model_dump())


class ProgramPatchIn(Schema):
    name: str | None = Field(None, description="At most 200 characters.")
    description: str | None = None
    objectives: str | None = Field(None, description="One objective per line.")
    responsibilities: dict[str, str] | None = None
    language: str | None = Field(
        None,
        description=(
            "The language its texts are written in (a shipped language code: en, de, fr, es, "
            "ja, ar); translations into the others fall back to it."
        ),
    )
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    meeting_cadence_days: int | None = Field(None, description="From 1 to 365 days.")
    eligibility: dict[str, dict[str, Any]] | None = None
    enrollment_questions: list[dict[str, Any]] | None = None
    matching: dict[str, Any] | None = Field(
        None,
        description=(
            "Criteria weights and options, replaced as a whole. `options.inclusion` (enabled, "
            "justification, groups, senior_level, weight) is HR-admin configuration: left out, "
            "it stays as it is; a different value from anyone else is refused (403)."
        ),
    )
    mentor_training_required: bool | None = None
    self_match: bool | None = None
    status: str | None = Field(None, description="draft, enrolling, active or closed.")

    def to_input(self) -> ProgramChanges:
        """The fields the client sent (left out: unchanged)."""
        return ProgramChanges(**self.model_dump(exclude_unset=True))


# Validation ------------------------------------------------------------------------------


def program_name_problem(name: str, *, exclude: Program | None = None) -> FieldError | None:
    """A name another program already has (upper and lower case alike), said plainly."""
    others = Program.objects.filter(name__iexact=name)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if name and others.exists():
        return FieldError(
            "name",
            _("Another program is already called “%(name)s”; choose a name people can tell apart.")
            % {"name": name},
            value=name,
        )
    return None


def _name_problems(name: str, *, exclude: Program | None) -> list[FieldError]:
    if not name:
        return [FieldError("name", _("is required"))]
    if len(name) > NAME_MAX_LENGTH:
        return [FieldError("name", _("must be at most %(n)s characters") % {"n": NAME_MAX_LENGTH})]
    problem = program_name_problem(name, exclude=exclude)
    return [problem] if problem else []


def _dates_problem(start: dt.date | None, end: dt.date | None) -> FieldError | None:
    if start and end and end <= start:
        return FieldError("end_date", _("must be after the start date"), value=str(end))
    return None


@dataclass(frozen=True)
class ValidProgramCreate:
    """A `ProgramCreate` that passed every rule, with its derived values filled in."""

    template: ProgramTemplate
    name: str  # empty: the template's name, numbered when taken
    slug: str  # empty: derived from the name
    start_date: dt.date
    end_date: dt.date


def program_create_validate(data: ProgramCreate) -> ValidProgramCreate:
    """`data` checked against every rule; InvalidInput lists all problems otherwise."""
    errors: list[FieldError] = []
    template = template_get(data.template)
    if template is None:
        errors.append(FieldError("template", _("unknown program template"), value=data.template))
    name = data.name.strip()
    if name:
        errors.extend(_name_problems(name, exclude=None))
    if data.slug:
        if slugify(data.slug) != data.slug:
            errors.append(
                FieldError("slug", _("use lowercase letters, digits and hyphens"), value=data.slug)
            )
        elif Program.objects.filter(slug=data.slug).exists():
            errors.append(
                FieldError("slug", _("is already used by another program"), value=data.slug)
            )
    start = data.start_date or timezone.localdate()
    end = data.end_date
    if end is None and template is not None:
        end = start + dt.timedelta(days=int(template.duration_months * 30.4))
    if problem := _dates_problem(start, end):
        errors.append(problem)
    if errors or template is None or end is None:
        raise InvalidInput(errors)
    return ValidProgramCreate(
        template=template, name=name, slug=data.slug, start_date=start, end_date=end
    )


def _questions_validate(questions: Any) -> list[dict[str, Any]]:
    errors: list[FieldError] = []
    clean: list[dict[str, Any]] = []
    if not isinstance(questions, list):
        raise InvalidInput([FieldError("enrollment_questions", _("must be a list"))])
    keys: set[str] = set()
    for i, q in enumerate(questions):
        where = f"enrollment_questions[{i}]"
        if not isinstance(q, dict) or not str(q.get("label", "")).strip():
            errors.append(FieldError(where, _("each question needs a label")))
            continue
        key = slugify(str(q.get("key") or q["label"]))[:40].replace("-", "_") or f"q{i}"
        if key in keys:
            errors.append(FieldError(where + ".key", _("is used twice"), value=key))
            continue
        keys.add(key)
        item: dict[str, Any] = {
            "key": key,
            "label": str(q["label"]).strip()[:300],
            "required": bool(q.get("required")),
        }
        if q.get("choices"):
            item["choices"] = [str(c)[:100] for c in q["choices"]]
        clean.append(item)
    if errors:
        raise InvalidInput(errors)
    return clean


def _eligibility_validate(eligibility: Any, errors: list[FieldError]) -> dict[str, Any]:
    clean: dict[str, dict[str, Any]] = {}
    if not isinstance(eligibility, dict):
        errors.append(FieldError("eligibility", _("must be an object per role")))
        return clean
    for role, rules in eligibility.items():
        if role not in Role.values:
            errors.append(FieldError(f"eligibility.{role}", _("unknown role")))
            continue
        try:
            clean[role] = rules_validate(rules, role=role)
        except InvalidInput as error:
            errors.extend(error.errors)
    if set(clean) == {Role.PEER}:
        return clean  # a peer program: one role, anyone paired with anyone
    if Role.PEER in clean:
        errors.append(
            FieldError("eligibility", _("the peer role is the only role of a peer program"))
        )
    elif Role.MENTEE not in clean or not set(GIVING_ROLES) & set(clean):
        errors.append(
            FieldError(
                "eligibility",
                _(
                    "a program needs a mentee role and a mentor, sponsor or coach role, "
                    "or only the peer role"
                ),
            )
        )
    return clean


def _choice_problem(field: str, value: str, choices: list[str]) -> FieldError | None:
    if value in choices:
        return None
    return FieldError(
        field, _("must be one of %(choices)s") % {"choices": ", ".join(choices)}, value=value
    )


def program_changes_validate(changes: ProgramChanges, *, program: Program) -> dict[str, Any]:
    """The changed fields of `program`, cleaned, once every change passed every rule;
    InvalidInput lists all problems otherwise (nothing is written here)."""
    errors: list[FieldError] = []
    updated: dict[str, Any] = {}
    if changes.name is not None:
        updated["name"] = changes.name.strip()
        errors.extend(_name_problems(updated["name"], exclude=program))
    if changes.objectives is not None:
        if not changes.objectives.strip():
            errors.append(FieldError("objectives", _("write at least one objective")))
        updated["objectives"] = changes.objectives.strip()
    if changes.description is not None:
        updated["description"] = changes.description.strip()
    if changes.language is not None:
        problem = _choice_problem(
            "language", changes.language, [language.code for language in SHIPPED]
        )
        if problem is None:
            updated["language"] = changes.language
        else:
            errors.append(problem)
    for simple in ("start_date", "end_date", "mentor_training_required", "self_match"):
        value = getattr(changes, simple)
        if value is not None:
            updated[simple] = value
    if changes.responsibilities is not None:
        bad = [k for k in changes.responsibilities if k not in [*Role.values, "program_manager"]]
        if bad:
            errors.append(
                FieldError("responsibilities", _("unknown role %(role)r") % {"role": bad[0]})
            )
        updated["responsibilities"] = {
            k: str(v).strip() for k, v in changes.responsibilities.items()
        }
    if (cadence := changes.meeting_cadence_days) is not None:
        if not CADENCE_DAYS[0] <= cadence <= CADENCE_DAYS[1]:
            errors.append(
                FieldError(
                    "meeting_cadence_days",
                    _("must be from %(low)s to %(high)s days")
                    % {"low": CADENCE_DAYS[0], "high": CADENCE_DAYS[1]},
                    value=str(cadence),
                )
            )
        updated["meeting_cadence_days"] = cadence
    if changes.status is not None:
        if problem := _choice_problem("status", changes.status, ProgramStatus.values):
            errors.append(problem)
        updated["status"] = changes.status
    if changes.kind is not None:
        if problem := _choice_problem("kind", changes.kind, ProgramKind.values):
            errors.append(problem)
        updated["kind"] = changes.kind
    if changes.eligibility is not None:
        updated["eligibility"] = _eligibility_validate(changes.eligibility, errors)
    if changes.enrollment_questions is not None:
        try:
            updated["enrollment_questions"] = _questions_validate(changes.enrollment_questions)
        except InvalidInput as error:
            errors.extend(error.errors)
    if changes.matching is not None:
        try:
            updated["matching"] = matching_config_validate(changes.matching)
        except InvalidInput as error:
            errors.extend(error.errors)
    start = updated.get("start_date", program.start_date)
    end = updated.get("end_date", program.end_date)
    if problem := _dates_problem(start, end):
        errors.append(problem)
    if errors:
        raise InvalidInput(errors)
    return updated
