"""The outbox: an e-mail backend that keeps every message in the database instead of sending.

With `EMAIL_URL=outbox:` (the default while DEBUG is on, so in development and in
`mentorwise demo`) nothing leaves the machine and HR admins read what the system sent at
/outbox/: recipients, subject, time, text and attachments such as calendar invitations. A
production installation uses it only when configured to (a trial without a mail server).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from mentorwise.core.models import OutboxMessage

OUTBOX_BACKEND = "mentorwise.core.outbox.OutboxBackend"


def outbox_active() -> bool:
    """True when e-mails go to the outbox (and its page is there for HR admins)."""
    return bool(settings.EMAIL_BACKEND == OUTBOX_BACKEND)


def _attachment(item: Any) -> dict[str, Any]:
    """One attachment as stored: text as it is, anything else base64-encoded."""
    if isinstance(item, tuple) or hasattr(item, "filename"):  # (name, content, mimetype)
        name, content, mimetype = item
    else:  # a MIMEBase part attached as is
        name = item.get_filename() or "attachment"
        content = item.get_payload(decode=True) or b""
        mimetype = item.get_content_type()
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8")
        except UnicodeDecodeError:
            encoded = base64.b64encode(content).decode("ascii")
            return {"name": name, "mimetype": mimetype, "content": encoded, "base64": True}
    return {"name": name, "mimetype": mimetype or "", "content": content, "base64": False}


class OutboxBackend(BaseEmailBackend):
    """Store each message (one row each); report them all as sent."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        rows = [
            OutboxMessage(
                sent_at=timezone.now(),
                from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
                to=[*message.to, *message.cc, *message.bcc],
                subject=str(message.subject),
                body=str(message.body),
                attachments=[_attachment(a) for a in message.attachments],
            )
            for message in email_messages
            if message.recipients()
        ]
        OutboxMessage.objects.bulk_create(rows)
        return len(rows)
