"""Secrets kept encrypted at rest: authenticator seeds now, connector credentials later.

Sealed with Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) under keys derived
from `MENTORWISE_ENCRYPTION_KEYS` when set, else from SECRET_KEY and SECRET_KEY_FALLBACKS:
the first key seals, every key opens, so a key can be rotated by putting the new one first
and re-sealing (`reseal`). A database copy alone opens nothing.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

_CONTEXT = b"mentorwise.core.sealed.v1:"


class CannotOpen(Exception):
    """A sealed value that none of the configured keys opens (a key was removed)."""


def _fernet(secret: str) -> Fernet:
    digest = hashlib.sha256(_CONTEXT + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _keys() -> MultiFernet:
    configured = list(getattr(settings, "MENTORWISE_ENCRYPTION_KEYS", []) or [])
    secrets = configured or [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return MultiFernet([_fernet(secret) for secret in secrets])


def seal(value: str) -> str:
    return _keys().encrypt(value.encode()).decode("ascii")


def unseal(sealed: str) -> str:
    try:
        return _keys().decrypt(sealed.encode("ascii")).decode()
    except InvalidToken as error:
        raise CannotOpen("none of the configured encryption keys opens this value") from error


def reseal(sealed: str) -> str:
    """The same value sealed under the first (newest) key."""
    try:
        return _keys().rotate(sealed.encode("ascii")).decode("ascii")
    except InvalidToken as error:
        raise CannotOpen("none of the configured encryption keys opens this value") from error
