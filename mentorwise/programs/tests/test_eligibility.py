"""Eligibility rules per template, evaluated by the database against hand-built people."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import make_person
from mentorwise.core.errors import InvalidInput
from mentorwise.programs.catalog import TEMPLATES
from mentorwise.programs.eligibility import (
    eligible_people,
    ineligibility_reason,
    rules_describe,
    rules_validate,
)

TODAY = dt.date(2026, 11, 26)
pytestmark = pytest.mark.django_db


def names(rules: dict) -> set[str]:
    return set(eligible_people(rules, today=TODAY).values_list("first_name", flat=True))


@pytest.fixture
def org() -> dict[str, object]:
    ceo = make_person(
        first_name="Ceo",
        job_level=10,
        hire_date=dt.date(2005, 1, 1),
        manager_since=dt.date(2008, 1, 1),
    )
    vp = make_person(
        first_name="Vp",
        job_level=9,
        manager=ceo,
        hire_date=dt.date(2010, 1, 1),
        manager_since=dt.date(2012, 1, 1),
    )
    director = make_person(
        first_name="Director",
        job_level=7,
        manager=vp,
        hire_date=dt.date(2015, 1, 1),
        manager_since=dt.date(2019, 5, 1),
    )
    newmgr = make_person(
        first_name="Newmgr",
        job_level=5,
        manager=director,
        hire_date=dt.date(2020, 1, 1),
        manager_since=dt.date(2026, 3, 1),
    )
    make_person(
        first_name="Hipo",
        job_level=4,
        manager=newmgr,
        is_high_potential=True,
        hire_date=dt.date(2022, 6, 1),
    )
    make_person(first_name="Junior", job_level=2, manager=newmgr, hire_date=dt.date(2025, 2, 1))
    make_person(first_name="Newhire", job_level=3, manager=director, hire_date=dt.date(2026, 10, 1))
    make_person(
        first_name="Gone",
        job_level=4,
        manager=director,
        is_high_potential=True,
        hire_date=dt.date(2019, 1, 1),
        termination_date=dt.date(2026, 1, 31),
    )
    return {"ceo": ceo}


@pytest.mark.parametrize(
    ("template", "role", "expected"),
    [
        ("hipo_leadership", "mentee", {"Hipo"}),
        ("hipo_leadership", "mentor", {"Ceo", "Vp", "Director"}),
        ("first_time_manager", "mentee", {"Newmgr"}),
        ("first_time_manager", "mentor", {"Ceo", "Vp", "Director"}),
        ("reverse_mentoring", "mentee", {"Ceo", "Vp"}),
        ("reverse_mentoring", "mentor", {"Hipo", "Junior"}),
        ("sponsorship_underrepresented", "mentee", {"Director", "Newmgr", "Hipo"}),
        ("sponsorship_underrepresented", "sponsor", {"Ceo", "Vp"}),
        ("onboarding_buddy", "mentee", {"Newhire"}),
        ("onboarding_buddy", "mentor", {"Ceo", "Vp", "Director", "Newmgr", "Hipo", "Junior"}),
        ("group_circle", "mentee", {"Newmgr", "Hipo", "Junior", "Newhire"}),
        ("group_circle", "mentor", {"Ceo", "Vp", "Director"}),
    ],
)
def test_template_eligibility(org: dict, template: str, role: str, expected: set[str]) -> None:
    assert names(TEMPLATES[template].eligibility[role]) == expected


def test_terminated_people_are_never_eligible(org: dict) -> None:
    assert "Gone" not in names({})
    assert "Gone" not in names({"high_potential": True})


def test_is_manager_counts_active_reports_only(org: dict) -> None:
    assert names({"is_manager": True}) == {"Ceo", "Vp", "Director", "Newmgr"}
    assert "Director" not in names({"is_manager": False})


def test_ineligibility_reason_names_the_unmet_rule(org: dict) -> None:
    junior = eligible_people({}, today=TODAY).get(first_name="Junior")
    reason = ineligibility_reason({"level_min": 7}, junior, today=TODAY)
    assert reason == "This role requires: job level 7 or above."
    assert ineligibility_reason({"level_max": 4}, junior, today=TODAY) is None


def test_rules_validate_reports_every_bad_rule() -> None:
    with pytest.raises(InvalidInput) as caught:
        rules_validate(
            {"level_min": "x", "colour": "red", "high_potential": "yes", "level_max": 42},
            role="mentee",
        )
    fields = {e.field for e in caught.value.errors}
    assert fields == {
        "eligibility.mentee.level_min",
        "eligibility.mentee.colour",
        "eligibility.mentee.high_potential",
        "eligibility.mentee.level_max",
    }


def test_rules_validate_refuses_inverted_ranges() -> None:
    with pytest.raises(InvalidInput, match="above level_max"):
        rules_validate({"level_min": 7, "level_max": 3})


def test_rules_describe_in_plain_words() -> None:
    words = rules_describe({"level_min": 3, "level_max": 7, "high_potential": True})
    assert words == ["job level 3 to 7", "identified as high potential"]
    assert rules_describe({}) == ["every active employee"]
