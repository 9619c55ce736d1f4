"""HRIS import: every error kind (and that nothing was written), upserts, --full, formats."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from mentorwise.core.errors import ErrorLog, Forbidden, InvalidInput
from mentorwise.core.models import AuditEntry
from mentorwise.people.models import Demographics, Person, path_token
from mentorwise.people.services import people_import
from mentorwise.people.tests.factories import PersonFactory

TODAY = dt.date(2026, 11, 26)
HEADER = "employee_id,first_name,last_name,email,manager_id,job_level,hire_date"
ORG = [
    HEADER,
    "E1,Cleo,Chief,cleo@example.com,,10,2015-03-01",
    "E2,Vik,Vice,vik@example.com,E1,9,2016-04-01",
    "E3,Dana,Dev,dana@example.com,E2,4,2020-05-01",
    "E4,Ivo,Ops,ivo@example.com,E2,3,2021-06-01",
]


def run(lines, *, full=False, dry_run=False, actor=None, confirmed=None):
    data = ("\n".join(lines) + "\n").encode() if isinstance(lines, list) else lines
    return people_import(
        actor=actor,
        data=data,
        file_name="people.csv",
        full=full,
        dry_run=dry_run,
        today=TODAY,
        confirmed_terminations=confirmed,
    )


def errors_of(lines, **kwargs):
    with pytest.raises(InvalidInput) as caught:
        run(lines, **kwargs)
    return caught.value.errors


def fields(errors):
    return [(e.row, e.field) for e in errors]


pytestmark = pytest.mark.django_db


def test_import_creates_people_with_managers_and_paths():
    result = run(ORG)
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    people = {p.employee_id: p for p in Person.objects.all()}
    ceo, vice, dev = people["E1"], people["E2"], people["E3"]
    assert ceo.manager is None and vice.manager == ceo and dev.manager == vice
    assert dev.path == path_token(ceo.pk) + path_token(vice.pk) + path_token(dev.pk)
    assert (ceo.depth, vice.depth, dev.depth) == (0, 1, 2)
    assert dev.job_level == 4 and dev.hire_date == dt.date(2020, 5, 1)
    entry = AuditEntry.objects.get(action="people.imported")
    assert entry.data["created"] == 4 and entry.data["file"] == "people.csv"


def test_reimporting_the_same_file_changes_nothing_and_says_so():
    run(ORG)
    before = list(Person.objects.values_list("pk", "updated_at", "path"))
    result = run(ORG)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    assert not result.changed_anything
    assert "nothing changed" in result.summary()
    assert list(Person.objects.values_list("pk", "updated_at", "path")) == before


def test_changes_are_upserted_by_employee_id_and_paths_follow_a_move():
    run(ORG)
    moved = [*ORG[:3], "E3,Dana,Dev,dana@example.com,E4,5,2020-05-01", ORG[4]]
    result = run(moved)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    assert result.changes[0].fields == ["job_level", "manager"]
    dana = Person.objects.get(employee_id="E3")
    ivo = Person.objects.get(employee_id="E4")
    assert dana.manager == ivo and dana.job_level == 5
    assert dana.path == ivo.path + path_token(dana.pk) and dana.depth == 3


def test_moving_a_manager_moves_the_whole_team_path():
    run([*ORG, "E5,Uma,Under,uma@example.com,E3,2,2022-01-01"])
    run([*ORG[:3], "E3,Dana,Dev,dana@example.com,E1,4,2020-05-01", ORG[4],
         "E5,Uma,Under,uma@example.com,E3,2,2022-01-01"])  # fmt: skip
    uma = Person.objects.get(employee_id="E5")
    dana = Person.objects.get(employee_id="E3")
    assert uma.path == dana.path + path_token(uma.pk)
    assert uma.depth == 2


def test_columns_missing_from_the_file_are_left_alone():
    run(ORG)
    Person.objects.filter(employee_id="E3").update(title="Engineer", department="Platform")
    result = run(["employee_id,first_name,last_name,email", "E3,Dana,Dev,dana@example.com"])
    assert result.unchanged == 1
    dana = Person.objects.get(employee_id="E3")
    assert dana.title == "Engineer" and dana.manager.employee_id == "E2"


def test_full_import_terminates_people_missing_from_the_file_without_deleting():
    run(ORG)
    result = run(ORG[:4], full=True, confirmed=1)  # 1 of 4: over the 10% limit
    assert result.terminated == 1
    ivo = Person.objects.get(employee_id="E4")
    assert ivo.termination_date == TODAY
    assert Person.objects.count() == 4
    # Already terminated people are not terminated again.
    assert run(ORG[:4], full=True).terminated == 0


def test_without_full_missing_people_stay_active():
    run(ORG)
    assert run(ORG[:4]).terminated == 0
    assert Person.objects.get(employee_id="E4").termination_date is None


def test_dry_run_counts_but_writes_nothing():
    run(ORG)
    result = run([*ORG, "E9,New,Person,new@example.com,E1,3,2024-01-01"], dry_run=True, full=True)
    assert (result.created, result.unchanged, result.terminated) == (1, 4, 0)
    assert result.dry_run and "nothing was written" in result.summary()
    assert Person.objects.count() == 4
    assert AuditEntry.objects.filter(action="people.imported").count() == 1


def test_demographics_go_to_their_own_table_only_when_given():
    lines = [
        "employee_id,first_name,last_name,email,gender,ethnicity",
        "E1,Cleo,Chief,cleo@example.com,Woman,Prefer not to say",
        "E2,Vik,Vice,vik@example.com,,",
    ]
    result = run(lines)
    assert result.demographics == 1
    demo = Demographics.objects.get()
    assert (demo.person.employee_id, demo.gender, demo.ethnicity) == (
        "E1",
        "woman",
        "prefer_not_to_say",
    )
    assert run(lines).demographics == 0


def test_people_managers_may_be_given_by_email_with_hris_aliases_bom_and_semicolons():
    text = (
        "\ufeffWorker ID;Legal First Name;Last_Name;Work Email;manager_login;Grade;"
        "Original Hire Date;Cost Center;Business Title;Unknown Column\n"
        "W1;Cleo;Chief;cleo@example.com;;10;2015-03-01;Exec;CEO;x\n"
        "W2;Vik;Vice;vik@example.com;CLEO@example.com;9;2016-04-01;Sales;VP, Sales;y\n"
    )
    result = run(text.encode())
    assert result.created == 2 and result.ignored_columns == ["Unknown Column"]
    vik = Person.objects.get(employee_id="W2")
    assert vik.manager.employee_id == "W1"
    assert (vik.department, vik.title, vik.job_level) == ("Sales", "VP, Sales", 9)


def test_several_headers_for_one_column_use_the_preferred_one():
    text = "Country,Location,employee_id,first_name,last_name,email\nDE,Berlin,E1,A,B,a@x.com\n"
    result = run(text.encode())
    assert Person.objects.get().location == "Berlin" and result.ignored_columns == ["Country"]


def test_configured_date_format_is_accepted_and_never_guessed(settings):
    lines = [HEADER, "E1,Cleo,Chief,cleo@example.com,,10,8/20/2015"]
    assert fields(errors_of(lines)) == [(2, "hire_date")]
    settings.MENTORWISE_IMPORT_DATE_FORMAT = "%m/%d/%Y"
    run(lines)
    assert Person.objects.get().hire_date == dt.date(2015, 8, 20)
    # 20/8/2015 is not month/day: an error, not a silent swap.
    errors = errors_of([HEADER, "E2,Vik,Vice,vik@example.com,,10,20/8/2015"])
    assert fields(errors) == [(2, "hire_date")] and "%m/%d/%Y" in errors[0].message


def test_all_row_errors_are_reported_together_and_nothing_is_written():
    lines = [
        HEADER + ",termination_date,termination_kind,high_potential,gender,time_zone,languages",
        "E1,Cleo,Chief,cleo@example.com,,10,2015-03-01,,,true,,,en",
        ",Nobody,Here,nobody@example.com,E1,3,2020-01-01,,,,,,",  # missing id
        "E3,,Dev,dana@example.com,E1,3,2020-01-01,,,,,,",  # missing first name
        "E4,Bad,Email,not-an-email,E1,3,2020-01-01,,,,,,",
        "E5,Lev,El,lev@example.com,E1,eleven,2020-01-01,,,,,,",
        "E6,Hi,Lev,hi@example.com,E1,11,2020-01-01,,,,,,",
        "E7,Fu,Ture,fu@example.com,E1,3,2099-01-01,,,,,,",
        "E8,Bad,Date,bd@example.com,E1,3,2020-02-30,,,,,,",
        "E9,Ter,Min,tm@example.com,E1,3,2020-01-01,2019-01-01,voluntary,,,,",
        "E10,Kind,Less,kl@example.com,E1,3,2020-01-01,2024-01-01,fired,,,,",
        "E11,Hi,Po,hp@example.com,E1,3,2020-01-01,,,maybe,,,",
        "E12,Gen,Der,gd@example.com,E1,3,2020-01-01,,,,robot,,",
        "E13,Time,Zone,tz@example.com,E1,3,2020-01-01,,,,,Mars/Base,",
        "E14,Un,Known,uk@example.com,E404,3,2020-01-01,,,,,,",
        "E1,Dup,Id,dup@example.com,,3,2020-01-01,,,,,,",
        "E16,Dup,Email,CLEO@example.com,E1,3,2020-01-01,,,,,,",
        "E17,Kind,Alone,ka@example.com,E1,3,2020-01-01,,voluntary,,,,",
        "E18,Lang,Uage,lu@example.com,E1,3,2020-01-01,,,,,,en|12",
    ]
    errors = errors_of(lines)
    assert fields(errors) == [
        (3, "employee_id"),
        (4, "first_name"),
        (5, "email"),
        (6, "job_level"),
        (7, "job_level"),
        (8, "hire_date"),
        (9, "hire_date"),
        (10, "termination_date"),
        (11, "termination_kind"),
        (12, "high_potential"),
        (13, "gender"),
        (14, "time_zone"),
        (15, "manager_id"),  # unknown manager, in the same pass as the row errors
        (16, "employee_id"),
        (17, "email"),
        (18, "termination_kind"),
        (19, "languages"),
    ]
    assert errors[3].value == "eleven" and "1 to 10" in errors[4].message
    assert errors[12].value == "E404" and "Unknown manager" in errors[12].message
    assert "row 2" in errors[13].message
    assert Person.objects.count() == 0


def test_management_cycles_are_refused_with_the_loop_named():
    errors = errors_of([
        HEADER,
        "E1,Cleo,Chief,cleo@example.com,,10,2015-03-01",
        "E2,Ann,A,a@example.com,E3,3,2020-01-01",
        "E3,Bob,B,b@example.com,E4,3,2020-01-01",
        "E4,Cid,C,c@example.com,E2,3,2020-01-01",
        "E5,Self,S,s@example.com,E5,3,2020-01-01",
    ])  # fmt: skip
    # The loop and the self-management row error come in the same pass.
    assert fields(errors) == [(3, "manager_id"), (4, "manager_id"), (5, "manager_id"),
                              (6, "manager_id")]  # fmt: skip
    assert "own manager" in errors[3].message
    errors = errors_of([
        HEADER,
        "E1,Cleo,Chief,cleo@example.com,,10,2015-03-01",
        "E2,Ann,A,a@example.com,E3,3,2020-01-01",
        "E3,Bob,B,b@example.com,E4,3,2020-01-01",
        "E4,Cid,C,c@example.com,E2,3,2020-01-01",
    ])  # fmt: skip
    assert fields(errors) == [(3, "manager_id"), (4, "manager_id"), (5, "manager_id")]
    assert "cycle" in errors[0].message and "E2" in errors[0].message
    assert Person.objects.count() == 0


def test_cycles_through_people_already_in_the_database_are_refused():
    run(ORG)
    # E2 (in the database) reports to E1; making E1 report to E3 (under E2) closes a loop.
    errors = errors_of([HEADER, "E1,Cleo,Chief,cleo@example.com,E3,10,2015-03-01"])
    assert fields(errors) == [(2, "manager_id")]
    assert Person.objects.get(employee_id="E1").manager is None


def test_emails_of_people_not_in_the_file_cannot_be_reused():
    PersonFactory(employee_id="X1", email="taken@example.com")
    errors = errors_of([HEADER, "E1,Cleo,Chief,Taken@example.com,,10,2015-03-01"])
    assert fields(errors) == [(2, "email")] and "X1" in errors[0].message
    assert Person.objects.count() == 1


def test_managers_already_in_the_database_may_be_referenced():
    boss = PersonFactory(employee_id="B1")
    run([HEADER, "E1,Cleo,Chief,cleo@example.com,B1,9,2015-03-01"])
    cleo = Person.objects.get(employee_id="E1")
    assert cleo.manager == boss and cleo.path == boss.path + path_token(cleo.pk)


@pytest.mark.parametrize(
    ("data", "field", "row"),
    [
        (b"", "file", None),  # 0 bytes: refused before reading, no row to name
        (b"employee_id,first_name\nE1,Cleo\n", "last_name, email", 1),
        (HEADER.encode() + b"\n", "file", 2),
        (HEADER.encode() + b"\nE1,Cleo\n", "file", 2),
        (b"employee_id,first_name,last_name,email\nE1,Cl\xe9o,Chief,c@example.com\n", "file", 2),
        (b"employee_id,Employee ID,first_name,last_name,email\n", "Employee ID", 1),
        (HEADER.encode() + b'\nE1,"Cleo,Chief,c@example.com,,10,2015-03-01\n', "file", 2),
    ],
    ids=["empty", "missing-columns", "no-rows", "short-row", "not-utf8", "dup-column", "quote"],
)
def test_file_level_errors(data, field, row):
    errors = errors_of(data)
    assert errors[0].field == field and errors[0].row == row
    assert Person.objects.count() == 0


def test_files_over_the_size_limit_are_refused(settings):
    settings.MENTORWISE_MAX_IMPORT_BYTES = 10
    assert fields(errors_of(ORG)) == [(None, "file")]


def test_only_hr_admins_may_import(outsider, hr_admin):
    with pytest.raises(Forbidden):
        run(ORG, actor=outsider)
    assert run(ORG, actor=hr_admin).created == 4
    assert AuditEntry.objects.get(action="people.imported").actor == hr_admin


def test_future_termination_dates_are_allowed():
    run([
        HEADER + ",termination_date,termination_kind",
        "E1,Cleo,Chief,cleo@example.com,,10,2015-03-01,2027-01-31,voluntary",
    ])  # fmt: skip
    cleo = Person.objects.get()
    assert cleo.termination_date == dt.date(2027, 1, 31) and cleo.is_active_on(TODAY)


def test_rehired_people_get_their_termination_cleared():
    run([HEADER + ",termination_date", "E1,Cleo,Chief,cleo@example.com,,10,2015-03-01,2024-01-01"])
    result = run([HEADER + ",termination_date", "E1,Cleo,Chief,cleo@example.com,,10,2015-03-01,"])
    assert result.updated == 1
    assert Person.objects.get().termination_date is None


def test_unknown_manager_emails_are_refused():
    errors = errors_of([
        "employee_id,first_name,last_name,email,manager_email",
        "E1,Cleo,Chief,cleo@example.com,",
        "E2,Vik,Vice,vik@example.com,ghost@example.com",
    ])  # fmt: skip
    assert fields(errors) == [(3, "manager_email")] and errors[0].value == "ghost@example.com"


def test_languages_are_split_lowercased_and_deduplicated():
    run(["employee_id,first_name,last_name,email,languages", 'E1,A,B,a@x.com,"EN| fr;en,de"'])
    assert Person.objects.get().languages == ["en", "fr", "de"]


def test_formula_escaped_cells_are_unescaped():
    run(["employee_id,first_name,last_name,email,title", "E1,A,B,a@x.com,'=Head of +1"])
    assert Person.objects.get().title == "=Head of +1"


def test_row_order_does_not_matter():
    run([ORG[0], *reversed(ORG[1:])])
    dana = Person.objects.get(employee_id="E3")
    chain = [p.employee_id for p in Person.objects.filter(pk__in=dana.ancestor_ids)]
    assert sorted(chain) == ["E1", "E2"] and dana.depth == 2


def test_existing_people_may_move_under_a_new_manager_from_the_same_file():
    run(ORG)
    result = run([
        *ORG[:3],
        "E3,Dana,Dev,dana@example.com,E9,4,2020-05-01",
        ORG[4],
        "E9,Nia,New,nia@example.com,E1,6,2024-01-01",
    ])  # fmt: skip
    assert (result.created, result.updated) == (1, 1)
    nia, dana = Person.objects.get(employee_id="E9"), Person.objects.get(employee_id="E3")
    assert dana.manager == nia and dana.path == nia.path + path_token(dana.pk)
    assert nia.pk > Person.objects.get(employee_id="E4").pk


@pytest.mark.parametrize(
    "email",
    ["a@b.co", "a.b+c@d-e.example", "a..b@c.com", "a.@b.com", "a@-b.com", "a@b.c", "a@b",
     "a@localhost", "o'brien@example.ie", "a@b.123", "ü@example.com", "a@xn--bcher-kva.example"],
)  # fmt: skip
def test_email_check_agrees_with_djangos_validator(email):
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from mentorwise.people.importer import PeopleReader

    try:
        validate_email(email)
        valid = True
    except ValidationError:
        valid = False
    errors = ErrorLog(10)
    data = f"employee_id,first_name,last_name,email\nE1,A,B,{email}\n".encode()
    rows = list(PeopleReader(io.BytesIO(data), errors=errors))
    assert (not errors) == valid and len(rows) == int(valid)
