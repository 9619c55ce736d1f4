"""One enrollment input, one set of rules: the validator reports every problem at once, and
the page and the API refuse the same bad profile with the same field errors, writing nothing."""

from __future__ import annotations

import json

import pytest

from conftest import api_client, page_client
from mentorwise.accounts.models import User
from mentorwise.core.tests.helpers import Errors, raised_errors
from mentorwise.programs.enrollment_inputs import (
    EnrollmentAnswers,
    EnrollmentNew,
    enrollment_answers_validate,
    enrollment_new_validate,
)
from mentorwise.programs.models import Enrollment, Program, Skill

pytestmark = pytest.mark.django_db

_raised = raised_errors


def test_a_mentors_answers_are_refused_for_every_problem_at_once(program: Program) -> None:
    answers = EnrollmentAnswers(
        expertise="e" * 5001,
        skills_offered=[],
        capacity=51,
        function_preference="nearby",
        availability="a" * 201,
        answers={"commitment": "Maybe"},
    )
    assert _raised(
        lambda: enrollment_answers_validate(answers, program=program, role="mentor")
    ) == {
        ("skills_offered", "Pick at least one skill you can help with."),
        ("capacity", "must be from 1 to 50"),
        ("function_preference", "unknown choice"),
        ("expertise", "must be at most 5000 characters"),
        ("availability", "must be at most 200 characters"),
        ("answers.why", "Please answer: Why do you want to take part?"),
        ("answers.commitment", "not one of the choices"),
    }


def test_a_new_enrollment_adds_the_missing_acknowledgement_to_the_answers_problems(
    program: Program, skills: list[Skill]
) -> None:
    answers = EnrollmentAnswers(
        skills_wanted=[skills[0].pk], answers={"why": "Grow", "commitment": "Yes"}
    )
    assert _raised(
        lambda: enrollment_new_validate(
            EnrollmentNew(role="mentee", answers=answers, acknowledged=False), program=program
        )
    ) == {
        ("development_goals", "Tell your mentor what you want to develop."),
        ("acknowledged", "Please confirm that you accept your role's responsibilities."),
    }


def test_page_and_api_refuse_an_over_long_profile_with_the_same_field_errors(
    program: Program, mentee: User, skills: list[Skill]
) -> None:
    enrollment = Enrollment.objects.get(person=mentee.person, program=program)
    profile = {
        "development_goals": "d" * 5001,
        "function_preference": "any",
        "availability": "a" * 201,
    }
    page = page_client(mentee).post(
        f"/programs/enrollments/{enrollment.pk}/",
        {**profile, "skills_wanted": [skills[0].pk], "q_why": "Grow", "q_commitment": "Yes"},
    )
    form = page.context["form"]
    page_errors: Errors = {(f, str(m)) for f, messages in form.errors.items() for m in messages}
    api = api_client(mentee, scope="admin").put(
        f"/api/enrollments/{enrollment.pk}",
        json.dumps(
            {
                **profile,
                "role": "mentee",
                "acknowledged": True,
                "skills_wanted": [skills[0].pk],
                "answers": {"why": "Grow", "commitment": "Yes"},
            }
        ),
        content_type="application/json",
    )
    assert api.status_code == 422, api.content
    api_errors = {(e["field"], e["message"]) for e in api.json()["errors"]}
    assert (
        page_errors
        == api_errors
        == {
            ("development_goals", "must be at most 5000 characters"),
            ("availability", "must be at most 200 characters"),
        }
    )
    enrollment.refresh_from_db()
    assert enrollment.development_goals == "Ana's private career goals"


def test_page_refuses_a_capacity_of_zero_as_the_api_does(
    program: Program, mentor: User, skills: list[Skill]
) -> None:
    enrollment = Enrollment.objects.get(person=mentor.person, program=program)
    page = page_client(mentor).post(
        f"/programs/enrollments/{enrollment.pk}/",
        {
            "skills_offered": [skills[0].pk],
            "function_preference": "any",
            "capacity": "0",
            "q_why": "Give back",
            "q_commitment": "Yes",
        },
    )
    assert page.context["form"].errors == {"capacity": ["must be from 1 to 50"]}
    api = api_client(mentor, scope="admin").put(
        f"/api/enrollments/{enrollment.pk}",
        json.dumps(
            {
                "role": "mentor",
                "acknowledged": True,
                "skills_offered": [skills[0].pk],
                "capacity": 0,
                "answers": {"why": "Give back", "commitment": "Yes"},
            }
        ),
        content_type="application/json",
    )
    assert [(e["field"], e["message"]) for e in api.json()["errors"]] == [
        ("capacity", "must be from 1 to 50")
    ]
