"""Pipeline and succession: exact coverage figures on a hand-built organisation, suppression
of a small population (totals hidden alike in both breakdowns), and who may read it.

    high-potentials   10 at level 4 in Sales: 5 with an active mentor, whose relationships
                      started 10, 20, 30, 40, 50 days after their latest promotion; 5 at
                      level 5 in Engineering, none covered (one had a relationship, closed)
    first-time        5 at level 3 in Sales, manager for 60 days, each with a sponsor since
    managers          10 days after; 1 at level 3 in Legal, uncovered
    senior leaders    10 at level 8 in Engineering; 5 mentor one high-potential and sponsor
                      one first-time manager each, 5 do neither
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_person
from mentorwise.accounts.services import api_token_create
from mentorwise.insights.pipeline import pipeline
from mentorwise.matches.models import Match, MatchStatus
from mentorwise.people.models import CareerEvent, CareerEventKind, Person
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program, Role
from mentorwise.relationships.models import Relationship, RelationshipStatus

pytestmark = pytest.mark.django_db


def _enroll(program: Program, person: Person, role: str) -> Enrollment:
    return Enrollment.objects.create(
        program=program, person=person, role=role, status=EnrollmentStatus.ACTIVE
    )


def _relate(program: Program, mentee: Person, giver: Person, role: str, started: dt.date):
    mentee_e = _enroll(program, mentee, Role.MENTEE)
    giver_e = Enrollment.objects.filter(program=program, person=giver, role=role).first()
    giver_e = giver_e or _enroll(program, giver, role)
    match = Match.objects.create(
        program=program, mentee=mentee_e, mentor=giver_e, status=MatchStatus.ACCEPTED
    )
    at = dt.datetime.combine(started, dt.time(0), tzinfo=dt.UTC)
    return Relationship.objects.create(
        match=match, program=program, mentee=mentee_e, mentor=giver_e, started_at=at
    )


@pytest.fixture
def organisation(program: Program) -> dict[str, list[Person]]:
    today = timezone.localdate()
    leaders = [make_person(job_level=8, function="Engineering") for _ in range(10)]
    hipo_sales = [
        make_person(job_level=4, function="Sales", is_high_potential=True) for _ in range(10)
    ]
    hipo_eng = [
        make_person(job_level=5, function="Engineering", is_high_potential=True) for _ in range(5)
    ]
    for i, person in enumerate(hipo_sales[:5]):
        promoted = today - dt.timedelta(days=200)
        CareerEvent.objects.create(person=person, kind=CareerEventKind.PROMOTION, date=promoted)
        # An older promotion does not count: the latest one is the reference.
        CareerEvent.objects.create(
            person=person, kind=CareerEventKind.PROMOTION, date=promoted - dt.timedelta(days=400)
        )
        _relate(
            program, person, leaders[i], Role.MENTOR, promoted + dt.timedelta(days=10 * (i + 1))
        )
    since = today - dt.timedelta(days=60)
    ftm_sales = [make_person(job_level=3, function="Sales", manager_since=since) for _ in range(5)]
    ftm_legal = make_person(job_level=3, function="Legal", manager_since=since)
    for i, person in enumerate(ftm_sales):
        _relate(program, person, leaders[i], Role.SPONSOR, since + dt.timedelta(days=10))
    # A closed relationship is not coverage.
    closed = _relate(program, hipo_eng[0], leaders[9], Role.MENTOR, today - dt.timedelta(days=90))
    Relationship.objects.filter(pk=closed.pk).update(status=RelationshipStatus.CLOSED)
    return {
        "leaders": leaders,
        "hipo": hipo_sales + hipo_eng,
        "ftm": [*ftm_sales, ftm_legal],
    }


def _cov(group) -> tuple:
    return (group.label, group.people, group.covered, group.coverage, group.median_days_to_match)


def test_high_potential_coverage_is_exact(organisation) -> None:
    result = pipeline()
    by_level = result.coverage["high_potential"]["level"]
    assert [_cov(g) for g in by_level.groups] == [
        ("Level 4", 10, 5, 0.5, 30.0),
        ("Level 5", 5, 0, 0.0, None),
    ]
    assert _cov(by_level.total) == ("All", 15, 5, pytest.approx(1 / 3), 30.0)
    by_function = result.coverage["high_potential"]["function"]
    assert [_cov(g) for g in by_function.groups] == [
        ("Engineering", 5, 0, 0.0, None),
        ("Sales", 10, 5, 0.5, 30.0),
    ]
    # Level 5 / Engineering: 0% against 50% for the rest, under four-fifths.
    assert [g.gap for g in by_level.groups] == [False, True]
    assert [g.gap for g in by_function.groups] == [True, False]


def test_small_first_time_manager_population_is_suppressed_in_both_breakdowns(
    organisation,
) -> None:
    """6 first-time managers, 1 uncovered: that 1 is hidden, and with it whatever would give
    it back, the covered total included, identically in both breakdowns."""
    result = pipeline()
    by_level = result.coverage["first_time_manager"]["level"]
    by_function = result.coverage["first_time_manager"]["function"]
    # One level only: its people are the total, published.
    assert [_cov(g) for g in by_level.groups] == [("Level 3", 6, None, None, None)]
    assert _cov(by_level.total) == ("All", 6, None, None, None)
    assert _cov(by_function.total) == ("All", 6, None, None, None)
    assert [_cov(g) for g in by_function.groups] == [
        ("Legal", None, None, None, None),
        ("Sales", None, None, None, None),
    ]
    published = [
        v
        for b in (by_level, by_function)
        for g in [*b.groups, b.total]
        for v in (g.people, g.covered)
        if v is not None
    ]
    assert not [v for v in published if 0 < v < 5]


def test_senior_leaders_and_givers(organisation) -> None:
    result = pipeline()
    assert result.senior_level == 8
    (level_8,) = result.leaders["level"].groups
    assert (level_8.leaders, level_8.giving, level_8.giving_share) == (10, 5, 0.5)
    assert (level_8.mentees_per_leader, level_8.proteges_per_leader) == (0.5, 0.5)
    assert result.givers == 5 and result.givers_per_leader == 0.5


def test_lacking_lists_gaps_and_lowest_coverage(organisation) -> None:
    result = pipeline()
    lacking = [(b.population, b.dimension, g.label, g.gap) for b, g in result.lacking]
    assert lacking == [
        ("high_potential", "function", "Engineering", True),
        ("high_potential", "level", "Level 5", True),
        ("high_potential", "level", "Level 4", False),
        ("high_potential", "function", "Sales", False),
    ]


def test_settings_move_the_thresholds(organisation, settings) -> None:
    settings.MENTORWISE_SENIOR_LEADER_LEVEL = 9
    settings.MENTORWISE_FIRST_TIME_MANAGER_MONTHS = 1
    result = pipeline()
    assert result.leaders["level"].total.leaders in (0, None)
    assert result.coverage["first_time_manager"]["level"].total.people == 0


# Pages, CSV and API ----------------------------------------------------------------------


def page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user) -> Client:
    _, raw = api_token_create(actor=user, name="t", scope="read")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_executive_reads_the_pipeline_without_any_name(organisation, executive) -> None:
    names = [p.full_name for group in organisation.values() for p in group] + [
        p.email for group in organisation.values() for p in group
    ]
    response = page(executive).get("/insights/pipeline/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("<svg") == 6 and "Where the pipeline lacks mentoring" in body
    csv_body = page(executive).get("/insights/pipeline.csv").content.decode()
    api_body = api(executive).get("/api/insights/pipeline").content.decode()
    for text in (body, csv_body, api_body):
        assert not [name for name in names if name in text]


def test_pipeline_csv_and_api_carry_the_selector_figures(organisation, hr_admin) -> None:
    rows = list(
        csv.DictReader(io.StringIO(page(hr_admin).get("/insights/pipeline.csv").content.decode()))
    )
    level_4 = next(r for r in rows if r["section"] == "high_potential" and r["group"] == "Level 4")
    assert (level_4["people"], level_4["covered_or_giving"], level_4["share"]) == (
        "10",
        "5",
        "0.5",
    )
    ftm = next(r for r in rows if r["section"] == "first_time_manager" and r["group"] == "All")
    assert (ftm["people"], ftm["covered_or_giving"], ftm["suppressed"]) == ("6", "", "yes")
    answer = api(hr_admin).get("/api/insights/pipeline").json()
    coverage = {(b["population"], b["dimension"]): b for b in answer["coverage"]}
    assert coverage[("high_potential", "level")]["total"]["people"] == 15
    assert coverage[("first_time_manager", "level")]["total"]["covered"] is None
    assert answer["givers_per_senior_leader"] == 0.5


@pytest.mark.parametrize("who", ["program_manager", "mentee", "mentor", "outsider"])
def test_pipeline_is_404_for_everyone_else(organisation, request, who) -> None:
    user = request.getfixturevalue(who)
    assert page(user).get("/insights/pipeline/").status_code == 404
    assert page(user).get("/insights/pipeline.csv").status_code == 404
    assert api(user).get("/api/insights/pipeline").status_code == 404


def test_pipeline_reads_a_fixed_number_of_queries(
    organisation, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(4):
        pipeline()
