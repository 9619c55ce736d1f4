"""A program's own texts that may be written in several languages (core/content.py).

Paths: "name", "description", "objectives", "responsibilities.<role>",
"enrollment_questions.<key>.label", "enrollment_questions.<key>.choices.<n>". A choice's
translation is only its label: the answer stored is the default-language choice, so that
answers given in every language count together.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mentorwise.core.content import LocalizedText, TextUnit, shipped_translations_store
from mentorwise.core.languages import SHIPPED
from mentorwise.programs.models import Program, Role


def _role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else _("Program manager")


def program_units(program: Program) -> list[TextUnit]:
    """Every translatable text of `program`, in the order its pages show them."""
    units = [
        TextUnit("name", _("Name"), program.name),
        TextUnit("description", _("Description"), program.description, multiline=True),
        TextUnit("objectives", _("Objectives, one per line"), program.objectives, multiline=True),
    ]
    for role, text in program.responsibilities.items():
        units.append(
            TextUnit(
                f"responsibilities.{role}",
                _("%(role)s responsibilities") % {"role": _role_label(role)},
                str(text),
                multiline=True,
            )
        )
    for n, question in enumerate(program.enrollment_questions, start=1):
        key = question["key"]
        units.append(
            TextUnit(
                f"enrollment_questions.{key}.label",
                _("Enrollment question %(n)s") % {"n": n},
                question["label"],
            )
        )
        for i, choice in enumerate(question.get("choices") or []):
            units.append(
                TextUnit(
                    f"enrollment_questions.{key}.choices.{i}",
                    _("Enrollment question %(n)s, choice %(choice)s") % {"n": n, "choice": i + 1},
                    str(choice),
                )
            )
    return [u for u in units if u.source.strip()]


def question_label(program: Program, question: dict[str, Any]) -> LocalizedText:
    """An enrollment question as the reader gets it."""
    return program.text(f"enrollment_questions.{question['key']}.label", question["label"])


def question_choices(program: Program, question: dict[str, Any]) -> list[tuple[str, str]]:
    """An enrollment question's choices: (the stored default-language value, its label)."""
    key = question["key"]
    return [
        (str(choice), program.text(f"enrollment_questions.{key}.choices.{i}", str(choice)))
        for i, choice in enumerate(question.get("choices") or [])
    ]


def program_shipped_translations(program: Program) -> int:
    """Give `program` the catalogs' translations of the texts it took from its template."""
    return shipped_translations_store(
        program, program_units(program), program.language, [x.code for x in SHIPPED]
    )
