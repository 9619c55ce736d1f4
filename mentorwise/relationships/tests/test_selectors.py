"""Health rules, survey aggregates with small-group suppression, recognition, home panel."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone

from conftest import query_plan
from mentorwise.relationships import inputs, recognition, selectors, services
from mentorwise.relationships.health import STALL_GRACE_DAYS, Health, relationship_health
from mentorwise.relationships.inputs import SurveyAnswers
from mentorwise.relationships.tests.factories import started_relationship

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


def health(days_since_meeting: int | None, *, started_days_ago: int = 200, **kw) -> Health:
    return relationship_health(
        now=NOW,
        started_at=NOW - dt.timedelta(days=started_days_ago),
        last_meeting_at=None
        if days_since_meeting is None
        else NOW - dt.timedelta(days=days_since_meeting),
        cadence_days=kw.pop("cadence_days", 30),
        latest_pulses=kw.pop("latest_pulses", []),
        open_safety_reports=kw.pop("open_safety_reports", 0),
    ).health


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (0, Health.ON_TRACK),
        (30 + STALL_GRACE_DAYS, Health.ON_TRACK),
        (30 + STALL_GRACE_DAYS + 1, Health.STALLED),
        (60 + STALL_GRACE_DAYS, Health.STALLED),
        (60 + STALL_GRACE_DAYS + 1, Health.AT_RISK),
    ],
)
def test_health_by_days_since_last_meeting(days, expected):
    assert health(days) == expected


def test_health_counts_from_the_start_before_the_first_meeting():
    assert health(None, started_days_ago=10) == Health.ON_TRACK
    assert health(None, started_days_ago=50) == Health.STALLED


def test_low_recent_check_in_or_open_report_is_at_risk():
    assert health(3, latest_pulses=[4, 2]) == Health.AT_RISK
    assert health(3, latest_pulses=[3, 4]) == Health.ON_TRACK
    assert health(3, open_safety_reports=1) == Health.AT_RISK


@pytest.mark.django_db
def test_health_selector_uses_agreed_cadence_and_recent_check_ins(relationship, mentee, mentor):
    relationship.started_at = timezone.now() - dt.timedelta(days=25)
    relationship.save()
    assert selectors.health_by_relationship([relationship])[relationship.pk].health == "on_track"
    services.agreement_update(
        actor=mentee,
        relationship=relationship,
        data=inputs.AgreementTerms(pair_objectives="", meeting_cadence_days=7, confidentiality="x"),
    )
    assert selectors.health_by_relationship([relationship])[relationship.pk].health == "stalled"
    services.check_in_create(
        actor=mentor, relationship=relationship, data=inputs.CheckInNew(pulse=1)
    )
    assert selectors.health_by_relationship([relationship])[relationship.pk].health == "at_risk"


# Surveys --------------------------------------------------------------------------------

ANSWERS = {"satisfaction": 4, "recommend": 8, "goal_attainment": 3, "growth": 4}


def many_relationships(program, n: int) -> list:
    from conftest import _enroll, make_person, make_user

    pairs = []
    for _ in range(n):
        mentee = make_user(make_person())
        mentor = make_user(make_person(job_level=8))
        _enroll(program, mentee.person, "mentee", [])
        _enroll(program, mentor.person, "mentor", [])
        pairs.append((mentee, started_relationship(mentee, mentor)))
    return pairs


@pytest.mark.django_db
def test_survey_aggregates_suppressed_under_minimum_group_size(program, program_manager, settings):
    settings.MENTORWISE_MIN_GROUP_SIZE = 5
    pairs = many_relationships(program, 5)
    for mentee, relationship in pairs[:4]:
        services.survey_respond(
            actor=mentee, relationship=relationship, kind="midpoint", data=SurveyAnswers(ANSWERS)
        )
    summary = selectors.survey_summary(
        actor=program_manager, program=program, kind="midpoint", side="mentee"
    )
    assert summary.n == 4 and summary.suppressed
    assert all(q.mean is None for q in summary.questions)
    assert summary.responses == []  # the program's surveys are confidential
    mentee, relationship = pairs[4]
    services.survey_respond(
        actor=mentee,
        relationship=relationship,
        kind="midpoint",
        data=SurveyAnswers({**ANSWERS, "satisfaction": 5}),
    )
    summary = selectors.survey_summary(
        actor=program_manager, program=program, kind="midpoint", side="mentee"
    )
    by_key = {q.key: q for q in summary.questions}
    assert not summary.suppressed and by_key["satisfaction"].mean == 4.2


@pytest.mark.django_db
def test_individual_answers_only_when_program_not_confidential(
    program, relationship, mentee, program_manager
):
    services.survey_respond(
        actor=mentee, relationship=relationship, kind="midpoint", data=SurveyAnswers(ANSWERS)
    )
    assert (
        selectors.survey_summary(actor=program_manager, program=program, kind="midpoint").responses
        == []
    )
    program.surveys_confidential = False
    program.save()
    assert (
        len(
            selectors.survey_summary(
                actor=program_manager, program=program, kind="midpoint"
            ).responses
        )
        == 1
    )


@pytest.mark.django_db
def test_survey_results_page_hides_small_groups(program, relationship, mentee, program_manager):
    services.survey_respond(
        actor=mentee,
        relationship=relationship,
        kind="midpoint",
        data=SurveyAnswers({**ANSWERS, "comments": "Loved it"}),
    )
    client = Client()
    client.force_login(program_manager)
    page = client.get("/relationships/program/leadership-2026/surveys/").content.decode()
    assert "fewer than 5 answers" in page and "Loved it" not in page


# Recognition ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_contribution_record_counts_and_suppresses_feedback(relationship, mentee, mentor):
    services.meeting_log(
        actor=mentor,
        relationship=relationship,
        log=services.MeetingLog(held_at=timezone.now() - dt.timedelta(days=2), duration_minutes=90),
    )
    goal = services.goal_create(
        actor=mentee, relationship=relationship, fields=services.GoalFields(title="=1+1")
    )
    services.goal_progress_set(
        actor=mentee,
        goal=goal,
        data=inputs.GoalProgressChange(progress=100, status="achieved"),
    )
    services.sponsorship_action_record(
        actor=mentor,
        relationship=relationship,
        data=inputs.SponsorshipNew(kind="promotion", description="Nominated"),
    )
    services.survey_respond(
        actor=mentee, relationship=relationship, kind="midpoint", data=SurveyAnswers(ANSWERS)
    )
    start, end = recognition.review_period(None, None)
    record = recognition.contribution_record(person=mentor.person, start=start, end=end)
    assert (record.relationships, record.meetings_held, record.goals_reached) == (1, 1, 1)
    assert record.meeting_hours == 1.5
    assert record.feedback_n == 1 and record.feedback_suppressed and record.satisfaction is None
    assert record.sponsorship == {"Promotion nomination": 1}
    rows = list(csv.reader(io.StringIO(recognition.contribution_csv(record))))
    assert ["total", "meetings held", "1"] in rows
    assert any("not shown" in row[2] for row in rows if row[0] == "feedback")
    assert (
        recognition.contribution_record(person=mentee.person, start=start, end=end).relationships
        == 0
    )


@pytest.mark.django_db
def test_recognition_pages_for_the_person_and_hr_admins_only(
    relationship, mentor, hr_admin, program_manager, mentee
):
    url = f"/relationships/recognition/{mentor.person.pk}/"
    for user, status in ((mentor, 200), (hr_admin, 200), (program_manager, 404), (mentee, 404)):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == status
    client = Client()
    client.force_login(mentor)
    assert client.get("/relationships/recognition/")["Location"] == url
    csv_response = client.get(url + "contribution.csv?start=2026-01-01&end=2030-12-31")
    assert csv_response["Content-Type"] == "text/csv"
    assert "Marta Mentor" in csv_response.content.decode()
    pdf = client.get(url + "contribution.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    bad = client.get(url + "?start=yesterday", follow=True).content.decode()
    assert "start (&#x27;yesterday&#x27;): must be a date" in bad


@pytest.mark.django_db
def test_contribution_pdf_is_one_page(relationship, mentor, program):
    from weasyprint import HTML

    many_relationships(program, 3)
    start, end = recognition.review_period(None, None)
    record = recognition.contribution_record(person=mentor.person, start=start, end=end)
    record.sponsorship = dict.fromkeys(("Promotion nomination", "Introduction", "Other"), 2)
    html = recognition.render_to_string(
        "relationships/recognition_pdf.html", {"record": record, "min_group_size": 5}
    )
    assert len(HTML(string=html).render().pages) == 1


# Home panel -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_panel_lists_what_is_due(relationship, mentee, mentor, other_mentee):
    published_soon = timezone.now() + dt.timedelta(days=2)
    meeting = services.meeting_schedule(
        actor=mentor,
        relationship=relationship,
        data=inputs.MeetingSchedule(starts_at=published_soon),
    )
    services.goal_create(
        actor=mentee, relationship=relationship, fields=services.GoalFields(title="Speak")
    )
    panel = selectors.home_panel(actor=mentee)
    assert panel["next_meeting"] == meeting
    assert [g.title for g in panel["open_goals"]] == ["Speak"]
    assert any("Confirm your agreement" in d["text"] for d in panel["due"])
    assert panel["relationships"][0]["other"] == mentor.person
    assert selectors.home_panel(actor=other_mentee)["relationships"] == []
    from django.template.loader import render_to_string

    html = render_to_string("relationships/_home_panel.html", {"panel": panel})
    assert "Confirm your agreement with Marta Mentor" in html


def test_no_private_note_model_access_outside_author_path():
    """Grep-style guard: PrivateNote is queried only in the author-only selector and service."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2]
    users = sorted(
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "PrivateNote.objects" in p.read_text(encoding="utf-8") and "tests" not in p.parts
    )
    assert users == [
        "circles/selectors.py",  # a circle meeting's note: filtered by author=actor
        "circles/services.py",  # the author writes or deletes their own note
        "privacy/erasure.py",  # deletes the erased person's notes; replaces their name in others'
        "privacy/export.py",  # access request: only the notes the exported person wrote
        "privacy/retention.py",  # deletes notes past the retention period, never reads them
        "relationships/selectors/pair.py",
        "relationships/services/meetings.py",
    ]


def test_a_persons_relationships_are_read_through_both_sides_indexes(relationship) -> None:
    from mentorwise.relationships.permissions import relationships_of_person

    mentee_person = relationship.mentee.person_id
    found = relationships_of_person(mentee_person).order_by()
    assert list(found) == [relationship]
    assert list(relationships_of_person(relationship.mentor.person_id)) == [relationship]
    sql, params = found.query.sql_with_params()
    plan = query_plan(sql, list(params))
    # Each side through an index on its column (on PostgreSQL an OR of two IN (subquery)
    # was a filter over every relationship instead).
    assert "mentee" in plan and "mentor" in plan
    assert "Filter" not in plan and "SCAN relationships_relationship" not in plan, plan
    # The subqueries read the enrollments alone: the enrollments' default ordering (by
    # program name) would join the programs table into each, for the planner to weigh.
    assert sql.count("programs_program") == 0, sql
