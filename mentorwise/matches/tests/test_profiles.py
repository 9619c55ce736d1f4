"""Mentor cards and "find a mentor": the person's profile, a correct "last active", and a
matched mentee told where their mentor is instead of "no mentor available"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from conftest import api_client, page_client
from mentorwise.accounts.models import User
from mentorwise.accounts.services import ACTIVITY_RESOLUTION, user_activity_record
from mentorwise.core.clock import format_when, zone_of
from mentorwise.matches import scores
from mentorwise.matches.models import Match, MatchStatus
from mentorwise.people.models import Person
from mentorwise.programs.models import Enrollment, Program

pytestmark = pytest.mark.django_db

FIND = "/matching/programs/leadership-2026/find/"


@pytest.fixture
def self_match(program: Program, mentee, mentor) -> Program:
    Program.objects.filter(pk=program.pk).update(self_match=True, mentor_training_required=False)
    program.refresh_from_db()
    return program


def test_a_mentor_card_shows_directory_fields_skills_and_bio_only(
    self_match, mentee, mentor
) -> None:
    Person.objects.filter(pk=mentor.person.pk).update(
        title="VP Sales", location="Lisbon", bio="Ask me about switching careers."
    )
    html = page_client(mentee).get(FIND).content.decode()
    for shown in ("VP Sales", "Lisbon", "Can help with", "Negotiation", "switching careers"):
        assert shown in html, shown
    assert mentor.person.email not in html
    (card,) = list(page_client(mentee).get(FIND).context["cards"])
    assert card[0].profile.bio == "Ask me about switching careers."


def test_last_active_is_read_from_recorded_activity(self_match, mentee, mentor) -> None:
    html = page_client(mentee).get(FIND).content.decode()
    assert "not signed in yet" in html and "never" not in html
    when = timezone.now() - dt.timedelta(days=3)
    User.objects.filter(pk=mentor.pk).update(last_active_at=when)
    (card,) = scores.mentor_cards(actor=mentee, program=self_match)
    assert card.last_active == when
    # The day in the mentee's own time zone, as every date of a moment is shown.
    day = format_when(when, zone_of(mentee), "date")
    assert f"last active {day}" in page_client(mentee).get(FIND).content.decode()
    # A later sign-in wins over older activity.
    User.objects.filter(pk=mentor.pk).update(last_login=timezone.now())
    (card,) = scores.mentor_cards(actor=mentee, program=self_match)
    assert card.last_active > when


def test_using_mentorwise_records_activity_at_most_once_per_resolution(mentor) -> None:
    assert mentor.last_active_at is None
    page_client(mentor).get("/")
    mentor.refresh_from_db()
    first = mentor.last_active_at
    assert first is not None and timezone.now() - first < dt.timedelta(minutes=1)
    page_client(mentor).get("/relationships/")
    mentor.refresh_from_db()
    assert mentor.last_active_at == first  # within the resolution: no second write
    later = first + ACTIVITY_RESOLUTION
    assert user_activity_record(user=mentor, now=later)
    mentor.refresh_from_db()
    assert mentor.last_active_at == later


def test_an_api_call_counts_as_activity(mentor) -> None:
    client = api_client(mentor)
    assert client.get("/api/me/nudges").status_code == 200
    mentor.refresh_from_db()
    assert mentor.last_active_at is not None


def test_an_anonymous_request_records_nothing(mentor) -> None:
    Client().get("/login/")
    assert not User.objects.filter(last_active_at__isnull=False).exists()


def test_the_mentor_list_api_carries_profile_and_last_active(self_match, mentee, mentor) -> None:
    Person.objects.filter(pk=mentor.person.pk).update(bio="Hello")
    (row,) = api_client(mentee).get("/api/programs/leadership-2026/mentors").json()
    assert row["bio"] == "Hello" and "Negotiation" in row["skills"] and row["last_active"] is None


def test_a_mentee_with_a_published_offer_is_sent_to_answer_it(self_match, mentee, mentor) -> None:
    Match.objects.create(
        program=self_match,
        mentee=Enrollment.objects.get(person=mentee.person),
        mentor=Enrollment.objects.get(person=mentor.person),
        status=MatchStatus.PUBLISHED,
    )
    html = page_client(mentee).get(FIND).content.decode()
    assert "Answer the match offer" in html


def test_an_unmatched_mentee_without_fitting_mentors_is_not_told_no_mentor_exists(
    self_match, mentee, mentor
) -> None:
    Enrollment.objects.filter(person=mentor.person).update(capacity=0)
    html = page_client(mentee).get(FIND).content.decode()
    assert "You already have" not in html
    assert "No mentor with room fits you right now" in html
