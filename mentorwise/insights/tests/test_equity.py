"""Equity of access: exact figures on a hand-built program, small-cell and complementary
suppression, the four-fifths gap flag, who may read which breakdown, and the audit trail.

The mentee population (k = 5), all in Berlin; the program admits Engineering only:

    cohort  n   function     level gender      enrolled matched sponsored promoted
    A       10  Engineering  4     woman       10       5       5         5 (the matched)
    B       10  Engineering  5     man         5        5       0         0
    C       10  Engineering  5     man         0        -       -         -
    D       2   Engineering  4     non-binary  2        0       -         0
    E       5   Legal        6     (none)      5 (not eligible, enrolled anyway) 0

A's matched mentees waited 10, 20, 30, 40, 50 days for their relationship (mentor at level
8); B's 2, 4, 6, 8, 10 days (mentor at level 9). The two mentors work in Sales, which the
mentor rules admit and the mentee rules do not.
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
from mentorwise.core.models import AuditEntry
from mentorwise.disclosure import DisclosureInputError, LinkedCounts, protect_linked
from mentorwise.insights.equity import program_equity
from mentorwise.insights.equity_display import equity_csv
from mentorwise.insights.equity_groups import DIMENSIONS
from mentorwise.matches.models import Match, MatchStatus
from mentorwise.people.models import CareerEvent, CareerEventKind, Demographics
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program, Role
from mentorwise.relationships.models import Relationship, SponsorshipAction, SponsorshipKind

pytestmark = pytest.mark.django_db

DEMOGRAPHICS = "insights.demographics_viewed"


def _people(n: int, *, gender: str = "", **fields: object) -> list:
    people = [make_person(location="Berlin", **fields) for _ in range(n)]
    if gender:
        for person in people:
            Demographics.objects.create(person=person, gender=gender)
    return people


def _enroll(program: Program, person, role: str, created: dt.datetime) -> Enrollment:
    return Enrollment.objects.create(
        program=program,
        person=person,
        role=role,
        status=EnrollmentStatus.ACTIVE,
        created_at=created,
    )


def _relate(program: Program, mentee: Enrollment, mentor: Enrollment, started: dt.datetime):
    match = Match.objects.create(
        program=program, mentee=mentee, mentor=mentor, status=MatchStatus.ACCEPTED
    )
    return Relationship.objects.create(
        match=match, program=program, mentee=mentee, mentor=mentor, started_at=started
    )


@pytest.fixture
def equity_program(program: Program) -> Program:
    """`program` with the population of the module docstring."""
    today = timezone.localdate()
    program.eligibility = {
        Role.MENTEE: {"functions": ["Engineering"]},
        Role.MENTOR: {"level_min": 8, "functions": ["Sales"]},
    }
    program.start_date = today - dt.timedelta(days=150)
    program.save()
    enrolled_at = timezone.now() - dt.timedelta(days=100)
    mentor_8 = _enroll(
        program, make_person(function="Sales", job_level=8), Role.MENTOR, enrolled_at
    )
    mentor_9 = _enroll(
        program, make_person(function="Sales", job_level=9), Role.MENTOR, enrolled_at
    )
    cohort_a = _people(10, gender="woman", function="Engineering", job_level=4)
    cohort_b = _people(10, gender="man", function="Engineering", job_level=5)
    _people(10, gender="man", function="Engineering", job_level=5)  # cohort C: not enrolled
    cohort_d = _people(2, gender="non_binary", function="Engineering", job_level=4)
    cohort_e = _people(5, function="Legal", job_level=6)
    for i, person in enumerate(cohort_a):
        enrollment = _enroll(program, person, Role.MENTEE, enrolled_at)
        if i < 5:
            rel = _relate(
                program, enrollment, mentor_8, enrolled_at + dt.timedelta(days=10 * (i + 1))
            )
            SponsorshipAction.objects.create(
                relationship=rel, kind=SponsorshipKind.STRETCH_ASSIGNMENT, description="x"
            )
            CareerEvent.objects.create(
                person=person,
                kind=CareerEventKind.PROMOTION,
                date=program.start_date + dt.timedelta(days=10),
            )
    for i, person in enumerate(cohort_b[:5]):
        enrollment = _enroll(program, person, Role.MENTEE, enrolled_at)
        _relate(program, enrollment, mentor_9, enrolled_at + dt.timedelta(days=2 * (i + 1)))
    for person in cohort_b[5:]:
        # Promoted before the program started: not an outcome of it.
        CareerEvent.objects.create(
            person=person,
            kind=CareerEventKind.PROMOTION,
            date=program.start_date - dt.timedelta(days=1),
        )
    for person in cohort_d + cohort_e:
        _enroll(program, person, Role.MENTEE, enrolled_at)
    return program


def _row(group) -> tuple:
    return (
        group.population,
        group.enrolled,
        group.matched,
        group.sponsored,
        group.promoted,
        group.still_employed,
    )


def test_level_breakdown_figures_are_exact(equity_program) -> None:
    equity = program_equity(program=equity_program, side="mentee")
    level = equity.breakdowns["level"]
    assert [g.label for g in level.groups] == ["Level 4", "Level 5", "Level 6"]
    assert [_row(g) for g in level.groups] == [
        (12, 12, 5, 5, 5, 12),
        (20, 5, 5, 0, 0, 5),
        (5, 5, 0, 0, 0, 5),
    ]
    assert _row(level.total) == (37, 22, 10, 5, 5, 22)
    l4, l5, l6 = level.groups
    assert (l4.participation, l5.participation, l6.participation) == (1.0, 0.25, 1.0)
    assert level.total.participation == pytest.approx(22 / 37)
    assert (l4.match_rate, l5.match_rate, l6.match_rate) == (pytest.approx(5 / 12), 1.0, 0.0)
    assert l4.median_days_to_match == pytest.approx(30.0)
    assert l5.median_days_to_match == pytest.approx(6.0)
    assert level.total.median_days_to_match == pytest.approx(10.0)
    assert l6.median_days_to_match is None and l6.seniority is None  # nobody matched
    assert (l4.seniority, l5.seniority, level.total.seniority) == (8.0, 9.0, 8.5)
    assert (l4.sponsorship_rate, l5.sponsorship_rate, l6.sponsorship_rate) == (1.0, 0.0, None)
    assert l4.promotion_rate == pytest.approx(5 / 12) and l5.promotion_rate == 0.0
    assert {g.retention_rate for g in level.groups} == {1.0}
    assert not level.has_suppressed


def test_gaps_follow_the_four_fifths_rule(equity_program) -> None:
    """Level 5: 25% participation against 17/17 for the rest; level 6: no match against 10/17;
    level 5 sponsorship 0% against 100%. Level 4's match rate (41.7%) is above four-fifths of
    the rest's 50% (40%), so it is not flagged."""
    equity = program_equity(program=equity_program, side="mentee")
    level = equity.breakdowns["level"]
    assert [g.gaps for g in level.groups] == [(), ("participation", "sponsorship"), ("match",)]
    function = equity.breakdowns["function"]
    assert [(g.label, g.gaps) for g in function.groups] == [
        ("Engineering", ("participation",)),
        ("Legal", ("match",)),
    ]


def test_location_and_function_breakdowns(equity_program) -> None:
    equity = program_equity(program=equity_program, side="mentee")
    location = equity.breakdowns["location"]
    assert [(g.label, _row(g)) for g in location.groups] == [("Berlin", (37, 22, 10, 5, 5, 22))]
    function = equity.breakdowns["function"]
    assert [(g.label, _row(g)) for g in function.groups] == [
        ("Engineering", (32, 17, 10, 5, 5, 17)),
        # Not admitted by the rules, enrolled anyway: counted in the population.
        ("Legal", (5, 5, 0, 0, 0, 5)),
    ]


def _system_from(equity_program, dimension: str) -> tuple[LinkedCounts, dict[str, int | None]]:
    """The linked system of one breakdown rebuilt from the true counts, and what was published."""
    from django.db.models import Count

    from mentorwise.insights import equity_counts, equity_groups, equity_suppression

    today = timezone.localdate()
    side = "mentee"
    eligible = equity_counts.eligible_q(equity_program, side, today)
    people = equity_counts.enrolled_people(
        equity_program, side, eligible, equity_program.start_date, today
    )
    counts: dict[str, int] = {}
    from mentorwise.people.models import Person

    for value, n in (
        Person.objects.filter(eligible)
        .values_list(equity_groups.PERSON_COLUMN[dimension])
        .annotate(n=Count("pk"))
        .values_list(equity_groups.PERSON_COLUMN[dimension], "n")
        .order_by()
    ):
        counts[equity_groups.group_key(dimension, value)] = (
            counts.get(equity_groups.group_key(dimension, value), 0) + n
        )
    raw = equity_counts.raw_counts(dimension, counts, people, side)
    return equity_suppression.linked_system(raw), raw


def test_small_group_and_its_complements_are_hidden_everywhere(equity_program) -> None:
    """Non-binary mentees are 2: every count of theirs is hidden, and enough other counts
    that none of theirs can be worked out; no published count is in 1..4."""
    equity = program_equity(program=equity_program, side="mentee")
    gender = equity.breakdowns["gender"]
    assert [g.label for g in gender.groups] == ["Woman", "Man", "Non-binary", "Not stated"]
    non_binary = gender.groups[2]
    assert non_binary.suppressed
    assert (non_binary.population, non_binary.enrolled, non_binary.matched) == (None,) * 3
    assert non_binary.participation is None and non_binary.match_rate is None
    # Complementary suppression reached other groups of the breakdown (pinned).
    # Every count that could narrow the two non-binary mentees is hidden with them: the
    # populations go (hiding one ties up a single other sum), the women's and the not-stated
    # enrolment stays (the other breakdowns show no small group).
    assert [_row(g) for g in gender.groups] == [
        (None, 10, None, None, None, 10),
        (None, None, None, 0, 0, None),
        (None, None, None, None, None, None),
        (None, 5, 0, 0, 0, 5),
    ]
    assert _row(gender.total) == (37, 22, 10, 5, 5, 22)
    published = [v for g in [*gender.groups, gender.total] for v in _row(g) if v is not None]
    assert not [v for v in published if 0 < v < 5]
    # An attacker with every published figure of the side (all five breakdowns), the sums
    # and non-negativity can neither prove the two non-binary mentees exist nor narrow them.
    from tests.attacker import equity_attack_model, intervals

    rows = list(csv.DictReader(io.StringIO(equity_csv([equity]))))
    found = intervals(*equity_attack_model(rows))
    for column in ("population", "enrolled"):
        low, high = found[f"gender:Non-binary:{column}"]
        assert low == 0 and high >= 5, (column, low, high)
    # Statistics of hidden groups are hidden too.
    assert non_binary.median_days_to_match is None and non_binary.seniority is None


def test_mentor_side_under_the_minimum_is_entirely_hidden(equity_program) -> None:
    equity = program_equity(program=equity_program, side="mentor")
    for breakdown in equity.breakdowns.values():
        assert breakdown.total.population is None and breakdown.total.enrolled is None
        assert all(g.enrolled is None for g in breakdown.groups)


def test_protect_linked_hides_a_shared_count_in_every_table() -> None:
    """Two tables share "enrolled" (a cell of one, the total of the other): hiding it in one
    only would give it back from the other."""
    system = LinkedCounts()
    for name, value in {
        "N0": 20,
        "E0": 3,
        "NE0": 17,
        "M0": 2,
        "EM0": 1,
        "N1": 30,
        "E1": 20,
        "NE1": 10,
        "M1": 10,
        "EM1": 10,
        "N2": 50,
        "E2": 23,
        "NE2": 27,
        "M2": 12,
        "EM2": 11,
    }.items():
        system.add(name, value, total=name.endswith("2") or name.startswith("N"))
    for g in "012":
        system.line([f"E{g}", f"NE{g}"], f"N{g}")
        system.line([f"M{g}", f"EM{g}"], f"E{g}")
    for q in ("N", "E", "NE", "M", "EM"):
        system.line([f"{q}0", f"{q}1"], f"{q}2")
    hidden = protect_linked(system, k=5)
    assert {"E0", "M0", "EM0"} <= hidden  # primary
    # E0 is hidden, so NE0 (its partner under N0) and E1 (its partner in the column) are too.
    assert {"NE0", "E1"} <= hidden
    names = {v: k for k, v in system.index.items()}
    for cells, total in system.lines:
        count = sum(names[i] in hidden for i in [*cells, total])
        assert count != 1, [names[i] for i in [*cells, total]]


def test_linked_counts_refuse_a_line_that_does_not_add_up() -> None:
    system = LinkedCounts()
    system.add("a", 2)
    system.add("b", 3)
    system.add("t", 6)
    with pytest.raises(DisclosureInputError, match="a \\+ b = 5: must equal t = 6"):
        system.line(["a", "b"], "t")


def test_csv_carries_no_number_for_suppressed_cells(equity_program) -> None:
    results = [program_equity(program=equity_program, side=s) for s in ("mentee", "mentor")]
    rows = list(csv.DictReader(io.StringIO(equity_csv(results))))
    non_binary = next(r for r in rows if r["dimension"] == "gender" and r["group"] == "Non-binary")
    numbers = [k for k, v in non_binary.items() if k not in ("side", "dimension", "group") and v]
    assert numbers == ["suppressed"]
    level_5 = next(r for r in rows if r["dimension"] == "level" and r["group"] == "Level 5")
    assert (level_5["population"], level_5["participation"], level_5["gaps"]) == (
        "20",
        "0.25",
        "participation sponsorship",
    )


# Pages, CSV and API: who sees what, and the audit trail ---------------------------------


def page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user) -> Client:
    _, raw = api_token_create(actor=user, name="t", scope="read")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _audits() -> list[dict]:
    return list(
        AuditEntry.objects.filter(action=DEMOGRAPHICS).order_by("pk").values_list("data", flat=True)
    )


def test_hr_admin_reads_gender_with_chart_table_and_audit(equity_program, hr_admin) -> None:
    response = page(hr_admin).get(f"/insights/programs/{equity_program.slug}/equity/?by=gender")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in body and "<script" not in body.split("<svg", 1)[1].split("</svg>")[0]
    assert "Non-binary" in body and "—" in body and "fewer than 5 people" in body
    entry = AuditEntry.objects.get(action=DEMOGRAPHICS)
    assert entry.actor == hr_admin and entry.target_id == str(equity_program.pk)
    assert entry.data == {"dimensions": ["gender"], "sides": ["mentee"], "via": "page"}


def test_non_demographic_views_are_not_audited(equity_program, hr_admin) -> None:
    client = page(hr_admin)
    assert client.get(f"/insights/programs/{equity_program.slug}/equity/").status_code == 200
    body = client.get(f"/insights/programs/{equity_program.slug}/equity/?side=mentor&by=function")
    assert body.status_code == 200
    assert (
        api(hr_admin)
        .get(f"/api/insights/programs/{equity_program.slug}/equity?dimension=level")
        .status_code
        == 200
    )
    assert _audits() == []


def test_every_demographic_csv_and_api_read_is_audited(equity_program, hr_admin) -> None:
    csv_response = page(hr_admin).get(f"/insights/programs/{equity_program.slug}/equity.csv")
    assert csv_response.status_code == 200 and csv_response["Content-Type"] == "text/csv"
    dimensions = {
        r["dimension"] for r in csv.DictReader(io.StringIO(csv_response.content.decode()))
    }
    assert dimensions == set(DIMENSIONS)
    answer = api(hr_admin).get(f"/api/insights/programs/{equity_program.slug}/equity?side=mentee")
    assert answer.status_code == 200
    assert [b["dimension"] for b in answer.json()["breakdowns"]] == list(DIMENSIONS)
    api(hr_admin).get(f"/api/insights/programs/{equity_program.slug}/equity?dimension=ethnicity")
    assert _audits() == [
        {"dimensions": ["gender", "ethnicity"], "sides": ["mentee", "mentor"], "via": "csv"},
        {"dimensions": ["gender", "ethnicity"], "sides": ["mentee"], "via": "api"},
        {"dimensions": ["ethnicity"], "sides": ["mentee"], "via": "api"},
    ]


def test_api_figures_are_the_selectors(equity_program, hr_admin) -> None:
    answer = (
        api(hr_admin)
        .get(f"/api/insights/programs/{equity_program.slug}/equity?dimension=gender")
        .json()
    )
    groups = {g["label"]: g for g in answer["breakdowns"][0]["groups"]}
    assert groups["Woman"]["population"] is None and groups["Woman"]["enrolled"] == 10
    assert groups["Non-binary"]["population"] is None and groups["Non-binary"]["suppressed"]
    level = (
        api(hr_admin)
        .get(f"/api/insights/programs/{equity_program.slug}/equity?dimension=level")
        .json()
    )
    groups = {g["label"]: g for g in level["breakdowns"][0]["groups"]}
    assert groups["Level 4"]["enrolled"] == 12 and groups["Level 4"]["matched"] == 5
    assert groups["Level 4"]["match_rate"] == pytest.approx(5 / 12, abs=1e-3)
    assert answer["min_group_size"] == 5


@pytest.mark.parametrize("who", ["program_manager", "executive"])
def test_managers_and_executives_never_get_demographics(equity_program, request, who) -> None:
    user = request.getfixturevalue(who)
    slug = equity_program.slug
    assert page(user).get(f"/insights/programs/{slug}/equity/?by=level").status_code == 200
    for by in ("gender", "ethnicity"):
        assert page(user).get(f"/insights/programs/{slug}/equity/?by={by}").status_code == 404
        assert (
            api(user).get(f"/api/insights/programs/{slug}/equity?dimension={by}").status_code == 404
        )
    body = page(user).get(f"/insights/programs/{slug}/equity/").content.decode()
    assert "Gender" not in body and "Ethnicity" not in body
    rows = csv.DictReader(
        io.StringIO(page(user).get(f"/insights/programs/{slug}/equity.csv").content.decode())
    )
    assert {r["dimension"] for r in rows} == {"level", "function", "location"}
    answer = api(user).get(f"/api/insights/programs/{slug}/equity").json()
    assert [b["dimension"] for b in answer["breakdowns"]] == ["level", "function", "location"]
    assert _audits() == []


@pytest.mark.parametrize("who", ["mentee", "mentor", "other_manager", "outsider"])
def test_equity_is_404_for_everyone_else(equity_program, request, who) -> None:
    user = request.getfixturevalue(who)
    slug = equity_program.slug
    for by in ("level", "gender"):
        assert page(user).get(f"/insights/programs/{slug}/equity/?by={by}").status_code == 404
    assert page(user).get(f"/insights/programs/{slug}/equity.csv").status_code == 404
    assert api(user).get(f"/api/insights/programs/{slug}/equity").status_code == 404
    assert _audits() == []


def test_unknown_side_or_breakdown_is_404(equity_program, hr_admin) -> None:
    slug = equity_program.slug
    assert page(hr_admin).get(f"/insights/programs/{slug}/equity/?side=boss").status_code == 404
    assert page(hr_admin).get(f"/insights/programs/{slug}/equity/?by=age").status_code == 404
    assert api(hr_admin).get(f"/api/insights/programs/{slug}/equity?side=boss").status_code == 422


def test_equity_reads_a_fixed_number_of_queries(
    equity_program, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(3):
        program_equity(program=equity_program, side="mentee")
