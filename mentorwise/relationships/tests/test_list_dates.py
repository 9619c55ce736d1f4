"""The lists around relationships (my relationships, a program's relationships, participants and
survey answers) print moments in the viewer's time zone and name it.

One moment is used throughout: 30 Nov 2026, 12:00 UTC, which is already Tue 1 Dec 01:00 NZDT
for a program manager in Auckland and 13:00 CET on Mon 30 Nov for Ana in Berlin. A page that
printed the server's UTC day would show 30 Nov to the manager.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.utils import timezone

from mentorwise.programs.models import Enrollment, Program
from mentorwise.relationships import services
from mentorwise.relationships.inputs import SurveyAnswers
from mentorwise.relationships.models import Relationship, SurveyResponse
from mentorwise.relationships.tests.factories import published_match
from mentorwise.relationships.tests.test_forms_that_help import client_for

pytestmark = pytest.mark.django_db

MOMENT = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def manager_in_auckland(program_manager: Any) -> Any:
    program_manager.person.time_zone = "Pacific/Auckland"
    program_manager.person.save(update_fields=["time_zone"])
    return program_manager


def test_an_offer_says_until_when_in_the_mentees_zone(mentee, mentor):
    # An offer must still be open to be listed: noon UTC a week from now.
    deadline = dt.datetime.combine(
        timezone.now().date() + dt.timedelta(days=7), dt.time(12), tzinfo=dt.UTC
    )
    published_match(mentee, mentor, expires_at=deadline)
    page = client_for(mentee).get("/relationships/").content.decode()
    berlin = deadline.astimezone(zoneinfo.ZoneInfo("Europe/Berlin"))
    expected = f"{berlin:%a} {berlin.day} {berlin:%b %Y}, {berlin:%H}:00 {berlin.tzname()}"
    assert f"Answer by {expected}" in page and berlin.hour in (13, 14)
    assert "Dates and times in your time zone (Europe/Berlin)" in page


def test_program_relationships_start_on_the_managers_day(
    relationship: Relationship, manager_in_auckland: Any
) -> None:
    Relationship.objects.filter(pk=relationship.pk).update(started_at=MOMENT)
    page = (
        client_for(manager_in_auckland)
        .get(f"/relationships/program/{relationship.program.slug}/")
        .content.decode()
    )
    assert "Tue 1 Dec 2026" in page and "Mon 30 Nov 2026" not in page
    assert "dates in your time zone (Pacific/Auckland)" in page


def test_participants_enrolled_on_the_managers_day(program: Program, mentee, manager_in_auckland):
    Enrollment.objects.filter(person=mentee.person).update(created_at=MOMENT)
    page = (
        client_for(manager_in_auckland)
        .get(f"/programs/{program.slug}/participants/")
        .content.decode()
    )
    assert "Tue 1 Dec 2026" in page and "2026-11-30" not in page
    assert "dates in your time zone (Pacific/Auckland)" in page


def test_survey_answers_dated_on_the_managers_day(
    relationship: Relationship, mentee: Any, manager_in_auckland: Any
) -> None:
    program = relationship.program
    Program.objects.filter(pk=program.pk).update(surveys_confidential=False)
    survey = services.survey_for(program=program, kind="closing")
    answers = {q["key"]: q["min"] if q["type"] == "scale" else "Fine" for q in survey.questions}
    services.survey_respond(
        actor=mentee, relationship=relationship, kind="closing", data=SurveyAnswers(answers)
    )
    SurveyResponse.objects.update(submitted_at=MOMENT)
    page = (
        client_for(manager_in_auckland)
        .get(f"/relationships/program/{program.slug}/surveys/")
        .content.decode()
    )
    assert "<td>Tue 1 Dec 2026</td>" in page and "2026-11-30" not in page
    assert "Dates are days in your time zone (Pacific/Auckland)" in page
