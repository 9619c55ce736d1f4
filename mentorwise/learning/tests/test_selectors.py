"""The selectors matching relies on: required modules, who is trained, per-person status."""

from __future__ import annotations

import pytest

from mentorwise.learning.models import ProgramTrainingRequirement
from mentorwise.learning.selectors import people_trained_for, required_modules, training_status
from mentorwise.learning.tests.factories import make_completion, make_module

pytestmark = pytest.mark.django_db


def _require(program, *modules) -> None:
    for module in modules:
        ProgramTrainingRequirement.objects.create(program=program, module=module)


def test_without_requirements_everyone_is_trained(program, mentor, other_mentee) -> None:
    ids = [mentor.person_id, other_mentee.person_id]
    assert required_modules(program) == []
    assert people_trained_for(program, ids) == set(ids)
    assert people_trained_for(program, iter(ids)) == set(ids)


def test_only_people_who_passed_every_required_module(program, mentor, sponsor, outsider) -> None:
    a, b = make_module("a-module"), make_module("b-module")
    unrelated = make_module("unrelated")
    _require(program, a, b)
    make_completion(mentor.person, a)
    make_completion(mentor.person, b)
    make_completion(sponsor.person, a)
    make_completion(sponsor.person, unrelated)
    ids = [mentor.person_id, sponsor.person_id, outsider.person_id]
    assert people_trained_for(program, ids) == {mentor.person_id}
    assert people_trained_for(program, []) == set()


def test_requirements_of_another_program_do_not_count(program, other_program, mentor) -> None:
    _require(other_program, make_module())
    assert people_trained_for(program, [mentor.person_id]) == {mentor.person_id}


def test_inactive_modules_are_not_required(program, mentor) -> None:
    _require(program, make_module("old", is_active=False))
    assert required_modules(program) == []
    assert people_trained_for(program, [mentor.person_id]) == {mentor.person_id}


def test_people_trained_for_is_one_query(program, mentor, django_assert_num_queries) -> None:
    _require(program, make_module("a-module"), make_module("b-module"))
    with django_assert_num_queries(2):  # the required modules, then the completions
        people_trained_for(program, range(1000))


def test_training_status_lists_each_required_module(program, mentor) -> None:
    a, b = make_module("a-module", title="A"), make_module("b-module", title="B")
    _require(program, a, b)
    done = make_completion(mentor.person, b)
    assert training_status(mentor.person, program) == [(a, None), (b, done.passed_at)]
