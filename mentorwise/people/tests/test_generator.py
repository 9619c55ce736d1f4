"""The synthetic organization: realistic shape, reproducible, fast (no database needed)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time

import numpy as np
import pytest

from mentorwise.people.columns import CANONICAL_COLUMNS
from mentorwise.people.generator import (
    ALL_SKILLS,
    ETHNICITIES,
    GENDERS,
    SKILLS,
    generate_org,
    generate_profiles,
)
from mentorwise.people.models import Ethnicity, Gender

TODAY = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def org():
    return generate_org(2000, seed=7, today=TODAY)


def test_two_thousand_people_are_generated_fast():
    started = time.perf_counter()
    org = generate_org(2000, seed=1, today=TODAY)
    assert time.perf_counter() - started < 2.0
    assert org.n == 2000
    for name in ("employee_id", "email", "title", "department", "languages", "gender"):
        assert len(getattr(org, name)) == 2000


def test_there_is_exactly_one_ceo_and_everyone_reports_up_to_them(org):
    assert (org.manager_index == -1).sum() == 1
    ceo = int(np.nonzero(org.manager_index == -1)[0][0])
    assert org.job_level[ceo] == 10
    assert org.title[ceo] == "Chief Executive Officer"
    # Walking up from anyone reaches the CEO within 10 steps (no cycles).
    for i in range(0, org.n, 37):
        steps, j = 0, i
        while org.manager_index[j] != -1:
            j = int(org.manager_index[j])
            steps += 1
            assert steps <= 10
        assert j == ceo


def test_spans_of_control_are_realistic(org):
    spans = org.direct_reports[org.direct_reports > 0]
    assert spans.max() <= 10
    assert 4.5 <= spans.mean() <= 8
    assert (spans >= 3).mean() > 0.95


def test_managers_are_above_their_reports(org):
    reports = np.nonzero(org.manager_index >= 0)[0]
    assert (org.job_level[org.manager_index[reports]] > org.job_level[reports]).all()
    assert org.job_level.min() >= 1 and org.job_level.max() <= 10


def test_about_ten_percent_are_high_potential(org):
    assert 0.07 <= org.is_high_potential.mean() <= 0.13


def test_first_time_managers_terminations_and_dates(org):
    recent = [
        i
        for i in range(org.n)
        if org.manager_since[i] is not None and (TODAY - org.manager_since[i]).days <= 365
    ]
    assert recent and all(org.direct_reports[i] > 0 for i in recent)
    terminated = [i for i in range(org.n) if org.termination_date[i] is not None]
    assert 0.05 * org.n < len(terminated) < 0.2 * org.n
    for i in terminated:
        assert 0 < (TODAY - org.termination_date[i]).days <= 731
        assert org.termination_kind[i] in ("voluntary", "involuntary")
        assert org.hire_date[i] < org.termination_date[i]
        assert org.direct_reports[i] == 0
    assert all(d <= TODAY for d in org.hire_date)
    assert all(org.termination_kind[i] == "" for i in range(org.n) if i not in set(terminated))


def test_demographics_use_the_model_choices_and_are_partial(org):
    assert set(GENDERS) == set(Gender.values)
    assert set(ETHNICITIES) == set(Ethnicity.values)
    given = [g for g in org.gender if g]
    assert 0.4 * org.n < len(given) < 0.8 * org.n
    assert "prefer_not_to_say" in given
    assert set(given) <= set(Gender.values)
    assert {e for e in org.ethnicity if e} <= set(Ethnicity.values)


def test_locations_have_time_zones_and_languages(org):
    assert len(set(org.location)) >= 5
    assert all("/" in tz for tz in org.time_zone)
    assert all(langs for langs in org.languages)
    assert len(set(org.function)) >= 8


def test_ids_and_emails_are_unique(org):
    assert len(set(org.employee_id)) == org.n
    assert len(set(org.email)) == org.n


def test_same_seed_same_org_other_seed_other_org():
    a = generate_org(300, seed=5, today=TODAY)
    b = generate_org(300, seed=5, today=TODAY)
    c = generate_org(300, seed=6, today=TODAY)
    assert list(a.rows()) == list(b.rows())
    assert list(a.rows()) != list(c.rows())


@pytest.mark.parametrize("n", [1, 2, 3, 11, 57])
def test_tiny_orgs_are_valid(n):
    org = generate_org(n, seed=n, today=TODAY)
    assert (org.manager_index == -1).sum() == 1
    assert len(list(org.rows())) == n


def test_rows_are_in_canonical_columns_and_written_as_csv(org):
    out = io.StringIO()
    org.write_csv(out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == CANONICAL_COLUMNS
    assert len(rows) == org.n
    by_id = {r["employee_id"]: r for r in rows}
    assert all(r["manager_id"] == "" or r["manager_id"] in by_id for r in rows)


def test_skills_taxonomy_has_about_forty_skills():
    assert 35 <= len(ALL_SKILLS) <= 50
    assert len(set(ALL_SKILLS)) == len(ALL_SKILLS)
    assert {"leadership", "communication", "strategy", "technical", "career", "inclusion"} <= set(
        SKILLS
    )


def test_profiles_for_mentees_and_mentors(org):
    mentees = generate_profiles(org, range(100, 200), "mentee", seed=1)
    assert len(mentees) == 100
    assert all(2 <= len(s) <= 4 and set(s) <= set(ALL_SKILLS) for s in mentees.skills_wanted)
    assert all(len(set(s)) == len(s) for s in mentees.skills_wanted)
    assert all(g.endswith(".") for g in mentees.development_goals)
    mentors = generate_profiles(org, np.arange(0, 50), "mentor", seed=1)
    assert all(set(s) <= set(ALL_SKILLS) and len(s) >= 3 for s in mentors.skills_offered)
    assert ((mentors.capacity >= 1) & (mentors.capacity <= 5)).all()
    assert all(mentors.expertise)
    again = generate_profiles(org, np.arange(0, 50), "mentor", seed=1)
    assert again.skills_offered == mentors.skills_offered


def test_profiles_refuse_unknown_roles(org):
    with pytest.raises(ValueError, match="role"):
        generate_profiles(org, [1], "boss", seed=1)
