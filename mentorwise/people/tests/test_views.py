"""People pages: who may see what, HTMX filtering, query counts, upload-preview-confirm."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mentorwise.accounts.tests.factories import PASSWORD
from mentorwise.people.models import Demographics, Person
from mentorwise.people.tests.factories import DemographicsFactory, PersonFactory

pytestmark = pytest.mark.django_db

GOOD = (
    b"employee_id,first_name,last_name,email,manager_id,job_level,gender\n"
    b"E1,Cleo,Chief,cleo@example.com,,10,woman\n"
    b"E2,Vik,Vice,vik@example.com,E1,9,\n"
)
BAD = b"employee_id,first_name,last_name,email,job_level\nE1,Cleo,Chief,nope,11\n"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def someone(db):
    boss = PersonFactory(first_name="Bea", last_name="Boss", title="Director")
    person = PersonFactory(manager=boss, first_name="Rui", last_name="Report")
    DemographicsFactory(person=person, gender="non_binary")
    return person


# The permission matrix: role -> (list, someone's detail, import) status codes.
MATRIX = {
    "hr_admin": (200, 200, 200),
    "program_manager": (200, 200, 404),
    "mentee": (404, 404, 404),
    "outsider": (404, 404, 404),
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_permission_matrix(role, request, client, someone):
    user = request.getfixturevalue(role)
    login(client, user)
    urls = [
        reverse("people:list"),
        reverse("people:detail", args=[someone.pk]),
        reverse("people:import"),
    ]
    assert [client.get(u).status_code for u in urls] == list(MATRIX[role])


def test_anonymous_visitors_are_sent_to_login(client, someone):
    for url in (
        reverse("people:list"),
        reverse("people:detail", args=[someone.pk]),
        reverse("people:import"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_participants_read_their_own_record_without_links_to_others(client, mentee):
    login(client, mentee)
    response = client.get(reverse("people:detail", args=[mentee.person_id]))
    assert response.status_code == 200
    assert mentee.person.email in response.content.decode()


def test_missing_person_is_404(client, hr_admin):
    login(client, hr_admin)
    assert client.get(reverse("people:detail", args=[999999])).status_code == 404


def test_detail_shows_the_chain_and_never_demographics(client, program_manager, someone):
    login(client, program_manager)
    html = client.get(reverse("people:detail", args=[someone.pk])).content.decode()
    assert "Bea Boss" in html and reverse("people:detail", args=[someone.manager_id]) in html
    assert "non_binary" not in html and "Non-binary" not in html


def test_list_filters_search_and_htmx_partial(client, hr_admin):
    PersonFactory(first_name="Zora", department="Sales", is_high_potential=True)
    PersonFactory(first_name="Yuri", department="Legal")
    login(client, hr_admin)
    html = client.get(reverse("people:list"), {"department": "Sales"}).content.decode()
    assert "Zora" in html and "Yuri" not in html and "<form" in html
    partial = client.get(reverse("people:list"), {"q": "yuri"}, headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert "Yuri" in body and "Zora" not in body
    assert '<form class="filters"' not in body and 'id="results"' in body


def test_list_query_count_is_pinned(client, hr_admin, django_assert_max_num_queries):
    boss = PersonFactory()
    for _ in range(60):
        PersonFactory(manager=boss)
    login(client, hr_admin)
    client.get(reverse("people:list"))  # warm the session
    with django_assert_max_num_queries(9):
        response = client.get(reverse("people:list"), {"page": 2})
    assert response.status_code == 200 and "Page 2 of 2" in response.content.decode()


def test_import_preview_writes_nothing_and_confirm_imports(client, hr_admin, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    login(client, hr_admin)
    upload = SimpleUploadedFile("hris.csv", GOOD, content_type="text/csv")
    response = client.post(reverse("people:import"), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200 and "Preview of hris.csv" in html
    before = Person.objects.count()
    assert not Demographics.objects.exists()
    token = response.context["confirm"].initial["token"]
    stored = list((tmp_path / "imports").glob("*.csv"))
    assert [p.name for p in stored] == [f"{token}.csv"]
    response = client.post(reverse("people:import"), {"token": token, "full": ""})
    assert response.status_code == 302 and response["Location"] == reverse("people:list")
    assert Person.objects.count() == before + 2
    assert Person.objects.get(employee_id="E2").manager.employee_id == "E1"
    assert not list((tmp_path / "imports").glob("*.csv"))
    # A token is good once.
    again = client.post(reverse("people:import"), {"token": token})
    assert again.status_code == 302 and again["Location"] == reverse("people:import")
    assert Person.objects.count() == before + 2


def test_import_errors_are_listed_with_row_column_value(client, hr_admin, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    login(client, hr_admin)
    upload = SimpleUploadedFile("bad.csv", BAD, content_type="text/csv")
    response = client.post(
        reverse("people:import"), {"file": upload}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "2 problems in bad.csv: nothing was imported" in html
    assert 'id="import-result"' in html and "<h1>" not in html  # the partial only
    row = (
        '<td data-label="Row">2</td><td data-label="Column"><code translate="no">{}</code></td>'
        '<td data-label="Value">'
    )
    assert row.format("email") + "<code>nope</code></td>" in html
    assert row.format("job_level") + "<code>11</code></td>" in html
    assert not (tmp_path / "imports").exists() or not list((tmp_path / "imports").glob("*"))


def test_tokens_of_other_sessions_or_forged_paths_are_refused(client, hr_admin, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    login(client, hr_admin)
    for token in ("0" * 32, "../../etc/passwd"):
        response = client.post(reverse("people:import"), {"token": token})
        assert response.status_code == 302 and response["Location"] == reverse("people:import")
    assert not Person.objects.filter(employee_id="E1").exists()


def test_program_managers_cannot_post_an_import(client, program_manager):
    login(client, program_manager)
    upload = SimpleUploadedFile("hris.csv", GOOD, content_type="text/csv")
    assert client.post(reverse("people:import"), {"file": upload}).status_code == 404
    assert not Person.objects.filter(employee_id="E1").exists()


def test_full_import_from_the_page_terminates_the_missing(client, hr_admin, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    stale = PersonFactory(employee_id="OLD1")
    login(client, hr_admin)
    upload = SimpleUploadedFile("hris.csv", GOOD, content_type="text/csv")
    preview = client.post(reverse("people:import"), {"file": upload, "full": "on"})
    result = preview.context["result"]
    assert result.full and result.terminated >= 1
    assert "OLD1" in preview.content.decode()
    stale.refresh_from_db()
    assert stale.termination_date is None
    token = preview.context["confirm"].initial["token"]
    assert result.needs_confirmation  # a small organization: over the 10% limit
    response = client.post(
        reverse("people:import"),
        {"token": token, "full": "True", "confirm_terminations": str(result.terminated)},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("people:list")
    stale.refresh_from_db()
    assert stale.termination_date is not None


def test_oversized_uploads_are_refused_before_reading(client, hr_admin, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.MENTORWISE_MAX_IMPORT_BYTES = 20
    login(client, hr_admin)
    upload = SimpleUploadedFile("hris.csv", GOOD, content_type="text/csv")
    response = client.post(reverse("people:import"), {"file": upload})
    assert "the limit is 20\xa0bytes (20 bytes)" in response.content.decode()
    assert not Person.objects.filter(employee_id="E1").exists()


def test_only_the_latest_previews_can_be_confirmed(client, hr_admin, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    login(client, hr_admin)
    tokens = []
    for _ in range(7):
        upload = SimpleUploadedFile("hris.csv", GOOD, content_type="text/csv")
        response = client.post(reverse("people:import"), {"file": upload})
        tokens.append(response.context["confirm"].initial["token"])
    assert len(list((tmp_path / "imports").glob("*.csv"))) == 5
    response = client.post(reverse("people:import"), {"token": tokens[0]})
    assert response["Location"] == reverse("people:import")
    assert not Person.objects.filter(employee_id="E1").exists()
