"""The e-mail channel: every person with an address is reachable; attachments (a meeting's
`.ics`) travel only here. Sends through core.mail, so the outbox and EMAIL_URL apply."""

from __future__ import annotations

import smtplib
from collections.abc import Collection

from django.utils.translation import gettext_noop

from mentorwise.core.mail import email_deliver
from mentorwise.messaging.contract import ChannelError, Message
from mentorwise.people.models import Person


class EmailAdapter:
    """The channel every person has; subject and body are sent exactly as given."""

    code = "email"
    label = gettext_noop("E-mail")  # translated where shown

    def reachable(self, person_ids: Collection[int]) -> set[int]:
        return set(
            Person.objects.filter(pk__in=list(person_ids), erased_at__isnull=True)
            .exclude(email="")
            .values_list("pk", flat=True)
        )

    def send(self, message: Message) -> str:
        if not message.email:
            raise ChannelError("no e-mail address", transient=False)
        try:
            sent = email_deliver(
                to=[message.email],
                subject=message.subject,
                body=message.body,
                attachments=list(message.attachments),
            )
        except smtplib.SMTPRecipientsRefused as error:
            raise ChannelError(f"address refused: {error}", transient=False) from error
        except (smtplib.SMTPException, OSError) as error:
            raise ChannelError(f"mail server: {error}") from error
        if not sent:
            raise ChannelError("the mail backend sent nothing")
        return f"email:{message.notification_id}"
