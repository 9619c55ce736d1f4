"""Translations through the API and the command line: the same checks as the page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from conftest import api_client
from mentorwise.accounts.models import User
from mentorwise.core.models import ContentTranslation
from mentorwise.programs.models import Program

pytestmark = pytest.mark.django_db

URL = "/api/translations/program/leadership-2026/de"


def _put(client, texts: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.put(URL, data=json.dumps({"texts": texts}), content_type="application/json")


def test_the_api_lists_reads_and_writes_translations(hr_admin: User, program: Program) -> None:
    client = api_client(hr_admin, scope="admin")
    listed = {(r["kind"], r["slug"]): r for r in client.get("/api/translations").json()}
    row = listed[("program", "leadership-2026")]
    assert row["language"] == "en" and set(row["languages"]) == {"de", "fr", "es", "ja", "ar"}
    before = client.get(URL).json()
    name = next(t for t in before["texts"] if t["id"] == "program/name")
    assert name == {
        "id": "program/name",
        "label": "Name",
        "source": "Leadership 2026",
        "translation": "",
        "state": "missing",
    }
    response = _put(client, {"program/name": "Führung 2026"})
    assert response.status_code == 200
    after = {t["id"]: t for t in response.json()["texts"]}
    assert after["program/name"]["state"] == "current"
    with translation.override("de"):
        assert Program.objects.get(pk=program.pk).title == "Führung 2026"


def test_the_api_lists_every_problem_and_saves_nothing(hr_admin: User, program: Program) -> None:
    client = api_client(hr_admin, scope="admin")
    response = _put(client, {"program/name": "gut", "program/nope": "x", "program/about": "y"})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"program/nope", "program/about"}
    assert not ContentTranslation.objects.filter(updated_by__isnull=False).exists()
    own = client.put(
        "/api/translations/program/leadership-2026/en",
        data=json.dumps({"texts": {"program/name": "x"}}),
        content_type="application/json",
    )
    assert own.status_code == 422


def test_the_api_refuses_those_who_may_not_translate(
    program: Program, mentee: User, other_manager: User, hr_admin: User
) -> None:
    for user in (mentee, other_manager):
        client = api_client(user, scope="admin")
        assert client.get(URL).status_code == 404
        assert _put(client, {"program/name": "x"}).status_code == 404
    assert api_client(mentee, scope="admin").get("/api/translations").status_code == 404
    # A read-scope token of someone who may translate still cannot write.
    assert _put(api_client(hr_admin, scope="read"), {"program/name": "x"}).status_code == 403
    assert not ContentTranslation.objects.filter(updated_by__isnull=False).exists()


def test_the_command_line_exports_and_imports_a_po_file(
    program: Program, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import polib

    out = tmp_path / "de.po"
    call_command(
        "content", "export", "program", "leadership-2026", "--language", "de", "--output", str(out)
    )
    po = polib.pofile(str(out))
    for entry in po:
        if entry.msgctxt == "program/name":
            entry.msgstr = "Führung (CLI)"
    po.save(str(out))
    call_command("content", "import", "program", "leadership-2026", str(out), "--language", "de")
    assert "translations saved, 0 removed." in capsys.readouterr().out
    with translation.override("de"):
        assert Program.objects.get(pk=program.pk).title == "Führung (CLI)"
    call_command("content", "status")
    assert "program leadership-2026 (en)" in capsys.readouterr().out


def test_the_command_line_names_what_is_wrong(program: Program, tmp_path: Path) -> None:
    bad = tmp_path / "bad.po"
    bad.write_text('msgctxt "program/zzz"\nmsgid "x"\nmsgstr "y"\n', encoding="utf-8")
    with pytest.raises(CommandError, match="program/zzz"):
        call_command(
            "content", "import", "program", "leadership-2026", str(bad), "--language", "de"
        )
    with pytest.raises(CommandError, match="Nothing to translate"):
        call_command("content", "export", "program", "no-such", "--language", "de")


def test_the_api_refuses_a_translation_of_an_older_original(
    hr_admin: User, program: Program
) -> None:
    client = api_client(hr_admin, scope="admin")
    body = {"texts": {"program/name": "Führung"}, "sources": {"program/name": "An old name"}}
    response = client.put(URL, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["program/name"]
    body["sources"] = {"program/name": "Leadership 2026"}
    ok = client.put(URL, data=json.dumps(body), content_type="application/json")
    assert ok.status_code == 200
