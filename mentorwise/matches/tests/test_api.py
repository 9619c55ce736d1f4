"""Matching API: the manager's run and review, the mentee's self-match, denied paths."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from mentorwise.accounts.services import api_token_create
from mentorwise.matches.models import Match, MatchStatus
from mentorwise.programs.models import Enrollment, Program

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(program: Program, program_manager, mentee, other_mentee, mentor):
    Program.objects.filter(pk=program.pk).update(mentor_training_required=False, self_match=True)
    program.refresh_from_db()
    return program


def api(user, scope: str = "admin") -> Client:
    _, raw = api_token_create(actor=user, name="t", scope=scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_manager_runs_reviews_and_publishes(setup, program_manager) -> None:
    client = api(program_manager)
    run = client.post(
        f"/api/programs/{setup.slug}/runs", {"method": "optimal"}, content_type="application/json"
    )
    assert run.status_code == 201 and run.json()["status"] == "done"
    assert client.get(f"/api/runs/{run.json()['id']}").json()["n_matched"] == 2
    matches = client.get(f"/api/programs/{setup.slug}/matches").json()
    assert len(matches) == 2 and all(m["reasons"] for m in matches)
    approved = client.post(f"/api/matches/{matches[0]['id']}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert client.post(f"/api/programs/{setup.slug}/publish").json() == {"count": 1}
    assert Match.objects.get(pk=matches[0]["id"]).status == MatchStatus.PUBLISHED


def test_read_only_token_cannot_start_a_run(setup, program_manager) -> None:
    response = api(program_manager, "read").post(
        f"/api/programs/{setup.slug}/runs", {}, content_type="application/json"
    )
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["mentee", "mentor", "other_manager"])
def test_review_endpoints_are_404_for_others(setup, program_manager, request, who) -> None:
    api(program_manager).post(
        f"/api/programs/{setup.slug}/runs", {}, content_type="application/json"
    )
    match = Match.objects.first()
    client = api(request.getfixturevalue(who))
    assert client.get(f"/api/programs/{setup.slug}/matches").status_code == 404
    assert client.post(f"/api/matches/{match.pk}/approve").status_code == 404
    assert (
        client.post(
            f"/api/programs/{setup.slug}/runs", {}, content_type="application/json"
        ).status_code
        == 404
    )
    match.refresh_from_db()
    assert match.status == MatchStatus.PROPOSED


def test_mentee_browses_and_requests(setup, mentee) -> None:
    client = api(mentee)
    cards = client.get(f"/api/programs/{setup.slug}/mentors").json()
    assert len(cards) == 1 and cards[0]["can_request"] and cards[0]["places_left"] == 2
    created = client.post(
        f"/api/programs/{setup.slug}/requests",
        {"mentor_enrollment_id": cards[0]["mentor_enrollment_id"], "message": "Hello"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["status"] == "requested"
    again = client.post(
        f"/api/programs/{setup.slug}/requests",
        {"mentor_enrollment_id": cards[0]["mentor_enrollment_id"]},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["code"] == "mentee_taken"


def test_mentor_sees_the_request_waiting(setup, mentee, mentor) -> None:
    mentor_enrollment = Enrollment.objects.get(person=mentor.person)
    api(mentee).post(
        f"/api/programs/{setup.slug}/requests",
        {"mentor_enrollment_id": mentor_enrollment.pk},
        content_type="application/json",
    )
    waiting = api(mentor).get("/api/me/open-matches").json()
    assert [w["mentee_name"] for w in waiting] == ["Ana Mentee"]
    assert api(mentee).get("/api/me/open-matches").json() == []


def test_preferences_need_an_enrollment_on_the_other_side(setup, mentee, outsider) -> None:
    from mentorwise.matches.models import Preference

    mentor_enrollment = Enrollment.objects.get(role="mentor")
    refused = api(outsider).post(
        f"/api/programs/{setup.slug}/preferences",
        {"other_enrollment_id": mentor_enrollment.pk, "kind": "veto"},
        content_type="application/json",
    )
    assert refused.status_code == 404 and not Preference.objects.exists()
    done = api(mentee).post(
        f"/api/programs/{setup.slug}/preferences",
        {"other_enrollment_id": mentor_enrollment.pk, "kind": "prefer"},
        content_type="application/json",
    )
    assert done.status_code == 200
    assert Preference.objects.get().enrollment.person == mentee.person


def test_open_matches_come_newest_first(setup, mentee, other_mentee, mentor) -> None:
    """Two requests to one mentor: the newer one first (sorted without the database's
    ORDER BY), whatever order their ids are in."""
    mentor_enrollment = Enrollment.objects.get(person=mentor.person)
    for who in (mentee, other_mentee):
        api(who).post(
            f"/api/programs/{setup.slug}/requests",
            {"mentor_enrollment_id": mentor_enrollment.pk},
            content_type="application/json",
        )
    first, second = Match.objects.filter(mentor=mentor_enrollment).order_by("pk")
    Match.objects.filter(pk=first.pk).update(created_at=second.created_at + dt.timedelta(hours=1))
    waiting = api(mentor).get("/api/me/open-matches").json()
    assert [w["id"] for w in waiting] == [first.pk, second.pk]
    Match.objects.filter(pk=first.pk).update(created_at=second.created_at - dt.timedelta(hours=1))
    waiting = api(mentor).get("/api/me/open-matches").json()
    assert [w["id"] for w in waiting] == [second.pk, first.pk]
