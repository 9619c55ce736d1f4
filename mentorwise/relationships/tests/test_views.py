"""Relationship pages: what each role sees, and the denied paths (404, never another's data)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from mentorwise.matches.models import MatchStatus
from mentorwise.relationships import inputs, services
from mentorwise.relationships.models import (
    Goal,
    Meeting,
    PrivateNote,
    RelationshipStatus,
    SafetyReport,
)
from mentorwise.relationships.pages import program_health_counts
from mentorwise.relationships.tests.factories import published_match

pytestmark = pytest.mark.django_db

SECRET = "My private worry about the reorg"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def held_meeting(relationship, mentee) -> Meeting:
    return services.meeting_log(
        actor=mentee,
        relationship=relationship,
        log=services.MeetingLog(
            held_at=timezone.now() - dt.timedelta(days=1),
            topics="Budget talk",
            shared_notes="Shared: next steps agreed",
            private_note=SECRET,
        ),
    )


def test_accept_through_the_page_starts_the_relationship(mentee, mentor):
    match = published_match(mentee, mentor)
    page = client_for(mentee).get("/relationships/").content.decode()
    assert "Matches awaiting your answer" in page
    client_for(mentee).post(f"/relationships/matches/{match.pk}/respond/", {"answer": "accept"})
    response = client_for(mentor).post(
        f"/relationships/matches/{match.pk}/respond/", {"answer": "accept"}
    )
    match.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED
    assert response["Location"] == f"/relationships/{match.relationship.pk}/"


def test_others_cannot_answer_a_match_page(mentee, mentor, other_mentee):
    match = published_match(mentee, mentor)
    response = client_for(other_mentee).post(
        f"/relationships/matches/{match.pk}/respond/", {"answer": "accept"}
    )
    assert response.status_code == 404


def test_pair_page_shows_everything_to_the_pair(relationship, mentee, mentor, held_meeting):
    page = client_for(mentee).get(f"/relationships/{relationship.pk}/").content.decode()
    assert "Agreement · version 1" in page and "Shared: next steps agreed" in page
    assert SECRET in page  # the author reads their own note
    mentor_page = client_for(mentor).get(f"/relationships/{relationship.pk}/").content.decode()
    assert "Shared: next steps agreed" in mentor_page
    assert SECRET not in mentor_page


@pytest.mark.parametrize("who", ["mentor", "program_manager", "hr_admin"])
def test_nobody_but_the_author_reads_a_private_note(
    request, relationship, held_meeting, who
) -> None:
    user = request.getfixturevalue(who)
    client = client_for(user)
    for url in (
        "/relationships/",
        f"/relationships/{relationship.pk}/",
        f"/relationships/program/{relationship.program.slug}/",
        f"/relationships/meetings/{held_meeting.pk}/meeting.ics",
    ):
        assert SECRET not in client.get(url).content.decode()


def test_overseer_sees_progress_not_content(relationship, mentee, program_manager, held_meeting):
    services.goal_create(
        actor=mentee,
        relationship=relationship,
        fields=services.GoalFields(title="Secret goal title", specific="Become VP"),
    )
    services.check_in_create(
        actor=mentee,
        relationship=relationship,
        data=inputs.CheckInNew(pulse=4, comment="Pulse note"),
    )
    page = client_for(program_manager).get(f"/relationships/{relationship.pk}/").content.decode()
    assert "You oversee this relationship" in page and "1 held" in page
    for private in ("Secret goal title", "Become VP", "Shared: next steps", "Pulse note", SECRET):
        assert private not in page
    assert "<td>Open</td>" in page and "<td>open</td>" not in page  # the status's label


@pytest.mark.parametrize("who", ["program_manager", "hr_admin"])
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "page"])
def test_overseer_refused_goal_change_never_renders_the_goal(
    request, relationship, mentee, who, htmx
) -> None:
    """An overseer reaches a goal's id (access_goal) but may not change or read it: the
    refusal answers with its message only, never the goal card (title, SMART text)."""
    goal = services.goal_create(
        actor=mentee,
        relationship=relationship,
        fields=services.GoalFields(title="Secret goal title", specific="Become VP"),
    )
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client_for(request.getfixturevalue(who)).post(
        f"/relationships/goals/{goal.pk}/progress/", {"progress": "90"}, **headers
    )
    body = response.content.decode()
    assert "Secret goal title" not in body and "Become VP" not in body
    if htmx:
        assert response.status_code == 403
        assert response["HX-Reswap"] == "none"
        assert 'hx-swap-oob="true"' in body and "Only the two people" in body
    else:
        assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.progress == 0


def test_refused_htmx_action_of_the_pair_answers_its_status_and_message(relationship, mentee):
    """Invalid input from the pair is refused the same way: 422 and the field, no card."""
    goal = services.goal_create(
        actor=mentee, relationship=relationship, fields=services.GoalFields(title="Lead")
    )
    response = client_for(mentee).post(
        f"/relationships/goals/{goal.pk}/progress/", {"progress": "140"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 422 and "Progress (%): must be 0 to 100" in body
    assert f'id="goal-{goal.pk}"' not in body


@pytest.mark.parametrize("who", ["other_mentee", "other_manager", "outsider"])
def test_other_people_get_404_everywhere(request, relationship, held_meeting, who) -> None:
    goal = services.goal_create(
        actor=relationship.mentee.person.user,
        relationship=relationship,
        fields=services.GoalFields(title="G"),
    )
    client = client_for(request.getfixturevalue(who))
    rid, mid = relationship.pk, held_meeting.pk
    gets = [
        f"/relationships/{rid}/",
        f"/relationships/meetings/{mid}/meeting.ics",
        f"/relationships/{rid}/surveys/midpoint/",
        f"/relationships/{rid}/report/",
        f"/relationships/program/{relationship.program.slug}/",
        f"/relationships/program/{relationship.program.slug}/surveys/",
        f"/relationships/program/{relationship.program.slug}/safety/",
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        f"/relationships/{rid}/goals/",
        f"/relationships/goals/{goal.pk}/progress/",
        f"/relationships/{rid}/meetings/",
        f"/relationships/meetings/{mid}/private-note/",
        f"/relationships/{rid}/check-ins/",
        f"/relationships/{rid}/close/",
        f"/relationships/{rid}/agreement/confirm/",
    ]
    for url in posts:
        assert client.post(url, {"text": "x", "title": "x", "kind": "planned"}).status_code == 404
    assert not PrivateNote.objects.exclude(text=SECRET).exists()
    assert Goal.objects.get().progress == 0
    relationship.refresh_from_db()
    assert relationship.status == RelationshipStatus.ACTIVE


def test_pair_flow_through_the_pages(relationship, mentee, mentor):
    ana, marta = client_for(mentee), client_for(mentor)
    base = f"/relationships/{relationship.pk}"
    ana.post(f"{base}/agreement/confirm/", {"version": "1"})
    marta.post(f"{base}/agreement/confirm/", {"version": "1"})
    assert relationship.agreement.current.is_confirmed
    ana.post(f"{base}/goals/", {"title": "Lead the budget talk", "target_date": "2026-12-31"})
    goal = Goal.objects.get()
    response = ana.post(
        f"/relationships/goals/{goal.pk}/progress/", {"progress": "30"}, HTTP_HX_REQUEST="true"
    )
    # Like every form of the page: the page reloads where the person is, with the message.
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    page = ana.get(f"{base}/").content.decode()
    assert "30 %" in page and "Progress saved." in page
    day = (timezone.now() + dt.timedelta(days=10)).date()
    ana.post(f"{base}/meetings/", {"starts_at": f"{day}T10:00", "duration_minutes": "45"})
    meeting = Meeting.objects.get()
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")  # Ana is in Berlin
    assert meeting.starts_at == dt.datetime.combine(day, dt.time(10), tzinfo=berlin)
    ics = ana.get(f"/relationships/meetings/{meeting.pk}/meeting.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    assert Calendar.from_ical(ics.content)["METHOD"] == "REQUEST"
    ana.post(
        f"{base}/meetings/log/",
        {
            "meeting": meeting.pk,
            "held_at": f"{(timezone.now() - dt.timedelta(days=2)).date()}T10:00",
            "private_note": "only mine",
        },
    )
    meeting.refresh_from_db()
    assert meeting.status == "held"
    marta.post(f"{base}/check-ins/", {"pulse": "5", "comment": "Great"})
    page = marta.get(f"{base}/").content.decode()
    assert "Great" in page and "only mine" not in page
    ana.post(f"{base}/close/", {"kind": "planned"})
    relationship.refresh_from_db()
    assert relationship.status == RelationshipStatus.CLOSED
    survey = ana.get(f"{base}/surveys/closing/")
    assert "How satisfied" in survey.content.decode()
    ana.post(
        f"{base}/surveys/closing/",
        {"satisfaction": "5", "recommend": "10", "goal_attainment": "4", "growth": "4"},
    )
    assert relationship.survey_responses.count() == 1


def test_bad_input_is_shown_and_nothing_written(relationship, mentee):
    client = client_for(mentee)
    response = client.post(
        f"/relationships/{relationship.pk}/goals/", {"title": "", "specific": "Typed text"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    # The error sits beside its field, by its label, and what was typed is still there.
    assert 'id="g_title" aria-invalid="true"' in page or 'aria-invalid="true"' in page
    assert '<p class="field-error" id="g_title_error">This field is required.</p>' in page
    assert "Goal: This field is required." in page and "Typed text" in page
    assert "title:" not in page
    assert not Goal.objects.exists()


def test_safety_report_page_is_invisible_to_the_other_party(
    relationship, mentee, mentor, program_manager
):
    client_for(mentee).post(
        f"/relationships/{relationship.pk}/report/",
        {"category": "no_shows", "description": "Missed three meetings"},
    )
    report = SafetyReport.objects.get()
    mentor_client = client_for(mentor)
    assert mentor_client.get(f"/relationships/safety/{report.pk}/").status_code == 404
    mentor_page = mentor_client.get(f"/relationships/{relationship.pk}/").content.decode()
    assert "Missed three" not in mentor_page
    # Not even through health: the pair's health ignores safety reports.
    assert "reported" not in mentor_page and "At risk" not in mentor_page
    home = client_for(mentor).get("/").content.decode()
    assert "reported" not in home and "At risk" not in home
    manager_page = client_for(program_manager).get(f"/relationships/{relationship.pk}/")
    assert "a problem was reported" in manager_page.content.decode()
    assert client_for(mentee).get(f"/relationships/safety/{report.pk}/").status_code == 200
    manager = client_for(program_manager)
    listing = manager.get(f"/relationships/program/{relationship.program.slug}/safety/")
    assert "No-shows" in listing.content.decode()
    manager.post(f"/relationships/safety/{report.pk}/", {"status": "resolved", "note": "Talked"})
    report.refresh_from_db()
    assert report.status == "resolved"
    # The reporter cannot handle their own report.
    client_for(mentee).post(f"/relationships/safety/{report.pk}/", {"status": "open"})
    report.refresh_from_db()
    assert report.status == "resolved"


def test_program_page_lists_health_and_filters(relationship, program_manager, other_mentee):
    client = client_for(program_manager)
    page = client.get("/relationships/program/leadership-2026/").content.decode()
    assert "Ana Mentee" in page and "On track" in page
    rows = client.get(
        "/relationships/program/leadership-2026/?health=stalled", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in rows and "Ana Mentee" not in rows


def test_program_bulk_remind_and_close(relationship, program_manager):
    client = client_for(program_manager)
    url = "/relationships/program/leadership-2026/bulk/"
    client.post(url, {"relationships": [relationship.pk], "action": "remind"})
    assert relationship.events.filter(kind="reminder").count() == 1
    response = client.post(
        url, {"relationships": [relationship.pk], "action": "close"}, follow=True
    )
    assert "an early closure needs a reason" in response.content.decode()
    data = {"relationships": [relationship.pk], "action": "close", "reason": "Redesign"}
    ask = client.post(url, data)
    assert ask.status_code == 200 and "What will happen" in ask.content.decode()
    relationship.refresh_from_db()
    assert relationship.status == RelationshipStatus.ACTIVE
    client.post(url, {**data, "confirmed": "yes"})
    relationship.refresh_from_db()
    assert relationship.status == RelationshipStatus.CLOSED


def test_program_page_query_count_is_fixed(
    relationship, program_manager, django_assert_max_num_queries
):
    client = client_for(program_manager)
    with django_assert_max_num_queries(25):
        client.get("/relationships/program/leadership-2026/")


def test_pair_page_query_count_does_not_grow_with_content(
    relationship, mentee, mentor, django_assert_max_num_queries
):
    for n in range(5):
        goal = services.goal_create(
            actor=mentee, relationship=relationship, fields=services.GoalFields(title=f"G{n}")
        )
        services.milestone_add(actor=mentee, goal=goal, data=inputs.MilestoneNew(title="Step"))
        services.meeting_log(
            actor=mentor,
            relationship=relationship,
            log=services.MeetingLog(
                held_at=timezone.now() - dt.timedelta(days=n + 1), private_note=f"note {n}"
            ),
        )
        services.check_in_create(
            actor=mentee, relationship=relationship, data=inputs.CheckInNew(pulse=4)
        )
    client = client_for(mentor)
    with django_assert_max_num_queries(30):
        page = client.get(f"/relationships/{relationship.pk}/").content.decode()
    assert "note 4" in page and "Europe/Berlin" in page


def test_manager_edits_survey_questions_and_bad_lines_are_named(
    program, program_manager, mentee
) -> None:
    from django.test import Client as PageClient

    from mentorwise.relationships.models import Survey

    manager = PageClient()
    manager.force_login(program_manager)
    url = f"/relationships/program/{program.slug}/surveys/midpoint/questions/"
    assert "satisfaction |" in manager.get(url).content.decode()
    bad = manager.post(
        url, {"questions": "fit | How good is the fit? | 1-5\nnope | Broken | sometimes"}
    )
    assert bad.status_code == 200 and "questions[1].type" in bad.content.decode()
    good = manager.post(url, {"questions": "fit | How good is the fit? | 1-5\nwhy | Why? | text"})
    assert good.status_code == 302
    assert [q["key"] for q in Survey.objects.get(program=program, kind="midpoint").questions] == [
        "fit",
        "why",
    ]
    participant = PageClient()
    participant.force_login(mentee)
    assert participant.get(url).status_code == 404


def test_program_page_is_paginated(relationship, program_manager):
    client = client_for(program_manager)
    page = client.get("/relationships/program/leadership-2026/?page=1").content.decode()
    assert "Page 1 of 1 · 1 relationship · " in page
    # Beyond the last page the last page is shown, never an error.
    assert client.get("/relationships/program/leadership-2026/?page=9").status_code == 200


def test_program_counters_do_not_follow_the_list_filters(relationship, program_manager) -> None:
    """The health counters count every active relationship of the program, whether the list
    is unfiltered (counted from the list itself) or filtered (counted apart)."""
    expected = program_health_counts(actor=program_manager, program=relationship.program)
    assert sum(n for _label, n, _value in expected) == 1
    client = client_for(program_manager)
    base = f"/relationships/program/{relationship.program.slug}/"
    for query in ("", "?status=active", "?status=ended", "?q=nobody", "?health=at_risk"):
        response = client.get(base + query)
        assert response.status_code == 200
        assert response.context["counts"] == expected, query
