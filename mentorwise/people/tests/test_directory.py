"""Lists of people show directory fields only; the profile is read one person at a time.

The people page and `GET /api/people` return what a company directory shows anyone; the
email, job level, dates and high-potential flag come only from the profile (page or
`GET /api/people/{id}`), whose reads are audited. A list filtered on a profile field tells
that field for everyone it returns, so such a list read is audited too, naming them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from conftest import api_client, page_client
from mentorwise.accounts.models import User
from mentorwise.core.models import AuditEntry
from mentorwise.people.models import Person
from mentorwise.people.permissions import DIRECTORY_FIELDS
from mentorwise.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

# Profile fields, each with the value `star` has, which no list may show.
PROFILE = {
    "email": "ops-lead-77@example.com",
    "job_level": 7,
    "hire_date": dt.date(2019, 5, 2),
    "manager_since": dt.date(2023, 3, 14),
    "is_high_potential": True,
    "time_zone": "Pacific/Chatham",
    "languages": ["quechua"],
}


@pytest.fixture
def star(db: None) -> Person:
    return PersonFactory(first_name="Stella", last_name="Star", title="Lead", **PROFILE)


def _listed() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="people.listed").order_by("id"))


def test_the_api_list_returns_directory_fields_only(program_manager: User, star: Person) -> None:
    client = api_client(program_manager)
    (row,) = client.get("/api/people", {"q": "Stella"}).json()
    assert set(row) == set(DIRECTORY_FIELDS)
    assert (row["id"], row["title"], row["is_active"]) == (star.pk, "Lead", True)
    # The whole profile is one (audited) read away.
    profile = client.get(f"/api/people/{star.pk}").json()
    assert profile["email"] == PROFILE["email"] and profile["is_high_potential"] is True
    assert AuditEntry.objects.filter(action="person.viewed", target_id=str(star.pk)).count() == 1


def test_the_api_schema_promises_directory_fields_for_lists() -> None:
    schema = Client().get("/api/openapi.json").json()
    listed = schema["paths"]["/api/people"]["get"]["responses"]["200"]["content"]
    ref = listed["application/json"]["schema"]["items"]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][ref]["properties"]) == set(DIRECTORY_FIELDS)
    description = schema["paths"]["/api/people"]["get"]["description"]
    assert "audited" in description and "people.listed" in description


def test_the_people_page_shows_directory_fields_only(hr_admin: User, star: Person) -> None:
    html = page_client(hr_admin).get("/people/", {"q": "Stella"}).content.decode()
    assert "Stella Star" in html and "Lead" in html
    for value in (PROFILE["email"], "2019-05-02", "Pacific/Chatham", "quechua"):
        assert value not in html
    assert "<th>Level</th>" not in html and '<span class="badge warn">High potential' not in html
    profile = page_client(hr_admin).get(f"/people/{star.pk}/").content.decode()
    assert PROFILE["email"] in profile and "High potential" in profile


def test_search_matches_a_whole_email_never_a_part(hr_admin: User, star: Person) -> None:
    # A list does not show emails: a partial match would spell one out, letter by letter.
    client = api_client(hr_admin)
    assert client.get("/api/people", {"q": "ops-lead"}).json() == []
    found = client.get("/api/people", {"q": "OPS-LEAD-77@example.com"}).json()
    assert [p["id"] for p in found] == [star.pk]
    page = page_client(hr_admin)
    assert "Stella" not in page.get("/people/", {"q": "ops-lead"}).content.decode()
    assert "Stella" in page.get("/people/", {"q": PROFILE["email"]}).content.decode()


PROFILE_QUERIES: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {
    # (query, the filters the audit entry records)
    "page": [
        ({"q": "Star", "high_potential": "on"}, {"high_potential": True}),
        ({"q": "Star", "level": "7"}, {"level": 7}),
    ],
    "api": [
        ({"q": "Star", "high_potential": "true"}, {"high_potential": True}),
        ({"q": "Star", "level_min": "7", "level_max": "7"}, {"level_min": 7, "level_max": 7}),
    ],
}


@pytest.mark.parametrize("via", ["page", "api"])
def test_a_list_filtered_on_a_profile_field_is_audited_naming_who_it_returned(
    via: str, program_manager: User, star: Person
) -> None:
    PersonFactory(first_name="Stan", last_name="Star", job_level=3)
    client = page_client(program_manager) if via == "page" else api_client(program_manager)
    url = "/people/" if via == "page" else "/api/people"
    # Directory filters reveal nothing beyond the list itself: not audited.
    assert client.get(url, {"q": "Stella", "department": star.department}).status_code == 200
    assert _listed() == []
    for query, recorded in PROFILE_QUERIES[via]:
        assert client.get(url, query).status_code == 200
        entry = _listed()[-1]
        assert entry.actor == program_manager
        assert entry.data == {"filters": recorded, "people": [star.pk]}
    assert len(_listed()) == 2
    if via == "page":
        html = client.get(url, {"high_potential": "on"}).content.decode()
        assert "recorded in the audit log" in html
        assert "recorded in the audit log" not in client.get(url).content.decode()


def test_one_s_own_record_in_a_filtered_list_is_not_audited(mentee: User) -> None:
    # Participants list only themselves; reading one's own record is never audited.
    rows = api_client(mentee).get("/api/people", {"level_min": "1"}).json()
    assert [r["id"] for r in rows] == [mentee.person_id]
    assert _listed() == []


def test_an_offset_beyond_64_bits_is_refused_not_a_server_error(hr_admin: User) -> None:
    response = api_client(hr_admin).get("/api/people", {"offset": str(2**64)})
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"


def test_the_people_page_names_each_person_s_manager_in_one_query(hr_admin: User) -> None:
    """`with_managers`: every row's manager (or a dash), read in one query for the page
    however many managers it names."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    bosses = [PersonFactory(first_name=f"Boss{n}", last_name="Zed") for n in range(3)]
    for n in range(9):
        PersonFactory(first_name=f"Report{n}", last_name="Quill", manager=bosses[n % 3])
    PersonFactory(first_name="Loner", last_name="Quill", manager=None)
    client = page_client(hr_admin)

    def page() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/people/", {"q": "Quill"}).content.decode()
        return html, len(queries.captured_queries)

    page()  # the session's first request records the sign-in's activity
    html, first = page()
    for boss in bosses:
        assert html.count(f'<a href="/people/{boss.pk}/">{boss.full_name}</a>') == 3
    loner = html.split("Loner Quill", 1)[1].split("</tr>", 1)[0]
    assert "—" in loner
    # Three more people under three more managers: not one query more.
    more = [PersonFactory(first_name=f"Boss{n}", last_name="Yew") for n in range(3, 6)]
    for boss in more:
        PersonFactory(first_name="Later", last_name="Quill", manager=boss)
    html, second = page()
    assert second == first
    assert all(f'<a href="/people/{boss.pk}/">{boss.full_name}</a>' in html for boss in more)
