"""`mentorwise break-glass-login USERNAME`: a one-time sign-in link for an HR admin."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from mentorwise.accounts.services import BREAK_GLASS_MAX_AGE, break_glass_link_create
from mentorwise.core.errors import MentorwiseError


class Command(BaseCommand):
    help = (
        "Print a one-time sign-in link for an HR admin login, valid for "
        f"{BREAK_GLASS_MAX_AGE // 60} minutes. For when single sign-on is down or password "
        "sign-in is switched off (MENTORWISE_LOCAL_LOGIN=false). The link is audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The HR admin's username.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            token = break_glass_link_create(username=options["username"])
        except MentorwiseError as error:
            raise CommandError(str(error)) from error
        path = reverse("accounts:break_glass", args=[token])
        self.stdout.write(settings.MENTORWISE_BASE_URL.rstrip("/") + path)
