"""`mentorwise send-nudges`: the cron job for reminders, expiries, escalations and retention."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mentorwise.messaging.delivery import notifications_deliver_due
from mentorwise.notifications.services import nudges_run
from mentorwise.privacy.retention import retention_purge


class Command(BaseCommand):
    help = (
        "Expire unanswered requests, create the nudges that are due (each cause once), close "
        "stalled relationships where the program says so, email pending nudges, and apply the "
        "retention periods (purge-retention), and queue the notifications whose quiet hours, "
        "snooze or retry delay are over. Safe to run as often as you like, e.g. every 30 "
        "minutes from cron."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(nudges_run().summary())
        self.stdout.write(retention_purge().summary())
        due = notifications_deliver_due()
        self.stdout.write(f"notifications queued for delivery (quiet hours over, retries): {due}")
