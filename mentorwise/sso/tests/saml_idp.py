"""An identity provider for the tests: pysaml2's own `saml2.server.Server` with its own keys.

It reads the AuthnRequest Mentorwise sends (HTTP-Redirect binding, signature checked against
the SP metadata Mentorwise publishes) and answers with a Response built and signed by
pysaml2, optionally encrypted for the SP's certificate, as Okta or Entra would post it.
"""

from __future__ import annotations

import base64
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import saml2
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

from mentorwise.sso.saml_keys import new_key_pair

IDP_ENTITY_ID = "https://idp.example.test/saml/metadata"
SSO_URL = "https://idp.example.test/saml/sso"
SLO_URL = "https://idp.example.test/saml/slo"


@dataclass
class SamlTestProvider:
    """An identity provider trusting the SP whose metadata it was given."""

    directory: Path
    sp_metadata: str
    entity_id: str = IDP_ENTITY_ID
    with_slo: bool = True
    key_pem: str = ""
    cert_pem: str = ""
    server: Server = field(init=False)

    def __post_init__(self) -> None:
        if not self.key_pem:
            self.key_pem, self.cert_pem = new_key_pair("Test IdP")
        key_file = self.directory / "idp.key"
        cert_file = self.directory / "idp.crt"
        sp_file = self.directory / "sp.xml"
        key_file.write_text(self.key_pem)
        cert_file.write_text(self.cert_pem)
        sp_file.write_text(self.sp_metadata)
        endpoints: dict[str, Any] = {
            "single_sign_on_service": [(SSO_URL, saml2.BINDING_HTTP_REDIRECT)],
        }
        if self.with_slo:
            endpoints["single_logout_service"] = [(SLO_URL, saml2.BINDING_HTTP_REDIRECT)]
        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "xmlsec_binary": shutil.which("xmlsec1"),
                "key_file": str(key_file),
                "cert_file": str(cert_file),
                "metadata": {"local": [str(sp_file)]},
                "service": {
                    "idp": {
                        "endpoints": endpoints,
                        "policy": {"default": {"lifetime": {"minutes": 5}}},
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    }
                },
            }
        )
        self.server = Server(config=config)

    def metadata(self) -> str:
        return str(create_metadata_string(None, config=self.server.config, sign=False).decode())

    def read_request(self, location: str) -> Any:
        """The AuthnRequest in a redirect to the IdP (its signature checked)."""
        query = parse_qs(urlsplit(location).query)
        request = self.server.parse_authn_request(
            query["SAMLRequest"][0], saml2.BINDING_HTTP_REDIRECT
        )
        return request.message

    def response(
        self,
        *,
        in_response_to: str | None,
        destination: str,
        sp_entity_id: str,
        subject: str,
        attributes: dict[str, list[str]],
        name_id_format: str = NAMEID_FORMAT_PERSISTENT,
        sign_assertion: bool = True,
        sign_response: bool = False,
        encrypt_for: str | None = None,
        audience: str | None = None,
    ) -> str:
        """A base64 SAMLResponse as the browser would post it."""
        name_id = NameID(format=name_id_format, text=subject)
        xml = self.server.create_authn_response(
            identity=attributes,
            in_response_to=in_response_to,
            destination=destination,
            sp_entity_id=audience or sp_entity_id,
            name_id=name_id,
            authn={"class_ref": saml2.saml.AUTHN_PASSWORD_PROTECTED},
            sign_assertion=sign_assertion,
            sign_response=sign_response,
            encrypt_assertion=encrypt_for is not None,
            encrypt_cert_assertion=_cert_body(encrypt_for) if encrypt_for else None,
        )
        return base64.b64encode(str(xml).encode()).decode()


def _cert_body(pem: str) -> str:
    return "".join(line for line in pem.strip().splitlines() if "-----" not in line)


def temp_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="saml-idp-"))
