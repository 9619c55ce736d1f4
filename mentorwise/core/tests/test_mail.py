"""Emails go out after commit, never for a rolled-back change."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from mentorwise.core.mail import email_enqueue


@pytest.mark.django_db(transaction=True)
def test_email_is_sent_after_commit_with_attachment() -> None:
    with transaction.atomic():
        email_enqueue(
            to=["a@example.com"],
            subject="Hello",
            body="Body",
            attachments=[("invite.ics", "BEGIN:VCALENDAR", "text/calendar")],
        )
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    assert mail.outbox[0].attachments[0][0] == "invite.ics"


@pytest.mark.django_db(transaction=True)
def test_no_email_for_a_rolled_back_change() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        email_enqueue(to=["a@example.com"], subject="Hello", body="Body")
        raise RuntimeError
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_suppressed_emails_are_not_sent() -> None:
    from mentorwise.core.mail import emails_suppressed

    with emails_suppressed(), transaction.atomic():
        email_enqueue(to=["a@example.com"], subject="Hello", body="Body")
    assert mail.outbox == []
