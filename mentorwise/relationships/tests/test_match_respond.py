"""Answering matches: every transition, the denied paths, capacity under concurrency."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection

from mentorwise.core.errors import Conflict, NotFound
from mentorwise.core.models import AuditEntry
from mentorwise.matches.models import Match, MatchStatus, Response
from mentorwise.programs.models import Enrollment
from mentorwise.relationships.inputs import MatchAnswer
from mentorwise.relationships.models import EventKind, Relationship
from mentorwise.relationships.services import match_respond
from mentorwise.relationships.tests.factories import (
    enrollment_of,
    published_match,
    requested_match,
)

pytestmark = pytest.mark.django_db


def test_both_accepting_starts_relationship_with_draft_agreement(
    mentee, mentor, program, django_capture_on_commit_callbacks
):
    match = published_match(mentee, mentor)
    match_respond(actor=mentee, match=match, data=MatchAnswer(accept=True))
    match.refresh_from_db()
    assert match.status == MatchStatus.PUBLISHED and match.mentee_response == Response.ACCEPTED
    assert not Relationship.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        match_respond(actor=mentor, match=match, data=MatchAnswer(accept=True))
    match.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED
    relationship = Relationship.objects.get(match=match)
    assert relationship.mentee.person == mentee.person and relationship.is_active
    version = relationship.agreement.current
    assert version.number == 1 and not version.is_confirmed
    assert "Prepare high-potential" in version.program_objectives
    assert version.mentee_responsibilities and version.mentor_responsibilities
    assert version.meeting_cadence_days == program.meeting_cadence_days
    assert relationship.events.filter(kind=EventKind.STARTED).count() == 1
    assert AuditEntry.objects.filter(action="relationship.started").count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [mentee.person.email, mentor.person.email]
    )
    assert mail.outbox[0].body == mail.outbox[1].body


def test_mentor_accepts_requested_match(mentee, mentor):
    match = requested_match(mentee, mentor)
    match_respond(actor=mentor, match=match, data=MatchAnswer(accept=True))
    assert Relationship.objects.filter(match=match).exists()


def test_mentee_cannot_answer_own_request(mentee, mentor):
    match = requested_match(mentee, mentor)
    with pytest.raises(Conflict):
        match_respond(actor=mentee, match=match, data=MatchAnswer(accept=True))


def test_decline_records_reason_and_returns_both_to_pool(
    mentee, mentor, django_capture_on_commit_callbacks
):
    match = published_match(mentee, mentor)
    with django_capture_on_commit_callbacks(execute=True):
        match_respond(
            actor=mentor, match=match, data=MatchAnswer(accept=False, reason="No time this quarter")
        )
    match.refresh_from_db()
    assert match.status == MatchStatus.DECLINED
    assert match.mentor_response == Response.DECLINED
    assert match.decline_reason == "No time this quarter"
    assert not Relationship.objects.exists()
    assert [m.to for m in mail.outbox] == [[mentee.person.email]]
    # The pool is "enrollments without a capacity-holding match".
    assert not Match.objects.filter(status__in=("approved", "published", "accepted")).exists()


def test_answering_twice_is_a_conflict(mentee, mentor):
    match = published_match(mentee, mentor)
    match_respond(actor=mentee, match=match, data=MatchAnswer(accept=True))
    with pytest.raises(Conflict):
        match_respond(actor=mentee, match=match, data=MatchAnswer(accept=False))


def test_declined_match_cannot_be_accepted(mentee, mentor):
    match = published_match(mentee, mentor)
    match_respond(actor=mentee, match=match, data=MatchAnswer(accept=False))
    with pytest.raises(Conflict):
        match_respond(actor=mentor, match=match, data=MatchAnswer(accept=True))


def test_expired_match_cannot_be_answered(mentee, mentor):
    from django.utils import timezone

    match = published_match(mentee, mentor, expires_at=timezone.now())
    with pytest.raises(Conflict):
        match_respond(actor=mentee, match=match, data=MatchAnswer(accept=True))


def test_others_cannot_answer_a_match(mentee, mentor, other_mentee, program_manager, hr_admin):
    match = published_match(mentee, mentor)
    for actor in (other_mentee, program_manager, hr_admin):
        with pytest.raises(NotFound):
            match_respond(actor=actor, match=match, data=MatchAnswer(accept=True))
    match.refresh_from_db()
    assert match.mentee_response == Response.PENDING == match.mentor_response


def test_full_mentor_is_a_conflict(mentee, other_mentee, mentor):
    Enrollment.objects.filter(pk=enrollment_of(mentor).pk).update(capacity=1)
    first, second = requested_match(mentee, mentor), requested_match(other_mentee, mentor)
    match_respond(actor=mentor, match=first, data=MatchAnswer(accept=True))
    with pytest.raises(Conflict) as error:
        match_respond(actor=mentor, match=second, data=MatchAnswer(accept=True))
    assert error.value.code == "mentor_full"
    second.refresh_from_db()
    assert second.status == MatchStatus.REQUESTED
    assert Relationship.objects.count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the in-memory SQLite test database (shared cache) has table locks that ignore the "
    "busy timeout; real concurrent transactions are tested on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_two_acceptances_at_the_same_moment_never_exceed_capacity(mentee, other_mentee, mentor):
    """Real concurrent transactions: the locked enrollment row lets only one through."""
    Enrollment.objects.filter(pk=enrollment_of(mentor).pk).update(capacity=1)
    matches = [requested_match(mentee, mentor), requested_match(other_mentee, mentor)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(match: Match) -> None:
        try:
            barrier.wait(timeout=10)
            match_respond(actor=mentor, match=match, data=MatchAnswer(accept=True))
            outcomes.append("accepted")
        except Conflict:
            outcomes.append("full")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(m,)) for m in matches]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["accepted", "full"]
    assert Match.objects.filter(status=MatchStatus.ACCEPTED).count() == 1
    assert Relationship.objects.count() == 1


def test_an_over_long_decline_reason_is_refused_alike_on_page_and_api(mentee, mentor):
    """The reason was cut to 2,000 characters without a word; now the one validator names it."""
    from django.test import Client

    match = published_match(mentee, mentor)
    client = Client()
    client.force_login(mentor)
    page = client.post(
        f"/relationships/matches/{match.pk}/respond/",
        {"answer": "decline", "reason": "x" * 2001},
        follow=True,
    )
    assert (
        "Reason for declining (optional): must be at most 2000 characters" in page.content.decode()
    )
    api = client.post(
        f"/api/matches/{match.pk}/respond",
        {"accept": False, "reason": "x" * 2001},
        content_type="application/json",
    )
    assert api.status_code == 422
    assert [e["field"] for e in api.json()["errors"]] == ["reason"]
    match.refresh_from_db()
    assert match.status == MatchStatus.PUBLISHED and match.decline_reason == ""
    # Trimmed when kept; an acceptance keeps no reason.
    match_respond(actor=mentor, match=match, data=MatchAnswer(accept=False, reason="  Busy  "))
    match.refresh_from_db()
    assert match.decline_reason == "Busy"
