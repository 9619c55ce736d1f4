"""A peer relationship speaks of peers wherever its two people are named: the pair's pages
(from either side), the program manager's pages, the lists, the journey, the API and the
messages. Neither peer is called a mentor or a mentee, although the data keeps a mentee side
and a mentor side. A mentoring relationship keeps its mentee and mentor.

The pages are read inside `<main>` only: the site navigation may offer "Find a mentor".
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from conftest import _enroll, api_client, make_person, make_user, page_client
from mentorwise.matches.models import Match, MatchStatus
from mentorwise.notifications.models import Nudge, NudgeKind
from mentorwise.notifications.services import nudges_run
from mentorwise.programs.models import Program, ProgramStatus, Role, pair_side_role
from mentorwise.programs.services import program_create_from_template
from mentorwise.relationships.inputs import MatchAnswer
from mentorwise.relationships.models import Relationship
from mentorwise.relationships.services.matches import match_respond

pytestmark = pytest.mark.django_db

# A word that names a person by the mentoring roles ("mentee", "Mentors"), not "mentoring".
ROLE_WORD = re.compile(r"\bment(?:ee|or)s?\b", re.IGNORECASE)


def main(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def role_words(text: str) -> list[str]:
    return ROLE_WORD.findall(text)


@pytest.fixture
def peer_program(hr_admin: Any, program_manager_user: Any) -> Program:
    program = program_create_from_template(
        actor=hr_admin, template_key="peer_first_time_managers", slug="peers"
    )
    Program.objects.filter(pk=program.pk).update(
        status=ProgramStatus.ENROLLING, mentor_training_required=False
    )
    program.refresh_from_db()
    program.managers.add(program_manager_user)
    return program


@pytest.fixture
def pair(peer_program: Program, skills: Any) -> tuple[Any, Any]:
    """Two peers, Priya (on the mentee side of the data) and Lars (on the mentor side)."""
    priya = make_person(first_name="Priya", last_name="Shah")
    lars = make_person(first_name="Lars", last_name="Berg")
    a = _enroll(peer_program, priya, Role.PEER, skills)
    b = _enroll(peer_program, lars, Role.PEER, skills)
    Match.objects.create(
        program=peer_program,
        mentee=a,
        mentor=b,
        status=MatchStatus.PUBLISHED,
        published_at=timezone.now(),
        score=0.5,
    )
    return make_user(priya), make_user(lars)


@pytest.fixture
def peer_relationship(pair: tuple[Any, Any]) -> Relationship:
    for user in pair:
        match = Match.objects.get(mentee__person=pair[0].person)
        match_respond(actor=user, match=match, data=MatchAnswer(accept=True))
    relationship = Relationship.objects.get(mentee__person=pair[0].person)
    Relationship.objects.filter(pk=relationship.pk).update(
        started_at=timezone.now() - dt.timedelta(days=60)
    )
    return relationship


def test_the_rule_names_both_sides_of_a_peer_pair_peer(peer_program: Program, program) -> None:
    for side in ("mentee", "mentor"):
        assert pair_side_role(peer_program, side) == Role.PEER
        assert pair_side_role(peer_program, side, "mentor") == Role.PEER
    assert pair_side_role(program, "mentee") == Role.MENTEE
    assert pair_side_role(program, "mentor", "sponsor") == Role.SPONSOR
    assert pair_side_role(program, "mentor", "coach") == Role.COACH


def test_each_peer_reads_the_relationship_page_in_peer_words(
    peer_relationship: Relationship, pair: tuple[Any, Any]
) -> None:
    for user in pair:
        page = main(page_client(user).get(f"/relationships/{peer_relationship.pk}/"))
        assert role_words(page) == []
        assert page.count("<dt>Peer</dt>") == 2
        assert "Priya Shah (Peer): confirmed" in page or "Priya Shah (Peer): not yet" in page
        assert "The peer's responsibilities (Lars Berg)" in page
        assert "The peer's responsibilities (Priya Shah)" in page
        client = page_client(user)
        for url in (
            f"/relationships/{peer_relationship.pk}/surveys/midpoint/",
            f"/relationships/{peer_relationship.pk}/report/",
            "/",
        ):
            assert role_words(main(client.get(url))) == [], url
        survey = main(client.get(f"/relationships/{peer_relationship.pk}/surveys/midpoint/"))
        assert "How much have your competencies and your peer&#x27;s grown?" in survey


def test_both_peers_start_from_the_peer_responsibilities(peer_relationship: Relationship) -> None:
    agreement = peer_relationship.agreement.versions.get()
    peer_terms = peer_relationship.program.responsibilities["peer"]
    assert agreement.mentee_responsibilities == agreement.mentor_responsibilities == peer_terms


def test_the_lists_call_the_pair_peers(
    peer_relationship: Relationship, pair: tuple[Any, Any], program_manager_user: Any
) -> None:
    mine = main(page_client(pair[1]).get("/relationships/"))
    assert role_words(mine) == []
    assert "<td>Peer</td>" in mine
    manager = page_client(program_manager_user)
    listing = main(manager.get("/relationships/program/peers/"))
    assert role_words(listing) == []
    assert "<th>Peer</th><th>Peer</th>" in listing
    assert 'data-label="Peer"' in listing
    surveys = main(manager.get("/relationships/program/peers/surveys/"))
    assert role_words(surveys) == []
    assert "Midpoint survey · peers" in surveys


def test_the_program_manager_reads_the_pair_as_two_peers(
    peer_relationship: Relationship, program_manager_user: Any
) -> None:
    page = main(page_client(program_manager_user).get(f"/relationships/{peer_relationship.pk}/"))
    assert "You oversee this relationship" in page
    assert role_words(page) == []
    assert page.count("<dt>Peer</dt>") == 2


def test_closing_and_the_journey_speak_of_peers(
    peer_relationship: Relationship, pair: tuple[Any, Any]
) -> None:
    client = page_client(pair[0])
    close = main(client.get(f"/relationships/{peer_relationship.pk}/close/"))
    assert role_words(close) == []
    assert "puts both peers, Priya Shah and Lars Berg, back" in close
    journey = main(client.get(f"/relationships/{peer_relationship.pk}/journey/"))
    assert role_words(journey) == []
    steps = peer_relationship.program.journey.steps.values_list("body", flat=True)
    assert [body for body in steps if role_words(body)] == []


def test_the_api_names_both_sides_peer(peer_relationship: Relationship, pair: tuple[Any, Any]):
    body = api_client(pair[0]).get(f"/api/relationships/{peer_relationship.pk}").json()
    assert (body["mentee_role"], body["mentor_role"]) == ("peer", "peer")


def test_messages_about_a_stalled_peer_pair_speak_of_peers(
    peer_relationship: Relationship,
) -> None:
    Program.objects.filter(pk=peer_relationship.program_id).update(auto_close_stalled=True)
    cadence = peer_relationship.program.meeting_cadence_days
    start = peer_relationship.started_at
    nudges_run(now=start + dt.timedelta(days=3 * cadence + 15))
    nudges_run(now=start + dt.timedelta(days=3 * cadence + 23))
    warnings = Nudge.objects.filter(kind=NudgeKind.CLOSURE_WARNING)
    closed = Nudge.objects.filter(kind=NudgeKind.AUTO_CLOSED)
    assert warnings.count() == closed.count() == 2
    texts = [n.body for n in (*warnings, *closed)]
    assert [t for t in texts if role_words(t)] == []
    assert all("each of you offered a new peer" in n.body for n in warnings)
    assert all("Each of you is back among the peers" in n.body for n in closed)


# A mentoring relationship keeps its words ------------------------------------------------


@pytest.fixture
def mentoring(mentee: Any, mentor: Any) -> Relationship:
    from mentorwise.relationships.tests.factories import started_relationship

    return started_relationship(mentee, mentor)


def test_a_mentoring_relationship_still_has_a_mentee_and_a_mentor(
    mentoring: Relationship, mentee: Any, mentor: Any, program_manager: Any
) -> None:
    page = main(page_client(mentee).get(f"/relationships/{mentoring.pk}/"))
    assert "<dt>Mentee</dt>" in page and "<dt>Mentor</dt>" in page
    assert "The mentee's responsibilities" in page
    assert "The mentor's responsibilities" in page
    assert "<td>Mentor</td>" in main(page_client(mentor).get("/relationships/"))
    listing = main(page_client(program_manager).get("/relationships/program/leadership-2026/"))
    assert "<th>Mentee</th><th>Mentor</th>" in listing
    oversight = main(page_client(program_manager).get(f"/relationships/{mentoring.pk}/"))
    assert "<dt>Mentee</dt>" in oversight and "<dt>Mentor</dt>" in oversight
    close = main(page_client(mentee).get(f"/relationships/{mentoring.pk}/close/"))
    assert "puts the mentee back among those waiting" in close
    body = api_client(mentee).get(f"/api/relationships/{mentoring.pk}").json()
    assert (body["mentee_role"], body["mentor_role"]) == ("mentee", "mentor")


def test_a_sponsor_keeps_being_called_sponsor(mentoring: Relationship, mentee: Any) -> None:
    mentoring.mentor.role = Role.SPONSOR
    mentoring.mentor.save(update_fields=["role"])
    page = main(page_client(mentee).get(f"/relationships/{mentoring.pk}/"))
    assert "<dt>Sponsor</dt>" in page
    assert "The sponsor's responsibilities" in page
