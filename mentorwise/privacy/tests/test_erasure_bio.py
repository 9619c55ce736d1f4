"""Erasure removes the introduction a person wrote (`Person.bio`)."""

from __future__ import annotations

import pytest

from mentorwise.people.bio import person_bio_update
from mentorwise.people.models import Person
from mentorwise.privacy.erasure import person_erase

pytestmark = pytest.mark.django_db


def test_erasure_removes_the_introduction(hr_admin, mentee) -> None:
    person_bio_update(actor=mentee, person_id=mentee.person.pk, bio="Ask me about Lisbon.")
    person_erase(actor=hr_admin, person=mentee.person, confirm=mentee.person.employee_id)
    assert Person.objects.get(pk=mentee.person.pk).bio == ""
