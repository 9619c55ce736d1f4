"""Reads of sensitive data and the writes that were not recorded before are audited."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from mentorwise.accounts.models import User
from mentorwise.core.models import AuditEntry
from mentorwise.notifications.models import Nudge
from mentorwise.notifications.services import nudges_run
from mentorwise.relationships.tests.factories import started_relationship

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_viewing_someone_elses_profile_is_audited_ones_own_is_not(
    hr_admin: User, program_manager: User, mentee: User
) -> None:
    person_id = mentee.person_id
    assert _client(hr_admin).get(f"/people/{person_id}/").status_code == 200
    assert _client(program_manager).get(f"/api/people/{person_id}").status_code == 200
    assert _client(mentee).get(f"/people/{person_id}/").status_code == 200
    viewed = _entries("person.viewed")
    assert [(e.actor, e.target_id) for e in viewed] == [
        (hr_admin, str(person_id)),
        (program_manager, str(person_id)),
    ]
    # A refused read records nothing (and reveals nothing).
    assert _client(mentee).get(f"/people/{hr_admin.person_id}/").status_code == 404
    assert len(_entries("person.viewed")) == 2


def test_contribution_exports_and_admin_reads_are_audited(hr_admin: User, mentor: User) -> None:
    person_id = mentor.person_id
    base = f"/relationships/recognition/{person_id}"
    assert _client(mentor).get(f"{base}/").status_code == 200  # one's own page: not audited
    assert _client(mentor).get(f"{base}/contribution.csv").status_code == 200
    assert _client(hr_admin).get(f"{base}/").status_code == 200
    assert _client(hr_admin).get(f"/api/contributions/{person_id}").status_code == 200
    exported = _entries("contribution.exported")
    assert [(e.actor, e.data["format"]) for e in exported] == [(mentor, "csv")]
    viewed = _entries("contribution.viewed")
    assert [(e.actor, e.target_id) for e in viewed] == [
        (hr_admin, str(person_id)),
        (hr_admin, str(person_id)),
    ]


def test_people_export_command_is_audited(hr_admin: User) -> None:
    call_command("export_people", stdout=io.StringIO())
    (entry,) = _entries("people.exported")
    assert entry.actor is None and entry.actor_label == "system"
    assert entry.data["rows"] >= 1


def test_nudge_job_and_dismissal_are_audited(mentee: User, mentor: User) -> None:
    started_relationship(mentee, mentor)
    nudges_run(now=timezone.now() + dt.timedelta(days=8))
    (run,) = _entries("nudges.run")
    assert run.actor is None and run.data["created"] >= 1
    nudge = Nudge.objects.filter(person=mentee.person).first()
    assert _client(mentee).post(f"/reminders/{nudge.pk}/dismiss/").status_code == 302
    (dismissed,) = _entries("nudge.dismissed")
    assert dismissed.actor == mentee and dismissed.target_id == str(nudge.pk)
    # Dismissing again changes nothing and records nothing.
    _client(mentee).post(f"/reminders/{nudge.pk}/dismiss/")
    assert len(_entries("nudge.dismissed")) == 1
