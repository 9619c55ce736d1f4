"""The import page: visible errors for every bad upload, the template file, the history."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from conftest import page_client
from mentorwise.core.errors import Forbidden, InvalidInput
from mentorwise.people import services
from mentorwise.people.columns import CANONICAL_COLUMNS
from mentorwise.people.models import ImportOutcome, ImportRun, ImportSource, Person
from mentorwise.people.selectors import import_run_list
from mentorwise.people.services import people_import

pytestmark = pytest.mark.django_db
URL = "/people/import/"
HTMX = {"HTTP_HX_REQUEST": "true"}
HEADER = "employee_id,first_name,last_name,email,manager_id,job_level,hire_date"


@pytest.fixture
def hr(hr_admin, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return page_client(hr_admin)


def upload(content: bytes, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_no_file_says_so_where_the_result_goes(hr, htmx):
    response = hr.post(URL, {}, **(HTMX if htmx else {}))
    html = response.content.decode()
    assert response.status_code == 200
    result = html[html.index('id="import-result"') :]
    assert "Choose a CSV file to check: no file was sent." in result
    assert ImportRun.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty (0 bytes)"),
        (b"\n\n  \n", "The file is empty."),
        (b"employee_id,first_name,last_name,email\nE1,Cl\xe9o,C,c@example.com\n", "not UTF-8"),
        (HEADER.encode() + b"\n", "The file has a header but no people."),
    ],
    ids=["zero-bytes", "blank-lines", "latin-1", "header-only"],
)
def test_unusable_files_show_an_error_in_the_htmx_result(hr, hr_admin, content, message):
    html = hr.post(URL, {"file": upload(content)}, **HTMX).content.decode()
    assert message in html and "nothing was imported" in html
    run = ImportRun.objects.get()
    assert (run.outcome, run.errors, run.actor, run.source) == (
        ImportOutcome.REFUSED,
        1,
        hr_admin,
        ImportSource.PAGE,
    )
    assert Person.objects.count() == 1  # the HR admin's own record only


def test_a_file_over_the_limit_is_refused_with_its_size(hr, settings):
    settings.MENTORWISE_MAX_IMPORT_BYTES = 1000
    big = (HEADER + "\n" + "E1,A,B,a@example.com,,3,2020-01-01\n" * 60).encode()
    html = hr.post(URL, {"file": upload(big)}, **HTMX).content.decode()
    assert "The file is 2.1\xa0KB; the limit is 1000\xa0bytes (1,000 bytes)" in html
    assert ImportRun.objects.get().outcome == ImportOutcome.REFUSED


def test_twelve_problems_of_every_kind_come_in_one_upload(hr):
    # The finding: row errors, unknown managers and management cycles took four uploads.
    lines = [
        HEADER,
        "E1,Cleo,Chief,cleo@example.com,,10,2015-03-01",
        "E2,Bad,Email,nope,E1,3,2020-01-01",  # row 3
        "E3,Lev,El,lev@example.com,E1,eleven,2020-01-01",  # row 4
        "E4,Fu,Ture,fu@example.com,E1,3,2099-01-01",  # row 5
        "E5,Un,Known,uk@example.com,E404,3,2020-01-01",  # row 6
        "E6,Un,Known,uk2@example.com,E405,3,2020-01-01",  # row 7
        "E7,Cy,One,c1@example.com,E8,3,2020-01-01",  # rows 8-10: a cycle
        "E8,Cy,Two,c2@example.com,E9,3,2020-01-01",
        "E9,Cy,Three,c3@example.com,E7,3,2020-01-01",
        "E10,Self,S,s@example.com,E10,3,2020-01-01",  # row 11
        "E11,Dup,Email,CLEO@example.com,E1,3,2020-01-01",  # row 12
        "E12,Bad,Date,bd@example.com,E1,3,2020-02-30",  # row 13
        "E13,,Nameless,nn@example.com,E1,3,2020-01-01",  # row 14
    ]
    response = hr.post(URL, {"file": upload(("\n".join(lines) + "\n").encode())})
    assert response.context["error_count"] == 12
    rows = sorted({e.row for e in response.context["errors"]})
    assert rows == list(range(3, 15))
    html = response.content.decode()
    assert "12 problems in people.csv: nothing was imported" in html
    assert "These are all the problems of the file" in html
    assert "Unknown manager" in html and "Management cycle" in html
    assert Person.objects.count() == 1


def test_the_template_lists_every_column_and_imports_as_it_is(hr):
    response = hr.get("/people/import/template.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, example = list(csv.reader(io.StringIO(response.content.decode())))
    assert tuple(header) == CANONICAL_COLUMNS and len(example) == len(header)
    result = people_import(actor=None, data=response.content, file_name="template.csv")
    assert result.created == 1
    person = Person.objects.get(employee_id=example[0])
    assert person.time_zone == "Europe/Berlin" and person.languages == ["en", "de"]


def test_the_page_describes_each_column_and_links_the_template(hr):
    html = hr.get(URL).content.decode()
    assert 'href="/people/import/template.csv"' in html
    for column in CANONICAL_COLUMNS:
        assert f'<code translate="no">{column}</code>' in html
    assert "An IANA time zone such as Europe/Paris." in html


def test_a_confirmed_import_is_in_the_history_with_who_and_counts(hr, hr_admin):
    data = (HEADER + "\nE1,Cleo,Chief,cleo@example.com,,10,2015-03-01\n").encode()
    preview = hr.post(URL, {"file": upload(data, "hris-dec.csv")})
    assert ImportRun.objects.count() == 0  # a clean check is not a run yet
    token = preview.context["confirm"].initial["token"]
    hr.post(URL, {"token": token, "full": ""})
    run = ImportRun.objects.get()
    assert (run.outcome, run.file_name, run.actor, run.source) == (
        ImportOutcome.IMPORTED,
        "hris-dec.csv",
        hr_admin,
        ImportSource.PAGE,
    )
    assert (run.created, run.updated, run.terminated, run.errors, run.full) == (1, 0, 0, 0, False)
    html = hr.get(URL).content.decode()
    assert "hris-dec.csv" in html and hr_admin.username in html and "Imported" in html


def test_the_command_line_records_its_runs_too(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "\nE1,Cleo,Chief,cleo@example.com,,10,2015-03-01\n")
    call_command("import_people", str(good), stdout=io.StringIO())
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\nE2,Ann,A,a@example.com,E404,3,2020-01-01\n")
    with pytest.raises(CommandError):
        call_command("import_people", str(bad), stdout=io.StringIO(), stderr=io.StringIO())
    refused, imported = ImportRun.objects.all()  # newest first
    assert (imported.file_name, imported.outcome, imported.created) == ("good.csv", "imported", 1)
    assert imported.source == ImportSource.COMMAND and imported.actor is None
    assert imported.actor_label == "system"
    assert (refused.file_name, refused.outcome, refused.errors) == ("bad.csv", "refused", 1)
    out = io.StringIO()
    call_command("import_people", "--history", stdout=out)
    first, second = out.getvalue().splitlines()
    assert "bad.csv  refused: 1 problem" in first
    assert "system (Command line)  good.csv  imported: 1 added" in second


def test_an_import_that_fails_while_writing_leaves_no_run_and_no_people(monkeypatch):
    data = (HEADER + "\nE1,Cleo,Chief,cleo@example.com,,10,2015-03-01\n").encode()

    def broken(*args, **kwargs):
        Person.objects.create(employee_id="X", first_name="X", last_name="X", email="x@x.io")
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_write_demographics", broken)
    data = (HEADER + ",gender\nE1,Cleo,Chief,cleo@example.com,,10,2015-03-01,woman\n").encode()
    with pytest.raises(RuntimeError):
        people_import(actor=None, data=data, file_name="f.csv")
    assert Person.objects.count() == 0 and ImportRun.objects.count() == 0


@pytest.mark.parametrize("role", ["program_manager", "mentor", "mentee", "sponsor", "executive"])
def test_only_hr_admins_may_import_or_see_the_history(role, request, hr_admin):
    people_import(
        actor=hr_admin,
        data=(HEADER + "\nE1,Cleo,Chief,cleo@example.com,,10,2015-03-01\n").encode(),
        file_name="secret-file-name.csv",
    )
    user = request.getfixturevalue(role)
    client = page_client(user)
    for url in (URL, "/people/import/template.csv"):
        response = client.get(url)
        assert response.status_code == 404
        assert b"secret-file-name" not in response.content
    assert client.post(URL, {"file": upload(b"x")}).status_code == 404
    assert import_run_list(actor=user) == []
    with pytest.raises(Forbidden):
        people_import(actor=user, data=b"employee_id\n", file_name="f.csv")
    assert ImportRun.objects.count() == 1


def test_import_run_list_shows_hr_admins_every_run(hr_admin):
    with pytest.raises(InvalidInput):
        people_import(actor=None, data=b"", file_name="empty.csv")
    assert [r.file_name for r in import_run_list(actor=hr_admin)] == ["empty.csv"]
