"""The SFTP drop against a real SFTP server on 127.0.0.1 (paramiko, in a thread)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from mentorwise.connectors.models import RunOutcome
from mentorwise.connectors.services import connector_run, connector_test
from mentorwise.connectors.sources.sftp import fingerprint
from mentorwise.connectors.tests.conftest import make_connector
from mentorwise.connectors.tests.fakes import SECRET, org
from mentorwise.connectors.tests.sftp_server import SftpServer, client_key_pem
from mentorwise.people.models import ImportRun, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def server(tmp_path: Path) -> Any:
    root = tmp_path / "drop"
    (root / "outbound").mkdir(parents=True)
    with SftpServer(root, password=SECRET) as running:
        yield running


def drop(server: SftpServer, name: str, people: int, seed: int, mtime: int) -> Path:
    path = server.root / "outbound" / name
    org(people, seed).write_csv(path)
    os.utime(path, (mtime, mtime))
    return path


def sftp(server: SftpServer, **values: Any) -> Any:
    settings = {
        "name": "SFTP",
        "kind": "sftp",
        "base_url": "127.0.0.1",
        "port": server.port,
        "username": "hris",
        "path": "outbound",
        "host_key": fingerprint(server.host_key),
    }
    return make_connector(**{**settings, **values})


def test_the_newest_file_is_imported_once(server: SftpServer) -> None:
    drop(server, "people-old.csv", 10, 1, mtime=1_700_000_000)
    drop(server, "people-new.csv", 25, 2, mtime=1_700_100_000)
    (server.root / "outbound" / "notes.txt").write_text("not a csv")
    connector = sftp(server)
    tested = connector_test(actor=None, connector=connector)
    assert tested.ok and "2 CSV files, the newest people-new.csv" in tested.message
    run = connector_run(actor=None, connector=connector)
    assert run.outcome == RunOutcome.IMPORTED, run.error
    assert run.source_file == "people-new.csv" and run.created == 25
    assert Person.objects.count() == 25
    connector.refresh_from_db()
    assert connector.last_file["name"] == "people-new.csv"
    again = connector_run(actor=None, connector=connector)
    assert again.outcome == RunOutcome.NOTHING_NEW
    assert ImportRun.objects.count() == 1
    drop(server, "people-newer.csv", 25, 2, mtime=1_700_200_000)
    third = connector_run(actor=None, connector=connector)
    assert third.outcome == RunOutcome.IMPORTED and (third.created, third.updated) == (0, 0)


def test_an_unknown_host_key_is_refused_before_any_credential_is_sent(server: SftpServer) -> None:
    drop(server, "people.csv", 5, 1, mtime=1_700_000_000)
    wrong = "SHA256:" + "A" * 43
    connector = sftp(server, host_key=wrong)
    run = connector_run(actor=None, connector=connector)
    assert run.outcome == RunOutcome.FAILED
    assert fingerprint(server.host_key) in run.error and "not the pinned" in run.error
    assert server.auth_attempts == 0 and Person.objects.count() == 0
    tested = connector_test(actor=None, connector=connector)
    assert not tested.ok and server.auth_attempts == 0


def test_a_private_key_signs_in_and_a_wrong_password_is_named(server: SftpServer) -> None:
    drop(server, "people.csv", 5, 1, mtime=1_700_000_000)
    pem, key = client_key_pem()
    server.client_key = key
    assert connector_test(actor=None, connector=sftp(server, secret=pem)).ok
    wrong = connector_test(actor=None, connector=sftp(server, name="Wrong", secret="bad-password"))
    assert not wrong.ok and "refused the credentials of hris" in wrong.message


def test_a_bad_file_is_refused_by_the_importer_and_writes_nothing(server: SftpServer) -> None:
    path = server.root / "outbound" / "broken.csv"
    path.write_text("employee_id,first_name,last_name,email\nE1,Ann,Lee,not-an-email\n")
    connector = sftp(server)
    run = connector_run(actor=None, connector=connector)
    assert run.outcome == RunOutcome.REFUSED and run.errors == 1 and "email" in run.error
    assert run.import_run is not None and Person.objects.count() == 0
    connector.refresh_from_db()
    assert connector.last_file == {}  # tried again next time (a fixed file replaces it)
