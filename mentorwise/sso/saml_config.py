"""pysaml2's service-provider configuration, built from the stored identity provider.

djangosaml2 calls `sp_config` (settings.SAML_CONFIG_LOADER) on every SAML request, so an HR
admin's change to the provider applies at once. What is demanded of the identity provider:
assertions signed (a signed response around an unsigned assertion is not enough), the
audience this site's entity id, the subject confirmed for this site's assertion consumer
URL, and, unless the HR admin allowed sign-ins started at the provider, an answer to a
request this browser made.
"""

from __future__ import annotations

import shutil

import saml2
from django.conf import settings
from django.urls import reverse
from saml2.config import SPConfig
from saml2.saml import NAMEID_FORMAT_PERSISTENT
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from mentorwise.sso.models import SamlProvider
from mentorwise.sso.saml_keys import key_files

# Seconds of clock difference tolerated between this server and the identity provider.
CLOCK_SKEW = 60


def site_url(path: str) -> str:
    return str(settings.MENTORWISE_BASE_URL).rstrip("/") + path


def sp_entity_id() -> str:
    """This site's SAML entity id: the metadata URL (stable, what identity providers expect)."""
    return site_url(reverse("sso:saml_metadata"))


def acs_url() -> str:
    return site_url(reverse("sso:saml_acs"))


def sls_url() -> str:
    return site_url(reverse("sso:saml_sls"))


def config_dict(provider: SamlProvider) -> dict[str, object]:
    files = key_files(provider)
    metadata = [provider.metadata_xml] if provider.metadata_xml else []
    return {
        "entityid": sp_entity_id(),
        "xmlsec_binary": shutil.which("xmlsec1") or "/usr/bin/xmlsec1",
        "key_file": files.key_file,
        "cert_file": files.cert_file,
        "encryption_keypairs": [{"key_file": files.key_file, "cert_file": files.cert_file}],
        "metadata": {"inline": metadata},
        "accepted_time_diff": CLOCK_SKEW,
        "allow_unknown_attributes": True,
        "service": {
            "sp": {
                "name": "Mentorwise",
                "endpoints": {
                    "assertion_consumer_service": [(acs_url(), saml2.BINDING_HTTP_POST)],
                    "single_logout_service": [
                        (sls_url(), saml2.BINDING_HTTP_REDIRECT),
                        (sls_url(), saml2.BINDING_HTTP_POST),
                    ],
                },
                "allow_unsolicited": provider.allow_unsolicited,
                "authn_requests_signed": True,
                "logout_requests_signed": True,
                "logout_responses_signed": True,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "signing_algorithm": SIG_RSA_SHA256,
                "digest_algorithm": DIGEST_SHA256,
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "name_id_format_allow_create": True,
                "force_authn": False,
            }
        },
    }


def sp_config(request: object | None = None) -> SPConfig:
    """djangosaml2's configuration loader (settings.SAML_CONFIG_LOADER)."""
    from mentorwise.sso.saml_provider import current_provider

    conf = SPConfig()
    conf.load(config_dict(current_provider()))
    return conf
