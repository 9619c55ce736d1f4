"""`mentorwise journey`: the API's validation and the services, at the terminal."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mentorwise.core.models import AuditEntry
from mentorwise.journeys.models import JourneyStep
from mentorwise.journeys.selectors import journey_steps
from mentorwise.programs.models import Program


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("journey", *args, stdout=out)
    return out.getvalue()


def test_show_add_move_and_remove(program: Program) -> None:
    shown = run("show", program.slug)
    first = "  1. Hold your first meeting and write your agreement (Task, in the first week)"
    assert first in shown
    step = '{"kind": "tip", "offset_value": 3, "offset_unit": "days", "title": "Say thanks"}'
    assert "Added “Say thanks”." in run("add", program.slug, step)
    count = len(journey_steps(program))
    assert journey_steps(program)[-1].title == "Say thanks"
    run("move", program.slug, str(count), "1")
    assert journey_steps(program)[0].title == "Say thanks"
    run("remove", program.slug, "1")
    assert "Say thanks" not in [s.title for s in journey_steps(program)]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"journey.step_added", "journey.step_moved", "journey.step_removed"} <= actions


def test_a_refused_step_names_its_fields_and_writes_nothing(program: Program) -> None:
    run("show", program.slug)
    before = JourneyStep.objects.count()
    with pytest.raises(CommandError) as error:
        run("add", program.slug, '{"kind": "guide", "offset_value": 1, "title": "Ask"}')
    assert "guide_type" in str(error.value) and "questions" in str(error.value)
    with pytest.raises(CommandError, match="There is no step 99"):
        run("remove", program.slug, "99")
    with pytest.raises(CommandError, match="No program"):
        run("show", "nope")
    assert JourneyStep.objects.count() == before
