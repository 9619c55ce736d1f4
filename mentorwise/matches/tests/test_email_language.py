"""E-mails about matches are written in each recipient's language, not the sender's."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test.utils import override_settings
from django.utils import translation

from mentorwise.accounts.models import User
from mentorwise.core.languages import PSEUDO, django_languages
from mentorwise.core.pseudo import is_pseudo, pseudo
from mentorwise.matches import services
from mentorwise.matches.models import Match, MatchStatus
from mentorwise.matches.tests.test_matching_runs import run, setup  # noqa: F401 - fixture
from mentorwise.programs.models import Program

pytestmark = pytest.mark.django_db


@override_settings(MENTORWISE_PSEUDO_LOCALE=True, LANGUAGES=django_languages(pseudo=True))
def test_published_match_reaches_each_person_in_their_language(
    setup: Program,  # noqa: F811 - the fixture imported above
    program_manager: User,
    mentor: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    User.objects.filter(pk=mentor.pk).update(language=PSEUDO.code)  # the mentees keep English
    result = run(setup, program_manager)
    services.matches_approve_all(actor=program_manager, run=result)
    mail.outbox.clear()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.matches_publish(actor=program_manager, program=setup)
    match = Match.objects.filter(status=MatchStatus.PUBLISHED).select_related(
        "mentee__person", "mentor__person"
    )[0]
    to_mentor = [m for m in mail.outbox if m.to == [mentor.person.email]]
    to_mentee = next(m for m in mail.outbox if m.to == [match.mentee.person.email])
    assert to_mentor and all(is_pseudo(m.body) for m in to_mentor)
    expected = pseudo("%(program)s: you have been matched with %(name)s") % {
        "program": setup.name,
        "name": match.mentee.person.full_name,
    }
    assert expected in [m.subject for m in to_mentor]
    assert to_mentee.subject == (
        f"{setup.name}: you have been matched with {match.mentor.person.full_name}"
    )
    assert "Why this match" in to_mentee.body
