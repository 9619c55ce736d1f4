"""Training modules and completions for tests."""

from __future__ import annotations

from typing import Any

from mentorwise.learning.models import ModuleCompletion, TrainingModule
from mentorwise.people.models import Person

QUESTIONS = [
    {
        "id": f"q{n}",
        "text": f"Question {n}?",
        "choices": [{"key": "a", "text": "Right"}, {"key": "b", "text": "Wrong"}],
        "answer": "a",
        "explanation": f"Explanation {n}.",
    }
    for n in range(1, 6)
]
ALL_RIGHT = {q["id"]: "a" for q in QUESTIONS}


def make_module(slug: str = "org-module", **fields: Any) -> TrainingModule:
    """An organization module with five two-choice questions; the answer is always "a"."""
    defaults: dict[str, Any] = {
        "title": slug.replace("-", " ").capitalize(),
        "summary": "A module for tests.",
        "body_markdown": "# Text\n\nSome text.\n",
        "audience": ["mentor"],
        "minutes": 5,
        "questions": QUESTIONS,
    }
    defaults.update(fields)
    return TrainingModule.objects.create(slug=slug, **defaults)


def make_completion(person: Person, module: TrainingModule) -> ModuleCompletion:
    return ModuleCompletion.objects.create(person=person, module=module, score=100)
