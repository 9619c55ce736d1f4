"""The relationship page's forms of one object (a goal's progress and milestones, a milestone's
done toggle, a meeting's private note, sponsorship actions and their outcomes) help like the
others: a refusal keeps what was typed and shows each error beside its field by its label,
as a full page and as an HTMX swap of that one form; who may not act gets the refusal, never
a form; nothing is written."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from mentorwise.relationships import inputs, services
from mentorwise.relationships.models import (
    Goal,
    Meeting,
    Milestone,
    PrivateNote,
    Relationship,
    RelationshipStatus,
    SponsorshipAction,
)
from mentorwise.relationships.tests.test_forms_that_help import client_for, field_html

pytestmark = pytest.mark.django_db

LONG_TITLE = "Milestone " + "m" * 195  # 205 characters: the service allows 200
LONG_NOTE = "Mine. " + "n" * 20000  # over the 20000 characters a private note may have
LONG_DESCRIPTION = "Nominated " + "d" * 1995  # 2005 characters: the service allows 2000


@dataclass
class World:
    relationship: Relationship
    goal: Goal
    milestone: Milestone
    meeting: Meeting
    action: SponsorshipAction


@pytest.fixture
def world(relationship: Relationship, mentee: Any, mentor: Any) -> World:
    goal = services.goal_create(
        actor=mentee, relationship=relationship, fields=services.GoalFields(title="Lead")
    )
    milestone = services.milestone_add(
        actor=mentee, goal=goal, data=inputs.MilestoneNew(title="Draft the budget")
    )
    meeting = services.meeting_schedule(
        actor=mentee,
        relationship=relationship,
        data=inputs.MeetingSchedule(starts_at=timezone.now() + dt.timedelta(days=3)),
    )
    action = services.sponsorship_action_record(
        actor=mentor,
        relationship=relationship,
        data=inputs.SponsorshipNew(kind="introduction", description="Met the VP"),
    )
    return World(relationship, goal, milestone, meeting, action)


def nothing_changed(w: World) -> bool:
    w.goal.refresh_from_db()
    w.milestone.refresh_from_db()
    w.action.refresh_from_db()
    return (
        w.goal.progress == 0
        and w.goal.milestones.count() == 1
        and w.milestone.done_at is None
        and not PrivateNote.objects.exists()
        and SponsorshipAction.objects.count() == 1
        and w.action.outcome == "pending"
    )


@dataclass
class Case:
    """One refused submission: who sends what where, the field its error lands beside (by
    id), what that error says, the typed values the answer must still show, the label the
    message region names."""

    who: str
    url: Callable[[World], str]
    data: dict[str, str]
    field_id: Callable[[World], str]
    error: str
    kept: tuple[str, ...]
    label: str


CASES = {
    # A service rule (0 to 100), named by the form's label.
    "progress": Case(
        "mentee",
        lambda w: f"/relationships/goals/{w.goal.pk}/progress/",
        {"progress": "140", "status": "open"},
        lambda w: f"progress-{w.goal.pk}_progress",
        "must be 0 to 100 (you entered 140)",
        ('value="140"',),
        "Progress (%):",
    ),
    # A service rule on the title; the typed due date is kept.
    "milestone": Case(
        "mentor",
        lambda w: f"/relationships/goals/{w.goal.pk}/milestones/",
        {"title": LONG_TITLE, "due_date": "2027-01-15"},
        lambda w: f"milestone-{w.goal.pk}_title",
        "is required, at most 200 characters",
        (f'value="{LONG_TITLE}"', 'value="2027-01-15"'),
        "New milestone:",
    ),
    # A value the form cannot read at all.
    "milestone-due": Case(
        "mentee",
        lambda w: f"/relationships/goals/{w.goal.pk}/milestones/",
        {"title": "Book the room", "due_date": "next week"},
        lambda w: f"milestone-{w.goal.pk}_due_date",
        "Enter a valid date.",
        ('value="Book the room"', 'value="next week"'),
        "Due:",
    ),
    # The service names the note `private_note`; it lands on the form's `text`.
    "note": Case(
        "mentee",
        lambda w: f"/relationships/meetings/{w.meeting.pk}/private-note/",
        {"text": LONG_NOTE},
        lambda w: f"note-{w.meeting.pk}_text",
        "must be at most 20000 characters",
        (LONG_NOTE,),
        "My private note:",
    ),
    "sponsorship": Case(
        "mentor",
        lambda w: f"/relationships/{w.relationship.pk}/sponsorship/",
        {"kind": "promotion", "description": LONG_DESCRIPTION},
        lambda w: "sp_description",
        "is required, at most 2000 characters",
        ('<option value="promotion" selected>', LONG_DESCRIPTION),
        "What you did:",
    ),
    "sponsorship-empty": Case(
        "mentor",
        lambda w: f"/relationships/{w.relationship.pk}/sponsorship/",
        {"kind": "stretch_assignment", "description": "  "},
        lambda w: "sp_description",
        "This field is required.",
        ('<option value="stretch_assignment" selected>',),
        "What you did:",
    ),
    "outcome": Case(
        "mentor",
        lambda w: f"/relationships/sponsorship/{w.action.pk}/outcome/",
        {"outcome": "succeeded", "outcome_on": "31/12/2026"},
        lambda w: f"outcome-{w.action.pk}_outcome_on",
        "Enter a valid date.",
        ('<option value="succeeded" selected>', 'value="31/12/2026"'),
        "Outcome date:",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_a_refusal_shows_the_page_with_the_error_beside_its_field(request, world, name):
    case = CASES[name]
    response = client_for(request.getfixturevalue(case.who)).post(case.url(world), case.data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "<html" in page  # the whole page, no redirect: nothing typed is lost
    block = field_html(page, case.field_id(world))
    assert case.error in block
    assert 'aria-invalid="true"' in block
    assert re.search(rf'aria-describedby="[^"]*{case.field_id(world)}_error"', block)
    for value in case.kept:
        assert value in page
    assert case.label in page  # the message region names the label ...
    assert not re.search(r"\b(private_note|outcome_on|due_date|description)\b:", page)
    assert nothing_changed(world)


@pytest.mark.parametrize("name", CASES)
def test_an_htmx_refusal_swaps_only_that_form(request, world, name):
    case = CASES[name]
    response = client_for(request.getfixturevalue(case.who)).post(
        case.url(world), case.data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422 and response["HX-Reswap"] == "outerHTML"
    body = response.content.decode()
    assert "<html" not in body and body.lstrip().startswith("<form")
    assert body.count("<form") == 1  # only the form that was sent
    assert f'hx-post="{case.url(world)}"' in body and 'hx-target="this"' in body
    block = field_html(body, case.field_id(world))
    assert case.error in block and 'aria-invalid="true"' in block
    for value in case.kept:
        assert value in body
    assert 'hx-swap-oob="true"' in body and case.label in body
    assert nothing_changed(world)


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_a_forged_done_value_is_refused_by_its_label(world, mentee, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    url = f"/relationships/milestones/{world.milestone.pk}/done/"
    response = client_for(mentee).post(url, {"done": "maybe"}, **headers)
    assert response.status_code == 422
    body = response.content.decode()
    assert "Done: Select a valid choice." in body and "(Hidden field" not in body
    assert nothing_changed(world)


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_valid_submissions_write_and_go_back_to_the_page(world, mentee, mentor, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    ana, marta = client_for(mentee), client_for(mentor)
    w = world
    sent = [
        (ana, f"/relationships/goals/{w.goal.pk}/progress/", {"progress": "40"}),
        (ana, f"/relationships/goals/{w.goal.pk}/milestones/", {"title": "Ask", "due_date": ""}),
        (ana, f"/relationships/milestones/{w.milestone.pk}/done/", {"done": "1"}),
        (ana, f"/relationships/meetings/{w.meeting.pk}/private-note/", {"text": "Only mine"}),
        (
            marta,
            f"/relationships/{w.relationship.pk}/sponsorship/",
            {"kind": "promotion", "description": "Named"},
        ),
        (
            marta,
            f"/relationships/sponsorship/{w.action.pk}/outcome/",
            {"outcome": "succeeded", "outcome_on": "2026-11-30"},
        ),
    ]
    for client, url, data in sent:
        response = client.post(url, data, **headers)
        if htmx:
            assert (response.status_code, response["HX-Refresh"]) == (204, "true"), url
        else:
            assert response.status_code == 302, url
            assert response["Location"].startswith(f"/relationships/{w.relationship.pk}/#")
    w.goal.refresh_from_db()
    w.milestone.refresh_from_db()
    w.action.refresh_from_db()
    assert w.goal.progress == 40 and w.goal.status == "open"  # no status sent: kept
    assert list(w.goal.milestones.values_list("title", flat=True).order_by("pk")) == [
        "Draft the budget",
        "Ask",
    ]
    assert w.milestone.done_at is not None
    assert PrivateNote.objects.get().text == "Only mine"
    assert SponsorshipAction.objects.count() == 2
    assert (w.action.outcome, w.action.outcome_on) == ("succeeded", dt.date(2026, 11, 30))


def test_required_fields_are_marked_and_optional_ones_not(world, mentor):
    page = client_for(mentor).get(f"/relationships/{world.relationship.pk}/").content.decode()
    w = world
    for required in (
        f"progress-{w.goal.pk}_progress",
        f"milestone-{w.goal.pk}_title",
        "sp_kind",
        "sp_description",
        f"outcome-{w.action.pk}_outcome",
    ):
        block = field_html(page, required)
        assert 'aria-required="true"' in block and "(required)" in block, required
    for optional in (
        f"milestone-{w.goal.pk}_due_date",
        f"note-{w.meeting.pk}_text",
        f"outcome-{w.action.pk}_outcome_on",
    ):
        assert "aria-required" not in field_html(page, optional), optional
    # Each form shows its object's current values.
    assert f'<label for="note-{w.meeting.pk}_text">My private note' in page
    assert f'name="done" value="1" id="done-{w.milestone.pk}_done"' in page


# Who may not act gets the refusal (never a form), on each endpoint, as a page and HTMX ----


ENDPOINTS = {
    "progress": lambda w: (f"/relationships/goals/{w.goal.pk}/progress/", {"progress": "x"}),
    "milestone": lambda w: (f"/relationships/goals/{w.goal.pk}/milestones/", {"title": ""}),
    "done": lambda w: (f"/relationships/milestones/{w.milestone.pk}/done/", {"done": "1"}),
    "note": lambda w: (f"/relationships/meetings/{w.meeting.pk}/private-note/", {"text": "x"}),
    "sponsorship": lambda w: (f"/relationships/{w.relationship.pk}/sponsorship/", {"kind": "?"}),
    "outcome": lambda w: (f"/relationships/sponsorship/{w.action.pk}/outcome/", {"outcome": "?"}),
}


def _refused(response: Any, htmx: bool, status: int) -> None:
    body = response.content.decode()
    assert "<form" not in body
    if htmx:
        assert response.status_code == status and response["HX-Reswap"] == "none"
    else:
        assert response.status_code == 302  # back to the page, the refusal as its message


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_an_overseer_is_refused_even_with_invalid_input(world, program_manager, endpoint, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    url, data = ENDPOINTS[endpoint](world)
    response = client_for(program_manager).post(url, data, **headers)
    _refused(response, htmx, 403)
    assert "Lead" not in response.content.decode()  # the goal's text stays unread
    assert nothing_changed(world)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_people_outside_the_relationship_get_404(world, other_mentee, endpoint, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    url, data = ENDPOINTS[endpoint](world)
    assert client_for(other_mentee).post(url, data, **headers).status_code == 404
    assert nothing_changed(world)


@pytest.mark.parametrize("endpoint", ["sponsorship", "outcome"])
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_the_mentee_records_no_sponsorship_whatever_was_typed(world, mentee, endpoint, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    url, data = ENDPOINTS[endpoint](world)
    for sent in (data, {"kind": "promotion", "description": "Me", "outcome": "succeeded"}):
        response = client_for(mentee).post(url, sent, **headers)
        _refused(response, htmx, 403)
        if htmx:
            assert "Only the sponsor or mentor" in response.content.decode()
    assert nothing_changed(world)


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_a_closed_relationship_refuses_changes_with_409(world, mentee, htmx):
    Relationship.objects.filter(pk=world.relationship.pk).update(status=RelationshipStatus.CLOSED)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    for endpoint in ("progress", "milestone", "done"):
        url, _ = ENDPOINTS[endpoint](world)
        data = {"progress": "50", "title": "Late", "done": "1"}
        _refused(client_for(mentee).post(url, data, **headers), htmx, 409)
    assert nothing_changed(world)
