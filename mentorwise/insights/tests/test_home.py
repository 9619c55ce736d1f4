"""Homes of those who oversee programs (alerts, next steps) and of executives (headline
figures in aggregate): each role, two roles at once, and what nobody may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from conftest import _enroll, make_person, make_user, page_client
from mentorwise.insights.home import headline_figures, oversight_alerts
from mentorwise.matches.models import Match, MatchStatus
from mentorwise.programs.models import Enrollment, Program, ProgramStatus
from mentorwise.relationships import inputs
from mentorwise.relationships.models import Relationship
from mentorwise.relationships.services import check_in_create
from mentorwise.relationships.tests.factories import enrollment_of, started_relationship

pytestmark = pytest.mark.django_db


def _at_risk(relationship: Relationship) -> None:
    """No meeting for far longer than twice the cadence: at risk by the health rule."""
    Relationship.objects.filter(pk=relationship.pk).update(
        started_at=timezone.now() - dt.timedelta(days=200)
    )


def _stalled(relationship: Relationship) -> None:
    """Between one and two cadences plus the grace without a meeting: stalled."""
    days = relationship.program.meeting_cadence_days + 20
    Relationship.objects.filter(pk=relationship.pk).update(
        started_at=timezone.now() - dt.timedelta(days=days)
    )


def _totals(actor: Any) -> dict[str, int]:
    return {t.kind: t.count for t in oversight_alerts(actor=actor).totals}


def _world(program: Program, mentee: Any, mentor: Any, other_mentee: Any) -> Relationship:
    """An at-risk pair (mentee, mentor), other_mentee waiting with a proposed match."""
    relationship = started_relationship(mentee, mentor)
    _at_risk(relationship)
    Match.objects.create(
        program=program,
        mentee=enrollment_of(other_mentee),
        mentor=enrollment_of(mentor),
        status=MatchStatus.PROPOSED,
    )
    return relationship


def test_hr_admin_home_lists_each_alert_with_its_count_and_the_page_that_acts_on_it(
    hr_admin, program, mentee, mentor, other_mentee
) -> None:
    _world(program, mentee, mentor, other_mentee)
    Program.objects.create(name="Circle 2027", slug="circle-2027", status=ProgramStatus.DRAFT)
    totals = _totals(hr_admin)
    assert totals == {
        "at_risk": 1,
        "stalled": 0,
        "below_health": 1,  # 0 of 1 on track
        "proposals": 1,
        "waiting": 1,  # other_mentee: a proposal does not take her out of the pool
        "drafts": 1,
    }
    html = page_client(hr_admin).get("/").content.decode()
    assert "Needs your attention" in html
    for link in (
        "/relationships/program/leadership-2026/?health=at_risk&amp;status=active",
        "/insights/programs/leadership-2026/",
        "/matching/programs/leadership-2026/?show=open",
        "/programs/circle-2027/",
    ):
        assert f'href="{link}"' in html, link
    assert "pair at risk" in html and "mentee waiting for a match" in html


def test_the_alert_links_lead_to_lists_showing_the_same_items(
    hr_admin, program, mentee, mentor, other_mentee
) -> None:
    _world(program, mentee, mentor, other_mentee)
    client = page_client(hr_admin)
    pairs = client.get("/relationships/program/leadership-2026/?health=at_risk&status=active")
    assert pairs.status_code == 200 and "Ana Mentee" in pairs.content.decode()
    proposals = client.get("/matching/programs/leadership-2026/?show=open")
    assert proposals.status_code == 200 and "Omar Mentee" in proposals.content.decode()


def test_a_stalled_pair_is_its_own_alert(hr_admin, program, mentee, mentor) -> None:
    _stalled(started_relationship(mentee, mentor))
    totals = _totals(hr_admin)
    assert totals["stalled"] == 1 and totals["at_risk"] == 0


def test_a_low_check_in_puts_a_pair_at_risk_on_home(hr_admin, program, mentee, mentor) -> None:
    relationship = started_relationship(mentee, mentor)
    check_in_create(actor=mentee, relationship=relationship, data=inputs.CheckInNew(pulse=1))
    assert _totals(hr_admin)["at_risk"] == 1


def test_program_manager_home_counts_only_their_programs(
    program_manager, other_manager, program, other_program, mentee, mentor, other_mentee, skills
) -> None:
    _world(program, mentee, mentor, other_mentee)
    _enroll(other_program, make_person(first_name="Wanda"), "mentee", skills)
    mine = oversight_alerts(actor=program_manager)
    assert {a.program.slug for a in mine.alerts} == {"leadership-2026"}
    assert _totals(program_manager)["waiting"] == 1
    theirs = oversight_alerts(actor=other_manager)
    assert {a.program.slug for a in theirs.alerts} == {"buddies"}
    assert _totals(other_manager) == {
        "at_risk": 0,
        "stalled": 0,
        "below_health": 0,
        "proposals": 0,
        "waiting": 1,
        "drafts": 0,
    }
    html = page_client(other_manager).get("/").content.decode()
    assert "Leadership 2026" not in html.split("Needs your attention")[1].split("</section>")[0]


def test_an_overseer_never_sees_their_own_pair_enrollment_or_proposal_as_an_alert(
    hr_admin, program, program_manager, mentee, skills
) -> None:
    """The program manager mentors in their own program: the HR admin oversees that pair."""
    _enroll(program, program_manager.person, "mentor", skills, capacity=3)
    relationship = started_relationship(mentee, program_manager)
    check_in_create(actor=mentee, relationship=relationship, data=inputs.CheckInNew(pulse=1))
    waiting = make_user(make_person(first_name="Wes"))
    _enroll(program, waiting.person, "mentee", skills)
    Match.objects.create(
        program=program,
        mentee=enrollment_of(waiting),
        mentor=Enrollment.objects.get(person=program_manager.person),
        status=MatchStatus.PROPOSED,
    )
    manager = _totals(program_manager)
    assert manager["at_risk"] == 0 and manager["proposals"] == 0 and manager["below_health"] == 0
    admin = _totals(hr_admin)
    assert admin["at_risk"] == 1 and admin["proposals"] == 1
    # An HR admin who is themselves a waiting mentee is not their own alert either.
    _enroll(program, hr_admin.person, "mentee", skills)
    assert _totals(hr_admin)["waiting"] == admin["waiting"]


def test_nothing_to_do_says_so(program_manager, program) -> None:
    html = page_client(program_manager).get("/").content.decode()
    assert "Nothing needs your attention in the 1 program you oversee" in html


def test_participants_and_executives_get_no_oversight_alerts(
    program, mentee, mentor, other_mentee, executive, outsider
) -> None:
    _world(program, mentee, mentor, other_mentee)
    for user in (mentee, mentor, executive, outsider):
        assert oversight_alerts(actor=user).programs == 0
        assert "Needs your attention" not in page_client(user).get("/").content.decode()


# Executive -------------------------------------------------------------------------------


def _cohort(program: Program, skills: Any, mentor: Any, n: int, matched: int) -> None:
    """n more mentees in `program`, the first `matched` of them with a published match."""
    mentor_enrollment = enrollment_of(mentor)
    for i in range(n):
        enrollment = _enroll(program, make_person(first_name=f"C{i}"), "mentee", skills)
        if i < matched:
            Match.objects.create(
                program=program,
                mentee=enrollment,
                mentor=mentor_enrollment,
                status=MatchStatus.PUBLISHED,
            )


def _figure(actor: Any, key: str) -> Any:
    figures = headline_figures(actor=actor)
    assert figures is not None
    return next(f for f in figures.figures if f.key == key)


def test_executive_home_shows_headline_figures_and_no_name(
    executive, program, mentee, mentor, other_mentee, skills
) -> None:
    _world(program, mentee, mentor, other_mentee)
    _cohort(program, skills, mentor, 10, 5)
    rate = _figure(executive, "match_rate")
    # 12 enrolled mentees (Ana, Omar, 10 more); matched: Ana (accepted) and 5 published.
    assert (rate.count, rate.of, rate.percent) == (6, 12, 50)
    html = page_client(executive).get("/").content.decode()
    assert (
        "Headline figures" in html
        and "50%" in html
        and "6 of 12 enrolled mentees have a match" in html
    )
    names = Enrollment.objects.values_list("person__first_name", "person__last_name")
    for first, last in names:
        assert f"{first} {last}" not in html
    assert "Needs your attention" not in html


def test_a_figure_about_fewer_than_the_minimum_group_is_hidden(
    executive, program, mentor, skills
) -> None:
    _cohort(program, skills, mentor, 10, 3)  # 3 matched: fewer than 5
    rate = _figure(executive, "match_rate")
    assert rate.hidden and rate.rate is None and rate.count is None and rate.of is None
    html = page_client(executive).get("/").content.decode()
    assert "Match rate: hidden, enrolled mentees have a match (a group under 5 people)" in html


def test_the_configured_minimum_group_size_is_the_one_applied(
    executive, program, mentor, skills, settings
) -> None:
    _cohort(program, skills, mentor, 10, 5)
    assert _figure(executive, "match_rate").percent == 50
    settings.MENTORWISE_MIN_GROUP_SIZE = 6
    assert _figure(executive, "match_rate").hidden


def test_a_complement_under_the_minimum_is_hidden_too(executive, program, mentor, skills) -> None:
    """9 of 10 matched tells that 1 person is not: hidden, like 1 of 10."""
    _cohort(program, skills, mentor, 10, 9)
    assert _figure(executive, "match_rate").hidden


def test_health_figure_counts_active_relationships_on_track(
    executive, program, mentee, mentor, skills
) -> None:
    started_relationship(mentee, mentor)
    health = _figure(executive, "health")
    assert health.hidden  # 1 relationship: fewer than 5


def test_only_hr_admins_and_executives_get_headline_figures(
    hr_admin, executive, program_manager, mentee, outsider
) -> None:
    assert headline_figures(actor=hr_admin) is not None
    assert headline_figures(actor=executive) is not None
    for user in (program_manager, mentee, outsider):
        assert headline_figures(actor=user) is None
        assert "Headline figures" not in page_client(user).get("/").content.decode()


def test_two_roles_at_once_show_both_sections(
    hr_admin, program, mentee, mentor, other_mentee
) -> None:
    """An HR admin who is also an executive, and a program manager who is also a mentee."""
    _world(program, mentee, mentor, other_mentee)
    hr_admin.is_executive = True
    hr_admin.save(update_fields=["is_executive"])
    html = page_client(hr_admin).get("/").content.decode()
    assert "Needs your attention" in html and "Headline figures" in html
    program.managers.add(mentee)
    html = page_client(mentee).get("/").content.decode()
    assert "Needs your attention" in html and "My relationships" in html
    # As the mentee of the at-risk pair, she does not see it as an alert of hers.
    assert _totals(mentee)["at_risk"] == 0


def test_home_queries_do_not_grow_with_programs(
    hr_admin, program, mentee, mentor, other_mentee, django_assert_max_num_queries
) -> None:
    _world(program, mentee, mentor, other_mentee)
    for i in range(6):
        Program.objects.create(name=f"P{i}", slug=f"p{i}", status=ProgramStatus.ACTIVE)
    with django_assert_max_num_queries(12):
        oversight_alerts(actor=hr_admin)


def test_organisation_counters_are_for_hr_admins_only(
    hr_admin, program, other_program, mentee, mentor, executive, program_manager
) -> None:
    from mentorwise.insights.home import organisation_counts
    from mentorwise.people.models import Person

    counts = organisation_counts(actor=hr_admin)
    assert counts is not None
    assert counts.active == Person.objects.count()  # nobody terminated here
    assert counts.enrollments == 2 and counts.programs_by_status == [("Enrolling", 2)]
    html = page_client(hr_admin).get("/").content.decode()
    assert "enrolling programs" in html
    for user in (executive, program_manager, mentee):
        assert organisation_counts(actor=user) is None
        assert "high potentials" not in page_client(user).get("/").content.decode()
