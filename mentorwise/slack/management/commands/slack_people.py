"""`mentorwise slack-people`: look every employed person up on each installed Slack
workspace by e-mail (the page's "Find people on Slack"), e.g. nightly after the HR import."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mentorwise.core.errors import MentorwiseError
from mentorwise.slack.models import SlackWorkspace
from mentorwise.slack.services import members_refresh


class Command(BaseCommand):
    help = "Find people on every installed Slack workspace by their e-mail address."

    def handle(self, *args: Any, **options: Any) -> None:
        workspaces = list(SlackWorkspace.objects.installed())
        if not workspaces:
            raise CommandError("Slack is not installed in any workspace.")
        for workspace in workspaces:
            try:
                result = members_refresh(actor=None, workspace=workspace)
            except MentorwiseError as error:
                raise CommandError(f"{workspace.team_name}: {error.message}") from error
            self.stdout.write(
                f"{workspace.team_name}: {result.found} of {result.checked} people found on Slack"
            )
