"""Journey services: the copy, editing with validation that names fields, marking done."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from mentorwise.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from mentorwise.core.models import AuditEntry
from mentorwise.journeys import services
from mentorwise.journeys.catalog import journey_template
from mentorwise.journeys.models import Journey, JourneyStep, StepCompletion
from mentorwise.journeys.selectors import journey_steps, relationship_journey
from mentorwise.journeys.tests.factories import guide_input, step_input
from mentorwise.programs.models import Program
from mentorwise.relationships.models import Relationship


def _steps(program: Program) -> list[JourneyStep]:
    services.program_journey(program)
    return journey_steps(program)


def test_the_template_journey_is_copied_once(program: Program) -> None:
    first = services.program_journey(program)
    assert services.program_journey(program) == first
    assert Journey.objects.filter(program=program).count() == 1
    titles = [s.title for s in journey_steps(program)]
    assert titles[0] == "Hold your first meeting and write your agreement"
    assert "Talk about your career path" in titles


def test_an_emptied_journey_stays_empty(program: Program, program_manager: Any) -> None:
    for step in _steps(program):
        services.journey_step_remove(actor=program_manager, step=step)
    assert services.program_journey(program).steps.filter(removed_at__isnull=True).count() == 0


def test_a_program_without_a_template_starts_with_an_empty_journey(db: None) -> None:
    program = Program.objects.create(slug="own", name="Our own", kind="mentoring", objectives="x")
    assert list(services.program_journey(program).steps.all()) == []


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "quiz"}, "kind", "must be task, tip, resource or guide"),
        ({"offset_unit": "years"}, "offset_unit", "must be days, weeks or months"),
        ({"offset_value": 37, "offset_unit": "months"}, "offset_value", "between 0 and 36"),
        ({"offset_value": -1}, "offset_value", "between 0 and 156"),
        ({"title": "   "}, "title", "is required"),
        ({"title": "x" * 201}, "title", "at most 200"),
        ({"body": "x" * 4001}, "body", "at most 4000"),
        ({"kind": "resource"}, "url", "a resource needs a link"),
        ({"url": "javascript:alert(1)"}, "url", "must start with"),
        ({"url": "//evil.example/x"}, "url", "must start with"),
        ({"url": "https://example.com/a b"}, "url", "must start with"),
        ({"kind": "guide", "questions": ("Why?",)}, "guide_type", "coaching, mentoring"),
        ({"kind": "guide", "guide_type": "coaching"}, "questions", "at least one question"),
        (
            {"kind": "guide", "guide_type": "coaching", "questions": ("?",) * 13},
            "questions",
            "at most 12",
        ),
    ],
)
def test_a_refused_step_names_its_field_and_writes_nothing(
    program: Program, program_manager: Any, fields: dict[str, Any], field: str, message: str
) -> None:
    services.program_journey(program)
    before = JourneyStep.objects.count()
    with pytest.raises(InvalidInput) as error:
        services.journey_step_add(actor=program_manager, program=program, data=step_input(**fields))
    assert [(e.field, message in e.message) for e in error.value.errors] == [(field, True)]
    assert JourneyStep.objects.count() == before
    assert not AuditEntry.objects.filter(action__startswith="journey.").exists()


def test_non_guides_drop_guide_fields(program: Program, program_manager: Any) -> None:
    step = services.journey_step_add(
        actor=program_manager,
        program=program,
        data=step_input(guide_type="coaching", questions=("Left over?",)),
    )
    assert (step.guide_type, step.questions) == ("", [])


def test_steps_are_added_at_a_place_and_moved(program: Program, program_manager: Any) -> None:
    services.program_journey(program)
    count = len(journey_steps(program))
    step = services.journey_step_add(
        actor=program_manager, program=program, data=guide_input(), position=2
    )
    order = [s.pk for s in journey_steps(program)]
    assert order[1] == step.pk and len(order) == count + 1
    services.journey_step_move(actor=program_manager, step=step, position=count + 1)
    assert [s.pk for s in journey_steps(program)][-1] == step.pk
    assert [s.position for s in journey_steps(program)] == list(range(1, count + 2))
    with pytest.raises(InvalidInput) as error:
        services.journey_step_move(actor=program_manager, step=step, position=0)
    assert error.value.errors[0].field == "position"


@pytest.mark.parametrize("who", ["other_manager", "mentee", "mentor", "outsider", "executive"])
def test_only_the_programs_managers_and_hr_admins_edit(
    program: Program, who: str, request: Any, hr_admin: Any
) -> None:
    actor = request.getfixturevalue(who)
    step = _steps(program)[0]
    calls = [
        lambda: services.journey_step_add(actor=actor, program=program, data=step_input()),
        lambda: services.journey_step_update(actor=actor, step=step, data=step_input()),
        lambda: services.journey_step_move(actor=actor, step=step, position=2),
        lambda: services.journey_step_remove(actor=actor, step=step),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()
    step.refresh_from_db()
    assert step.removed_at is None and step.position == 1
    # HR admins edit every program's journey.
    services.journey_step_add(actor=hr_admin, program=program, data=step_input())


def test_either_person_marks_done_and_who_is_recorded(
    relationship: Relationship, mentee: Any, mentor: Any
) -> None:
    first, second = _steps(relationship.program)[:2]
    services.journey_step_mark(actor=mentee, relationship=relationship, step=first, done=True)
    again = services.journey_step_mark(
        actor=mentor, relationship=relationship, step=first, done=True
    )
    assert again is not None and again.done_by == mentee  # marking twice changes nothing
    services.journey_step_mark(actor=mentor, relationship=relationship, step=second, done=True)
    assert dict(StepCompletion.objects.values_list("step_id", "done_by_id")) == {
        first.pk: mentee.pk,
        second.pk: mentor.pk,
    }
    assert AuditEntry.objects.filter(action="journey.step_done").count() == 2


def test_overseers_and_others_do_not_mark(
    relationship: Relationship, program_manager: Any, other_mentee: Any
) -> None:
    step = _steps(relationship.program)[0]
    with pytest.raises(Forbidden):
        services.journey_step_mark(
            actor=program_manager, relationship=relationship, step=step, done=True
        )
    with pytest.raises(Forbidden):
        services.journey_step_mark(
            actor=other_mentee, relationship=relationship, step=step, done=True
        )
    Relationship.objects.filter(pk=relationship.pk).update(status="closed")
    relationship.refresh_from_db()
    with pytest.raises(Conflict):
        services.journey_step_mark(
            actor=relationship.mentee.person.user, relationship=relationship, step=step, done=True
        )
    assert not StepCompletion.objects.exists()


def test_a_step_of_another_program_or_past_its_date_is_not_the_pairs(
    relationship: Relationship, program_manager: Any, other_program: Program
) -> None:
    foreign = _steps(other_program)[0]
    with pytest.raises(NotFound):
        services.relationship_step(relationship=relationship, step_id=foreign.pk)
    # 45 days in: a step added today with a two-week offset has passed for this pair.
    passed = services.journey_step_add(
        actor=program_manager, program=relationship.program, data=step_input(offset_value=2)
    )
    ahead = services.journey_step_add(
        actor=program_manager,
        program=relationship.program,
        data=step_input(offset_value=3, offset_unit="months"),
    )
    with pytest.raises(NotFound):
        services.relationship_step(relationship=relationship, step_id=passed.pk)
    assert services.relationship_step(relationship=relationship, step_id=ahead.pk) == ahead
    shown = {i.step.pk for i in relationship_journey(relationship=relationship).items}
    assert ahead.pk in shown and passed.pk not in shown


def test_a_removed_step_leaves_every_journey_but_keeps_its_record(
    relationship: Relationship, mentee: Any, program_manager: Any
) -> None:
    step = _steps(relationship.program)[0]
    services.journey_step_mark(actor=mentee, relationship=relationship, step=step, done=True)
    services.journey_step_remove(actor=program_manager, step=step)
    journey = relationship_journey(relationship=relationship)
    assert step.pk not in {i.step.pk for i in journey.items}
    assert StepCompletion.objects.filter(step=step).exists()
    with pytest.raises(NotFound):
        services.relationship_step(relationship=relationship, step_id=step.pk)


def test_a_closed_relationship_is_read_as_on_the_day_it_closed(
    relationship: Relationship,
) -> None:
    services.program_journey(relationship.program)
    closed_at = relationship.started_at + timezone.timedelta(days=10)
    Relationship.objects.filter(pk=relationship.pk).update(status="closed", closed_at=closed_at)
    relationship.refresh_from_db()
    journey = relationship_journey(relationship=relationship)
    assert journey.today == closed_at.date()
    assert all(i.due > journey.today for i in journey.next)


def test_the_data_migration_copies_the_journeys_of_existing_programs(
    program: Program, other_program: Program
) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "mentorwise.journeys.migrations.0002_copy_template_journeys"
    )
    services.program_journey(other_program)  # already has one: left alone
    kept = list(JourneyStep.objects.filter(journey__program=other_program).values_list("pk"))
    migration.copy_journeys(apps, None)
    template = journey_template(program.template_key)
    assert [s.title for s in journey_steps(program)] == [
        t.title for t in sorted(template, key=lambda t: t.approx_days)
    ]
    assert len(template) == 12
    assert all(s.added_at is None for s in journey_steps(program))
    assert (
        list(JourneyStep.objects.filter(journey__program=other_program).values_list("pk")) == kept
    )
    migration.copy_journeys(apps, None)  # twice: nothing more
    assert Journey.objects.filter(program=program).count() == 1
