"""The journey pages: the managers' editor (HTMX in place) and the pair's journey."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import page_client
from mentorwise.core.models import AuditEntry
from mentorwise.journeys.models import JourneyStep, StepCompletion
from mentorwise.journeys.services import program_journey
from mentorwise.programs.models import Program
from mentorwise.relationships.models import Relationship

HTMX = {"HTTP_HX_REQUEST": "true"}
NEW_STEP = {
    "kind": "guide",
    "offset_value": "5",
    "offset_unit": "weeks",
    "title": "A stakeholder map",
    "body": "Draw who decides what around your project.",
    "guide_type": "coaching",
    "questions": "Who decides?\nWho is affected?",
    "url": "",
}


def _url(program: Program) -> str:
    return f"/programs/{program.slug}/journey/"


def test_program_manager_sees_the_template_journey(program: Program, program_manager: Any) -> None:
    response = page_client(program_manager).get(_url(program))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Agree on expectations" in body and "Work through a current challenge" in body
    assert "Talk about your career path" in body


@pytest.mark.parametrize("who", ["mentee", "mentor", "other_manager", "outsider", "executive"])
def test_the_editor_does_not_exist_for_others(program: Program, who: str, request: Any) -> None:
    client = page_client(request.getfixturevalue(who))
    step = program_journey(program).steps.first()
    assert step is not None
    for method, url, data in [
        ("get", _url(program), {}),
        ("post", f"{_url(program)}steps/", NEW_STEP),
        ("get", f"{_url(program)}steps/{step.pk}/", {}),
        ("post", f"{_url(program)}steps/{step.pk}/", NEW_STEP),
        ("post", f"{_url(program)}steps/{step.pk}/move/", {"position": "2"}),
        ("post", f"{_url(program)}steps/{step.pk}/remove/", {}),
    ]:
        for headers in ({}, HTMX):
            response = getattr(client, method)(url, data, **headers)
            assert response.status_code == 404, (who, method, url, headers)
    assert not AuditEntry.objects.filter(action__startswith="journey.").exists()
    assert not JourneyStep.objects.filter(title=NEW_STEP["title"]).exists()
    assert not JourneyStep.objects.filter(removed_at__isnull=False).exists()


def test_adding_a_step_in_place(program: Program, program_manager: Any) -> None:
    client = page_client(program_manager)
    client.get(_url(program))
    response = client.post(f"{_url(program)}steps/", NEW_STEP, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="journey-editor"' in body and "A stakeholder map" in body
    assert "<html" not in body  # the editor only, swapped in place
    step = JourneyStep.objects.get(title="A stakeholder map")
    assert step.questions == ["Who decides?", "Who is affected?"]
    assert AuditEntry.objects.filter(action="journey.step_added").count() == 1


def test_a_refused_step_comes_back_with_each_field_named(
    program: Program, program_manager: Any
) -> None:
    client = page_client(program_manager)
    before = JourneyStep.objects.count()
    bad = {**NEW_STEP, "title": "  ", "questions": "", "guide_type": ""}
    for headers in ({}, HTMX):
        response = client.post(f"{_url(program)}steps/", bad, **headers)
        assert response.status_code == 422
        body = response.content.decode()
        assert "a guide needs at least one question" in body
        assert "a guide is a coaching, mentoring or sponsoring conversation" in body
        assert 'aria-invalid="true"' in body
    assert JourneyStep.objects.count() == before


def test_editing_moving_and_removing_a_step(program: Program, program_manager: Any) -> None:
    client = page_client(program_manager)
    steps = list(program_journey(program).steps.order_by("position"))
    first, last = steps[0], steps[-1]
    response = client.get(f"{_url(program)}steps/{first.pk}/")
    assert response.status_code == 200 and first.title in response.content.decode()
    edited = {**NEW_STEP, "title": "Kick-off, rewritten", "kind": "task"}
    response = client.post(f"{_url(program)}steps/{first.pk}/", edited)
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.title, first.guide_type, first.questions) == ("Kick-off, rewritten", "", [])

    response = client.post(f"{_url(program)}steps/{last.pk}/move/", {"position": "1"}, **HTMX)
    assert response.status_code == 200
    order = list(program_journey(program).steps.order_by("position").values_list("pk", flat=True))
    assert order[0] == last.pk and order[1] == first.pk

    response = client.post(f"{_url(program)}steps/{last.pk}/move/", {"position": "99"}, **HTMX)
    assert response.status_code == 422
    assert "position" in response.content.decode()

    response = client.post(f"{_url(program)}steps/{last.pk}/remove/", **HTMX)
    assert (
        response.status_code == 200
        and last.title not in response.content.decode().split('id="messages"')[0]
    )
    last.refresh_from_db()
    assert last.removed_at is not None
    # A removed step is gone for its editor too.
    assert client.get(f"{_url(program)}steps/{last.pk}/").status_code == 404


def _step(relationship: Relationship, title: str) -> JourneyStep:
    program_journey(relationship.program)
    return JourneyStep.objects.get(journey__program=relationship.program, title=title)


def test_the_pair_sees_the_journey_and_either_marks_a_step_done(
    relationship: Relationship, mentee: Any, mentor: Any
) -> None:
    ana, marta = page_client(mentee), page_client(mentor)
    url = f"/relationships/{relationship.pk}/journey/"
    body = ana.get(url).content.decode()
    # 45 days in: the first month's steps are overdue; the coaching conversation is next.
    now, rest = body.split("<h3>Next</h3>")
    assert "Agree on expectations" in now and "overdue since" in now
    assert "Work through a current challenge" in rest.split("Later:")[0]

    agreement = _step(relationship, "Agree on expectations")
    response = ana.post(f"{url}{agreement.pk}/done/", {"done": "1"}, **HTMX)
    assert response.status_code == 200
    assert 'id="journey-summary"' in response.content.decode()
    assert "done" in response.content.decode() and "by Ana Mentee" in response.content.decode()
    kick_off = _step(relationship, "Hold your first meeting and write your agreement")
    assert marta.post(f"{url}{kick_off.pk}/done/", {"done": "1"}).status_code == 302
    done = {c.step_id: c.done_by for c in StepCompletion.objects.filter(relationship=relationship)}
    assert done == {agreement.pk: mentee, kick_off.pk: mentor}

    # Marta takes Ana's mark back: either of them may.
    assert marta.post(f"{url}{agreement.pk}/done/", {"done": "0"}, **HTMX).status_code == 200
    assert not StepCompletion.objects.filter(step=agreement).exists()


def test_the_relationship_page_loads_the_journey(relationship: Relationship, mentee: Any) -> None:
    body = page_client(mentee).get(f"/relationships/{relationship.pk}/").content.decode()
    assert f'hx-get="/relationships/{relationship.pk}/journey/"' in body
    summary = page_client(mentee).get(f"/relationships/{relationship.pk}/journey/", **HTMX)
    assert summary.status_code == 200
    assert "<html" not in summary.content.decode()


def test_overseers_read_the_journey_but_do_not_mark(
    relationship: Relationship, program_manager: Any, hr_admin: Any
) -> None:
    step = _step(relationship, "Agree on expectations")
    for user in (program_manager, hr_admin):
        client = page_client(user)
        body = client.get(f"/relationships/{relationship.pk}/journey/").content.decode()
        assert "Agree on expectations" in body and "Mark done" not in body
        url = f"/relationships/{relationship.pk}/journey/{step.pk}/done/"
        assert client.post(url, {"done": "1"}, **HTMX).status_code == 403
        assert client.post(url, {"done": "1"}).status_code == 302  # the refusal as a message
    assert not StepCompletion.objects.exists()
    assert not AuditEntry.objects.filter(action="journey.step_done").exists()


@pytest.mark.parametrize("who", ["other_mentee", "other_manager", "outsider", "executive"])
def test_the_pairs_journey_does_not_exist_for_others(
    relationship: Relationship, who: str, request: Any
) -> None:
    client = page_client(request.getfixturevalue(who))
    step = _step(relationship, "Agree on expectations")
    base = f"/relationships/{relationship.pk}/journey/"
    for headers in ({}, HTMX):
        assert client.get(base, **headers).status_code == 404
        assert client.get(f"{base}{step.pk}/", **headers).status_code == 404
        assert client.post(f"{base}{step.pk}/done/", {"done": "1"}, **headers).status_code == 404
    assert not StepCompletion.objects.exists()


def test_a_guide_prepares_the_meeting(relationship: Relationship, mentee: Any) -> None:
    step = _step(relationship, "Work through a current challenge")
    body = page_client(mentee).get(f"/relationships/{relationship.pk}/journey/{step.pk}/")
    text = body.content.decode()
    assert "What have you already tried, and what happened?" in text
    assert "Use this guide" in text
    # The meeting forms post to the relationship's own meeting views, filled in as coaching.
    assert f'action="/relationships/{relationship.pk}/meetings/"' in text
    assert '<option value="coaching" selected>' in text
    assert 'value="Work through a current challenge"' in text  # the log form's topics


def test_a_closed_relationship_keeps_its_journey_read_only(
    relationship: Relationship, mentee: Any
) -> None:
    Relationship.objects.filter(pk=relationship.pk).update(status="closed")
    client = page_client(mentee)
    body = client.get(f"/relationships/{relationship.pk}/journey/").content.decode()
    assert "Agree on expectations" in body and "Mark done" not in body
    step = _step(relationship, "Agree on expectations")
    url = f"/relationships/{relationship.pk}/journey/{step.pk}/done/"
    assert client.post(url, {"done": "1"}, **HTMX).status_code == 409
    assert not StepCompletion.objects.exists()
