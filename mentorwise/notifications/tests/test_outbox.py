"""The outbox: e-mails kept instead of sent (the demo), readable by HR admins at /outbox/."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mentorwise.core.mail import email_enqueue
from mentorwise.core.models import OutboxMessage
from mentorwise.core.outbox import OUTBOX_BACKEND
from mentorwise.core.tests.servers import production_env
from mentorwise.relationships import inputs
from mentorwise.relationships.services import meeting_schedule
from mentorwise.relationships.tests.factories import started_relationship

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox(settings: Any) -> None:
    settings.EMAIL_BACKEND = OUTBOX_BACKEND


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_meeting_invitation_lands_in_the_outbox_with_its_calendar_file(
    outbox: None, mentee: Any, mentor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    relationship = started_relationship(mentee, mentor)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_schedule(
            actor=mentee,
            relationship=relationship,
            data=inputs.MeetingSchedule(
                starts_at=timezone.now() + dt.timedelta(days=3), location="Room 4"
            ),
        )
    kept = OutboxMessage.objects.filter(subject__icontains="meeting")
    assert sorted(m.to[0] for m in kept) == sorted([mentee.person.email, mentor.person.email])
    message = kept[0]
    [invitation] = message.attachments
    assert invitation["name"] == "meeting.ics"
    assert invitation["mimetype"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in invitation["content"] and not invitation["base64"]


def test_hr_admins_read_every_email_with_its_attachments(
    outbox: None, hr_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        email_enqueue(
            to=["ana@example.com"],
            subject="You have a match",
            body="Marta will mentor you.\nOpen Mentorwise to accept.",
            attachments=[("meeting.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")],
        )
    message = OutboxMessage.objects.get()
    client = signed_in(hr_admin)
    home = client.get("/").content.decode()
    assert 'href="/outbox/"' in home  # in the HR admin's navigation
    listing = client.get("/outbox/").content.decode()
    assert "You have a match" in listing and "ana@example.com" in listing
    assert "meeting.ics" in listing
    assert "match" in client.get("/outbox/", {"q": "ana@"}).content.decode()
    assert "No e-mail matches" in client.get("/outbox/", {"q": "nobody"}).content.decode()
    detail = client.get(f"/outbox/{message.pk}/").content.decode()
    assert "Open Mentorwise to accept." in detail and "BEGIN:VCALENDAR" in detail
    download = client.get(f"/outbox/{message.pk}/attachments/1/")
    assert download["Content-Type"].startswith("text/calendar")
    assert download["Content-Disposition"] == 'attachment; filename="meeting.ics"'
    assert client.get(f"/outbox/{message.pk}/attachments/2/").status_code == 404


@pytest.mark.parametrize("role", ["program_manager", "mentee", "executive"])
def test_the_outbox_does_not_exist_for_anyone_else(
    request: pytest.FixtureRequest, outbox: None, role: str
) -> None:
    user = request.getfixturevalue(role)
    message = OutboxMessage.objects.create(
        sent_at=timezone.now(), from_email="m@x", to=["a@x"], subject="S", body="B"
    )
    client = signed_in(user)
    assert 'href="/outbox/"' not in client.get("/").content.decode()
    for url in ("/outbox/", f"/outbox/{message.pk}/", f"/outbox/{message.pk}/attachments/1/"):
        assert client.get(url).status_code == 404, url


def test_the_outbox_is_gone_when_emails_are_really_sent(settings: Any, hr_admin: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    client = signed_in(hr_admin)
    assert client.get("/outbox/").status_code == 404
    assert 'href="/outbox/"' not in client.get("/").content.decode()


def _email_backend(tmp_path: Path, **env: str) -> str:
    environment = {**production_env(tmp_path), **env}
    if environment.get("DEBUG") == "true":
        environment.pop("SECRET_KEY")
    script = "import django; django.setup(); from django.conf import settings as s; "
    script += "print(s.EMAIL_BACKEND)"
    out = subprocess.run(
        [sys.executable, "-c", script],
        env={**environment, "PYTHONPATH": os.pathsep.join(sys.path)},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return out.stdout.strip()


def test_the_outbox_is_the_default_only_with_debug_on(tmp_path: Path) -> None:
    assert _email_backend(tmp_path, DEBUG="true") == OUTBOX_BACKEND
    assert _email_backend(tmp_path).endswith("console.EmailBackend")  # production
    # A production start with EMAIL_URL=outbox: is refused (accounts/tests/test_hardening.py).
    with pytest.raises(subprocess.CalledProcessError) as refused:
        _email_backend(tmp_path, EMAIL_URL="outbox:")
    assert "EMAIL_URL=outbox:" in refused.value.stderr
