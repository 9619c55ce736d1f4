"""The journeys API over HTTP: the managers edit, the pair reads and marks, others 404."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import api_client
from mentorwise.journeys.models import JourneyStep, StepCompletion
from mentorwise.journeys.services import program_journey
from mentorwise.programs.models import Program
from mentorwise.relationships.models import Relationship

GUIDE = {
    "kind": "guide",
    "offset_value": 10,
    "offset_unit": "weeks",
    "title": "Feedback on feedback",
    "guide_type": "coaching",
    "questions": ["What did you hear?", "What will you do with it?"],
}


def _send(client: Any, method: str, url: str, data: Any = None) -> Any:
    if data is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


def test_a_manager_reads_and_edits_the_journey(program: Program, program_manager: Any) -> None:
    client = api_client(program_manager, scope="admin")
    base = f"/api/programs/{program.slug}/journey"
    journey = client.get(base).json()
    assert journey["program"] == program.slug
    assert journey["steps"][0]["position"] == 1
    guides = [s for s in journey["steps"] if s["kind"] == "guide"]
    assert guides and all(s["questions"] for s in guides)

    created = _send(client, "post", f"{base}/steps", {**GUIDE, "position": 1})
    assert created.status_code == 201, created.content
    step = created.json()
    assert step["position"] == 1 and step["questions"] == GUIDE["questions"]

    changed = _send(client, "put", f"{base}/steps/{step['id']}", {**GUIDE, "title": "Renamed"})
    assert changed.status_code == 200 and changed.json()["title"] == "Renamed"
    moved = _send(client, "post", f"{base}/steps/{step['id']}/move", {"position": 3})
    assert moved.status_code == 200 and moved.json()["position"] == 3
    removed = client.delete(f"{base}/steps/{step['id']}")
    assert removed.status_code == 200
    assert step["id"] not in [s["id"] for s in removed.json()["steps"]]


def test_a_refused_step_answers_422_naming_every_field(
    program: Program, program_manager: Any
) -> None:
    client = api_client(program_manager, scope="admin")
    program_journey(program)
    before = JourneyStep.objects.count()
    bad = {**GUIDE, "title": "", "guide_type": "pep talk", "url": "ftp://x", "offset_value": 999}
    response = _send(client, "post", f"/api/programs/{program.slug}/journey/steps", bad)
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"title", "guide_type", "url", "offset_value"}
    assert JourneyStep.objects.count() == before


@pytest.mark.parametrize("who", ["mentee", "mentor", "other_manager", "outsider", "executive"])
def test_the_program_journey_is_404_to_others(program: Program, who: str, request: Any) -> None:
    client = api_client(request.getfixturevalue(who), scope="admin")
    base = f"/api/programs/{program.slug}/journey"
    assert client.get(base).status_code == 404
    assert _send(client, "post", f"{base}/steps", GUIDE).status_code == 404
    step = JourneyStep.objects.filter(journey__program=program).first()
    step_id = step.pk if step else 1
    assert _send(client, "put", f"{base}/steps/{step_id}", GUIDE).status_code == 404
    assert _send(client, "post", f"{base}/steps/{step_id}/move", {"position": 1}).status_code == 404
    assert client.delete(f"{base}/steps/{step_id}").status_code == 404
    assert not JourneyStep.objects.filter(title=GUIDE["title"]).exists()


def test_a_read_token_of_a_manager_cannot_edit(program: Program, program_manager: Any) -> None:
    client = api_client(program_manager, scope="read")
    assert client.get(f"/api/programs/{program.slug}/journey").status_code == 200
    response = _send(client, "post", f"/api/programs/{program.slug}/journey/steps", GUIDE)
    assert response.status_code == 403


def test_the_pair_reads_and_marks_the_journey(
    relationship: Relationship, mentee: Any, mentor: Any, program_manager: Any
) -> None:
    base = f"/api/relationships/{relationship.pk}/journey"
    ana = api_client(mentee, scope="admin")
    journey = ana.get(base).json()
    assert journey["total"] == len(journey["steps"]) > 0 and journey["done"] == 0
    first = journey["steps"][0]
    assert first["state"] == "overdue"  # 45 days in, the first week's step is past its grace
    marked = _send(ana, "post", f"{base}/steps/{first['id']}/done", {"done": True})
    assert marked.status_code == 200
    row = next(s for s in marked.json()["steps"] if s["id"] == first["id"])
    assert (row["state"], row["done_by"]) == ("done", "Ana Mentee")
    assert marked.json()["counted"] >= 1 and marked.json()["on_time"] == 0  # done late

    # Overseers read, do not mark; a read token does not write.
    overseer = api_client(program_manager, scope="admin")
    assert overseer.get(base).status_code == 200
    refused = _send(overseer, "post", f"{base}/steps/{first['id']}/done", {"done": False})
    assert refused.status_code == 403
    reader = api_client(mentor, scope="read")
    refused = _send(reader, "post", f"{base}/steps/{first['id']}/done", {"done": False})
    assert refused.status_code == 403
    assert StepCompletion.objects.filter(relationship=relationship).count() == 1


@pytest.mark.parametrize("who", ["other_mentee", "other_manager", "outsider", "executive"])
def test_the_pairs_journey_is_404_to_others(
    relationship: Relationship, who: str, request: Any, mentee: Any
) -> None:
    step_id = (
        api_client(mentee)
        .get(f"/api/relationships/{relationship.pk}/journey")
        .json()["steps"][0]["id"]
    )
    client = api_client(request.getfixturevalue(who), scope="admin")
    base = f"/api/relationships/{relationship.pk}/journey"
    assert client.get(base).status_code == 404
    assert _send(client, "post", f"{base}/steps/{step_id}/done", {"done": True}).status_code == 404
    assert not StepCompletion.objects.exists()
