"""Knowledge checks, authoring and program requirements: outcomes and denied paths."""

from __future__ import annotations

import pytest

from mentorwise.core.errors import Forbidden, InvalidInput, NotFound
from mentorwise.core.models import AuditEntry
from mentorwise.learning.models import ModuleCompletion, ProgramTrainingRequirement, TrainingModule
from mentorwise.learning.services import (
    ModuleContent,
    module_attempt,
    module_create,
    module_update,
    program_requirements_set,
)
from mentorwise.learning.tests.factories import ALL_RIGHT, make_module

pytestmark = pytest.mark.django_db


def _content(**changes) -> ModuleContent:
    values = {
        "title": "Giving feedback in our company",
        "summary": "How we give feedback.",
        "body_markdown": "# Feedback\n\nBe specific.",
        "audience": ["mentor", "sponsor"],
        "minutes": 10,
        "questions": [
            {
                "text": "What makes feedback useful?",
                "choices": ["Being specific", "Being vague"],
                "answer": "a",
                "explanation": "Specific feedback can be acted on.",
            }
        ],
    }
    values.update(changes)
    return ModuleContent(**values)


# Knowledge check ---------------------------------------------------------------------------


def test_all_correct_passes_and_records_a_completion(mentor) -> None:
    module = make_module()
    result = module_attempt(actor=mentor, module=module, answers=ALL_RIGHT)
    assert result.passed and result.score == 100 and result.wrong == []
    completion = ModuleCompletion.objects.get(person=mentor.person, module=module)
    assert completion.score == 100 and completion.answers == ALL_RIGHT
    assert AuditEntry.objects.filter(action="training_module.passed").count() == 1


def test_one_mistake_in_five_still_passes_at_80_percent(mentor) -> None:
    result = module_attempt(actor=mentor, module=make_module(), answers={**ALL_RIGHT, "q5": "b"})
    assert result.passed and result.score == 80
    assert [w.id for w in result.wrong] == ["q5"]


def test_two_mistakes_fail_with_explanations_and_record_nothing(mentor) -> None:
    module = make_module()
    result = module_attempt(
        actor=mentor, module=module, answers={**ALL_RIGHT, "q2": "b", "q4": "b"}
    )
    assert not result.passed and result.score == 60 and result.completion is None
    assert [(w.id, w.given_text, w.explanation) for w in result.wrong] == [
        ("q2", "Wrong", "Explanation 2."),
        ("q4", "Wrong", "Explanation 4."),
    ]
    assert not ModuleCompletion.objects.exists()
    assert AuditEntry.objects.filter(action="training_module.failed").count() == 1


def test_unanswered_questions_count_as_wrong(mentor) -> None:
    result = module_attempt(actor=mentor, module=make_module(), answers={"q1": "a"})
    assert not result.passed and result.score == 20
    assert result.wrong[0].given is None


def test_a_builtin_with_three_questions_needs_all_correct(mentor) -> None:
    module = TrainingModule.objects.get(slug="active-listening")
    right = {q["id"]: q["answer"] for q in module.questions}
    first = module.questions[0]
    wrong_key = next(c["key"] for c in first["choices"] if c["key"] != first["answer"])
    result = module_attempt(actor=mentor, module=module, answers={**right, first["id"]: wrong_key})
    assert not result.passed and result.wrong[0].explanation == first["explanation"]
    assert module_attempt(actor=mentor, module=module, answers=right).passed


def test_retry_after_failing_then_passing_keeps_one_completion(mentor) -> None:
    module = make_module()
    module_attempt(actor=mentor, module=module, answers={})
    module_attempt(actor=mentor, module=module, answers=ALL_RIGHT)
    module_attempt(actor=mentor, module=module, answers={**ALL_RIGHT, "q1": "b"})
    assert ModuleCompletion.objects.filter(person=mentor.person, module=module).count() == 1


def test_failing_after_passing_keeps_the_completion(mentor) -> None:
    module = make_module()
    module_attempt(actor=mentor, module=module, answers=ALL_RIGHT)
    module_attempt(actor=mentor, module=module, answers={})
    assert ModuleCompletion.objects.filter(person=mentor.person, module=module).exists()


def test_login_without_person_cannot_record_training(db) -> None:
    from conftest import make_user

    with pytest.raises(Forbidden):
        module_attempt(actor=make_user(None), module=make_module(), answers=ALL_RIGHT)


def test_inactive_module_cannot_be_taken(mentor) -> None:
    with pytest.raises(NotFound):
        module_attempt(actor=mentor, module=make_module(is_active=False), answers=ALL_RIGHT)


# Authoring -----------------------------------------------------------------------------------


def test_hr_admin_adds_a_module(hr_admin) -> None:
    module = module_create(actor=hr_admin, content=_content())
    assert module.slug == "giving-feedback-in-our-company" and not module.is_builtin
    assert module.created_by == hr_admin
    assert module.questions[0]["choices"][0] == {"key": "a", "text": "Being specific"}
    assert AuditEntry.objects.filter(action="training_module.created").count() == 1


@pytest.mark.parametrize("role", ["mentor", "mentee", "program_manager", "outsider"])
def test_only_hr_admins_add_modules(role, request) -> None:
    actor = request.getfixturevalue(role)
    count = TrainingModule.objects.count()
    with pytest.raises(Forbidden):
        module_create(actor=actor, content=_content())
    assert TrainingModule.objects.count() == count


def test_invalid_module_reports_every_problem_and_writes_nothing(hr_admin) -> None:
    count = TrainingModule.objects.count()
    bad = _content(
        title="",
        audience=["janitor"],
        minutes=0,
        questions=[{"text": "?", "choices": ["only one"], "answer": "b", "explanation": ""}],
    )
    with pytest.raises(InvalidInput) as caught:
        module_create(actor=hr_admin, content=bad)
    fields = {e.field for e in caught.value.errors}
    assert {"title", "audience", "minutes", "questions[1].choices"} <= fields
    assert {"questions[1].answer", "questions[1].explanation"} <= fields
    assert TrainingModule.objects.count() == count


def test_update_raises_version_and_builtins_are_read_only(hr_admin) -> None:
    module = module_create(actor=hr_admin, content=_content())
    module_update(actor=hr_admin, module=module, content=_content(body_markdown="New text."))
    assert module.version == 2
    builtin = TrainingModule.objects.get(slug="active-listening")
    with pytest.raises(Forbidden):
        module_update(actor=hr_admin, module=builtin, content=_content())


def test_slug_never_takes_a_page_name(hr_admin) -> None:
    assert module_create(actor=hr_admin, content=_content(title="New")).slug == "new-2"


# Program requirements ------------------------------------------------------------------------


def test_program_manager_sets_requirements(program, program_manager) -> None:
    a, b = make_module("a-module"), make_module("b-module")
    program_requirements_set(actor=program_manager, program=program, module_ids=[a.pk, b.pk])
    program_requirements_set(actor=program_manager, program=program, module_ids=[b.pk])
    assert list(program.training_requirements.values_list("module__slug", flat=True)) == [
        "b-module"
    ]
    entry = AuditEntry.objects.filter(action="program.training_requirements_set").latest("pk")
    assert entry.data == {"added": [], "removed": [a.pk]}


@pytest.mark.parametrize("role", ["mentee", "mentor", "other_manager", "outsider"])
def test_others_cannot_set_requirements(program, role, request) -> None:
    actor = request.getfixturevalue(role)
    module = make_module()
    with pytest.raises(Forbidden):
        program_requirements_set(actor=actor, program=program, module_ids=[module.pk])
    assert not ProgramTrainingRequirement.objects.exists()


def test_unknown_or_inactive_modules_are_refused_and_nothing_changes(program, hr_admin) -> None:
    keep = make_module("keep")
    program_requirements_set(actor=hr_admin, program=program, module_ids=[keep.pk])
    inactive = make_module("old", is_active=False)
    with pytest.raises(InvalidInput) as caught:
        program_requirements_set(actor=hr_admin, program=program, module_ids=[inactive.pk, 99999])
    assert {e.value for e in caught.value.errors} == {str(inactive.pk), "99999"}
    assert list(program.training_requirements.values_list("module_id", flat=True)) == [keep.pk]
