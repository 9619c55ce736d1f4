"""Every program template ships a journey that passes the editor's own validation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import Resolver404, resolve

from mentorwise.journeys.catalog import JOURNEYS, journey_template
from mentorwise.journeys.inputs import StepInput, step_validate
from mentorwise.journeys.models import GuideType, StepKind
from mentorwise.journeys.progress import add_offset
from mentorwise.programs.catalog import TEMPLATES

START = dt.date(2027, 1, 15)


def test_every_template_has_a_journey_and_no_journey_lacks_a_template() -> None:
    assert set(JOURNEYS) == set(TEMPLATES)


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_a_template_journey_covers_the_program(key: str) -> None:
    template, steps = TEMPLATES[key], journey_template(key)
    assert len(steps) >= 3
    end = add_offset(START, template.duration_months, "months")
    dues = [add_offset(START, *s.offset) for s in steps]
    assert max(dues) <= end
    # Steps through the program's span, not all bunched at the start.
    assert max(dues) >= add_offset(START, template.duration_months, "months") - dt.timedelta(
        days=21
    )
    assert steps[0].offset[0] == 0 or min(dues) <= START + dt.timedelta(days=7)
    assert any(s.kind == StepKind.GUIDE for s in steps)
    for spec in steps:
        clean = step_validate(
            StepInput(
                kind=spec.kind,
                offset_value=spec.offset[0],
                offset_unit=spec.offset[1],
                title=spec.title,
                body=spec.body,
                guide_type=spec.guide_type,
                questions=spec.questions,
                url=spec.url,
            )
        )
        assert clean.title == spec.title and clean.questions == spec.questions


@pytest.mark.parametrize("key", sorted(k for k, t in TEMPLATES.items() if t.duration_months >= 6))
def test_longer_programs_hold_a_coaching_and_a_career_conversation(key: str) -> None:
    kinds = {s.guide_type for s in journey_template(key)}
    assert {GuideType.COACHING, GuideType.MENTORING} <= kinds


def test_sponsorship_programs_hold_a_sponsoring_conversation() -> None:
    sponsorship = [k for k, t in TEMPLATES.items() if t.kind == "sponsorship"]
    assert sponsorship
    for key in sponsorship:
        assert any(s.guide_type == GuideType.SPONSORING for s in journey_template(key))


def test_resources_point_at_pages_that_exist() -> None:
    from mentorwise.learning.builtin import builtin_modules_read

    slugs = {m.slug for m in builtin_modules_read()}
    for steps in JOURNEYS.values():
        for spec in steps:
            if spec.url.startswith("/"):
                try:
                    match = resolve(spec.url)
                except Resolver404:  # pragma: no cover - the assertion below says which
                    pytest.fail(f"{spec.title}: {spec.url} is no page")
                if match.url_name == "module":
                    assert match.kwargs["slug"] in slugs, spec.url
