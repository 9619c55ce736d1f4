"""A nudge run reads and writes in a fixed number of queries, whatever the number of
relationships (bench/nudges.py times it for 20,000): no query per relationship or person."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import make_person, make_user
from mentorwise.core.models import OutboundEvent
from mentorwise.matches.models import Match, MatchSource, MatchStatus, Response
from mentorwise.messaging.contract import Kind
from mentorwise.messaging.models import ChannelPreference, Notification
from mentorwise.messaging.services import TASK_BATCH
from mentorwise.notifications.models import Nudge, NudgeKind, NudgeSettings
from mentorwise.notifications.services import nudges_run
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program, ProgramStatus
from mentorwise.relationships.models import (
    Agreement,
    AgreementVersion,
    CheckIn,
    Relationship,
    RelationshipStatus,
    Side,
)

pytestmark = pytest.mark.django_db

_n = itertools.count()


def _pairs(program: Program, count: int, now: dt.datetime) -> None:
    """`count` active relationships due every reminder the run sends: a meeting reminder,
    the managers' flag and a closure warning (no meeting since it started, with a
    meeting cadence of 20 days), a check-in prompt,
    a midpoint survey, a journey step, an agreement to confirm; some people with a login in
    another language, some with their reminders muted, some with a check-in."""
    # Started 95 days ago: the journey's three-month step is due (within its week of grace).
    started = now - dt.timedelta(days=95)
    for n in range(count):
        people = [make_person(languages=["German" if n % 2 else "English"]) for _side in "ab"]
        if n % 3 == 0:
            make_user(people[0], language="fr")
        if n % 4 == 0:
            NudgeSettings.objects.create(person=people[1], mute_non_essential=True)
            for kind in (Kind.NUDGE, Kind.SURVEY, Kind.CHECKIN):
                ChannelPreference.objects.create(person=people[1], kind=kind, channels=[])
        mentee, mentor = (
            Enrollment.objects.create(
                program=program, person=person, role=role, status=EnrollmentStatus.ACTIVE
            )
            for person, role in zip(people, ("mentee", "mentor"), strict=True)
        )
        match = Match.objects.create(
            program=program,
            mentee=mentee,
            mentor=mentor,
            source=MatchSource.MANUAL,
            status=MatchStatus.ACCEPTED,
            mentee_response=Response.ACCEPTED,
            mentor_response=Response.ACCEPTED,
        )
        relationship = Relationship.objects.create(
            match=match,
            program=program,
            mentee=mentee,
            mentor=mentor,
            status=RelationshipStatus.ACTIVE,
            started_at=started,
            planned_end_date=(now + dt.timedelta(days=10)).date(),
            last_meeting_at=None,
        )
        agreement = Agreement.objects.create(relationship=relationship)
        AgreementVersion.objects.create(agreement=agreement, number=1, created_at=started)
        if n % 5 == 0:
            CheckIn.objects.create(relationship=relationship, side=Side.MENTEE, pulse=4)


def _queries(program: Program, count: int, now: dt.datetime) -> tuple[int, dict[str, Any]]:
    """The queries of one nudge run over `count` relationships, and what it made (rolled
    back afterwards, so each count starts from the same database)."""
    with transaction.atomic():
        _pairs(program, count, now)
        before = len(connection.run_on_commit)
        with CaptureQueriesContext(connection) as queries:
            result = nudges_run(now=now)
        made = {
            "created": result.created,
            "in_app": result.in_app_only,
            "notifications": Notification.objects.count(),
            "events": OutboundEvent.objects.count(),
            "on_commit": len(connection.run_on_commit) - before,
            "kinds": set(Nudge.objects.values_list("kind", flat=True)),
        }
        transaction.set_rollback(True)
    return len(queries), made


def test_a_nudge_run_takes_the_same_queries_for_5_and_25_relationships(
    program: Program, program_manager: Any
) -> None:
    Program.objects.filter(pk=program.pk).update(
        status=ProgramStatus.ACTIVE,
        mentor_training_required=False,
        auto_close_stalled=True,
        meeting_cadence_days=20,
    )
    program.refresh_from_db()
    now = timezone.now()
    few, made_few = _queries(program, 5, now)
    many, made_many = _queries(program, 25, now)
    # Every rule had something to say, so every rule's queries are in the count.
    assert (
        made_few["kinds"]
        == made_many["kinds"]
        == {
            NudgeKind.NO_RECENT_MEETING,
            NudgeKind.STALLED_FLAG,
            NudgeKind.CLOSURE_WARNING,
            NudgeKind.CHECKIN_DUE,
            NudgeKind.SURVEY_DUE,
            NudgeKind.JOURNEY_STEP_DUE,
            NudgeKind.AGREEMENT_UNCONFIRMED,
        }
    )
    assert made_many["created"] > 4 * made_few["created"] > 0
    assert made_many["in_app"] > made_few["in_app"] > 0
    assert made_many["events"] > made_few["events"] > 0
    assert made_many["notifications"] > made_few["notifications"] > 0
    assert few == many, f"{few} queries for 5 relationships, {many} for 25"
    # After commit: one delivery task per TASK_BATCH notifications, and nothing per person.
    tasks = [-(-made["notifications"] // TASK_BATCH) for made in (made_few, made_many)]
    assert made_few["on_commit"] - tasks[0] == made_many["on_commit"] - tasks[1]
