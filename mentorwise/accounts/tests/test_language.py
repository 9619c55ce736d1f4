"""Each person's language: their choice, their HRIS record, their browser; the picker; the page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from conftest import make_person, make_user
from mentorwise.accounts.models import User
from mentorwise.core.languages import language_of, speaking_to, supported
from mentorwise.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("de", "de"),
        ("de-CH", "de"),
        ("de_AT", "de"),
        ("German", "de"),
        ("deutsch", "de"),
        ("FR", "fr"),
        ("Japanese", "ja"),
        ("ar-EG", "ar"),
        ("pt", None),
        ("Portuguese", None),
        ("", None),
        (None, None),
        ("en-xa", "en"),  # the pseudo-locale only where switched on: its base language
    ],
)
def test_supported_reads_codes_regions_and_names(given: str | None, expected: str | None) -> None:
    assert supported(given) == expected


def _client(user: User, **headers: str) -> Client:
    client = Client(**headers)
    client.force_login(user)
    return client


def test_the_persons_choice_comes_first() -> None:
    user = make_user(make_person(languages=["fr", "en"]), language="de")
    page = _client(user, HTTP_ACCEPT_LANGUAGE="es").get("/account/")
    assert page.status_code == 200
    text = page.content.decode()
    assert '<html lang="de" dir="ltr">' in text
    assert "Abmelden" in text and "Log out" not in text
    assert page["Content-Language"] == "de"


def test_without_a_choice_the_hris_record_then_the_browser() -> None:
    french = make_user(make_person(languages=["pt", "fr", "en"]))  # no Portuguese shipped
    assert "Se déconnecter" in _client(french, HTTP_ACCEPT_LANGUAGE="es").get("/").content.decode()
    unshipped = make_user(make_person(languages=["pt"]))
    page = _client(unshipped, HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9").get("/")
    assert "Cerrar sesión" in page.content.decode()
    plain = _client(make_user(make_person(languages=[]))).get("/")
    assert '<html lang="en"' in plain.content.decode()


def test_arabic_pages_run_right_to_left() -> None:
    user = make_user(make_person(), language="ar")
    text = _client(user).get("/").content.decode()
    assert '<html lang="ar" dir="rtl">' in text and "تسجيل الخروج" in text


def test_choosing_a_language_is_kept_on_the_login_and_audited() -> None:
    user = make_user(make_person(languages=["en"]))
    client = _client(user)
    response = client.post("/account/language/", {"language": "ja", "next": "/account/"})
    assert response.status_code == 302 and response["Location"] == "/account/"
    user.refresh_from_db()
    assert user.language == "ja"
    assert AuditEntry.objects.filter(action="user.language_set", target_id=str(user.pk)).exists()
    assert "アカウント" in client.get("/account/").content.decode()
    # Back to automatic: the HRIS record's English.
    client.post("/account/language/", {"language": "", "next": "/account/"})
    user.refresh_from_db()
    assert user.language == ""
    assert "Log out" in client.get("/account/").content.decode()


def test_a_language_not_offered_is_refused_and_nothing_changes() -> None:
    user = make_user(make_person(), language="fr")
    client = _client(user)
    response = client.post("/account/language/", {"language": "en-xa", "next": "/account/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "fr"
    page = client.get("/account/").content.decode()
    assert "en-xa" in page and "language" in page  # the error names the field and the value
    assert not AuditEntry.objects.filter(action="user.language_set").exists()


def test_the_picker_never_redirects_off_site() -> None:
    client = Client()
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)", "NaN", " "):
        response = client.post("/account/language/", {"language": "de", "next": target})
        assert response.status_code == 302 and response["Location"] == "/"


def test_before_signing_in_the_choice_is_a_cookie() -> None:
    client = Client()
    response = client.post("/account/language/", {"language": "es", "next": "/login/"})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert response.cookies["django_language"].value == "es"
    assert "Idioma" in client.get("/login/").content.decode()
    refused = Client().post("/account/language/", {"language": "xx", "next": "/login/"})
    assert "django_language" not in refused.cookies
    assert Client().get("/account/language/").status_code == 405


def test_messages_are_written_in_the_recipients_language() -> None:
    german = make_user(make_person(languages=["de"]))
    nobody = make_person(languages=["ja"])  # a person without a login: their record
    assert language_of(german) == "de"
    assert language_of(german.person) == "de"
    assert language_of(nobody) == "ja"
    assert language_of(None) == "en"
    with translation.override("fr"), speaking_to(german) as code:
        assert code == "de" and translation.gettext("Log out") == "Abmelden"
    assert translation.get_language() != "de"


def test_the_api_reads_and_sets_my_language() -> None:
    user = make_user(make_person(languages=["es"]))
    client = _client(user)
    mine = client.get("/api/me/language").json()
    assert mine["language"] == "" and mine["effective"] == "es" and mine["from_record"] == "es"
    assert "ar" in mine["available"] and "en-xa" not in mine["available"]
    changed = client.put("/api/me/language", {"language": "ar"}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["effective"] == "ar"
    refused = client.put("/api/me/language", {"language": "x"}, content_type="application/json")
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["language"]
    user.refresh_from_db()
    assert user.language == "ar"
    assert Client().get("/api/me/language").status_code == 401
    anonymous = Client().put(
        "/api/me/language", {"language": "de"}, content_type="application/json"
    )
    assert anonymous.status_code == 401


def test_a_page_in_another_language_leaves_the_thread_as_it_was() -> None:
    """What runs after a request (a command, the next request's first lines) does not speak
    the last reader's language."""
    user = make_user(make_person(), language="fr")
    with translation.override("en"):
        assert "Se déconnecter" in _client(user).get("/").content.decode()
        assert translation.get_language() == "en"
