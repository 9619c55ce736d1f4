"""The demo's program communications: the leadership program's own welcome (in English and
German), a free-form kick-off template, and a message already sent to its mentors."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from mentorwise.accounts.models import User
from mentorwise.communications.inputs import BroadcastInput, TemplateInput
from mentorwise.communications.models import Broadcast
from mentorwise.communications.segments import Segment
from mentorwise.communications.services import broadcast_send, template_save
from mentorwise.core.mail import emails_suppressed
from mentorwise.programs.models import Program

WELCOME = TemplateInput(
    key="welcome",
    language="en",
    subject="Welcome to {program_name}, {first_name}",
    body=(
        "Hello {first_name},\n\nYou are enrolled in {program_name} as {role}. Over the next "
        "months you will meet your partner every few weeks, set two or three goals and tell us "
        "how it goes.\n\nStart here: {program_url}\n\nQuestions? Write to {manager_name}.\n"
    ),
)
WELCOME_DE = TemplateInput(
    key="welcome",
    language="de",
    subject="Willkommen bei {program_name}, {first_name}",
    body=(
        "Hallo {first_name},\n\nSie nehmen an {program_name} teil ({role}). Hier geht es los: "
        "{program_url}\n\nFragen? Schreiben Sie an {manager_name}.\n"
    ),
)
KICK_OFF = TemplateInput(
    key="kick-off",
    language="en",
    name="Kick-off invitation",
    subject="{program_name}: the kick-off is on Thursday",
    body=(
        "Hello {first_name},\n\nThe kick-off of {program_name} is on Thursday at 16:00 in the "
        "auditorium (and online). We will go through the program's objectives and the first "
        "conversation guide.\n\nSee you there,\n{manager_name}\n"
    ),
)
MENTOR_NOTE = BroadcastInput(
    subject="{program_name}: thank you, {first_name}",
    body=(
        "Hello {first_name},\n\nThank you for mentoring in {program_name}. The mentor "
        "training's module on coaching questions is open: a good preparation for your next "
        "conversation with {mentee_first_name}.\n\n{relationship_url}\n"
    ),
    segment=Segment(roles=("mentor",), relationships=("active",)),
)


def demo_communications(*, program: Program, manager: User) -> None:
    """Templates and one past broadcast, sent by `manager` through the same services as the
    page (nobody is e-mailed: the demo is seeded with e-mail suppressed)."""
    for data in (WELCOME, WELCOME_DE, KICK_OFF):
        template_save(actor=manager, program=program, data=data)
    with emails_suppressed():
        broadcast = broadcast_send(actor=manager, program=program, data=MENTOR_NOTE)
    two_weeks_ago = timezone.now() - dt.timedelta(days=14)
    Broadcast.objects.filter(pk=broadcast.pk).update(
        created_at=two_weeks_ago, finished_at=two_weeks_ago
    )
