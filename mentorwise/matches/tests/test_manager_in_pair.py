"""A program manager who also takes part never decides, previews or forbids a pair they are in."""

from __future__ import annotations

import pytest

from conftest import api_client, page_client
from mentorwise.core.errors import Forbidden
from mentorwise.matches import scores, services
from mentorwise.matches.models import ForbiddenPair, Match, MatchingRun, MatchStatus
from mentorwise.programs.models import Enrollment, Program

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(program: Program, program_manager, mentee, other_mentee, mentor):
    """Marta mentors in the program she also manages; Paula manages it without taking part."""
    program.managers.add(mentor)
    run = MatchingRun.objects.create(program=program)
    proposal = Match.objects.create(
        program=program,
        run=run,
        mentee=Enrollment.objects.get(person=mentee.person),
        mentor=Enrollment.objects.get(person=mentor.person),
        status=MatchStatus.PROPOSED,
        score=0.7,
        reasons=["GOAL-TEXT-OF-THE-PAIR"],
    )
    return program, run, proposal


def _ids(match: Match) -> dict[str, int]:
    return {"mentee_id": match.mentee_id, "mentor_id": match.mentor_id}


@pytest.mark.parametrize(
    "call",
    [
        lambda m, a: services.match_approve(actor=a, match=m),
        lambda m, a: services.match_reject(actor=a, match=m),
        lambda m, a: services.match_lock(actor=a, match=m, locked=True),
        lambda m, a: services.pair_forbid(actor=a, program=m.program, **_ids(m)),
        lambda m, a: scores.pair_preview(actor=a, program=m.program, **_ids(m)),
        lambda m, a: services.match_create_manual(actor=a, program=m.program, **_ids(m)),
    ],
    ids=["approve", "reject", "lock", "forbid", "preview", "by_hand"],
)
def test_a_manager_never_decides_a_pair_they_are_in(world, mentor, call) -> None:
    _, _, proposal = world
    with pytest.raises(Forbidden) as refused:
        call(proposal, mentor)
    assert refused.value.code == "conflict_of_interest"
    proposal.refresh_from_db()
    assert (proposal.status, proposal.locked) == (MatchStatus.PROPOSED, False)
    assert not ForbiddenPair.objects.exists()
    assert Match.objects.count() == 1


def test_another_manager_decides_it(world, program_manager) -> None:
    _, _, proposal = world
    preview = scores.pair_preview(actor=program_manager, program=proposal.program, **_ids(proposal))
    assert preview.score is not None
    services.match_approve(actor=program_manager, match=proposal)
    proposal.refresh_from_db()
    assert proposal.status == MatchStatus.APPROVED


def test_approve_all_leaves_the_actors_own_pair_to_others(world, mentor, program_manager) -> None:
    _, run, proposal = world
    assert services.matches_approve_all(actor=mentor, run=run) == 0
    proposal.refresh_from_db()
    assert proposal.status == MatchStatus.PROPOSED
    assert services.matches_approve_all(actor=program_manager, run=run) == 1


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_the_page_refuses_without_showing_the_pair(world, mentor, htmx) -> None:
    _, _, proposal = world
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = page_client(mentor).post(f"/matching/{proposal.pk}/approve/", **headers)
    assert "GOAL-TEXT-OF-THE-PAIR" not in response.content.decode()
    if htmx:
        assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == MatchStatus.PROPOSED


def test_the_api_refuses_with_the_reason(world, mentor) -> None:
    _, _, proposal = world
    response = api_client(mentor, "admin").post(f"/api/matches/{proposal.pk}/approve")
    assert response.status_code == 403
    assert response.json()["code"] == "conflict_of_interest"
    proposal.refresh_from_db()
    assert proposal.status == MatchStatus.PROPOSED


def test_the_review_page_offers_no_decision_on_the_managers_own_pair(world, mentor) -> None:
    program, _, proposal = world
    body = page_client(mentor).get(f"/matching/programs/{program.slug}/").content.decode()
    assert "Another manager or an HR admin decides this pair." in body
    assert f"/matching/{proposal.pk}/approve/" not in body
