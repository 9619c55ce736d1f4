"""`mentorwise purge-retention`: apply the retention periods now (send-nudges does it too)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mentorwise.privacy.retention import retention_purge


class Command(BaseCommand):
    help = (
        "Delete private notes and blank survey text answers older than "
        "MENTORWISE_RETAIN_PRIVATE_NOTES_DAYS / MENTORWISE_RETAIN_SURVEY_TEXT_DAYS "
        "(0 keeps them forever)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(retention_purge().summary())
