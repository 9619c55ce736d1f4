"""Knowledge-check questions: validation, and a plain-text format for the edit page.

A question is {"id", "text", "choices": [{"key", "text"}], "answer", "explanation"}.
The text format, one block per question separated by a blank line:

    Q: What does a sponsor do that a mentor need not?
    - Gives advice on career choices
    * Advocates for the protégé where decisions are made
    - Teaches a technical skill
    > Sponsorship is advocacy: the sponsor spends their own influence.

`*` marks the correct choice, `-` the others, `>` the one-line explanation.
"""

from __future__ import annotations

import string
from typing import TypedDict

from django.utils.translation import gettext as _

from mentorwise.core.errors import FieldError, InvalidInput

MAX_QUESTIONS = 10
MAX_CHOICES = 6
KEYS = string.ascii_lowercase


class Choice(TypedDict):
    key: str
    text: str


class PublicQuestion(TypedDict):
    """What a learner sees before answering."""

    id: str
    text: str
    choices: list[Choice]


class Question(PublicQuestion):
    """A question as stored on the module (`TrainingModule.questions`)."""

    answer: str
    explanation: str


def questions_validate(raw: object) -> list[Question]:
    """Return the questions in canonical form, or raise InvalidInput naming every problem."""
    errors: list[FieldError] = []
    if not isinstance(raw, list) or not raw:
        raise InvalidInput([FieldError("questions", _("add at least one question"))])
    if len(raw) > MAX_QUESTIONS:
        errors.append(FieldError("questions", _("at most %(n)s questions") % {"n": MAX_QUESTIONS}))
    clean: list[Question] = []
    seen_ids: set[str] = set()
    for n, question in enumerate(raw, start=1):
        where = f"questions[{n}]"
        if not isinstance(question, dict):
            errors.append(FieldError(where, "must be an object"))
            continue
        qid = str(question.get("id") or f"q{n}").strip()
        if qid in seen_ids:
            errors.append(FieldError(f"{where}.id", _("is used twice"), value=qid))
        seen_ids.add(qid)
        text = str(question.get("text") or "").strip()
        if not text:
            errors.append(FieldError(f"{where}.text", _("is required")))
        choices = _choices(question.get("choices"))
        if len(choices) < 2:
            errors.append(FieldError(f"{where}.choices", _("give at least two choices")))
        elif len(choices) > MAX_CHOICES:
            errors.append(
                FieldError(f"{where}.choices", _("at most %(n)s choices") % {"n": MAX_CHOICES})
            )
        if any(not c["text"] for c in choices):
            errors.append(FieldError(f"{where}.choices", _("a choice is empty")))
        answer = str(question.get("answer") or "").strip()
        if answer not in {c["key"] for c in choices}:
            errors.append(
                FieldError(
                    f"{where}.answer", _("must be the key of one of the choices"), value=answer
                )
            )
        explanation = str(question.get("explanation") or "").strip()
        if not explanation:
            errors.append(FieldError(f"{where}.explanation", _("is required")))
        clean.append(
            {
                "id": qid,
                "text": text,
                "choices": choices,
                "answer": answer,
                "explanation": explanation,
            }
        )
    if errors:
        raise InvalidInput(errors)
    return clean


def _choices(raw: object) -> list[Choice]:
    """Accept ["text", ...] (keys a, b, c...) or [{"key", "text"}, ...]."""
    if not isinstance(raw, list):
        return []
    choices: list[Choice] = []
    for i, choice in enumerate(raw[: len(KEYS)]):
        if isinstance(choice, dict):
            key = str(choice.get("key") or KEYS[i]).strip()
            text = str(choice.get("text") or "").strip()
        else:
            key, text = KEYS[i], str(choice).strip()
        choices.append({"key": key, "text": text})
    return choices


def questions_parse_text(text: str) -> list[Question]:
    """Parse the plain-text format into questions (validate them with questions_validate)."""
    questions: list[Question] = []
    errors: list[FieldError] = []
    current: Question | None = None
    for line_no, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        marker, rest = line[:1], line[1:].strip()
        if line[:2].upper() == "Q:":
            current = {
                "id": f"q{len(questions) + 1}",
                "text": line[2:].strip(),
                "choices": [],
                "answer": "",
                "explanation": "",
            }
            questions.append(current)
        elif current is None:
            errors.append(FieldError("questions", _("start each question with 'Q:'"), row=line_no))
        elif marker in "-*":
            key = KEYS[len(current["choices"]) % len(KEYS)]
            current["choices"].append({"key": key, "text": rest})
            if marker == "*":
                if current["answer"]:
                    errors.append(
                        FieldError("questions", _("mark only one correct choice"), row=line_no)
                    )
                current["answer"] = key
        elif marker == ">":
            current["explanation"] = f"{current['explanation']} {rest}".strip()
        else:
            errors.append(
                FieldError(
                    "questions",
                    _("start the line with Q:, -, * or >"),
                    row=line_no,
                    value=line[:40],
                )
            )
    if errors:
        raise InvalidInput(errors)
    return questions


def questions_to_text(questions: list[Question]) -> str:
    """The plain-text form of `questions`, for editing."""
    blocks = []
    for q in questions:
        lines = [f"Q: {q['text']}"]
        lines += [f"{'*' if c['key'] == q['answer'] else '-'} {c['text']}" for c in q["choices"]]
        lines.append(f"> {q['explanation']}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def questions_public(questions: list[Question]) -> list[PublicQuestion]:
    """The questions without their answers and explanations (what a learner sees first)."""
    return [{"id": q["id"], "text": q["text"], "choices": q["choices"]} for q in questions]
