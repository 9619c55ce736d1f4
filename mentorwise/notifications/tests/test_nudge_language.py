"""Nudges and their e-mails are written in each recipient's language, not the job's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test.utils import override_settings
from django.utils import timezone, translation

from mentorwise.accounts.models import User
from mentorwise.core.languages import PSEUDO, django_languages
from mentorwise.core.pseudo import is_pseudo, pseudo
from mentorwise.notifications.models import Nudge, NudgeKind
from mentorwise.notifications.services import nudges_run
from mentorwise.notifications.tests.test_nudges import relationship  # noqa: F401 - fixture
from mentorwise.relationships.models import Relationship

pytestmark = pytest.mark.django_db

pseudo_locale = override_settings(
    MENTORWISE_PSEUDO_LOCALE=True, LANGUAGES=django_languages(pseudo=True)
)


def later(days: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


@pseudo_locale
def test_each_recipient_reads_the_nudge_and_its_email_in_their_language(
    relationship: Relationship,  # noqa: F811 - the fixture imported above
    mentee: User,
    mentor: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    User.objects.filter(pk=mentee.pk).update(language=PSEUDO.code)  # the mentor keeps English
    mail.outbox.clear()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        nudges_run(now=later(8))
    theirs = Nudge.objects.get(kind=NudgeKind.AGREEMENT_UNCONFIRMED, person=mentee.person)
    ours = Nudge.objects.get(kind=NudgeKind.AGREEMENT_UNCONFIRMED, person=mentor.person)
    expected = pseudo("Please confirm your agreement with %(name)s") % {
        "name": mentor.person.full_name
    }
    assert theirs.subject == expected and is_pseudo(theirs.body)
    assert ours.subject == f"Please confirm your agreement with {mentee.person.full_name}"
    to_mentee = next(
        m for m in mail.outbox if m.to == [mentee.person.email] and m.subject == expected
    )
    assert to_mentee.subject == expected
    greeting = pseudo("Hello %(name)s,") % {"name": mentee.person.first_name}
    assert to_mentee.body.startswith(greeting)
    to_mentor = next(
        m for m in mail.outbox if m.to == [mentor.person.email] and m.subject == ours.subject
    )
    assert to_mentor.body.startswith(f"Hello {mentor.person.first_name},")


@pseudo_locale
def test_a_program_manager_is_flagged_in_their_own_language(
    relationship: Relationship,  # noqa: F811 - the fixture imported above
    program_manager: User,
) -> None:
    User.objects.filter(pk=program_manager.pk).update(language=PSEUDO.code)
    cadence = relationship.program.meeting_cadence_days
    nudges_run(now=later(2 * cadence + 15), send=False)
    flag = Nudge.objects.get(kind=NudgeKind.STALLED_FLAG)
    assert flag.person == program_manager.person
    assert is_pseudo(flag.subject) and is_pseudo(flag.body)
    stalled = Nudge.objects.filter(kind=NudgeKind.NO_RECENT_MEETING)
    assert stalled.count() == 2 and not any(is_pseudo(n.subject) for n in stalled)
