from __future__ import annotations

from typing import Any

import pytest

from mentorwise.core.sealed import seal
from mentorwise.slack.models import SlackWorkspace
from mentorwise.slack.tests import fakes


@pytest.fixture
def slack(httpserver: Any, settings: Any) -> fakes.FakeSlack:
    """The fake Web API, and this installation's Slack app pointed at it."""
    settings.MENTORWISE_SLACK_API_URL = httpserver.url_for("/api/")
    settings.MENTORWISE_SLACK_CLIENT_ID = fakes.CLIENT_ID
    settings.MENTORWISE_SLACK_CLIENT_SECRET = fakes.CLIENT_SECRET
    settings.MENTORWISE_SLACK_SIGNING_SECRET = fakes.SIGNING_SECRET
    return fakes.install(httpserver)


@pytest.fixture
def workspace(db: None) -> SlackWorkspace:
    return SlackWorkspace.objects.create(
        team_id=fakes.TEAM_ID, team_name="Acme", token_sealed=seal(fakes.BOT_TOKEN)
    )
