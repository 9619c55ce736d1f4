"""A participant's home: what is next and with whom, each with a link; match offers show the
other person's profile (directory fields and what they chose to share, nothing else)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import page_client
from mentorwise.people.models import Person
from mentorwise.programs.models import Program
from mentorwise.relationships import inputs
from mentorwise.relationships.home import check_in_due, participant_home
from mentorwise.relationships.models import CheckIn, Relationship
from mentorwise.relationships.services import check_in_create
from mentorwise.relationships.tests.factories import published_match, started_relationship

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


def test_check_in_is_due_once_a_cadence_passed_without_one() -> None:
    started = NOW - dt.timedelta(days=40)
    assert not check_in_due(now=NOW, started_at=NOW, last_check_in=None, cadence=14)
    assert check_in_due(now=NOW, started_at=started, last_check_in=None, cadence=14)
    recent = NOW - dt.timedelta(days=13)
    assert not check_in_due(now=NOW, started_at=started, last_check_in=recent, cadence=14)
    assert check_in_due(
        now=NOW, started_at=started, last_check_in=NOW - dt.timedelta(days=14), cadence=14
    )


def test_a_match_offer_shows_the_mentor_profile_to_the_mentee(mentee, mentor) -> None:
    Person.objects.filter(pk=mentor.person.pk).update(
        title="VP Sales", location="Lisbon", bio="I moved from engineering into sales."
    )
    match = published_match(mentee, mentor)
    html = page_client(mentee).get("/").content.decode()
    section = html.split("Match offers waiting for your answer")[1].split("</section>")[0]
    for shown in ("Marta Mentor", "VP Sales", "Sales", "Lisbon", "Negotiation"):
        assert shown in section, shown
    assert "I moved from engineering into sales." in section
    assert "Scaling sales teams" in section  # the expertise the form says mentees read
    assert f'href="/relationships/#offer-{match.pk}"' in section
    # Never what only HR reads: email, job level, hire date.
    assert mentor.person.email not in html and "2010" not in section
    mine = page_client(mentee).get("/relationships/").content.decode()
    assert f'id="offer-{match.pk}"' in mine and "I moved from engineering into sales." in mine


def test_a_match_offer_shows_the_mentee_to_the_mentor(mentee, mentor) -> None:
    published_match(mentee, mentor)
    panel = participant_home(actor=mentor)
    (offer,) = panel["offers"]
    assert offer.other.name == "Ana Mentee" and offer.other_role == "Mentee"
    assert offer.other.skills == ("Negotiation", "Strategic thinking")
    # Her development goals are hers and her overseers' (docs/permissions.md), not on offers.
    assert offer.other.about == ""
    assert "Ana's private career goals" not in page_client(mentor).get("/").content.decode()
    assert (
        "Ana's private career goals"
        not in page_client(mentor).get("/relationships/").content.decode()
    )
    assert offer.other.skills_label == "Wants to develop"
    assert not any("Answer your match" in item["text"] for item in panel["due"])


def test_nobody_else_sees_the_offer(mentee, mentor, other_mentee) -> None:
    published_match(mentee, mentor)
    assert participant_home(actor=other_mentee)["offers"] == []
    assert "Ana Mentee" not in page_client(other_mentee).get("/").content.decode()


def test_home_says_when_a_check_in_is_due_and_links_to_it(mentee, mentor) -> None:
    relationship = started_relationship(mentee, mentor)
    Relationship.objects.filter(pk=relationship.pk).update(
        started_at=timezone.now() - dt.timedelta(days=40)
    )
    html = page_client(mentee).get("/").content.decode()
    assert "Check in on how it is going with Marta Mentor" in html
    assert f'href="/relationships/{relationship.pk}/#check-ins"' in html
    relationship.refresh_from_db()
    check_in_create(actor=mentee, relationship=relationship, data=inputs.CheckInNew(pulse=4))
    assert not any("Check in" in d["text"] for d in participant_home(actor=mentee)["due"])
    # The mentor's own check-in is still due: each side checks in.
    assert any("Check in on how it is going with Ana Mentee" in d["text"] for d in
               participant_home(actor=mentor)["due"])  # fmt: skip
    assert CheckIn.objects.count() == 1


def test_a_waiting_mentee_is_told_what_happens_next(mentee, program: Program) -> None:
    html = page_client(mentee).get("/").content.decode()
    assert "The program manager of Leadership 2026 will match you with a mentor" in html
    Program.objects.filter(pk=program.pk).update(self_match=True)
    html = page_client(mentee).get("/").content.decode()
    assert 'href="/matching/programs/leadership-2026/find/"' in html
    assert "Find a mentor in Leadership 2026" in html


def test_a_matched_mentee_is_not_told_to_wait(mentee, mentor) -> None:
    started_relationship(mentee, mentor)
    assert participant_home(actor=mentee)["waiting"] == []


def test_people_without_a_relationship_get_no_empty_relationship_card(sponsor) -> None:
    html = page_client(sponsor).get("/").content.decode()
    assert "My relationships" not in html


def test_a_mentor_without_a_mentee_is_told_what_happens_next(mentor, program: Program) -> None:
    html = page_client(mentor).get("/").content.decode()
    assert "No mentee matched with you yet in Leadership 2026" in html
    assert "My relationships" in html and "No active relationship." in html
    options = {**program.matching.get("options", {}), "mentor_preferences": True}
    Program.objects.filter(pk=program.pk).update(matching={**program.matching, "options": options})
    html = page_client(mentor).get("/").content.decode()
    assert 'href="/matching/programs/leadership-2026/mentees/"' in html


def test_a_matched_mentor_is_not_told_to_wait(mentee, mentor) -> None:
    started_relationship(mentee, mentor)
    assert participant_home(actor=mentor)["waiting"] == []


def test_a_matched_mentee_is_told_they_have_a_mentor_not_that_none_is_available(
    program, mentee, mentor
) -> None:
    Program.objects.filter(pk=program.pk).update(self_match=True)
    started_relationship(mentee, mentor)
    html = page_client(mentee).get("/matching/programs/leadership-2026/find/").content.decode()
    assert "You already have a mentor in this program" in html
    assert "Marta Mentor" in html and 'href="/relationships/"' in html
    assert "available" not in html.split("You already have")[1].split("</section>")[0]
    assert "No mentor" not in html


def test_a_sponsor_sees_the_offer_and_the_protege_waiting_sees_what_is_next(
    hr_admin, sponsor, mentee, skills
) -> None:
    from conftest import _enroll
    from mentorwise.matches.models import Match, MatchStatus
    from mentorwise.programs.models import Enrollment, ProgramStatus
    from mentorwise.programs.services import program_create_from_template

    program = program_create_from_template(
        actor=hr_admin, template_key="sponsorship_underrepresented", name="Sponsors", slug="sp"
    )
    Program.objects.filter(pk=program.pk).update(status=ProgramStatus.ACTIVE)
    given = _enroll(program, sponsor.person, "sponsor", skills, expertise="Opening doors")
    html = page_client(sponsor).get("/").content.decode()
    assert "No mentee matched with you yet in Sponsors" in html
    protege = _enroll(program, mentee.person, "mentee", skills)
    Match.objects.create(
        program=program, mentee=protege, mentor=given, status=MatchStatus.PUBLISHED
    )
    (offer,) = participant_home(actor=sponsor)["offers"]
    assert offer.other.name == "Ana Mentee"
    (mine,) = participant_home(actor=mentee)["offers"]
    assert mine.other.name == "Sam Sponsor" and mine.other_role == "Sponsor"
    assert mine.other.about == "Opening doors"
    assert Enrollment.objects.filter(program=program).count() == 2
