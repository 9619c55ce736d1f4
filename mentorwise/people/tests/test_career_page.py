"""People → person: HR admins see the career history (kinds, details, sources); program
managers reading the directory and the person themselves do not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from conftest import make_person, page_client
from mentorwise.accounts.models import User
from mentorwise.people.models import CareerEvent, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana() -> Person:
    person = make_person(first_name="Ana", last_name="Lopez", termination_date=dt.date(2026, 4, 30))
    CareerEvent.objects.create(
        person=person,
        kind="promotion",
        date=dt.date(2025, 3, 1),
        from_level=4,
        to_level=5,
        source="import",
    )
    CareerEvent.objects.create(
        person=person,
        kind="internal_move",
        date=dt.date(2025, 9, 1),
        from_function="Sales",
        to_function="Marketing",
        source="scim",
    )
    CareerEvent.objects.create(
        person=person,
        kind="termination",
        date=dt.date(2026, 4, 30),
        termination_kind="involuntary",
        source="import",
    )
    return person


def test_hr_admins_see_the_career_history(hr_admin: User, ana: Person) -> None:
    html = page_client(hr_admin).get(reverse("people:detail", args=[ana.pk])).content.decode()
    assert "Career history" in html
    history = html[html.index("Career history") :]
    # Newest first, with the details and where each came from.
    assert (
        history.index("Termination") < history.index("Internal move") < history.index("Promotion")
    )
    assert "4 → 5" in history
    assert "Sales → Marketing" in history
    assert "(Involuntary)" in history
    assert "SCIM" in history and "Import" in history


def test_an_empty_history_says_so(hr_admin: User) -> None:
    person = make_person()
    html = page_client(hr_admin).get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "No promotion, move or termination recorded yet." in html


def test_program_managers_and_the_person_do_not_see_it(program_manager: User, ana: Person) -> None:
    url = reverse("people:detail", args=[ana.pk])
    response = page_client(program_manager).get(url)
    assert response.status_code == 200
    assert "Career history" not in response.content.decode()
    ana.termination_date = None  # a terminated person cannot sign in
    ana.save()
    own = User.objects.create(username="ana", person=ana)
    response = page_client(own).get(url)
    assert response.status_code == 200
    assert "Career history" not in response.content.decode()
