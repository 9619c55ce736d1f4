"""A program's survey questions, and one person's answers to them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias, TypedDict

from django.utils.translation import gettext as _
from ninja import Field, Schema

from mentorwise.core.errors import FieldError, InvalidInput
from mentorwise.relationships.inputs.rules import LONG_TEXT_MAX, too_long

SCALE_BOUNDS = (0, 10)  # a scale question's lowest min and highest max


class ScaleQuestion(TypedDict):
    """A question answered with a whole number from `min` to `max` (0 <= min < max <= 10)."""

    key: str
    label: str
    type: Literal["scale"]
    min: int
    max: int


class TextQuestion(TypedDict):
    """A question answered in free text (at most 5000 characters)."""

    key: str
    label: str
    type: Literal["text"]


#: One question of a survey, as stored in `Survey.questions`.
SurveyQuestion: TypeAlias = ScaleQuestion | TextQuestion


# Input objects ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyQuestions:
    """A manager's questions for a program's survey, as written (checked on the way in)."""

    questions: Sequence[Mapping[str, object]]


@dataclass(frozen=True)
class SurveyAnswers:
    """One person's answers, by question key: a whole number for a scale, text otherwise.

    Values arrive as typed on a page (strings) or sent through the API (JSON values); the
    survey's questions decide what each must be (`survey_answers_validate`)."""

    answers: Mapping[str, object]


# Validation ------------------------------------------------------------------------------


def _question_clean(
    where: str, q: Mapping[str, object], keys: set[str]
) -> tuple[SurveyQuestion | None, list[FieldError]]:
    """The question as stored and its problems, the key's first (`keys`: those seen before)."""
    errors: list[FieldError] = []
    key, label, kind = str(q.get("key", "")), str(q.get("label", "")), q.get("type")
    if not key.isidentifier() or key in keys:
        errors.append(FieldError(f"{where}.key", _("must be a unique identifier"), value=key))
    if not label.strip():
        errors.append(FieldError(f"{where}.label", _("is required")))
    if kind == "scale":
        low, high = q.get("min"), q.get("max")
        lowest, highest = SCALE_BOUNDS
        if isinstance(low, int) and isinstance(high, int) and lowest <= low < high <= highest:
            question: SurveyQuestion = {
                "key": key,
                "label": label,
                "type": "scale",
                "min": low,
                "max": high,
            }
            return question, errors
        errors.append(FieldError(f"{where}.min", _("a scale needs whole 0 <= min < max <= 10")))
    elif kind == "text":
        return {"key": key, "label": label, "type": "text"}, errors
    else:
        errors.append(FieldError(f"{where}.type", _("must be scale or text"), value=str(kind)))
    return None, errors


def survey_questions_validate(data: SurveyQuestions) -> list[SurveyQuestion]:
    """The questions as stored, once every rule passed; InvalidInput names each problem by
    its position (`questions[2].key`) otherwise."""
    questions: object = data.questions
    if not isinstance(questions, Sequence) or isinstance(questions, str) or not questions:
        raise InvalidInput([FieldError("questions", _("must be a non-empty list"))])
    errors: list[FieldError] = []
    keys: set[str] = set()
    clean: list[SurveyQuestion] = []
    for i, q in enumerate(questions):
        where = f"questions[{i}]"
        if not isinstance(q, Mapping):
            errors.append(FieldError(where, _("must be an object")))
            continue
        question, problems = _question_clean(where, q, keys)
        keys.add(str(q.get("key", "")))
        errors += problems
        if question is not None:
            clean.append(question)
    if errors:
        raise InvalidInput(errors)
    return clean


def _scale_answer(q: ScaleQuestion, value: object) -> tuple[int | None, FieldError | None]:
    try:
        number = int(value)  # type: ignore[call-overload]  # None or junk: TypeError below
    except (TypeError, ValueError):
        return None, FieldError(q["key"], _("choose a value"), value=str(value or ""))
    if not q["min"] <= number <= q["max"]:
        problem = _("must be %(low)s to %(high)s") % {"low": q["min"], "high": q["max"]}
        return number, FieldError(q["key"], problem, value=str(number))
    return number, None


def survey_answers_validate(
    data: SurveyAnswers, *, questions: Sequence[SurveyQuestion]
) -> dict[str, int | str]:
    """The answers to store, keyed as the questions (a scale as a number, a text trimmed);
    InvalidInput names every question answered wrongly otherwise. Keys that are not
    questions are left out."""
    errors: list[FieldError] = []
    clean: dict[str, int | str] = {}
    for q in questions:
        value = data.answers.get(q["key"])
        if q["type"] == "scale":
            number, problem = _scale_answer(q, value)
            if problem is not None:
                errors.append(problem)
            if number is not None:
                clean[q["key"]] = number
        else:
            text = str(value or "").strip()
            if problem := too_long(q["key"], text, LONG_TEXT_MAX):
                errors.append(problem)
            clean[q["key"]] = text
    if errors:
        raise InvalidInput(errors)
    return clean


# Schemas: the API body to input objects, one to one ------------------------------------


class SurveyIn(Schema):
    answers: dict[str, Any] = Field(description="Answers by question key.")

    def to_input(self) -> SurveyAnswers:
        return SurveyAnswers(answers=self.answers)


class QuestionsIn(Schema):
    questions: list[dict[str, Any]]

    def to_input(self) -> SurveyQuestions:
        return SurveyQuestions(questions=self.questions)
