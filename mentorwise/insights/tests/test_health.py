"""Program health selectors on a small hand-built program, with exact expected values.

The program "Health 2026" (cadence 30 days, mentees up to level 5), seen on AS_OF:

    people   M1–M5 mentees (active enrollments, created AS_OF − 240 d), M6 mentee (withdrawn),
             E7 eligible but not enrolled, E8 terminated (not eligible),
             T1–T3 mentors (level 8)
    matches  M1–T1, M2–T2, M3–T1 accepted; M4–T3 ended; M5–T2 published (awaiting);
             M5–T3 declined; M6–T3 expired; M2–T3 proposed (never published)

    rel  started     cadence (latest agreement)   held meetings   last meeting  recent pulses
    R1   AS_OF−180d  30 (v1, both confirmed)      6               AS_OF−10d     mentee 4, mentor 5
    R2   AS_OF−210d  15 (v2, mentee only)         7               AS_OF−40d     mentee 3 (1 at −60d)
    R3   AS_OF−90d   30 (program; no agreement)   3 (+1 sched.,   AS_OF−5d      mentor 2
                                                    1 cancelled)
    R4   AS_OF−230d  30 (v1, both); closed as planned AS_OF−20d, 2 held meetings
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_person, make_user
from mentorwise.accounts.models import User
from mentorwise.insights.health import (
    AgreementConfirmation,
    Funnel,
    GoalProgress,
    HealthShares,
    MatchAcceptance,
    TimeToMatch,
    TrainingCompletion,
    TrendPoint,
    agreement_confirmation,
    check_in_trend,
    goal_progress,
    match_acceptance,
    meeting_cadence,
    program_funnel,
    program_health,
    programs_overview,
    relationship_health_shares,
    survey_scores,
    time_to_match,
    training_completion,
)
from mentorwise.insights.trends import program_activity
from mentorwise.learning.models import ModuleCompletion, ProgramTrainingRequirement, TrainingModule
from mentorwise.matches.models import Match, MatchStatus
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program, ProgramKind
from mentorwise.relationships.health import Health
from mentorwise.relationships.models import (
    Agreement,
    AgreementVersion,
    CheckIn,
    ClosureKind,
    Goal,
    GoalStatus,
    Meeting,
    MeetingStatus,
    Relationship,
    RelationshipStatus,
    SafetyReport,
    SafetyStatus,
    Survey,
    SurveyResponse,
)
from mentorwise.relationships.selectors import health_by_relationship

AS_OF = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


def days_ago(days: int) -> dt.datetime:
    return AS_OF - dt.timedelta(days=days)


def _relationship(
    program: Program,
    mentee: Enrollment,
    mentor: Enrollment,
    *,
    started: int,
    last_meeting: int,
    status: str = RelationshipStatus.ACTIVE,
    closed: int | None = None,
) -> Relationship:
    match = Match.objects.create(
        program=program,
        mentee=mentee,
        mentor=mentor,
        status=MatchStatus.ACCEPTED if status == RelationshipStatus.ACTIVE else MatchStatus.ENDED,
        published_at=days_ago(started + 5),
    )
    return Relationship.objects.create(
        match=match,
        program=program,
        mentee=mentee,
        mentor=mentor,
        status=status,
        started_at=days_ago(started),
        last_meeting_at=days_ago(last_meeting),
        closed_at=None if closed is None else days_ago(closed),
        closure_kind=ClosureKind.PLANNED if closed is not None else "",
    )


def _agreement(relationship: Relationship, *versions: tuple[int, bool, bool]) -> None:
    """Versions numbered 1.. as (cadence days, mentee confirmed, mentor confirmed)."""
    agreement = Agreement.objects.create(relationship=relationship)
    for number, (cadence, mentee_ok, mentor_ok) in enumerate(versions, start=1):
        AgreementVersion.objects.create(
            agreement=agreement,
            number=number,
            meeting_cadence_days=cadence,
            mentee_confirmed_at=days_ago(200) if mentee_ok else None,
            mentor_confirmed_at=days_ago(200) if mentor_ok else None,
        )


def _meetings(relationship: Relationship, status: str, *ago: int) -> None:
    Meeting.objects.bulk_create(
        Meeting(relationship=relationship, status=status, starts_at=days_ago(d)) for d in ago
    )


def _check_in(relationship: Relationship, side: str, pulse: int, ago: int) -> None:
    CheckIn.objects.create(
        relationship=relationship, side=side, pulse=pulse, created_at=days_ago(ago)
    )


def _goal(relationship: Relationship, status: str, progress: int) -> None:
    Goal.objects.create(relationship=relationship, title="Goal", status=status, progress=progress)


def _answers(survey: Survey, relationship: Relationship, side: str, sat: int, rec: int) -> None:
    SurveyResponse.objects.create(
        survey=survey,
        relationship=relationship,
        side=side,
        answers={"satisfaction": sat, "recommend": rec, "comment": "fine"},
    )


@pytest.fixture
def data(db: None) -> dict[str, Any]:
    program = Program.objects.create(
        slug="health-2026",
        name="Health 2026",
        kind=ProgramKind.MENTORING,
        objectives="Grow leaders",
        meeting_cadence_days=30,
        eligibility={"mentee": {"level_max": 5}, "mentor": {"level_min": 7}},
        mentor_training_required=True,
    )

    def enroll(role: str, level: int, status: str = EnrollmentStatus.ACTIVE) -> Enrollment:
        return Enrollment.objects.create(
            program=program,
            person=make_person(job_level=level),
            role=role,
            status=status,
            created_at=days_ago(240),
        )

    m1, m2, m3, m4, m5 = (enroll("mentee", 4) for _ in range(5))
    m6 = enroll("mentee", 5, status=EnrollmentStatus.WITHDRAWN)
    make_person(job_level=3)  # E7: eligible, not enrolled
    make_person(job_level=4, termination_date=dt.date(2026, 5, 1))  # E8: left, not eligible
    t1, t2, t3 = (enroll("mentor", 8) for _ in range(3))

    r1 = _relationship(program, m1, t1, started=180, last_meeting=10)
    r2 = _relationship(program, m2, t2, started=210, last_meeting=40)
    r3 = _relationship(program, m3, t1, started=90, last_meeting=5)
    r4 = _relationship(
        program, m4, t3, started=230, last_meeting=25, status=RelationshipStatus.CLOSED, closed=20
    )
    for mentee, mentor, status in [
        (m5, t2, MatchStatus.PUBLISHED),
        (m5, t3, MatchStatus.DECLINED),
        (m6, t3, MatchStatus.EXPIRED),
    ]:
        Match.objects.create(
            program=program, mentee=mentee, mentor=mentor, status=status, published_at=days_ago(30)
        )
    Match.objects.create(program=program, mentee=m2, mentor=t3, status=MatchStatus.PROPOSED)

    _agreement(r1, (30, True, True))
    _agreement(r2, (30, True, True), (15, True, False))
    _agreement(r4, (30, True, True))

    _meetings(r1, MeetingStatus.HELD, 170, 140, 110, 80, 40, 10)
    _meetings(r2, MeetingStatus.HELD, 200, 180, 160, 120, 90, 60, 40)
    _meetings(r3, MeetingStatus.HELD, 70, 35, 5)
    _meetings(r3, MeetingStatus.SCHEDULED, -5)
    _meetings(r3, MeetingStatus.CANCELLED, 50)
    _meetings(r4, MeetingStatus.HELD, 200, 25)

    _check_in(r1, "mentee", 4, 10)  # 2026-05-22
    _check_in(r1, "mentor", 5, 12)  # 2026-05-20
    _check_in(r2, "mentee", 3, 5)  # 2026-05-27
    _check_in(r2, "mentee", 1, 60)  # 2026-04-02: older than 2 × 15 days, no effect on health
    _check_in(r3, "mentor", 2, 3)  # 2026-05-29
    _check_in(r4, "mentee", 5, 70)  # 2026-03-23
    SafetyReport.objects.create(
        relationship=r1, category="other", description="x", status=SafetyStatus.RESOLVED
    )

    _goal(r1, GoalStatus.ACHIEVED, 100)
    _goal(r1, GoalStatus.OPEN, 40)
    _goal(r2, GoalStatus.OPEN, 20)
    _goal(r2, GoalStatus.DROPPED, 0)
    _goal(r3, GoalStatus.OPEN, 0)
    _goal(r4, GoalStatus.ACHIEVED, 100)

    midpoint = Survey.objects.create(program=program, kind="midpoint")
    closing = Survey.objects.create(program=program, kind="closing")
    _answers(midpoint, r1, "mentee", 5, 10)
    _answers(midpoint, r1, "mentor", 4, 9)
    _answers(midpoint, r2, "mentee", 3, 9)
    _answers(midpoint, r2, "mentor", 4, 6)
    _answers(midpoint, r3, "mentee", 2, 3)
    _answers(closing, r4, "mentee", 5, 10)
    _answers(closing, r4, "mentor", 5, 10)

    modules = [
        TrainingModule.objects.create(slug=slug, title=slug, body_markdown="…", is_active=active)
        for slug, active in [("a", True), ("b", True), ("retired", False)]
    ]
    for module in modules:
        ProgramTrainingRequirement.objects.create(program=program, module=module)
    for person, passed in [(t1.person, modules[:2]), (t2.person, modules[:1])]:
        for module in passed:
            ModuleCompletion.objects.create(person=person, module=module, score=100)
    return {"program": program}


def test_funnel_counts_each_stage(data: dict[str, Any]) -> None:
    # eligible: M1–M6 (levels 4–5) + E7; E8 left, mentors are level 8 → 7
    # enrolled: M1–M5 (M6 withdrew) → 5
    # matched: M1–M3 accepted, M4 ended, M5 published → 5
    # active: M1–M3 → 3; completed: M4 (closed as planned) → 1
    assert program_funnel(program=data["program"], as_of=AS_OF) == Funnel(
        eligible=7, enrolled=5, matched=5, active=3, completed=1
    )


def test_time_to_match_in_days_from_enrollment_to_start(data: dict[str, Any]) -> None:
    # enrolled at −240 d; starts −180, −210, −90, −230 → 60, 30, 150, 10 days
    # median (30 + 60) / 2 = 45; mean 250 / 4 = 62.5
    assert time_to_match(program=data["program"]) == TimeToMatch(
        median_days=45.0, mean_days=62.5, n=4
    )


def test_match_acceptance_over_answered_published_matches(data: dict[str, Any]) -> None:
    # answered: 3 accepted + 1 ended, 1 declined, 1 expired → n = 6;
    # the published match awaiting answers and the proposed one are left out
    assert match_acceptance(program=data["program"]) == MatchAcceptance(
        accepted=4,
        declined=1,
        expired=1,
        n=6,
        accepted_share=4 / 6,
        declined_share=1 / 6,
        expired_share=1 / 6,
    )


def test_agreement_confirmation_looks_at_the_latest_version(data: dict[str, Any]) -> None:
    # R1 v1 both ✓, R2 v2 mentee only ✗ (v1 both does not count), R3 none ✗, R4 v1 both ✓
    assert agreement_confirmation(program=data["program"]) == AgreementConfirmation(
        confirmed=2, n=4, share=0.5
    )


def test_meeting_cadence_against_the_agreed_cadence(data: dict[str, Any]) -> None:
    # R1 6 held / (180 / 30 = 6) = 1; R2 7 / (210 / 15 = 14) = 0.5; R3 3 / (90 / 30 = 3) = 1
    # (scheduled and cancelled meetings do not count; R4 is closed)
    result = meeting_cadence(program=data["program"], as_of=AS_OF)
    assert (result.n, result.held, result.expected) == (3, 16, 23.0)
    assert result.mean_held == pytest.approx(16 / 3, abs=1e-12)
    assert result.mean_expected == pytest.approx(23 / 3, abs=1e-12)
    assert result.mean_ratio == pytest.approx((1 + 0.5 + 1) / 3, abs=1e-12)


def test_meeting_cadence_leaves_out_relationships_younger_than_one_cadence(
    data: dict[str, Any],
) -> None:
    # 70 days earlier R3 was 20 days old (< 30): left out. R1, 110 d: 4 held
    # (−170, −140, −110, −80) / (110 / 30) = 120 / 110; R2, 140 d at cadence 15: 5 held
    # (−200, −180, −160, −120, −90) / (140 / 15) = 75 / 140
    result = meeting_cadence(program=data["program"], as_of=days_ago(70))
    assert (result.n, result.held) == (2, 9)
    assert result.mean_ratio == pytest.approx((120 / 110 + 75 / 140) / 2, abs=1e-12)


def test_health_shares_use_the_relationship_health_rule(data: dict[str, Any]) -> None:
    # R1: 10 d since meeting, pulses 4 and 5 → on track (resolved report ignored)
    # R2: 40 d > 15 + 14 and ≤ 2 × 15 + 14 → stalled (the pulse 1 is older than 30 d)
    # R3: mentor pulse 2 ≤ 2 → at risk
    assert relationship_health_shares(program=data["program"], as_of=AS_OF) == HealthShares(
        on_track=1,
        stalled=1,
        at_risk=1,
        n=3,
        on_track_share=1 / 3,
        stalled_share=1 / 3,
        at_risk_share=1 / 3,
    )


def test_health_shares_agree_with_the_relationship_list(data: dict[str, Any]) -> None:
    # The bulk inputs here must stay those of relationships.selectors.health_by_relationship.
    active = list(
        Relationship.objects.filter(program=data["program"], status=RelationshipStatus.ACTIVE)
    )
    expected = Counter(h.health for h in health_by_relationship(active, now=AS_OF).values())
    shares = relationship_health_shares(program=data["program"], as_of=AS_OF)
    assert (shares.on_track, shares.stalled, shares.at_risk) == (
        expected[Health.ON_TRACK],
        expected[Health.STALLED],
        expected[Health.AT_RISK],
    )


def test_an_open_safety_report_puts_a_relationship_at_risk(data: dict[str, Any]) -> None:
    # R1's report reopened: R1 at risk → on track 0, stalled 1 (R2), at risk 2 (R1, R3)
    SafetyReport.objects.update(status=SafetyStatus.OPEN)
    shares = relationship_health_shares(program=data["program"], as_of=AS_OF)
    assert (shares.on_track, shares.stalled, shares.at_risk, shares.n) == (0, 1, 2, 3)


def test_goal_progress_leaves_dropped_goals_out(data: dict[str, Any]) -> None:
    # not dropped: 100, 40, 20, 0, 100 → 5 goals, mean 260 / 5 = 52; achieved 2 → 2 / 5
    assert goal_progress(program=data["program"]) == GoalProgress(
        goals=5, dropped=1, achieved=2, mean_progress=52.0, attainment_share=0.4
    )


def test_check_in_trend_by_month(data: dict[str, Any]) -> None:
    # March: 5; April: 1; May: 4, 5, 3, 2. Each month rests on fewer than k = 5 people (a
    # relationship's side), so the counts are shown and the means are not.
    assert check_in_trend(program=data["program"], now=AS_OF) == [
        TrendPoint(period=dt.date(2026, 3, 1), mean_pulse=None, n=1),
        TrendPoint(period=dt.date(2026, 4, 1), mean_pulse=None, n=1),
        TrendPoint(period=dt.date(2026, 5, 1), mean_pulse=None, n=4),
    ]


def test_check_in_trend_by_week_and_quarter(data: dict[str, Any]) -> None:
    # weeks start on Monday: 03-23, week of 03-30, 05-18 (2), 05-25 (2); quarters: Q1 (1),
    # Q2 (5, but Q2 is still open on AS_OF = 1 June, so it is not shown)
    assert check_in_trend(program=data["program"], bucket="week", now=AS_OF) == [
        TrendPoint(period=dt.date(2026, 3, 23), mean_pulse=None, n=1),
        TrendPoint(period=dt.date(2026, 3, 30), mean_pulse=None, n=1),
        TrendPoint(period=dt.date(2026, 5, 18), mean_pulse=None, n=2),
        TrendPoint(period=dt.date(2026, 5, 25), mean_pulse=None, n=2),
    ]
    assert check_in_trend(program=data["program"], bucket="quarter", now=AS_OF) == [
        TrendPoint(period=dt.date(2026, 1, 1), mean_pulse=None, n=1),
    ]
    later = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)
    (_q1, q2) = check_in_trend(program=data["program"], bucket="quarter", now=later)
    assert q2.period == dt.date(2026, 4, 1) and q2.n == 5
    # Q2's five check-ins come from four people (R2's mentee twice): still hidden.
    assert q2.mean_pulse is None


def test_check_in_trend_shows_a_closed_months_mean_over_k_people(data: dict[str, Any]) -> None:
    relationships = list(Relationship.objects.filter(program=data["program"]).order_by("pk"))
    people = [(r, side) for r in relationships for side in ("mentee", "mentor")][:6]
    # February (closed on AS_OF): five different people check in with 1..5, one of them twice.
    for pulse, (relationship, side) in enumerate(people[:5], start=1):
        CheckIn.objects.create(
            relationship=relationship,
            side=side,
            pulse=pulse,
            created_at=dt.datetime(2026, 2, 10, tzinfo=dt.UTC),
        )
    relationship, side = people[0]
    CheckIn.objects.create(
        relationship=relationship,
        side=side,
        pulse=5,
        created_at=dt.datetime(2026, 2, 11, tzinfo=dt.UTC),
    )
    # June is open on 15 June: a check-in there changes nothing published.
    before = check_in_trend(program=data["program"], now=dt.datetime(2026, 6, 15, tzinfo=dt.UTC))
    CheckIn.objects.create(
        relationship=relationship,
        side=side,
        pulse=1,
        created_at=dt.datetime(2026, 6, 14, tzinfo=dt.UTC),
    )
    after = check_in_trend(program=data["program"], now=dt.datetime(2026, 6, 15, tzinfo=dt.UTC))
    assert after == before
    february = after[0]
    assert february == TrendPoint(period=dt.date(2026, 2, 1), mean_pulse=20 / 6, n=6)


def test_check_in_trend_refuses_an_unknown_bucket(data: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="bucket = 'day'"):
        check_in_trend(program=data["program"], bucket="day")


def test_survey_scores_of_both_sides_are_hidden_while_a_side_is(data: dict[str, Any]) -> None:
    # 5 midpoint answers, but 3 from mentees and 2 from mentors: each side is under k, and
    # both sides together minus one side would give the other, so nothing is shown (the
    # arithmetic over whole blocks: tests/test_disclosure_org.py).
    scores = survey_scores(program=data["program"], kind="midpoint")
    assert (scores.n_satisfaction, scores.n_recommend) == (5, 5)
    assert (scores.mean_satisfaction, scores.promoters, scores.detractors, scores.nps) == (
        None,
        None,
        None,
        None,
    )
    assert scores.suppressed is True


def test_survey_scores_below_the_minimum_group_size_are_suppressed(
    data: dict[str, Any],
) -> None:
    # closing: 2 answers < 5; midpoint mentees only: 3 answers < 5
    for scores in [
        survey_scores(program=data["program"], kind="closing"),
        survey_scores(program=data["program"], kind="midpoint", side="mentee"),
    ]:
        assert scores.suppressed is True
        assert scores.mean_satisfaction is None
        assert (scores.promoters, scores.detractors, scores.nps) == (None, None, None)
    assert survey_scores(program=data["program"], kind="closing").n_satisfaction == 2


def test_training_completion_counts_active_required_modules(data: dict[str, Any]) -> None:
    # required a, b (the retired module does not count); T1 passed both, T2 only a, T3 none
    assert training_completion(program=data["program"]) == TrainingCompletion(
        required_modules=2, mentors=3, completed=1, share=1 / 3
    )


def test_program_health_gathers_every_figure_in_few_queries(
    data: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    # eligible 1, funnel 1, time to match 1, acceptance 1, agreements 2, cadence 3,
    # health 4, goals 1, trend 1, surveys 2, training 4, journey 3 → 24, whatever its size
    with django_assert_max_num_queries(24):
        health = program_health(program=data["program"], as_of=AS_OF)
    assert health.funnel.completed == 1
    assert health.health.on_track == 1
    assert health.midpoint_survey.n_recommend == 5 and health.midpoint_survey.nps is None
    assert health.closing_survey.suppressed is True
    assert health.training.completed == 1


def test_program_health_queries_do_not_grow_with_the_program(
    data: dict[str, Any], django_assert_num_queries: Any
) -> None:
    program = data["program"]
    with CaptureQueriesContext(connection) as before:
        program_health(program=program, as_of=AS_OF)
    mentors = list(Enrollment.objects.filter(program=program, role="mentor"))
    for i in range(4):
        mentee = Enrollment.objects.create(
            program=program, person=make_person(job_level=4), role="mentee"
        )
        relationship = _relationship(program, mentee, mentors[i % 3], started=60, last_meeting=9)
        _meetings(relationship, MeetingStatus.HELD, 40, 9)
        _check_in(relationship, "mentee", 4, 8)
        _goal(relationship, GoalStatus.OPEN, 10)
    with django_assert_num_queries(len(before)):
        program_health(program=program, as_of=AS_OF)


def test_selectors_of_an_empty_program(db: None) -> None:
    program = Program.objects.create(slug="new", name="New", kind="mentoring", objectives="x")
    health = program_health(program=program, as_of=AS_OF)
    assert health.funnel == Funnel(eligible=0, enrolled=0, matched=0, active=0, completed=0)
    assert health.time_to_match == TimeToMatch(median_days=None, mean_days=None, n=0)
    assert health.match_acceptance.accepted_share is None
    assert health.agreement_confirmation.share is None
    assert (health.meeting_cadence.n, health.meeting_cadence.mean_ratio) == (0, None)
    assert (health.health.n, health.health.on_track_share) == (0, None)
    assert (health.goals.goals, health.goals.attainment_share) == (0, None)
    assert health.check_in_trend == []
    assert health.midpoint_survey.suppressed is True
    assert health.training == TrainingCompletion(
        required_modules=0, mentors=0, completed=0, share=None
    )


def test_programs_overview_shows_the_programs_an_actor_manages(
    data: dict[str, Any],
    hr_admin: User,
    program_manager_user: User,
    django_assert_max_num_queries: Any,
) -> None:
    program = data["program"]
    program.managers.add(program_manager_user)
    Program.objects.create(slug="empty", name="Another", kind="mentoring", objectives="x")
    with django_assert_max_num_queries(8):
        rows = programs_overview(actor=hr_admin, as_of=AS_OF)
    assert [row.program.name for row in rows] == ["Another", "Health 2026"]
    empty, health = rows
    assert (empty.enrolled, empty.active, empty.on_track_share) == (0, 0, None)
    assert (empty.satisfaction, empty.suppressed) == (None, True)
    # enrolled M1–M5; active R1–R3, 1 on track; 7 answers, but the mentors' side is under k
    # (both sides minus the mentees' would give it), so no satisfaction is shown.
    assert (health.enrolled, health.active, health.on_track_share) == (5, 3, 1 / 3)
    assert (health.satisfaction, health.satisfaction_n, health.suppressed) == (None, 7, True)

    managed = programs_overview(actor=program_manager_user, as_of=AS_OF)
    assert [row.program.name for row in managed] == ["Health 2026"]
    assert programs_overview(actor=make_user(make_person(job_level=5)), as_of=AS_OF) == []


def test_program_activity_counts_each_month(data: dict[str, Any]) -> None:
    months = program_activity(program=data["program"], as_of=AS_OF)
    assert [m.month.strftime("%Y-%m") for m in months] == [
        *(f"2025-{month:02}" for month in range(7, 13)),
        *(f"2026-{month:02}" for month in range(1, 7)),
    ]
    table = {m.month.strftime("%Y-%m"): m for m in months}
    assert {k: m.enrolled for k, m in table.items() if m.enrolled} == {"2025-10": 6}
    assert {k: m.matched for k, m in table.items() if m.matched} == {
        "2025-10": 1,
        "2025-11": 1,
        "2025-12": 1,
        "2026-03": 1,
    }
    assert {k: m.closed for k, m in table.items() if m.closed} == {"2026-05": 1}
    assert {k: m.meetings for k, m in table.items() if m.meetings} == {
        "2025-11": 2,
        "2025-12": 3,
        "2026-01": 1,
        "2026-02": 2,
        "2026-03": 3,
        "2026-04": 4,
        "2026-05": 3,
    }
    assert [m.active_at_end for m in months] == [0, 0, 0, 1, 2, 3, 3, 3, 4, 4, 3, 3]


def test_program_activity_carries_relationships_started_before_the_window(
    data: dict[str, Any],
) -> None:
    months = program_activity(program=data["program"], as_of=AS_OF, months=3)
    assert [m.month for m in months] == [
        dt.date(2026, 4, 1),
        dt.date(2026, 5, 1),
        dt.date(2026, 6, 1),
    ]
    assert [m.active_at_end for m in months] == [4, 3, 3]
    with pytest.raises(ValueError, match="months = 0"):
        program_activity(program=data["program"], months=0)
