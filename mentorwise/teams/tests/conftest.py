from __future__ import annotations

from typing import Any

import pytest

from mentorwise.teams import connector
from mentorwise.teams.tests import fakes


@pytest.fixture
def teams(httpserver: Any, settings: Any, monkeypatch: pytest.MonkeyPatch) -> fakes.FakeConnector:
    settings.MENTORWISE_TEAMS_APP_ID = fakes.APP_ID
    settings.MENTORWISE_TEAMS_APP_PASSWORD = fakes.APP_PASSWORD
    settings.MENTORWISE_TEAMS_OPENID_METADATA_URL = httpserver.url_for("/openid")
    monkeypatch.setattr(
        connector, "credentials", lambda: fakes.FixedCredentials(app_id=fakes.APP_ID)
    )
    return fakes.install(httpserver)


@pytest.fixture
def service_url(httpserver: Any) -> str:
    return str(httpserver.url_for("/")).rstrip("/") + "/"
