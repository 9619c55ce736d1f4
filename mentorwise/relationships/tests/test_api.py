"""Relationships API over HTTP: the pair's flow, the permission matrix, private notes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from mentorwise.accounts.services import api_token_create
from mentorwise.matches.models import MatchStatus
from mentorwise.relationships import services
from mentorwise.relationships.models import Meeting, PrivateNote, SafetyReport
from mentorwise.relationships.tests.factories import enrollment_of, published_match

pytestmark = pytest.mark.django_db

SECRET = "Only the mentee may ever read this"


def api(user, scope: str = "admin") -> Client:
    _, raw = api_token_create(actor=user, name="test", scope=scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client: Client, url: str, data: dict) -> object:
    return client.post(url, data, content_type="application/json")


def put(client: Client, url: str, data: dict) -> object:
    return client.put(url, data, content_type="application/json")


@pytest.fixture
def meeting(relationship, mentee) -> Meeting:
    return services.meeting_log(
        actor=mentee,
        relationship=relationship,
        log=services.MeetingLog(
            held_at=timezone.now() - dt.timedelta(days=1),
            shared_notes="Shared",
            private_note=SECRET,
        ),
    )


# Midday: a meeting logged an hour ago must fall on the relationship's start day in every
# time zone the people are in (near midnight it fell the day before and was refused).
@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=True)
def test_accept_match_and_run_the_relationship_over_the_api(mentee, mentor):
    match = published_match(mentee, mentor)
    ana, marta = api(mentee), api(mentor)
    first = post(ana, f"/api/matches/{match.pk}/respond", {"accept": True}).json()
    assert first["status"] == "published" and first["relationship_id"] is None
    answer = post(marta, f"/api/matches/{match.pk}/respond", {"accept": True}).json()
    assert answer["status"] == MatchStatus.ACCEPTED
    rid = answer["relationship_id"]
    base = f"/api/relationships/{rid}"

    rel = ana.get(base).json()
    assert rel["mentor"]["name"] == "Marta Mentor" and rel["health"] == "on_track"
    agreement = ana.get(f"{base}/agreement").json()
    assert agreement[0]["version"] == 1
    changed = put(
        marta, f"{base}/agreement", {"pair_objectives": "Lead", "meeting_cadence_days": 14}
    ).json()
    assert changed["version"] == 2
    stale = post(ana, f"{base}/agreement/confirm", {"version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "agreement_changed"
    post(ana, f"{base}/agreement/confirm", {"version": 2})
    assert post(marta, f"{base}/agreement/confirm", {"version": 2}).json()["confirmed"]

    goal = post(ana, f"{base}/goals", {"title": "Negotiate", "target_date": "2026-12-31"})
    assert goal.status_code == 201
    gid = goal.json()["id"]
    assert post(ana, f"/api/goals/{gid}/progress", {"progress": 50}).json()["progress"] == 50
    milestone = post(ana, f"/api/goals/{gid}/milestones", {"title": "Plan"}).json()
    assert post(ana, f"/api/milestones/{milestone['id']}/done", {"done": True}).json()["done_at"]

    starts = (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0).isoformat()
    meeting = post(marta, f"{base}/meetings", {"starts_at": starts, "location": "Zoom"}).json()
    moved = post(
        marta,
        f"/api/meetings/{meeting['id']}/reschedule",
        {"starts_at": (timezone.now() + dt.timedelta(days=4)).isoformat()},
    ).json()
    assert moved["uid"] == meeting["uid"] and moved["sequence"] == 1
    ics = ana.get(f"/api/meetings/{meeting['id']}/ics")
    calendar = Calendar.from_ical(ics.content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == meeting["uid"] and int(event["SEQUENCE"]) == 1
    logged = post(
        ana,
        f"{base}/meetings/log",
        {
            "meeting_id": meeting["id"],
            "held_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
            "conversation_type": "coaching",
            "private_note": SECRET,
        },
    ).json()
    assert logged["status"] == "held" and SECRET not in str(logged)
    assert ana.get(f"/api/meetings/{meeting['id']}/private-note").json()["text"] == SECRET

    assert post(marta, f"{base}/check-ins", {"pulse": 4}).status_code == 201
    assert len(ana.get(f"{base}/check-ins").json()) == 1
    questions = ana.get(f"{base}/surveys/midpoint").json()["questions"]
    assert questions[0]["key"] == "satisfaction"
    answers = {"satisfaction": 5, "recommend": 9, "goal_attainment": 4, "growth": 4}
    assert post(ana, f"{base}/surveys/midpoint", {"answers": answers}).status_code == 201
    action = post(
        marta, f"{base}/sponsorship-actions", {"kind": "introduction", "description": "Met CFO"}
    ).json()
    assert (
        post(
            marta, f"/api/sponsorship-actions/{action['id']}/outcome", {"outcome": "succeeded"}
        ).json()["outcome"]
        == "succeeded"
    )
    closed = post(ana, f"{base}/close", {"kind": "early", "reason": "Moved", "rematch": True})
    assert closed.json()["status"] == "closed" and closed.json()["rematch_requested"]
    kinds = [e["kind"] for e in ana.get(f"{base}/timeline").json()]
    for kind in ("started", "agreement_changed", "goal_added", "meeting_scheduled", "closed"):
        assert kind in kinds


def test_private_note_only_through_its_authors_endpoint(
    relationship, meeting, mentor, program_manager, hr_admin
):
    for user in (mentor, program_manager, hr_admin):
        client = api(user)
        response = client.get(f"/api/meetings/{meeting.pk}/private-note")
        assert response.status_code == 404 and SECRET not in response.content.decode()
        for url in (
            "/api/relationships",
            f"/api/relationships/{relationship.pk}",
            f"/api/relationships/{relationship.pk}/meetings",
            f"/api/relationships/{relationship.pk}/meeting-dates",
            f"/api/relationships/{relationship.pk}/timeline",
        ):
            assert SECRET not in client.get(url).content.decode()
    # Writing one's own note never touches another's.
    put(api(mentor), f"/api/meetings/{meeting.pk}/private-note", {"text": "Marta's own"})
    assert PrivateNote.objects.get(author=relationship.mentee.person.user).text == SECRET
    assert api(mentor).get(f"/api/meetings/{meeting.pk}/private-note").json()["text"] == (
        "Marta's own"
    )
    response = put(api(program_manager), f"/api/meetings/{meeting.pk}/private-note", {"text": "x"})
    assert response.status_code == 403


# role × endpoint → status; "pair" endpoints answer overseers 403, everyone else 404.
MATRIX = [
    ("get", "/api/relationships/{rid}", {"mentor": 200, "program_manager": 200, "hr_admin": 200}),
    ("get", "/api/relationships/{rid}/goals", {"mentor": 200, "program_manager": 403}),
    ("get", "/api/relationships/{rid}/goal-progress", {"mentor": 200, "program_manager": 200}),
    ("get", "/api/relationships/{rid}/meetings", {"mentor": 200, "hr_admin": 403}),
    ("get", "/api/relationships/{rid}/meeting-dates", {"mentor": 200, "hr_admin": 200}),
    ("get", "/api/relationships/{rid}/agreement", {"mentor": 200, "program_manager": 403}),
    ("get", "/api/relationships/{rid}/check-ins", {"mentor": 200, "program_manager": 403}),
    ("get", "/api/meetings/{mid}/ics", {"mentor": 200, "program_manager": 403}),
    ("get", "/api/programs/leadership-2026/relationships", {"program_manager": 200, "mentor": 404}),
    (
        "get",
        "/api/programs/leadership-2026/surveys/midpoint/summary",
        {"program_manager": 200, "hr_admin": 200, "mentor": 404},
    ),
    (
        "get",
        "/api/programs/leadership-2026/safety-reports",
        {"program_manager": 200, "mentee": 404},
    ),
]


@pytest.mark.parametrize(("method", "path", "expected"), MATRIX)
def test_permission_matrix(
    request, relationship, meeting, method, path, expected, other_mentee, other_manager
) -> None:
    url = path.format(rid=relationship.pk, mid=meeting.pk)
    expected = {**expected, "other_mentee": 404, "other_manager": 404}
    for who, status in expected.items():
        response = getattr(api(request.getfixturevalue(who)), method)(url)
        assert response.status_code == status, (who, url, response.content)


def test_others_cannot_write(relationship, meeting, other_mentee):
    client = api(other_mentee)
    base = f"/api/relationships/{relationship.pk}"
    assert post(client, f"{base}/goals", {"title": "x"}).status_code == 404
    assert post(client, f"{base}/check-ins", {"pulse": 3}).status_code == 404
    assert post(client, f"{base}/close", {"kind": "planned"}).status_code == 404
    assert put(client, f"/api/meetings/{meeting.pk}/private-note", {"text": "x"}).status_code == 404
    assert (
        post(
            client, f"{base}/safety-reports", {"category": "other", "description": "x"}
        ).status_code
        == 404
    )
    assert relationship.goals.count() == 0 and relationship.check_ins.count() == 0


def test_read_only_token_cannot_write(relationship, mentee):
    response = post(
        api(mentee, "read"), f"/api/relationships/{relationship.pk}/check-ins", {"pulse": 3}
    )
    assert response.status_code == 403 and response.json()["code"] == "token_read_only"


def test_full_mentor_answers_409(mentee, other_mentee, mentor):
    from mentorwise.programs.models import Enrollment

    Enrollment.objects.filter(pk=enrollment_of(mentor).pk).update(capacity=1)
    first, second = published_match(mentee, mentor), published_match(other_mentee, mentor)
    post(api(mentee), f"/api/matches/{first.pk}/respond", {"accept": True})
    post(api(mentor), f"/api/matches/{first.pk}/respond", {"accept": True})
    response = post(api(mentor), f"/api/matches/{second.pk}/respond", {"accept": True})
    assert response.status_code == 409 and response.json()["code"] == "mentor_full"


def test_safety_reports_over_the_api(relationship, mentee, mentor, program_manager):
    created = post(
        api(mentee),
        f"/api/relationships/{relationship.pk}/safety-reports",
        {"category": "conduct", "description": "Inappropriate remarks"},
    )
    assert created.status_code == 201
    rid = created.json()["id"]
    assert api(mentor).get(f"/api/safety-reports/{rid}").status_code == 404
    assert (
        "Inappropriate"
        not in api(mentor).get(f"/api/relationships/{relationship.pk}/timeline").content.decode()
    )
    assert api(mentor).get(f"/api/relationships/{relationship.pk}").json()["health"] == "on_track"
    listed = api(mentor).get("/api/relationships").json()
    assert [r["health"] for r in listed] == ["on_track"]
    overseen = api(program_manager).get(f"/api/relationships/{relationship.pk}").json()
    assert overseen["health"] == "at_risk"
    handled = post(
        api(program_manager), f"/api/safety-reports/{rid}/handling", {"status": "in_review"}
    )
    assert handled.json()["status"] == "in_review" and len(handled.json()["notes"]) == 1
    assert api(mentee).get(f"/api/safety-reports/{rid}").json()["notes"] == []
    assert (
        post(api(mentee), f"/api/safety-reports/{rid}/handling", {"status": "resolved"}).status_code
        == 403
    )
    assert SafetyReport.objects.get().status == "in_review"


def test_contribution_record_api(relationship, mentor, mentee, hr_admin):
    url = f"/api/contributions/{mentor.person.pk}"
    assert api(mentor).get(url).json()["relationships"] == 1
    assert api(hr_admin).get(url).status_code == 200
    assert api(mentee).get(url).status_code == 404
    assert api(mentor).get(url + "?start=2026-13-01").status_code == 422


def test_every_relationships_operation_documents_its_errors(hr_admin) -> None:
    schema = api(hr_admin, "read").get("/api/openapi.json").json()
    operations = [
        (path, method, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if op.get("tags") == ["relationships"]
    ]
    assert len(operations) >= 35
    for path, method, op in operations:
        assert {"401", "403", "404", "422"} <= set(op["responses"]), (path, method)
        assert op.get("summary"), (path, method)
        if method != "get":
            assert "409" in op["responses"], (path, method)
