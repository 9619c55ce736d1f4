"""What a person tells a program when enrolling, and the one place it is checked.

The enrollment page (`forms.EnrollmentForm.answers`), the API (`EnrollmentIn`, which converts
one to one) and the services build the same input objects: `EnrollmentNew` to enrol (or
accept an invitation), `EnrollmentAnswers` to change one's profile. Every rule on the answers
(what each role must say, the mentor's capacity, known skills and choices, the program's own
questions, lengths) is checked by `enrollment_answers_validate`, which reports every problem
at once, each naming its field. The limits reach the page as the browser's `maxlength`,
`min` and `max` and the API's OpenAPI document as `maxLength`, `minimum` and `maximum`, but
only the validator refuses, so page and API name a bad value alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from ninja import Field, Schema

from mentorwise.core.errors import FieldError, InvalidInput
from mentorwise.programs.content import question_label
from mentorwise.programs.models import GIVING_ROLES, FunctionPreference, Program, Role, Skill

MAX_CAPACITY = 50
CAPACITY = (1, MAX_CAPACITY)
TEXT_MAX = 5000  # what a mentee wants to develop, a mentor's expertise
AVAILABILITY_MAX = 200
WITHDRAWAL_REASON_MAX = 500


# Input objects ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EnrollmentAnswers:
    """What a participant tells the program about themselves when enrolling."""

    development_goals: str = ""
    expertise: str = ""
    skills_wanted: list[int] = field(default_factory=list)
    skills_offered: list[int] = field(default_factory=list)
    function_preference: str = FunctionPreference.ANY
    prefers_same_location: bool = False
    languages: list[str] = field(default_factory=list)
    capacity: int = 1
    availability: str = ""
    answers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EnrollmentNew:
    """Enrolling in one role of a program, the role's responsibilities acknowledged."""

    role: str
    answers: EnrollmentAnswers
    acknowledged: bool


@dataclass(frozen=True)
class Withdrawal:
    """Leaving a program's role; the reason is optional and kept in the audit log."""

    reason: str = ""


# Validation ------------------------------------------------------------------------------


def withdrawal_validate(data: Withdrawal) -> Withdrawal:
    reason = data.reason.strip()
    if len(reason) > WITHDRAWAL_REASON_MAX:
        raise InvalidInput(
            [
                FieldError(
                    "reason",
                    _("must be at most %(n)s characters") % {"n": WITHDRAWAL_REASON_MAX},
                )
            ]
        )
    return Withdrawal(reason=reason)


def role_problem(program: Program, role: str) -> FieldError | None:
    if role in program.roles:
        return None
    return FieldError("role", _("this program has no such role"), value=role)


def capacity_problem(capacity: int) -> FieldError | None:
    if CAPACITY[0] <= capacity <= CAPACITY[1]:
        return None
    return FieldError(
        "capacity",
        _("must be from %(low)s to %(high)s") % {"low": CAPACITY[0], "high": CAPACITY[1]},
        value=str(capacity),
    )


def _length_problems(answers: EnrollmentAnswers) -> list[FieldError]:
    limits = (
        ("development_goals", answers.development_goals, TEXT_MAX),
        ("expertise", answers.expertise, TEXT_MAX),
        ("availability", answers.availability.strip(), AVAILABILITY_MAX),
    )
    return [
        FieldError(name, _("must be at most %(limit)s characters") % {"limit": limit})
        for name, value, limit in limits
        if len(value) > limit
    ]


def _question_problems(program: Program, answers: EnrollmentAnswers) -> list[FieldError]:
    errors: list[FieldError] = []
    for question in program.enrollment_questions:
        value = str(answers.answers.get(question["key"], "")).strip()
        where = f"answers.{question['key']}"
        if question.get("required") and not value:
            errors.append(
                FieldError(
                    where,
                    _("Please answer: %(question)s")
                    % {"question": question_label(program, question)},
                )
            )
        if value and question.get("choices") and value not in question["choices"]:
            errors.append(FieldError(where, _("not one of the choices"), value=value))
    return errors


def enrollment_answers_problems(
    answers: EnrollmentAnswers, *, program: Program, role: str
) -> list[FieldError]:
    """Every problem with `answers` for `role` in `program` (empty: they pass every rule)."""
    errors: list[FieldError] = []
    giving = role in GIVING_ROLES
    if role == Role.MENTEE and not answers.development_goals.strip():
        errors.append(
            FieldError("development_goals", _("Tell your mentor what you want to develop."))
        )
    if role == Role.MENTEE and not answers.skills_wanted:
        errors.append(
            FieldError("skills_wanted", _("Pick at least one skill you want to develop."))
        )
    if giving and not answers.skills_offered:
        errors.append(FieldError("skills_offered", _("Pick at least one skill you can help with.")))
    if problem := capacity_problem(answers.capacity):  # a mentee's is 1, whatever is sent
        errors.append(problem)
    if answers.function_preference not in FunctionPreference.values:
        errors.append(
            FieldError(
                "function_preference", _("unknown choice"), value=answers.function_preference
            )
        )
    wanted = set(answers.skills_wanted) | set(answers.skills_offered)
    if wanted:
        known = set(
            Skill.objects.filter(pk__in=wanted, is_active=True).values_list("pk", flat=True)
        )
        for skill_id in sorted(wanted - known):
            errors.append(FieldError("skills", _("unknown skill"), value=str(skill_id)))
    errors.extend(_length_problems(answers))
    errors.extend(_question_problems(program, answers))
    return errors


def enrollment_answers_validate(
    answers: EnrollmentAnswers, *, program: Program, role: str
) -> EnrollmentAnswers:
    """`answers` once they passed every rule; InvalidInput lists all problems otherwise."""
    if errors := enrollment_answers_problems(answers, program=program, role=role):
        raise InvalidInput(errors)
    return answers


def enrollment_new_validate(data: EnrollmentNew, *, program: Program) -> EnrollmentNew:
    """The answers' problems and a missing acknowledgement, all at once (the role is checked
    first, by the service, before the program's state and the person's eligibility)."""
    errors = enrollment_answers_problems(data.answers, program=program, role=data.role)
    if not data.acknowledged:
        errors.append(
            FieldError(
                "acknowledged", _("Please confirm that you accept your role's responsibilities.")
            )
        )
    if errors:
        raise InvalidInput(errors)
    return data


# Schema: the API body to input objects, one to one ---------------------------------------


class EnrollmentIn(Schema):
    role: str = Field(description="mentee, mentor, sponsor or coach.")
    acknowledged: bool = Field(
        description="Must be true: the role's responsibilities are accepted."
    )
    development_goals: str = Field("", json_schema_extra={"maxLength": TEXT_MAX})
    expertise: str = Field("", json_schema_extra={"maxLength": TEXT_MAX})
    skills_wanted: list[int] = Field([], description="Skill ids.")
    skills_offered: list[int] = Field([], description="Skill ids.")
    function_preference: str = Field("any", description="any, same or different.")
    prefers_same_location: bool = False
    languages: list[str] = []
    capacity: int = Field(1, json_schema_extra={"minimum": CAPACITY[0], "maximum": CAPACITY[1]})
    availability: str = Field("", json_schema_extra={"maxLength": AVAILABILITY_MAX})
    answers: dict[str, str] = Field({}, description="Answers to the program's questions by key.")

    def to_answers(self) -> EnrollmentAnswers:
        """The profile alone (what PUT /api/enrollments/{id} changes)."""
        return EnrollmentAnswers(**self.model_dump(exclude={"role", "acknowledged"}))

    def to_input(self) -> EnrollmentNew:
        return EnrollmentNew(
            role=self.role, answers=self.to_answers(), acknowledged=self.acknowledged
        )


class WithdrawIn(Schema):
    reason: str = Field(
        "",
        description="Why (optional; kept in the audit log).",
        json_schema_extra={"maxLength": WITHDRAWAL_REASON_MAX},
    )

    def to_input(self) -> Withdrawal:
        return Withdrawal(reason=self.reason)
