"""What can be translated, grouped as people translate it: a program (with its surveys) or
a training module. Each text has an id "<section>/<path>", e.g. "program/name",
"survey-midpoint/questions.satisfaction.label", "module/body"."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from mentorwise.core.content import LocalizedText, Owner, TextUnit
from mentorwise.learning.content import module_units
from mentorwise.learning.models import TrainingModule
from mentorwise.programs.content import program_units
from mentorwise.programs.models import Program
from mentorwise.relationships.content import survey_units
from mentorwise.relationships.models import Survey, SurveyKind
from mentorwise.relationships.services import default_questions

PROGRAM = "program"
MODULE = "module"
KINDS = (PROGRAM, MODULE)


@dataclass(frozen=True)
class Section:
    key: str  # "program", "survey-midpoint", "module"
    title: str
    owner: Owner  # an unsaved Survey stands for a program's default questions
    units: tuple[TextUnit, ...]

    def unit_id(self, unit: TextUnit) -> str:
        return f"{self.key}/{unit.path}"


@dataclass(frozen=True)
class Target:
    kind: str  # PROGRAM or MODULE
    slug: str
    obj: Program | TrainingModule
    title: LocalizedText
    language: str  # the language its texts are written in
    sections: tuple[Section, ...]

    def units(self) -> dict[str, tuple[Section, TextUnit]]:
        """Every text by its id."""
        return {s.unit_id(u): (s, u) for s in self.sections for u in s.units}


def not_a_text(kind: str) -> str:
    """The error for a text id the program or module does not have."""
    return (
        _("is not a text of this program") if kind == PROGRAM else _("is not a text of this module")
    )


def program_target(program: Program, surveys: list[Survey] | None = None) -> Target:
    """`program` with its surveys (`surveys`: its saved ones, when the caller read them)."""
    found = Survey.objects.filter(program=program) if surveys is None else surveys
    saved = {s.kind: s for s in found}
    sections = [Section(PROGRAM, _("Program"), program, tuple(program_units(program)))]
    for kind, label in SurveyKind.choices:
        survey = saved.get(kind) or Survey(
            program=program, kind=kind, questions=default_questions(program)
        )
        sections.append(Section(f"survey-{kind}", str(label), survey, tuple(survey_units(survey))))
    return Target(PROGRAM, program.slug, program, program.title, program.language, tuple(sections))


def module_target(module: TrainingModule) -> Target:
    section = Section(MODULE, _("Training module"), module, tuple(module_units(module)))
    return Target(MODULE, module.slug, module, module.display_title, module.language, (section,))
