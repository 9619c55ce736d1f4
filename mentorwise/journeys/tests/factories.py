"""Builders for journey tests."""

from __future__ import annotations

from typing import Any

from mentorwise.journeys.inputs import StepInput


def step_input(**fields: Any) -> StepInput:
    values: dict[str, Any] = {
        "kind": "task",
        "offset_value": 2,
        "offset_unit": "weeks",
        "title": "Swap one article each",
        "body": "Each of you brings one article that changed how you work.",
    }
    values.update(fields)
    return StepInput(**values)


def guide_input(**fields: Any) -> StepInput:
    return step_input(
        kind="guide",
        guide_type="coaching",
        title="A feedback conversation",
        questions=("What happened?", "What will you try next?"),
        **fields,
    )
