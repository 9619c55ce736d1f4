"""Email sent in the background, after the transaction that caused it has committed."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django_tasks import task

logger = logging.getLogger(__name__)

# Set while seeding demo history: services run as usual but nobody is emailed.
_suppressed = contextvars.ContextVar("mentorwise_emails_suppressed", default=False)

# (file name, content, MIME type), e.g. ("meeting.ics", "...", "text/calendar; method=REQUEST")
Attachment = tuple[str, str, str]


@task()
def email_send(
    to: list[str], subject: str, body: str, attachments: list[list[str]] | None = None
) -> int:
    """Send one email (a background task; the worker retries nothing: failures are logged)."""
    return email_deliver(to=to, subject=subject, body=body, attachments=attachments)


def email_deliver(
    *,
    to: list[str],
    subject: str,
    body: str,
    attachments: list[list[str]] | list[Attachment] | None = None,
) -> int:
    """Send one email now, in this process (raises what the mail backend raises)."""
    message = EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    )
    for name, content, mimetype in attachments or []:
        message.attach(name, content, mimetype)
    sent = message.send()
    logger.info("email sent: %s to %d recipient(s)", subject, len(to))
    return sent


def email_enqueue(
    *, to: list[str], subject: str, body: str, attachments: list[Attachment] | None = None
) -> None:
    """Queue an email once the current transaction commits (never for a rolled-back change)."""
    if _suppressed.get():
        return
    recipients = [address for address in to if address]
    if not recipients:
        return
    transaction.on_commit(
        lambda: email_send.enqueue(recipients, subject, body, [list(a) for a in attachments or []])
    )


def emails_are_suppressed() -> bool:
    """True inside `emails_suppressed()` (the notification dispatcher sends nothing either)."""
    return _suppressed.get()


@contextmanager
def emails_suppressed() -> Iterator[None]:
    """Run services without emailing anyone (used to seed demo history)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)
