"""SAML sign-in end to end against pysaml2's own identity provider (`saml_idp.SamlTestProvider`).

The browser is Django's test client: it follows Mentorwise's redirect to the identity
provider (whose `Server` reads and checks the signed AuthnRequest) and posts the provider's
Response back to the assertion consumer URL, as a real browser does. The attacks are the
ones SAML service providers have fallen to: another audience, an expired or unsigned
assertion, a replayed response, XML signature wrapping, unsolicited responses, an assertion
encrypted for another key.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import shutil
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client
from lxml import etree
from saml2.saml import NAMEID_FORMAT_TRANSIENT

from conftest import make_person, make_user
from mentorwise.accounts.models import ExternalIdentity
from mentorwise.core.models import AuditEntry
from mentorwise.sso import saml_keys
from mentorwise.sso.saml_config import acs_url, sp_entity_id
from mentorwise.sso.saml_provider import SamlSettingsInput, saml_provider_update
from mentorwise.sso.tests.saml_forgery import cert_from_metadata, forged_response
from mentorwise.sso.tests.saml_idp import (
    IDP_ENTITY_ID,
    SLO_URL,
    SSO_URL,
    SamlTestProvider,
    temp_dir,
)

pytestmark = [pytest.mark.django_db]

if shutil.which("xmlsec1") is None:
    _MISSING = "xmlsec1 is not installed (apt-get install xmlsec1)"
    if os.environ.get("CI"):
        pytest.fail(_MISSING, pytrace=False)  # CI installs it (.ci/run): never skip there
    pytest.skip(_MISSING, allow_module_level=True)

_SP_KEYS = saml_keys.new_key_pair("Mentorwise SAML")
_IDP_KEYS = saml_keys.new_key_pair("Test IdP")
_OTHER_KEYS = saml_keys.new_key_pair("Someone else")


@pytest.fixture(autouse=True)
def _fixed_sp_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    # One key pair for the module (generating 3072-bit keys per test is slow).
    monkeypatch.setattr(saml_keys, "new_key_pair", lambda common_name: _SP_KEYS)


def _sp_metadata() -> str:
    response = Client().get("/account/sso/saml/metadata/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def idp() -> SamlTestProvider:
    return SamlTestProvider(temp_dir(), _sp_metadata(), key_pem=_IDP_KEYS[0], cert_pem=_IDP_KEYS[1])


def _configure(idp: SamlTestProvider, **changes: Any) -> None:
    values: dict[str, Any] = {
        "enabled": True,
        "display_name": "Acme",
        "metadata_xml": idp.metadata(),
    }
    values.update(changes)
    saml_provider_update(actor=None, data=SamlSettingsInput(**values))


@pytest.fixture
def configured(idp: SamlTestProvider) -> SamlTestProvider:
    _configure(idp)
    return idp


@pytest.fixture
def person() -> Any:
    return make_person(email="ada@example.com", employee_id="E-ADA")


def _start(client: Client, next_path: str = "/") -> tuple[str, str]:
    """Begin sign-in; returns (the AuthnRequest's id, the RelayState) the IdP receives."""
    response = client.get(f"/account/sso/saml/login/?next={next_path}")
    assert response.status_code == 302, response.content[:500]
    location = response["Location"]
    assert location.startswith(SSO_URL)
    query = parse_qs(urlsplit(location).query)
    assert "Signature" in query, "the AuthnRequest must be signed"
    return location, query.get("RelayState", [""])[0]


def _post(client: Client, saml_response: str, relay_state: str = "/") -> Any:
    return client.post(
        "/account/sso/saml/acs/", {"SAMLResponse": saml_response, "RelayState": relay_state}
    )


def _answer(idp: SamlTestProvider, location: str, **kwargs: Any) -> str:
    request = idp.read_request(location)
    kwargs.setdefault("subject", "idp-user-7f3a")
    kwargs.setdefault("attributes", {"mail": ["ada@example.com"], "employeeNumber": ["E-ADA"]})
    return idp.response(
        in_response_to=request.id,
        destination=request.assertion_consumer_service_url or acs_url(),
        sp_entity_id=sp_entity_id(),
        **kwargs,
    )


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _refusals() -> list[str]:
    return [
        str(e.data.get("reason", ""))
        for e in AuditEntry.objects.filter(action="user.sso_refused").order_by("pk")
    ]


def test_metadata_names_this_site_and_never_its_private_key() -> None:
    xml = _sp_metadata()
    assert f'entityID="{sp_entity_id()}"' in xml
    assert acs_url() in xml
    assert "PRIVATE KEY" not in xml
    cert_body = "".join(line for line in _SP_KEYS[1].splitlines() if "-----" not in line)
    assert cert_body[:60] in xml.replace("\n", "")


def test_a_signed_assertion_signs_the_person_in_and_links_the_name_id(
    configured: SamlTestProvider, person: Any
) -> None:
    client = Client()
    location, relay = _start(client, "/programs/")
    response = _post(client, _answer(configured, location), relay)
    assert response.status_code == 302
    assert response["Location"] == "/programs/"
    assert _signed_in(client)
    identity = ExternalIdentity.objects.get()
    assert (identity.issuer, identity.subject) == (f"saml:{IDP_ENTITY_ID}", "idp-user-7f3a")
    assert identity.user.person == person
    entry = AuditEntry.objects.filter(action="user.signed_in").get()
    assert entry.data["method"] == "saml"


def test_an_assertion_encrypted_for_this_site_signs_in(
    configured: SamlTestProvider, person: Any
) -> None:
    client = Client()
    location, relay = _start(client)
    saml_response = _answer(configured, location, encrypt_for=_SP_KEYS[1])
    assert b"EncryptedAssertion" in base64.b64decode(saml_response)
    _post(client, saml_response, relay)
    assert _signed_in(client)


def test_an_assertion_encrypted_for_another_key_is_refused(
    configured: SamlTestProvider, person: Any
) -> None:
    client = Client()
    location, relay = _start(client)
    _post(client, _answer(configured, location, encrypt_for=_OTHER_KEYS[1]), relay)
    assert not _signed_in(client)
    assert _refusals() in (
        ["saml_StatusInvalidAuthnResponseStatement"],
        ["saml_assertion_unsigned_or_advice"],
    )


def test_the_next_sign_in_finds_the_login_by_name_id_not_by_email(
    configured: SamlTestProvider, person: Any
) -> None:
    client = Client()
    location, relay = _start(client)
    _post(client, _answer(configured, location), relay)
    client.logout()
    location, relay = _start(client)
    # Same NameID, the address changed at the provider: still the same login.
    _post(client, _answer(configured, location, attributes={"mail": ["new@example.com"]}), relay)
    assert _signed_in(client)
    assert ExternalIdentity.objects.count() == 1


def test_an_unsigned_assertion_is_refused(configured: SamlTestProvider, person: Any) -> None:
    client = Client()
    location, relay = _start(client)
    _post(client, _answer(configured, location, sign_assertion=False), relay)
    assert not _signed_in(client)
    assert not ExternalIdentity.objects.exists()
    assert _refusals() == ["saml_SignatureError"]


def test_a_signed_response_around_an_unsigned_assertion_is_refused(
    configured: SamlTestProvider, person: Any
) -> None:
    client = Client()
    location, relay = _start(client)
    _post(client, _answer(configured, location, sign_assertion=False, sign_response=True), relay)
    assert not _signed_in(client)
    assert _refusals() == ["saml_SignatureError"]


def test_an_assertion_signed_by_another_key_is_refused(idp: SamlTestProvider, person: Any) -> None:
    _configure(idp)
    impostor = SamlTestProvider(
        temp_dir(), _sp_metadata(), key_pem=_OTHER_KEYS[0], cert_pem=_OTHER_KEYS[1]
    )
    client = Client()
    location, relay = _start(client)
    _post(client, _answer(impostor, location), relay)
    assert not _signed_in(client)
    assert _refusals() == ["saml_SignatureError"]


def test_an_assertion_for_another_audience_is_refused(idp: SamlTestProvider, person: Any) -> None:
    """A genuine assertion the IdP made for another application (its audience) is refused."""
    _configure(idp)
    other = _sp_metadata().replace(sp_entity_id(), "https://other-sp.example.test/metadata")
    both = SamlTestProvider(temp_dir(), other, key_pem=_IDP_KEYS[0], cert_pem=_IDP_KEYS[1])
    client = Client()
    location, relay = _start(client)
    request = idp.read_request(location)
    saml_response = both.response(
        in_response_to=request.id,
        destination=acs_url(),
        sp_entity_id="https://other-sp.example.test/metadata",
        subject="idp-user-7f3a",
        attributes={"mail": ["ada@example.com"]},
    )
    assert b"https://other-sp.example.test/metadata" in base64.b64decode(saml_response)
    _post(client, saml_response, relay)
    assert not _signed_in(client)
    assert _refusals()


def test_an_expired_assertion_is_refused(configured: SamlTestProvider, person: Any) -> None:
    client = Client()
    location, relay = _start(client)
    saml_response = _answer(configured, location)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=20)):
        _post(client, saml_response, relay)
        assert not _signed_in(client)
    assert _refusals() == ["saml_ResponseLifetimeExceed"]


def test_a_replayed_response_is_refused(configured: SamlTestProvider, person: Any) -> None:
    client = Client()
    location, relay = _start(client)
    saml_response = _answer(configured, location)
    _post(client, saml_response, relay)
    assert _signed_in(client)
    client.logout()
    _post(client, saml_response, relay)
    assert not _signed_in(client)
    # Another browser (an attacker who captured it) fares no better.
    attacker = Client()
    _post(attacker, saml_response, relay)
    assert not _signed_in(attacker)
    assert _refusals() == ["saml_UnsolicitedResponse", "saml_UnsolicitedResponse"]


def test_a_replayed_assertion_is_refused_even_when_unsolicited_sign_in_is_allowed(
    idp: SamlTestProvider, person: Any
) -> None:
    _configure(idp, allow_unsolicited=True)
    saml_response = idp.response(
        in_response_to=None,
        destination=acs_url(),
        sp_entity_id=sp_entity_id(),
        subject="idp-user-7f3a",
        attributes={"mail": ["ada@example.com"]},
    )
    first = Client()
    _post(first, saml_response)
    assert _signed_in(first)
    second = Client()
    _post(second, saml_response)
    assert not _signed_in(second)
    assert "saml_assertion_replayed" in _refusals()


def test_an_unsolicited_response_is_refused_unless_allowed(
    idp: SamlTestProvider, person: Any
) -> None:
    _configure(idp)

    def unsolicited() -> str:
        return idp.response(
            in_response_to=None,
            destination=acs_url(),
            sp_entity_id=sp_entity_id(),
            subject="idp-user-7f3a",
            attributes={"mail": ["ada@example.com"]},
        )

    client = Client()
    _post(client, unsolicited())
    assert not _signed_in(client)
    assert _refusals() == ["saml_UnsolicitedResponse"]
    _configure(idp, allow_unsolicited=True)
    _post(client, unsolicited())
    assert _signed_in(client)


def test_a_response_to_another_browsers_request_is_refused(
    configured: SamlTestProvider, person: Any
) -> None:
    victim, attacker = Client(), Client()
    location, relay = _start(victim)
    _start(attacker)
    # The attacker posts the answer to the victim's request from their own browser.
    _post(attacker, _answer(configured, location), relay)
    assert not _signed_in(attacker)
    assert _refusals() == ["saml_UnsolicitedResponse"]


def _assertion_id(xml: bytes) -> str:
    root = etree.fromstring(xml)
    node = root.find(".//{urn:oasis:names:tc:SAML:2.0:assertion}Assertion")
    assert node is not None
    return str(node.get("ID"))


@pytest.mark.parametrize("where", ["before", "after", "inside_extensions"])
def test_xml_signature_wrapping_is_refused(configured: SamlTestProvider, where: str) -> None:
    """A genuine signed assertion for a nobody, plus a forged unsigned one for an HR admin."""
    make_person(email="nobody@example.com", employee_id="E-NOBODY")
    admin = make_user(make_person(email="boss@example.com", employee_id="E-BOSS"), is_hr_admin=True)
    client = Client()
    location, relay = _start(client)
    genuine = base64.b64decode(
        _answer(configured, location, attributes={"mail": ["nobody@example.com"]})
    )
    root = etree.fromstring(genuine)
    ns = {
        "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
        "samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
    }
    signed = root.find("saml:Assertion", ns)
    assert signed is not None
    forged = etree.fromstring(etree.tostring(signed))
    for sig in forged.findall("{http://www.w3.org/2000/09/xmldsig#}Signature"):
        forged.remove(sig)
    forged.set("ID", "_forged" + forged.get("ID", "")[1:])
    name_id = forged.find(".//saml:NameID", ns)
    assert name_id is not None
    name_id.text = "idp-admin"
    for value in forged.findall(".//saml:AttributeValue", ns):
        value.text = "boss@example.com"
    if where == "before":
        signed.addprevious(forged)
    elif where == "after":
        signed.addnext(forged)
    else:
        extensions = etree.SubElement(root, "{urn:oasis:names:tc:SAML:2.0:protocol}Extensions")
        root.remove(signed)
        extensions.append(signed)
        root.insert(list(root).index(extensions), forged)
    _post(client, base64.b64encode(etree.tostring(root)).decode(), relay)
    assert not _signed_in(client)
    assert not ExternalIdentity.objects.filter(user=admin).exists()
    assert _refusals() == [
        "saml_SignatureError" if where == "inside_extensions" else "saml_InvalidAssertion"
    ]


def test_the_wrapping_test_rewrites_xml_without_breaking_a_genuine_signature(
    configured: SamlTestProvider, person: Any
) -> None:
    """The control for the wrapping attacks: lxml's round trip alone keeps it valid, so those
    are refused for the forged assertion, not for the rewriting."""
    client = Client()
    location, relay = _start(client)
    root = etree.fromstring(base64.b64decode(_answer(configured, location)))
    _post(client, base64.b64encode(etree.tostring(root)).decode(), relay)
    assert _signed_in(client)


def test_a_transient_name_id_is_refused_with_a_message(
    configured: SamlTestProvider, person: Any
) -> None:
    client = Client()
    location, relay = _start(client)
    response = _post(
        client, _answer(configured, location, name_id_format=NAMEID_FORMAT_TRANSIENT), relay
    )
    assert not _signed_in(client)
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("persistent" in t for t in texts)
    assert "saml_transient_name_id" in _refusals()


def test_someone_not_in_the_hr_data_is_refused(configured: SamlTestProvider) -> None:
    client = Client()
    location, relay = _start(client)
    response = _post(client, _answer(configured, location), relay)
    assert not _signed_in(client)
    assert any("no employee record" in str(m) for m in get_messages(response.wsgi_request))


def test_people_can_be_found_by_employee_id(idp: SamlTestProvider) -> None:
    person = make_person(email="grace@example.com", employee_id="E-GRACE")
    _configure(idp, match_field="employee_id", employee_id_attribute="staffId")
    client = Client()
    location, relay = _start(client)
    _post(client, _answer(idp, location, attributes={"staffId": ["E-GRACE"]}), relay)
    assert _signed_in(client)
    assert ExternalIdentity.objects.get().user.person == person


def test_an_admin_login_is_not_linked_by_an_untrusted_email(idp: SamlTestProvider) -> None:
    admin = make_user(make_person(email="boss@example.com", employee_id="E-BOSS"), is_hr_admin=True)
    _configure(idp, trust_email=False)
    client = Client()
    location, relay = _start(client)
    _post(client, _answer(idp, location, attributes={"mail": ["boss@example.com"]}), relay)
    assert not _signed_in(client)
    assert not ExternalIdentity.objects.filter(user=admin).exists()


def test_saml_is_unreachable_until_switched_on(idp: SamlTestProvider) -> None:
    client = Client()
    assert client.get("/account/sso/saml/login/").status_code == 404
    assert client.post("/account/sso/saml/acs/", {"SAMLResponse": "x"}).status_code == 404
    assert client.get("/account/sso/saml/ls/?SAMLRequest=x").status_code == 404
    assert "saml-sign-in" not in client.get("/login/").content.decode()
    _configure(idp)
    assert 'id="saml-sign-in"' in client.get("/login/").content.decode()


def test_signing_out_of_a_saml_session_signs_out_at_the_identity_provider(
    configured: SamlTestProvider, person: Any
) -> None:
    client = Client()
    location, relay = _start(client)
    _post(client, _answer(configured, location), relay)
    assert _signed_in(client)
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"].startswith(SLO_URL)
    assert "SAMLRequest" in response["Location"]
    assert not _signed_in(client)


def test_an_admin_login_is_linked_when_the_employee_id_matches_too(idp: SamlTestProvider) -> None:
    admin = make_user(make_person(email="boss@example.com", employee_id="E-BOSS"), is_hr_admin=True)
    _configure(idp)
    client = Client()
    location, relay = _start(client)
    _post(client, _answer(idp, location, attributes={"mail": ["boss@example.com"]}), relay)
    assert not _signed_in(client), "an email alone never links an admin login"
    location, relay = _start(client)
    attributes = {"mail": ["boss@example.com"], "employeeNumber": ["E-BOSS"]}
    _post(client, _answer(idp, location, attributes=attributes), relay)
    assert _signed_in(client)
    assert ExternalIdentity.objects.get().user == admin


def test_a_forged_assertion_hiding_its_signature_inside_encryption_is_refused(
    configured: SamlTestProvider,
) -> None:
    """Built from public things only (this site's metadata): a junk Signature and an Advice
    assertion, both encrypted, made pysaml2 skip the signature check (found in review)."""
    admin = make_user(make_person(email="boss@example.com", employee_id="E-BOSS"), is_hr_admin=True)
    attacker = Client()
    location, relay = _start(attacker)
    request_id = parse_qs(urlsplit(location).query)  # the attacker's own request
    request = configured.read_request(location)
    forged = forged_response(
        request.id,
        idp_entity_id=IDP_ENTITY_ID,
        sp_entity_id=sp_entity_id(),
        acs_url=acs_url(),
        sp_cert=cert_from_metadata(_sp_metadata()),
        name_id="attacker-chosen",
        mail="boss@example.com",
        employee_id="E-BOSS",
    )
    assert request_id
    _post(attacker, forged, relay)
    assert not _signed_in(attacker)
    assert not ExternalIdentity.objects.filter(user=admin).exists()
    assert _refusals()[0] in (
        "saml_assertion_unsigned_or_advice",
        "saml_assertion_signature_invalid",
    )


def _logout_request(idp: SamlTestProvider, subject: str, *, sign: bool) -> str:
    import saml2
    from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID

    destination = "http://127.0.0.1:8000/account/sso/saml/ls/"
    _id, request = idp.server.create_logout_request(
        destination=destination,
        issuer_entity_id=IDP_ENTITY_ID,
        name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=subject),
        sign=False,
    )
    info = idp.server.apply_binding(
        saml2.BINDING_HTTP_REDIRECT, str(request), destination, relay_state="", sign=sign
    )
    return urlsplit(dict(info["headers"])["Location"]).query


@pytest.mark.parametrize(("subject", "sign"), [("idp-user-7f3a", False), ("someone-else", True)])
def test_an_unsigned_or_foreign_logout_request_leaves_the_session(
    configured: SamlTestProvider, person: Any, subject: str, sign: bool
) -> None:
    client = Client()
    location, relay = _start(client)
    _post(client, _answer(configured, location), relay)
    response = client.get(
        f"/account/sso/saml/ls/?{_logout_request(configured, subject, sign=sign)}"
    )
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert _signed_in(client)
    assert any(r.startswith("saml_logout") for r in _refusals())


def test_a_signed_logout_request_for_this_session_ends_it(
    configured: SamlTestProvider, person: Any
) -> None:
    client = Client()
    location, relay = _start(client)
    _post(client, _answer(configured, location), relay)
    response = client.get(
        f"/account/sso/saml/ls/?{_logout_request(configured, 'idp-user-7f3a', sign=True)}"
    )
    assert response.status_code == 302 and response["Location"].startswith(SLO_URL)
    assert not _signed_in(client)


def test_garbage_at_the_logout_address_is_never_a_server_error(
    configured: SamlTestProvider,
) -> None:
    client = Client()
    for query in ("SAMLRequest=x", "SAMLResponse=garbage", ""):
        assert client.get(f"/account/sso/saml/ls/?{query}").status_code in (302, 400)
