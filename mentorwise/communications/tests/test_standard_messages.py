"""A program's own wording of a standard message reaches the service that sends it (the
match announcement), in the reader's language, and the built-in text stays otherwise."""

from __future__ import annotations

import pytest
from django.core import mail

from mentorwise.accounts.models import User
from mentorwise.communications.inputs import TemplateInput
from mentorwise.communications.services import template_save
from mentorwise.matches.models import Match, MatchStatus
from mentorwise.matches.services import matches_publish
from mentorwise.people.models import Person
from mentorwise.programs.models import Enrollment, Program

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail_after_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "mentorwise.core.mail.transaction.on_commit", lambda callback, **kwargs: callback()
    )


def _publish(program: Program, manager: User, mentee: User, mentor: User) -> None:
    Match.objects.create(
        program=program,
        mentee=Enrollment.objects.get(program=program, person=mentee.person_id),
        mentor=Enrollment.objects.get(program=program, person=mentor.person_id),
        status=MatchStatus.APPROVED,
        reasons=["Same language"],
    )
    matches_publish(actor=manager, program=program)


def test_the_built_in_announcement_without_a_wording_of_the_programs_own(
    program: Program, program_manager: User, mentee: User, mentor: User
) -> None:
    _publish(program, program_manager, mentee, mentor)
    assert sorted(m.subject for m in mail.outbox) == [
        "Leadership 2026: you have been matched with Ana Mentee",
        "Leadership 2026: you have been matched with Marta Mentor",
    ]


def test_the_programs_own_announcement_in_each_readers_language(
    program: Program, program_manager: User, mentee: User, mentor: User
) -> None:
    for language, subject in (("en", "Meet {match_name}"), ("de", "Lernen Sie {match_name}")):
        template_save(
            actor=program_manager,
            program=program,
            data=TemplateInput(
                key="match_announcement",
                language=language,
                subject=subject,
                body="{first_name}: {match_name} ({match_title}) {match_reasons} by {answer_by}",
            ),
        )
    Person.objects.filter(pk=mentor.person_id).update(languages=["German"])
    mentor.language = "de"
    mentor.save(update_fields=["language"])
    _publish(program, program_manager, mentee, mentor)
    by_to = {m.to[0]: m for m in mail.outbox}
    ana = by_to[Person.objects.get(pk=mentee.person_id).email]
    marta = by_to[Person.objects.get(pk=mentor.person_id).email]
    assert ana.subject == "Meet Marta Mentor"
    assert ana.body.startswith("Ana: Marta Mentor (") and "- Same language" in ana.body
    assert marta.subject == "Lernen Sie Ana Mentee"
