"""Circle pages and API over HTTP: who sees which page, the .ics download with every
participant, the program's circles for its managers, the run -> review -> publish pages."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from conftest import api_client, page_client
from mentorwise.circles import inputs, services
from mentorwise.circles.models import Circle, CircleMeeting
from mentorwise.circles.tests.factories import enroll, formed_circle, group_program, participant


@pytest.fixture
def world(hr_admin: Any, program_manager_user: Any) -> dict[str, Any]:
    program = group_program(hr_admin, program_manager_user)
    lead, lead_e = participant(program, "mentor", job_level=8)
    ana, ana_e = participant(program, "mentee")
    members = [ana_e, *(enroll(program, "mentee") for _ in range(3))]
    circle = formed_circle(hr_admin, program, [lead_e], members)
    meeting = services.meeting_schedule(
        actor=lead,
        circle=circle,
        data=inputs.MeetingPlan(starts_at=timezone.now() + dt.timedelta(days=2)),
    )
    services.private_note_write(actor=ana, meeting=meeting, text="ANA-SECRET")
    return {
        "program": program,
        "circle": circle,
        "meeting": meeting,
        "lead": lead,
        "ana": ana,
        "pm": program_manager_user,
    }


def test_participants_and_overseers_see_their_page_and_outsiders_nothing(
    world: dict[str, Any], outsider: Any, other_manager: Any
) -> None:
    url = f"/circles/{world['circle'].pk}/"
    ana_page = page_client(world["ana"]).get(url)
    assert ana_page.status_code == 200 and b"ANA-SECRET" in ana_page.content
    lead_page = page_client(world["lead"]).get(url).content
    assert b"Schedule and invite everyone" in lead_page and b"ANA-SECRET" not in lead_page
    overview = page_client(world["pm"]).get(url)
    assert overview.status_code == 200 and b"Intervene" in overview.content
    assert b"ANA-SECRET" not in overview.content
    for who in (outsider, other_manager):
        assert page_client(who).get(url).status_code == 404
        assert page_client(who).get(url, HTTP_HX_REQUEST="true").status_code == 404
    assert page_client(world["ana"]).get("/circles/").content.count(b"Circle A") == 1


def test_the_ics_download_lists_every_participant_and_overseers_get_403(
    world: dict[str, Any],
) -> None:
    url = f"/circles/meetings/{world['meeting'].pk}/meeting.ics"
    ics = page_client(world["ana"]).get(url)
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    assert ics.content.decode().count("ATTENDEE") == 5
    assert page_client(world["pm"]).get(url).status_code == 403
    api = api_client(world["ana"]).get(f"/api/circles/meetings/{world['meeting'].pk}/ics")
    assert api.status_code == 200 and world["meeting"].uid in api.content.decode()


def test_the_api_schedules_records_and_refuses_with_documented_errors(
    world: dict[str, Any],
) -> None:
    lead = api_client(world["lead"], "admin")
    circle = world["circle"].pk
    made = lead.post(
        f"/api/circles/{circle}/meetings",
        json.dumps({"starts_at": (timezone.now() + dt.timedelta(days=9)).isoformat()}),
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    bad = lead.post(
        f"/api/circles/{circle}/meetings",
        json.dumps({"starts_at": "2020-01-01T10:00:00+00:00", "duration_minutes": 5}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"starts_at", "duration_minutes"}
    ana = api_client(world["ana"], "admin")
    refused = ana.post(
        f"/api/circles/{circle}/meetings",
        json.dumps({"starts_at": (timezone.now() + dt.timedelta(days=9)).isoformat()}),
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert CircleMeeting.objects.count() == 2
    assert api_client(world["pm"]).get(f"/api/circles/{circle}/agreement").status_code == 403
    assert api_client(world["pm"]).get(f"/api/circles/{circle}").status_code == 200
    assert api_client(world["ana"]).get("/api/circles/999999").status_code == 404


def test_the_program_page_lists_circles_with_health_for_its_managers_only(
    world: dict[str, Any], other_manager: Any, django_assert_max_num_queries: Any
) -> None:
    url = f"/circles/program/{world['program'].slug}/"
    with django_assert_max_num_queries(60):
        page = page_client(world["pm"]).get(url)
    assert page.status_code == 200 and b"Circle A" in page.content
    partial = page_client(world["pm"]).get(url, HTTP_HX_REQUEST="true")
    assert b"<h1" not in partial.content and b"Circle A" in partial.content
    assert page_client(other_manager).get(url).status_code == 404
    assert page_client(world["ana"]).get(url).status_code == 404


def test_the_matching_page_of_a_group_program_offers_circle_matching(
    world: dict[str, Any],
) -> None:
    program = world["program"]
    enroll(program, "mentor", job_level=8)
    for _ in range(3):
        enroll(program, "mentee")
    page = page_client(world["pm"]).get(f"/matching/programs/{program.slug}/")
    assert b"Run circle matching" in page.content
    ran = page_client(world["pm"]).post(f"/circles/program/{program.slug}/runs/")
    assert ran.status_code == 302 and "/circles/runs/" in ran["Location"]
    review = page_client(world["pm"]).get(ran["Location"])
    assert b"Proven bound" in review.content and b"Gap to the bound" in review.content
    published = page_client(world["pm"]).post(ran["Location"] + "publish/")
    assert published.status_code == 302
    assert Circle.objects.filter(program=program).count() == 2


def test_closing_from_the_api_then_members_answer_the_closing_survey_once(
    world: dict[str, Any],
) -> None:
    circle = world["circle"].pk
    body = json.dumps({"reason": "Six months done", "outcomes": "Everyone leads a team"})
    ana = api_client(world["ana"], "admin")
    refused = ana.post(f"/api/circles/{circle}/close", body, content_type="application/json")
    assert refused.status_code == 403
    early = ana.post(
        f"/api/circles/{circle}/survey",
        json.dumps({"usefulness": 5}),
        content_type="application/json",
    )
    assert early.status_code == 409
    closed = api_client(world["lead"], "admin").post(
        f"/api/circles/{circle}/close", body, content_type="application/json"
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    survey = json.dumps({"usefulness": 5, "comment": "Useful"})
    answered = ana.post(f"/api/circles/{circle}/survey", survey, content_type="application/json")
    assert answered.status_code == 201 and answered.json() == {"answered": True}
    again = ana.post(f"/api/circles/{circle}/survey", survey, content_type="application/json")
    assert again.status_code == 409
