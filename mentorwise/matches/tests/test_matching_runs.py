"""Matching in a program: runs, review, publishing, self-match, preferences, permissions."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from conftest import _enroll, make_person, make_user
from mentorwise.core.errors import Conflict, Forbidden
from mentorwise.matches import scores, services
from mentorwise.matches.models import (
    ForbiddenPair,
    Match,
    MatchingRun,
    MatchStatus,
    RunStatus,
)
from mentorwise.people.models import path_token
from mentorwise.programs.models import Enrollment, Program

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(program: Program, program_manager, mentee, other_mentee, mentor, skills):
    """Two mentees (Ana, Omar) and one mentor (Marta, capacity 2) in `program`."""
    Program.objects.filter(pk=program.pk).update(mentor_training_required=False)
    program.refresh_from_db()
    return program


def run(program: Program, actor, method: str = "optimal") -> MatchingRun:
    created = services.run_create(actor=actor, program=program, method=method)
    services.run_dispatch(created)
    created.refresh_from_db()
    return created


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_run_proposes_pairs_with_plain_reasons(setup, program_manager) -> None:
    result = run(setup, program_manager)
    assert result.status == RunStatus.DONE
    assert (result.n_mentees, result.n_mentors, result.n_matched) == (2, 1, 2)
    proposals = list(result.matches.order_by("mentee__person__first_name"))
    assert [m.mentee.person.first_name for m in proposals] == ["Ana", "Omar"]
    assert all(m.status == MatchStatus.PROPOSED and m.score > 0 for m in proposals)
    ana = proposals[0]
    assert any("skills Ana wants" in reason for reason in ana.reasons)
    assert any("levels above" in reason for reason in ana.reasons)


def test_unmatched_mentee_gets_a_reason_when_mentors_are_full(setup, program_manager) -> None:
    Enrollment.objects.filter(role="mentor").update(capacity=1)
    result = run(setup, program_manager)
    assert result.n_matched == 1
    (unmatched,) = result.unmatched.all()
    assert "full" in unmatched.reason


def test_management_chain_pairs_are_never_proposed(setup, program_manager, mentee, mentor) -> None:
    # Marta becomes Ana's manager: the pair is inside one management chain.
    boss, report = mentor.person, mentee.person
    boss.path = path_token(boss.pk)
    boss.save()
    report.manager, report.path = boss, path_token(boss.pk) + path_token(report.pk)
    report.save()
    result = run(setup, program_manager)
    assert not result.matches.filter(mentee__person=report).exists()
    assert "No mentor is allowed for Ana" in result.unmatched.get(mentee__person=report).reason


def test_rerun_supersedes_open_proposals_but_keeps_locked_ones(setup, program_manager) -> None:
    first = run(setup, program_manager)
    keep = first.matches.get(mentee__person__first_name="Ana")
    services.match_lock(actor=program_manager, match=keep, locked=True)
    second = run(setup, program_manager)
    keep.refresh_from_db()
    assert keep.status == MatchStatus.PROPOSED and keep.locked
    assert first.matches.get(mentee__person__first_name="Omar").status == MatchStatus.SUPERSEDED
    assert second.n_mentees == 1  # Ana is held by her locked proposal


def test_approve_never_exceeds_capacity(setup, program_manager) -> None:
    Enrollment.objects.filter(role="mentor").update(capacity=2)
    result = run(setup, program_manager)
    Enrollment.objects.filter(role="mentor").update(capacity=1)
    first, second = result.matches.order_by("pk")
    services.match_approve(actor=program_manager, match=first)
    with pytest.raises(Conflict, match="no place left"):
        services.match_approve(actor=program_manager, match=second)
    assert Match.objects.filter(status=MatchStatus.APPROVED).count() == 1


def test_forbidden_pair_is_declined_and_never_proposed_again(setup, program_manager) -> None:
    result = run(setup, program_manager)
    ana = result.matches.get(mentee__person__first_name="Ana")
    services.pair_forbid(
        actor=program_manager,
        program=setup,
        mentee_id=ana.mentee_id,
        mentor_id=ana.mentor_id,
        reason="conflict of interest",
    )
    ana.refresh_from_db()
    assert ana.status == MatchStatus.REJECTED
    again = run(setup, program_manager)
    assert not again.matches.filter(mentee_id=ana.mentee_id).exists()
    assert ForbiddenPair.objects.count() == 1


def test_publish_notifies_both_people(
    setup, program_manager, django_capture_on_commit_callbacks
) -> None:
    result = run(setup, program_manager)
    assert services.matches_approve_all(actor=program_manager, run=result) == 2
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.matches_publish(actor=program_manager, program=setup) == 2
    assert Match.objects.filter(status=MatchStatus.PUBLISHED).count() == 2
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert len(recipients) == 4
    assert any("Why this match" in message.body for message in mail.outbox)


def test_manual_pair_shows_score_and_warnings(setup, program_manager, mentor) -> None:
    junior = make_person(first_name="Jo", job_level=2, is_high_potential=True)
    jo = _enroll(setup, junior, "mentee", [])
    mentor_enrollment = Enrollment.objects.get(person=mentor.person)
    preview = scores.pair_preview(
        actor=program_manager, program=setup, mentee_id=jo.pk, mentor_id=mentor_enrollment.pk
    )
    assert preview.score is not None
    match = services.match_create_manual(
        actor=program_manager, program=setup, mentee_id=jo.pk, mentor_id=mentor_enrollment.pk
    )
    assert match.status == MatchStatus.APPROVED and match.source == "manual"


def test_other_manager_cannot_run_or_review(setup, program_manager, other_manager) -> None:
    with pytest.raises(Forbidden):
        services.run_create(actor=other_manager, program=setup)
    result = run(setup, program_manager)
    proposal = result.matches.first()
    with pytest.raises(Forbidden):
        services.match_approve(actor=other_manager, match=proposal)


@pytest.mark.parametrize("user_fixture", ["mentee", "other_manager", "mentor"])
def test_matching_pages_are_404_for_non_managers(
    setup, program_manager, request, user_fixture
) -> None:
    result = run(setup, program_manager)
    proposal = result.matches.first()
    client = client_for(request.getfixturevalue(user_fixture))
    assert client.get(f"/matching/programs/{setup.slug}/").status_code == 404
    assert client.post(f"/matching/programs/{setup.slug}/run/").status_code == 404
    assert client.post(f"/matching/{proposal.pk}/approve/").status_code == 404
    assert client.get(f"/matching/runs/{result.pk}/status/").status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == MatchStatus.PROPOSED


def test_manager_runs_and_approves_through_the_page(setup, program_manager) -> None:
    client = client_for(program_manager)
    assert (
        client.post(f"/matching/programs/{setup.slug}/run/", {"method": "optimal"}).status_code
        == 302
    )
    page = client.get(f"/matching/programs/{setup.slug}/").content.decode()
    assert "Ana Mentee" in page and "skills Ana wants" in page
    proposal = Match.objects.filter(status=MatchStatus.PROPOSED).first()
    response = client.post(f"/matching/{proposal.pk}/approve/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert "Approved" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == MatchStatus.APPROVED


def test_refused_row_action_answers_its_status_and_message_only(setup, program_manager) -> None:
    """A refused action never renders the row: HTMX gets 409 and the message, out of band."""
    proposal = run(setup, program_manager).matches.first()
    services.match_approve(actor=program_manager, match=proposal)
    client = client_for(program_manager)
    response = client.post(f"/matching/{proposal.pk}/lock/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 409 and response["HX-Reswap"] == "none"
    assert "Only proposals can be locked." in body and 'hx-swap-oob="true"' in body
    assert f'id="match-{proposal.pk}"' not in body and proposal.mentee.person.full_name not in body
    page = client.post(f"/matching/{proposal.pk}/lock/")
    assert page.status_code == 302  # a full page: back to the list, where the message shows


def test_only_one_run_at_a_time(setup, program_manager) -> None:
    services.run_create(actor=program_manager, program=setup)
    with pytest.raises(Conflict, match="already in progress"):
        services.run_create(actor=program_manager, program=setup)


def test_match_command_prints_a_summary(setup) -> None:
    out = io.StringIO()
    call_command("match", setup.slug, "--approve-all", stdout=out, verbosity=0)
    text = out.getvalue()
    assert "2 of 2 mentees matched" in text and "Approved 2 proposals" in text


# Self-match -------------------------------------------------------------------------------


@pytest.fixture
def self_match(setup):
    Program.objects.filter(pk=setup.pk).update(self_match=True)
    setup.refresh_from_db()
    return setup


def test_mentee_sees_recommendations_and_requests_a_mentor(
    self_match, mentee, mentor, django_capture_on_commit_callbacks
) -> None:
    cards = scores.mentor_cards(actor=mentee, program=self_match)
    assert [c.enrollment.person.first_name for c in cards] == ["Marta"]
    assert cards[0].allowed and cards[0].room == 2 and cards[0].reasons
    with django_capture_on_commit_callbacks(execute=True):
        match = services.mentor_request_create(
            actor=mentee, program=self_match, mentor_id=cards[0].enrollment.pk, message="Hi Marta"
        )
    assert match.status == MatchStatus.REQUESTED and match.expires_at is not None
    assert mail.outbox[-1].to == [mentor.person.email]
    with pytest.raises(Conflict, match="open request"):
        services.mentor_request_create(
            actor=mentee, program=self_match, mentor_id=cards[0].enrollment.pk, message="again"
        )


def test_requests_expire(self_match, mentee) -> None:
    from datetime import timedelta

    from django.utils import timezone

    mentor_enrollment = Enrollment.objects.get(role="mentor")
    match = services.mentor_request_create(
        actor=mentee, program=self_match, mentor_id=mentor_enrollment.pk, message=""
    )
    assert services.requests_expire(now=timezone.now() + timedelta(days=6)) == 0
    assert services.requests_expire(now=timezone.now() + timedelta(days=8)) == 1
    match.refresh_from_db()
    assert match.status == MatchStatus.EXPIRED


def test_self_match_is_refused_where_the_manager_matches(setup, mentee) -> None:
    with pytest.raises(Conflict, match="program manager makes the matches"):
        services.mentor_request_create(actor=mentee, program=setup, mentor_id=1, message="")


def test_mentor_sees_nothing_of_the_mentee_browse_page(self_match, mentor) -> None:
    response = client_for(mentor).get(f"/matching/programs/{self_match.slug}/find/")
    assert response.status_code == 302  # not a mentee here: sent back with the reason


def test_vetoes_are_limited_and_exclude_the_pair(setup, program_manager, mentee) -> None:
    mine = Enrollment.objects.get(person=mentee.person)
    mentors = [Enrollment.objects.get(role="mentor")]
    for n in range(3):
        person = make_person(first_name=f"Extra{n}", job_level=8)
        mentors.append(_enroll(setup, person, "mentor", [], capacity=1))
    for other in mentors[:3]:
        services.preference_set(actor=mentee, enrollment=mine, other_id=other.pk, kind="veto")
    with pytest.raises(Conflict, match="at most 3"):
        services.preference_set(actor=mentee, enrollment=mine, other_id=mentors[3].pk, kind="veto")
    result = run(setup, program_manager)
    ana = result.matches.filter(mentee=mine).first()
    assert ana is None or ana.mentor_id == mentors[3].pk


def test_participant_cannot_set_preferences_for_someone_else(setup, mentee, other_mentee) -> None:
    from mentorwise.core.errors import NotFound

    theirs = Enrollment.objects.get(person=other_mentee.person)
    with pytest.raises(NotFound):
        services.preference_set(
            actor=mentee,
            enrollment=theirs,
            other_id=Enrollment.objects.get(role="mentor").pk,
            kind="prefer",
        )


def test_outsider_gets_404_on_find_page_of_unknown_program(outsider) -> None:
    make_user(make_person())
    assert client_for(outsider).get("/matching/programs/nope/find/").status_code == 404


def test_untrained_mentors_take_nobody_when_training_is_required(
    setup, program_manager, mentor
) -> None:
    from mentorwise.learning.models import (
        ModuleCompletion,
        ProgramTrainingRequirement,
        TrainingModule,
    )
    from mentorwise.learning.services import modules_sync_builtin

    modules_sync_builtin()
    module = TrainingModule.objects.order_by("pk").first()
    ProgramTrainingRequirement.objects.create(program=setup, module=module)
    Program.objects.filter(pk=setup.pk).update(mentor_training_required=True)
    setup.refresh_from_db()
    untrained = run(setup, program_manager)
    assert untrained.n_matched == 0
    assert "training" in untrained.unmatched.first().reason
    ModuleCompletion.objects.create(person=mentor.person, module=module, score=100)
    trained = run(setup, program_manager)
    assert trained.n_matched == 2


def test_mentors_state_preferences_only_where_the_program_allows(setup, mentor, mentee) -> None:
    from mentorwise.core.errors import Conflict as ConflictError

    mine = Enrollment.objects.get(person=mentor.person)
    ana = Enrollment.objects.get(person=mentee.person)
    options = setup.matching["options"]
    Program.objects.filter(pk=setup.pk).update(
        matching={**setup.matching, "options": {**options, "mentor_preferences": False}}
    )
    mine.program.refresh_from_db()
    with pytest.raises(ConflictError, match="only mentees"):
        services.preference_set(actor=mentor, enrollment=mine, other_id=ana.pk, kind="prefer")
    Program.objects.filter(pk=setup.pk).update(
        matching={**setup.matching, "options": {**options, "mentor_preferences": True}}
    )
    setup.refresh_from_db()
    mine = Enrollment.objects.get(person=mentor.person)
    cards = scores.mentee_cards(actor=mentor, program=setup)
    assert {c.enrollment.person.first_name for c in cards} == {"Ana", "Omar"}
    services.preference_set(actor=mentor, enrollment=mine, other_id=ana.pk, kind="prefer")
    page = client_for(mentor).get(f"/matching/programs/{setup.slug}/mentees/").content.decode()
    assert "Ana Mentee" in page and "preferred" in page


def test_sponsorship_template_requires_two_levels_between_the_pair(hr_admin) -> None:
    from mentorwise.matches.problem import program_rules
    from mentorwise.programs.services import program_create_from_template

    sponsorship = program_create_from_template(
        actor=hr_admin, template_key="sponsorship_underrepresented"
    )
    assert program_rules(sponsorship, previous=[], forbidden=[]).min_level_gap == 2
