"""A person's introduction (bio): only they write it, on their profile page or the API; an
error keeps what they typed; erasure removes it."""

from __future__ import annotations

import pytest

from conftest import api_client, page_client
from mentorwise.core.errors import Forbidden
from mentorwise.core.models import AuditEntry
from mentorwise.people.bio import BIO_MAX_LENGTH, person_bio_update
from mentorwise.people.models import Person

pytestmark = pytest.mark.django_db


def test_a_person_writes_their_introduction_on_their_profile_page(mentee) -> None:
    client = page_client(mentee)
    assert client.get("/people/me/").url == f"/people/{mentee.person.pk}/"
    page = client.get(f"/people/{mentee.person.pk}/").content.decode()
    assert "About you" in page and 'action="/people/me/bio/"' in page
    response = client.post("/people/me/bio/", {"bio": "  I like long walks.\n\nAnd data.  "})
    assert response.status_code == 302
    mentee.person.refresh_from_db()
    assert mentee.person.bio == "I like long walks.\n\nAnd data."
    assert AuditEntry.objects.filter(action="person.bio_updated", actor=mentee).exists()
    assert "I like long walks." in client.get(f"/people/{mentee.person.pk}/").content.decode()


def test_too_long_an_introduction_is_refused_and_the_text_kept(mentee) -> None:
    client = page_client(mentee)
    typed = "x" * (BIO_MAX_LENGTH + 1)
    response = client.post("/people/me/bio/", {"bio": typed}, follow=True)
    html = response.content.decode()
    assert f"Keep your introduction under {BIO_MAX_LENGTH} characters" in html
    assert typed in html  # back in the field
    mentee.person.refresh_from_db()
    assert mentee.person.bio == ""


def test_nobody_writes_someone_elses_introduction(hr_admin, mentee) -> None:
    with pytest.raises(Forbidden):
        person_bio_update(actor=hr_admin, person_id=mentee.person.pk, bio="Written for her")
    page = page_client(hr_admin).get(f"/people/{mentee.person.pk}/").content.decode()
    assert 'action="/people/me/bio/"' not in page  # the form is on one's own page only
    assert Person.objects.get(pk=mentee.person.pk).bio == ""


def test_the_api_writes_and_reads_ones_own_introduction(mentee, hr_admin) -> None:
    client = api_client(mentee, scope="admin")
    response = client.put("/api/people/me/bio", {"bio": "Hi"}, content_type="application/json")
    assert response.status_code == 200 and response.json() == {"bio": "Hi"}
    assert client.get(f"/api/people/{mentee.person.pk}").json()["bio"] == "Hi"
    too_long = client.put("/api/people/me/bio", {"bio": "y" * 601}, content_type="application/json")
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["field"] == "bio"
    assert Person.objects.get(pk=mentee.person.pk).bio == "Hi"


def test_a_login_without_a_person_has_no_introduction(db) -> None:
    from conftest import make_user

    client = api_client(make_user(None), scope="admin")
    response = client.put("/api/people/me/bio", {"bio": "Hi"}, content_type="application/json")
    assert response.status_code == 403
