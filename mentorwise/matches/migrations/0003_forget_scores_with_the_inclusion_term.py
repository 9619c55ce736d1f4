"""Forget stored pair scores and run totals of programs that use the inclusion option.

Scores stored before the fit was separated from the solver's objective included the
inclusion term, so a program manager comparing them could infer a mentee's self-identified
group. Those numbers cannot be recomputed here (the matching engine is not available to a
migration), so they are cleared; pages show no fit for such pairs, and the next run stores
fits without the term.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def _inclusion_program_ids(program_model: Any) -> list[int]:
    ids = []
    for pk, matching in program_model.objects.values_list("pk", "matching"):
        matching = matching if isinstance(matching, dict) else {}
        options = matching.get("options") if isinstance(matching.get("options"), dict) else {}
        option = options.get("inclusion")
        if isinstance(option, dict) and option.get("enabled"):
            ids.append(pk)
    return ids


def forget(apps: Any, schema_editor: Any) -> None:
    program_ids = _inclusion_program_ids(apps.get_model("programs", "Program"))
    if not program_ids:
        return
    apps.get_model("matches", "Match").objects.filter(program_id__in=program_ids).update(score=None)
    apps.get_model("matches", "MatchingRun").objects.filter(program_id__in=program_ids).update(
        total_score=None, upper_bound=None
    )


class Migration(migrations.Migration):
    dependencies = [
        ("matches", "0002_match_texts_without_marks"),
        ("programs", "0002_program_lifecycle_settings"),
    ]

    operations = [migrations.RunPython(forget, migrations.RunPython.noop)]
