from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from mentorwise.teams import connector
from mentorwise.teams.tests import fakes


@pytest.fixture(scope="session")
def login_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HTTPServer, str]]:
    """The fake Microsoft login on https (msal accepts only https authorities), and the
    certificate file its clients trust."""
    cert, context = fakes.tls_files(tmp_path_factory.mktemp("teams-login"))
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.start()
    yield server, str(cert)
    server.clear()
    server.stop()


@pytest.fixture
def login(
    login_server: tuple[HTTPServer, str], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[fakes.FakeLogin]:
    server, cert = login_server
    server.clear()
    settings.MENTORWISE_TEAMS_LOGIN_URL = str(server.url_for("/")).rstrip("/")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", cert)  # requests (under msal) trusts the fake
    connector.tokens_forget()
    yield fakes.login_install(server)
    connector.tokens_forget()


@pytest.fixture
def teams(httpserver: Any, settings: Any, login: fakes.FakeLogin) -> fakes.FakeConnector:
    settings.MENTORWISE_TEAMS_APP_ID = fakes.APP_ID
    settings.MENTORWISE_TEAMS_APP_PASSWORD = fakes.APP_PASSWORD
    settings.MENTORWISE_TEAMS_OPENID_METADATA_URL = httpserver.url_for("/openid")
    return fakes.install(httpserver, login)


@pytest.fixture
def service_url(httpserver: Any) -> str:
    return str(httpserver.url_for("/")).rstrip("/") + "/"
