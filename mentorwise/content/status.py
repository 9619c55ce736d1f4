"""Which texts are missing a translation or out of date, per program or module and language."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from mentorwise.accounts.actors import Actor
from mentorwise.content.access import translatable_modules, translatable_programs
from mentorwise.content.targets import Section, Target, module_target, program_target
from mentorwise.core.content import (
    Counts,
    UnitStatus,
    count,
    coverage,
    owner_key,
    state_of,
    unsaved_status,
)
from mentorwise.core.languages import SHIPPED
from mentorwise.core.models import ContentTranslation
from mentorwise.relationships.models import Survey


def other_languages(target: Target) -> list[str]:
    """The shipped languages a target can be translated into (all but its own)."""
    return [language.code for language in SHIPPED if language.code != target.language]


def target_status(target: Target, language: str) -> list[tuple[Section, list[UnitStatus]]]:
    return [(s, coverage(s.owner, s.units, language)) for s in target.sections]


@dataclass(frozen=True)
class StatusRow:
    target: Target
    counts: dict[str, Counts]  # language → counts; the target's own language left out


def status_overview(actor: Actor) -> list[StatusRow]:
    """Every program and module the actor may translate, with its counts per language
    (one query for all stored translations)."""
    programs = list(translatable_programs(actor).order_by("name"))
    surveys: dict[int, list[Survey]] = defaultdict(list)
    for survey in Survey.objects.filter(program__in=programs):
        surveys[survey.program_id].append(survey)
    targets = [program_target(p, surveys[p.pk]) for p in programs]
    targets += [module_target(m) for m in translatable_modules(actor).order_by("position")]
    stored: dict[tuple[str, int, str, str], str] = {}
    for label, pk, path, language, d in ContentTranslation.objects.values_list(
        "owner", "owner_id", "path", "language", "source_digest"
    ):
        stored[(label, pk, path, language)] = d
    rows = []
    for target in targets:
        states: dict[str, list[str]] = defaultdict(list)
        for section in target.sections:
            if section.owner.pk is None:  # a survey on its default questions
                for unit in section.units:
                    for language in other_languages(target):
                        states[language].append(unsaved_status(unit, language).state)
                continue
            label, pk = owner_key(section.owner)
            for unit in section.units:
                for language in other_languages(target):
                    found = stored.get((label, pk, unit.path, language))
                    states[language].append(state_of(found, unit.source))
        rows.append(StatusRow(target, {language: count(s) for language, s in states.items()}))
    return rows
