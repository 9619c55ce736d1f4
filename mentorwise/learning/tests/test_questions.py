"""The knowledge-check text format used on the edit page, and question validation."""

from __future__ import annotations

import pytest

from mentorwise.core.errors import InvalidInput
from mentorwise.learning.questions import (
    questions_parse_text,
    questions_public,
    questions_to_text,
    questions_validate,
)

TEXT = """Q: First?
- No
* Yes
> Because yes.

Q: Second?
* A
- B
- C
> Because A.
"""


def test_text_round_trip() -> None:
    questions = questions_validate(questions_parse_text(TEXT))
    assert [q["answer"] for q in questions] == ["b", "a"]
    assert questions_to_text(questions) == TEXT.strip()


def test_unknown_line_and_two_correct_choices_are_reported_with_line_numbers() -> None:
    with pytest.raises(InvalidInput) as caught:
        questions_parse_text("Q: One?\n* A\n* B\n> x\nstray line")
    assert [(e.row, e.message) for e in caught.value.errors] == [
        (3, "mark only one correct choice"),
        (5, "start the line with Q:, -, * or >"),
    ]


def test_text_before_the_first_question_is_an_error() -> None:
    with pytest.raises(InvalidInput):
        questions_parse_text("- A\nQ: One?")


def test_public_questions_carry_no_answers() -> None:
    public = questions_public(questions_validate(questions_parse_text(TEXT)))
    assert all(set(q) == {"id", "text", "choices"} for q in public)


def test_empty_and_duplicate_ids_are_refused() -> None:
    with pytest.raises(InvalidInput):
        questions_validate([])
    q = {"id": "x", "text": "T", "choices": ["a", "b"], "answer": "a", "explanation": "E"}
    with pytest.raises(InvalidInput) as caught:
        questions_validate([q, q])
    assert caught.value.errors[0].field == "questions[2].id"
