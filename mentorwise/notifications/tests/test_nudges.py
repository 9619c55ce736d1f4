"""Nudges: each rule, escalation of stalled relationships, idempotence, muting, pages."""

from __future__ import annotations

import datetime as dt
import importlib
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from mentorwise.matches import services as match_services
from mentorwise.matches.models import Match, MatchStatus
from mentorwise.notifications.models import Delivery, Nudge, NudgeKind
from mentorwise.notifications.services import nudge_settings_set, nudges_run
from mentorwise.programs.models import Program
from mentorwise.relationships.inputs import MatchAnswer
from mentorwise.relationships.models import Relationship, RelationshipStatus
from mentorwise.relationships.services.matches import match_respond

pytestmark = pytest.mark.django_db


@pytest.fixture
def relationship(program: Program, program_manager, mentee, mentor, other_mentee) -> Relationship:
    """Ana and Marta, matched, published and both accepted."""
    Program.objects.filter(pk=program.pk).update(mentor_training_required=False)
    program.refresh_from_db()
    match_services.run_dispatch(match_services.run_create(actor=program_manager, program=program))
    ana = Match.objects.get(mentee__person=mentee.person, status=MatchStatus.PROPOSED)
    match_services.match_approve(actor=program_manager, match=ana)
    match_services.matches_publish(actor=program_manager, program=program)
    match_respond(actor=mentee, match=ana, data=MatchAnswer(accept=True))
    match_respond(actor=mentor, match=Match.objects.get(pk=ana.pk), data=MatchAnswer(accept=True))
    return Relationship.objects.get(match=ana)


def later(days: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def kinds_for(user) -> list[str]:
    return sorted(Nudge.objects.filter(person=user.person).values_list("kind", flat=True))


def test_unconfirmed_agreement_nudges_both_once(relationship, mentee, mentor) -> None:
    nudges_run(now=later(3))  # (journey steps of the first days are reminded: their own rule)
    assert not Nudge.objects.filter(kind=NudgeKind.AGREEMENT_UNCONFIRMED).exists()
    first = nudges_run(now=later(8))
    assert NudgeKind.AGREEMENT_UNCONFIRMED in kinds_for(mentee)
    assert NudgeKind.AGREEMENT_UNCONFIRMED in kinds_for(mentor)
    nudges_run(now=later(9))
    assert first.created >= 2
    assert Nudge.objects.filter(kind=NudgeKind.AGREEMENT_UNCONFIRMED).count() == 2


def test_stalled_relationship_escalates_to_the_program_manager(
    relationship, program_manager, mentee
) -> None:
    cadence = relationship.program.meeting_cadence_days
    nudges_run(now=later(cadence + 15))
    assert NudgeKind.NO_RECENT_MEETING in kinds_for(mentee)
    assert not Nudge.objects.filter(kind=NudgeKind.STALLED_FLAG).exists()
    nudges_run(now=later(2 * cadence + 15))
    flag = Nudge.objects.get(kind=NudgeKind.STALLED_FLAG)
    assert flag.person == program_manager.person and flag.essential
    assert Nudge.objects.filter(kind=NudgeKind.NO_RECENT_MEETING).count() == 2  # once per stall


def test_auto_closure_warns_first_then_closes_and_offers_a_rematch(relationship) -> None:
    Program.objects.filter(pk=relationship.program_id).update(auto_close_stalled=True)
    cadence = relationship.program.meeting_cadence_days
    warn_day = 3 * cadence + 15
    nudges_run(now=later(warn_day))
    assert Nudge.objects.filter(kind=NudgeKind.CLOSURE_WARNING).count() == 2
    relationship.refresh_from_db()
    assert relationship.status == RelationshipStatus.ACTIVE
    result = nudges_run(now=later(warn_day + 8))
    relationship.refresh_from_db()
    assert result.closed_relationships == 1
    assert relationship.status == RelationshipStatus.CLOSED and relationship.rematch_requested
    assert Nudge.objects.filter(kind=NudgeKind.AUTO_CLOSED).count() == 2


def test_programs_without_auto_closure_never_close(relationship) -> None:
    nudges_run(now=later(400))
    relationship.refresh_from_db()
    assert relationship.status == RelationshipStatus.ACTIVE


def test_unanswered_match_nudges_the_person_who_must_answer(
    program, program_manager, mentee, mentor
) -> None:
    Program.objects.filter(pk=program.pk).update(mentor_training_required=False)
    program.refresh_from_db()
    match_services.run_dispatch(match_services.run_create(actor=program_manager, program=program))
    match = Match.objects.get(mentee__person=mentee.person)
    match_services.match_approve(actor=program_manager, match=match)
    match_services.matches_publish(actor=program_manager, program=program)
    match_respond(actor=mentee, match=match, data=MatchAnswer(accept=True))
    nudges_run(now=later(3))
    assert NudgeKind.ANSWER_WAITING in kinds_for(mentor)
    assert NudgeKind.ANSWER_WAITING not in kinds_for(mentee)


def test_untrained_mentor_is_nudged(program, mentor) -> None:
    from mentorwise.learning.models import ProgramTrainingRequirement, TrainingModule
    from mentorwise.learning.services import modules_sync_builtin

    modules_sync_builtin()
    ProgramTrainingRequirement.objects.create(
        program=program, module=TrainingModule.objects.first()
    )
    nudges_run()
    assert kinds_for(mentor) == [NudgeKind.TRAINING_INCOMPLETE]


def test_muted_people_get_essential_nudges_only_by_email(
    relationship, mentee, django_capture_on_commit_callbacks
) -> None:
    nudge_settings_set(actor=mentee, mute_non_essential=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        nudges_run(now=later(relationship.program.meeting_cadence_days + 15))
    stall = Nudge.objects.get(person=mentee.person, kind=NudgeKind.NO_RECENT_MEETING)
    agreement = Nudge.objects.get(person=mentee.person, kind=NudgeKind.AGREEMENT_UNCONFIRMED)
    assert stall.delivery == Delivery.IN_APP and agreement.delivery == Delivery.EMAILED
    assert mentee.person.email in {m.to[0] for m in mail.outbox}


def test_send_nudges_command_prints_a_summary(relationship) -> None:
    out = io.StringIO()
    call_command("send_nudges", stdout=out)
    assert "new nudges:" in out.getvalue()


def test_reminders_page_shows_own_nudges_and_dismiss_is_owner_only(
    relationship, mentee, mentor
) -> None:
    nudges_run(now=later(8))
    theirs = Nudge.objects.filter(person=mentor.person).first()
    client = Client()
    client.force_login(mentee)
    page = client.get("/reminders/").content.decode()
    assert "confirm your agreement" in page.lower()
    assert client.post(f"/reminders/{theirs.pk}/dismiss/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.dismissed_at is None
    mine = Nudge.objects.filter(person=mentee.person, kind=NudgeKind.AGREEMENT_UNCONFIRMED).first()
    assert client.post(f"/reminders/{mine.pk}/dismiss/").status_code == 302
    assert "confirm your agreement" not in client.get("/reminders/").content.decode().lower()


def test_nudges_api_is_own_only(relationship, mentee, mentor) -> None:
    from mentorwise.accounts.services import api_token_create

    nudges_run(now=later(8))
    _, raw = api_token_create(actor=mentee, name="t", scope="admin")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    mine = client.get("/api/me/nudges").json()
    assert mine and all(n["kind"] for n in mine)
    theirs = Nudge.objects.filter(person=mentor.person).first()
    assert client.post(f"/api/nudges/{theirs.pk}/dismiss").status_code == 404
    assert client.post(f"/api/nudges/{mine[0]['id']}/dismiss").json()["dismissed_at"]
    muted = client.put(
        "/api/me/nudge-settings", {"mute_non_essential": True}, content_type="application/json"
    )
    assert muted.json() == {"mute_non_essential": True}


def test_people_who_left_or_were_erased_are_not_reminded(relationship, mentee, mentor) -> None:
    from mentorwise.people.models import Person

    Person.objects.filter(pk=mentee.person_id).update(termination_date=later(1).date())
    Person.objects.filter(pk=mentor.person_id).update(erased_at=timezone.now())
    result = nudges_run(now=later(8))
    assert kinds_for(mentee) == [] and kinds_for(mentor) == []
    assert result.created == 0 and len(mail.outbox) == 0


def test_mute_choices_carry_over_to_channel_preferences(relationship, mentee, mentor) -> None:
    # The data migration: a muted person gets reminders, surveys and check-ins switched off;
    # a person who chose otherwise keeps their own preference; unmuted people keep e-mail.
    from django.apps import apps as live_apps

    from mentorwise.messaging.models import ChannelPreference
    from mentorwise.notifications.models import NudgeSettings

    migration = importlib.import_module(
        "mentorwise.notifications.migrations.0003_mute_to_channel_preferences"
    )
    NudgeSettings.objects.create(person=mentee.person, mute_non_essential=True)
    NudgeSettings.objects.create(person=mentor.person, mute_non_essential=False)
    ChannelPreference.objects.create(person=mentee.person, kind="survey", channels=["email"])
    migration.forward(live_apps, None)
    rows = {
        (p, k, tuple(c))
        for p, k, c in ChannelPreference.objects.values_list("person_id", "kind", "channels")
    }
    assert rows == {
        (mentee.person.pk, "nudge", ()),
        (mentee.person.pk, "checkin", ()),
        (mentee.person.pk, "survey", ("email",)),
    }
    migration.backward(live_apps, None)
    assert not ChannelPreference.objects.filter(person=mentee.person, kind="nudge").exists()


def test_check_in_prompt_has_rating_and_snooze_buttons(
    relationship, mentee, django_capture_on_commit_callbacks
) -> None:
    from mentorwise.messaging.delivery import _message
    from mentorwise.messaging.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        nudges_run(now=later(31))
    prompt = Notification.objects.get(person=mentee.person, kind="checkin")
    rates = [(a["kind"], a["target"], a["value"]) for a in prompt.actions[:-1]]
    assert rates == [("checkin.rate", relationship.pk, n) for n in range(1, 6)]
    assert prompt.actions[-1]["kind"] == "snooze"
    assert _message(prompt).actions[-1].target == prompt.pk  # "this notification"
    assert Nudge.objects.filter(person=mentee.person, kind=NudgeKind.CHECKIN_DUE).count() == 1
    # One prompt per period: the next run does not prompt again.
    with django_capture_on_commit_callbacks(execute=True):
        nudges_run(now=later(32))
    assert Nudge.objects.filter(person=mentee.person, kind=NudgeKind.CHECKIN_DUE).count() == 1
