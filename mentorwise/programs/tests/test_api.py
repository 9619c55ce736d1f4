"""API: programs and enrollments over HTTP, session and token auth, scopes, denied paths."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from mentorwise.accounts.services import api_token_create
from mentorwise.programs.models import Enrollment

pytestmark = pytest.mark.django_db


def token_client(user, scope: str = "read") -> Client:
    _, raw = api_token_create(actor=user, name="test", scope=scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_anonymous_gets_401_json() -> None:
    response = Client().get("/api/programs")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_bad_token_gets_401() -> None:
    assert Client(HTTP_AUTHORIZATION="Bearer mw_nope").get("/api/programs").status_code == 401


def test_templates_list(outsider) -> None:
    keys = {t["key"] for t in token_client(outsider).get("/api/templates").json()}
    assert {
        "hipo_leadership",
        "first_time_manager",
        "reverse_mentoring",
        "sponsorship_underrepresented",
        "onboarding_buddy",
        "group_circle",
    } <= keys


def test_mentee_lists_only_own_enrollment(program, mentee, other_mentee, mentor) -> None:
    rows = token_client(mentee).get("/api/programs/leadership-2026/enrollments").json()
    assert [r["person_name"] for r in rows] == ["Ana Mentee"]
    assert "Omar" not in json.dumps(rows)


def test_mentee_cannot_read_other_mentees_enrollment(mentee, other_mentee) -> None:
    theirs = Enrollment.objects.get(person=other_mentee.person)
    response = token_client(mentee).get(f"/api/enrollments/{theirs.pk}")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "No such enrollment.", "errors": []}


def test_manager_reads_all_enrollments(program_manager, mentee, other_mentee, mentor) -> None:
    rows = token_client(program_manager).get("/api/programs/leadership-2026/enrollments").json()
    assert {r["person_name"] for r in rows} == {"Ana Mentee", "Omar Mentee", "Marta Mentor"}


def test_read_only_token_cannot_write(program, hr_admin) -> None:
    response = token_client(hr_admin, "read").patch(
        "/api/programs/leadership-2026", {"name": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "token_read_only"


def test_admin_token_creates_and_patches_program(hr_admin) -> None:
    client = token_client(hr_admin, "admin")
    created = client.post(
        "/api/programs",
        {"template": "group_circle", "slug": "circles"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["status"] == "draft"
    bad = client.patch(
        "/api/programs/circles",
        {"meeting_cadence_days": 0, "eligibility": {"mentee": {"level_min": 0}}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    ok = client.patch(
        "/api/programs/circles",
        {"status": "enrolling", "name": "Circles"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["name"] == "Circles"


def test_eligibility_preview_counts(program, program_manager, mentee) -> None:
    rows = (
        token_client(program_manager, "admin")
        .post(
            "/api/programs/leadership-2026/eligibility-preview",
            {"eligibility": {"mentee": {"level_min": 1}, "mentor": {"level_min": 9}}},
            content_type="application/json",
        )
        .json()
    )
    by_role = {r["role"]: r for r in rows}
    assert by_role["mentee"]["enrolled"] == 1
    assert by_role["mentee"]["eligible"] >= 1


def test_eligibility_preview_denied_to_participants(program, mentee) -> None:
    response = token_client(mentee).get("/api/programs/leadership-2026/eligibility")
    assert response.status_code == 404


def test_self_enroll_via_api_uses_callers_person(program, skills, outsider, settings) -> None:
    outsider.person.is_high_potential = True
    outsider.person.save()
    # Enrolling through the browser session (CSRF-exempt in the test client).
    client = Client()
    client.force_login(outsider)
    response = client.post(
        "/api/programs/leadership-2026/enrollments",
        {
            "role": "mentee",
            "acknowledged": True,
            "development_goals": "Lead",
            "skills_wanted": [skills[0].pk],
            "answers": {"why": "x", "commitment": "Yes"},
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["person_id"] == outsider.person.pk


def test_people_api_is_limited_for_participants(mentee, other_mentee, program_manager) -> None:
    mine = token_client(mentee).get("/api/people").json()
    assert [p["first_name"] for p in mine] == ["Ana"]
    assert token_client(mentee).get(f"/api/people/{other_mentee.person_id}").status_code == 404
    everyone = token_client(program_manager).get("/api/people?limit=1000").json()
    assert len(everyone) >= 3
    assert all("gender" not in p and "ethnicity" not in p for p in everyone)


def test_managers_api_reports_unknown_addresses(
    program, hr_admin, program_manager, outsider
) -> None:
    client = token_client(hr_admin, "admin")
    bad = client.put(
        "/api/programs/leadership-2026/managers",
        {"emails": ["ghost@example.com", outsider.person.email]},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert [e["value"] for e in bad.json()["errors"]] == ["ghost@example.com"]
    ok = client.put(
        "/api/programs/leadership-2026/managers",
        {"emails": [outsider.person.email]},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json() == [outsider.email]
    denied = token_client(program_manager, "admin").put(
        "/api/programs/leadership-2026/managers", {"emails": []}, content_type="application/json"
    )
    assert denied.status_code == 403
