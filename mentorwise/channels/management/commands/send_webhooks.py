"""`mentorwise send-webhooks`: the cron job that delivers events to webhook endpoints."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mentorwise.channels.delivery import webhooks_run


class Command(BaseCommand):
    help = (
        "Hand new events to the webhook endpoints that subscribe to them and send what is due "
        "(first attempts and retries). Run it every minute from cron."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(webhooks_run().summary())
