"""The HR admin's SAML settings page and `mentorwise saml`: metadata in, problems named,
nothing saved on any problem, changes audited without the metadata."""

from __future__ import annotations

import http.server
import io
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from conftest import make_person, make_user
from mentorwise.core.models import AuditEntry
from mentorwise.sso import saml_keys
from mentorwise.sso.models import SamlProvider
from mentorwise.sso.tests.saml_idp import IDP_ENTITY_ID, SSO_URL, SamlTestProvider, temp_dir

pytestmark = [pytest.mark.django_db]

_SP_KEYS = saml_keys.new_key_pair("Mentorwise SAML")
_IDP_KEYS = saml_keys.new_key_pair("Test IdP")


@pytest.fixture(autouse=True)
def _fixed_sp_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(saml_keys, "new_key_pair", lambda common_name: _SP_KEYS)


@pytest.fixture
def idp_metadata() -> str:
    sp = Client().get("/account/sso/saml/metadata/").content.decode()
    return SamlTestProvider(temp_dir(), sp, key_pem=_IDP_KEYS[0], cert_pem=_IDP_KEYS[1]).metadata()


@pytest.fixture
def hr() -> Client:
    """A superuser: the site's operator, who may change single sign-on."""
    client = Client()
    client.force_login(make_user(make_person(), is_hr_admin=True, is_superuser=True))
    return client


def test_an_hr_admin_who_is_not_an_operator_sees_the_settings_but_cannot_change_them(
    idp_metadata: str,
) -> None:
    client = Client()
    client.force_login(make_user(make_person(), is_hr_admin=True))
    page = client.get("/account/sso/saml/settings/")
    assert page.status_code == 200
    assert "/account/sso/saml/acs/" in page.content.decode()
    assert 'name="metadata_xml"' not in page.content.decode()
    response = client.post(
        "/account/sso/saml/settings/", _form(enabled="on", metadata_xml=idp_metadata)
    )
    assert response.status_code == 404
    assert not SamlProvider.objects.filter(enabled=True).exists()


def _form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"match_field": "email", "trust_email": "on", "display_name": "Okta"}
    data.update(changes)
    return data


def test_the_page_tells_the_identity_provider_what_it_needs(hr: Client) -> None:
    page = hr.get("/account/sso/saml/settings/").content.decode()
    assert "/account/sso/saml/metadata/" in page
    assert "/account/sso/saml/acs/" in page
    assert "PRIVATE KEY" not in page


def test_uploading_metadata_switches_saml_on_and_is_audited_without_it(
    hr: Client, idp_metadata: str
) -> None:
    upload = SimpleUploadedFile("idp.xml", idp_metadata.encode(), content_type="text/xml")
    response = hr.post(
        "/account/sso/saml/settings/", _form(enabled="on", metadata_file=upload), follow=True
    )
    assert response.status_code == 200
    provider = SamlProvider.objects.get()
    assert (provider.enabled, provider.idp_entity_id) == (True, IDP_ENTITY_ID)
    page = response.content.decode()
    assert SSO_URL in page
    entry = AuditEntry.objects.get(action="sso.saml_updated")
    assert entry.data["issuer"] == IDP_ENTITY_ID
    assert "enabled" in entry.data["changed"]
    assert "X509Certificate" not in str(entry.data)
    assert 'id="saml-sign-in"' in Client().get("/login/").content.decode()


@pytest.mark.parametrize(
    ("xml", "problem"),
    [
        ("not xml at all", "not SAML metadata"),
        ("sp", "exactly one identity provider"),
    ],
)
def test_wrong_metadata_is_refused_with_the_reason_and_nothing_saved(
    hr: Client, xml: str, problem: str
) -> None:
    if xml == "sp":
        xml = Client().get("/account/sso/saml/metadata/").content.decode()
    response = hr.post("/account/sso/saml/settings/", _form(enabled="on", metadata_xml=xml))
    assert response.status_code == 200
    assert problem in response.content.decode()
    assert not SamlProvider.objects.filter(enabled=True).exists()
    assert not AuditEntry.objects.filter(action="sso.saml_updated").exists()


def test_switching_on_without_metadata_is_refused(hr: Client) -> None:
    response = hr.post("/account/sso/saml/settings/", _form(enabled="on"))
    assert "Upload the identity provider" in response.content.decode()
    assert not SamlProvider.objects.filter(enabled=True).exists()


@pytest.fixture
def metadata_server(idp_metadata: str) -> Iterator[str]:
    body = idp_metadata.encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/samlmetadata+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/metadata"
    server.shutdown()


def test_metadata_is_fetched_from_its_url_and_fetched_again_on_request(
    hr: Client, metadata_server: str, settings: Any
) -> None:
    settings.DEBUG = True  # plain http is accepted in development only
    hr.post("/account/sso/saml/settings/", _form(enabled="on", metadata_url=metadata_server))
    provider = SamlProvider.objects.get()
    assert provider.idp_entity_id == IDP_ENTITY_ID
    first = provider.metadata_fetched_at
    assert first is not None
    hr.post("/account/sso/saml/settings/", {"refresh": "1"})
    provider.refresh_from_db()
    assert provider.metadata_fetched_at is not None and provider.metadata_fetched_at > first
    assert AuditEntry.objects.filter(action="sso.saml_metadata_refreshed").exists()


def test_a_plain_http_metadata_url_is_refused_in_production(
    hr: Client, metadata_server: str
) -> None:
    response = hr.post(
        "/account/sso/saml/settings/", _form(enabled="on", metadata_url=metadata_server)
    )
    assert "https://" in response.content.decode()
    assert not SamlProvider.objects.filter(enabled=True).exists()


def test_program_managers_and_others_cannot_reach_the_page() -> None:
    client = Client()
    client.force_login(make_user(make_person(), is_executive=True))
    assert client.get("/account/sso/saml/settings/").status_code == 404
    assert client.post("/account/sso/saml/settings/", _form(enabled="on")).status_code == 404
    assert not SamlProvider.objects.filter(enabled=True).exists()


def test_the_command_line_sets_up_shows_and_prints_metadata(
    idp_metadata: str, tmp_path: Any
) -> None:
    path = tmp_path / "idp.xml"
    path.write_text(idp_metadata)
    out = io.StringIO()
    call_command(
        "saml", "configure", "--metadata-file", str(path), "--name", "Okta", "--enable", stdout=out
    )
    assert IDP_ENTITY_ID in out.getvalue()
    assert SamlProvider.objects.get().enabled
    out = io.StringIO()
    call_command("saml", "metadata", stdout=out)
    assert "EntityDescriptor" in out.getvalue()
    assert "PRIVATE KEY" not in out.getvalue()
    bad = tmp_path / "bad.xml"
    bad.write_text("<nope/>")
    with pytest.raises(CommandError):
        call_command("saml", "configure", "--metadata-file", str(bad))


def test_a_redirect_from_the_metadata_url_is_not_followed(
    hr: Client, metadata_server: str, settings: Any
) -> None:
    settings.DEBUG = True
    redirector = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Redirect(metadata_server))
    threading.Thread(target=redirector.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{redirector.server_port}/moved"
        response = hr.post("/account/sso/saml/settings/", _form(enabled="on", metadata_url=url))
    finally:
        redirector.shutdown()
    assert "could not be fetched" in response.content.decode()
    assert not SamlProvider.objects.filter(enabled=True).exists()


def _Redirect(target: str) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    return Handler
