"""Peer programs end to end: template, one role, a run that pairs peers with peers under the
pairs' hard rules, review, publishing and the relationship between the two peers."""

from __future__ import annotations

import itertools

import pytest

from conftest import _enroll, make_person, make_user
from mentorwise.core.errors import Conflict, InvalidInput
from mentorwise.matches import services
from mentorwise.matches.models import ForbiddenPair, Match, MatchStatus, RunStatus
from mentorwise.people.models import path_token
from mentorwise.programs.models import Program, ProgramKind, ProgramStatus, Role
from mentorwise.programs.services import program_create_from_template
from mentorwise.relationships.inputs.answers import MatchAnswer
from mentorwise.relationships.models import Relationship
from mentorwise.relationships.services.matches import match_respond

pytestmark = pytest.mark.django_db


@pytest.fixture
def peer_program(hr_admin, program_manager_user) -> Program:
    program = program_create_from_template(
        actor=hr_admin, template_key="peer_first_time_managers", slug="peers"
    )
    Program.objects.filter(pk=program.pk).update(
        status=ProgramStatus.ENROLLING, mentor_training_required=False
    )
    program.refresh_from_db()
    program.managers.add(program_manager_user)
    return program


def peers(program: Program, skills, count: int, **fields):
    people = [
        make_person(first_name=f"Peer{i}", function=["Finance", "Sales", "IT"][i % 3], **fields)
        for i in range(count)
    ]
    return [_enroll(program, p, Role.PEER, skills) for p in people]


def run(program: Program, actor, method: str = "optimal"):
    created = services.run_create(actor=actor, program=program, method=method)
    services.run_dispatch(created)
    created.refresh_from_db()
    return created


def test_template_is_a_peer_program_with_one_role(peer_program) -> None:
    assert peer_program.kind == ProgramKind.PEER
    assert peer_program.roles == [Role.PEER]


def test_peer_role_cannot_be_mixed_with_mentor_roles(hr_admin, peer_program) -> None:
    from mentorwise.programs.inputs import ProgramChanges, program_changes_validate

    with pytest.raises(InvalidInput, match="peer role is the only role"):
        program_changes_validate(
            ProgramChanges(eligibility={"peer": {}, "mentor": {}}), program=peer_program
        )


@pytest.mark.parametrize("method", ["optimal", "stable"])
def test_run_pairs_every_peer_once_and_never_across_a_management_chain(
    peer_program, program_manager_user, skills, method
) -> None:
    enrollments = peers(peer_program, skills, 7)
    # Peer0 manages Peer1: that pair is inside one management chain.
    boss, report = enrollments[0].person, enrollments[1].person
    boss.path = path_token(boss.pk)
    boss.save()
    report.manager, report.path = boss, path_token(boss.pk) + path_token(report.pk)
    report.save()
    ForbiddenPair.objects.create(program=peer_program, mentee=enrollments[2], mentor=enrollments[3])
    result = run(peer_program, program_manager_user, method)
    assert result.status == RunStatus.DONE, result.error
    pairs = list(result.matches.values_list("mentee_id", "mentor_id"))
    people = list(itertools.chain.from_iterable(pairs))
    assert len(people) == len(set(people)), "a peer is in two proposals"
    assert result.n_matched == 3  # seven peers: three pairs, one alone
    chosen = {frozenset(p) for p in pairs}
    assert frozenset((enrollments[0].pk, enrollments[1].pk)) not in chosen
    assert frozenset((enrollments[2].pk, enrollments[3].pk)) not in chosen
    assert all(mentee < mentor for mentee, mentor in pairs)
    # Reasons compare goal with goal; no peer "offers expertise".
    reasons = [r for m in result.matches.all() for r in m.reasons]
    assert any("similar goals" in r for r in reasons)
    assert not any("expertise" in r or "offers" in r for r in reasons)
    (alone,) = result.unmatched.all()
    assert alone.reason
    if method == "optimal":
        assert result.upper_bound is not None
        assert result.upper_bound >= result.total_score - 1e-9


def test_greedy_is_refused_for_peer_programs(peer_program, program_manager_user, skills) -> None:
    peers(peer_program, skills, 2)
    result = run(peer_program, program_manager_user, "greedy")
    assert result.status == RunStatus.FAILED
    assert "optimal or stable" in result.error


def test_publishing_a_peer_pair_starts_a_relationship_between_the_two_peers(
    peer_program, program_manager_user, skills
) -> None:
    enrollments = peers(peer_program, skills, 2)
    result = run(peer_program, program_manager_user)
    (match,) = result.matches.all()
    assert services.matches_approve_all(actor=program_manager_user, run=result) == 1
    assert services.matches_publish(actor=program_manager_user, program=peer_program) == 1
    for enrollment in enrollments:
        user = make_user(enrollment.person)
        match_respond(actor=user, match=Match.objects.get(pk=match.pk), data=MatchAnswer(True))
    relationship = Relationship.objects.get(match=match)
    assert {relationship.mentee_id, relationship.mentor_id} == {e.pk for e in enrollments}


def test_a_peer_already_paired_on_either_side_cannot_be_approved_again(
    peer_program, program_manager_user, skills
) -> None:
    a, b, c = peers(peer_program, skills, 3)
    first = Match.objects.create(
        program=peer_program, mentee=a, mentor=b, status=MatchStatus.APPROVED, score=0.5
    )
    second = Match.objects.create(
        program=peer_program, mentee=b, mentor=c, status=MatchStatus.PROPOSED, score=0.5
    )
    with pytest.raises(Conflict, match="already has a match"):
        services.match_approve(actor=program_manager_user, match=second)
    assert Match.objects.get(pk=second.pk).status == MatchStatus.PROPOSED
    assert first.status == MatchStatus.APPROVED
    # A new run leaves a and b out: only c is in the pool.
    result = run(peer_program, program_manager_user)
    assert result.n_mentees == 1 and result.n_matched == 0


def test_a_waiting_peer_is_told_a_peer_will_be_matched_until_paired_on_either_side(
    peer_program, skills
) -> None:
    from django.test import Client

    a, b = peers(peer_program, skills, 2)
    client = Client()
    client.force_login(make_user(b.person))
    assert "will match you with a peer" in client.get("/").content.decode()
    Match.objects.create(
        program=peer_program, mentee=a, mentor=b, status=MatchStatus.APPROVED, score=0.5
    )
    assert "will match you with a peer" not in client.get("/").content.decode()


def test_review_page_speaks_of_peers_and_pairs(peer_program, program_manager_user, skills) -> None:
    from django.test import Client

    peers(peer_program, skills, 5)
    run(peer_program, program_manager_user)
    client = Client()
    client.force_login(program_manager_user)
    page = client.get(f"/matching/programs/{peer_program.slug}/").content.decode()
    assert "pairs among 5 peers" in page
    assert "no two peers would both rather be together" in page
    assert "mentees matched" not in page
