"""This site's SAML key pair: generated once, the private key sealed in the database.

xmlsec1 (which signs AuthnRequests and decrypts encrypted assertions) reads keys from
files, so each process writes the opened key to a private temporary file (mode 0600,
removed at exit) the first time it needs it. Every web process of a site shares the one
key pair through the database; an HR admin can replace it (the identity provider must then
load the new metadata).
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import hashlib
import os
import tempfile
import threading
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from mentorwise.core.sealed import seal, unseal
from mentorwise.sso.models import SamlProvider

_lock = threading.Lock()
_files: dict[str, tuple[str, str]] = {}


@dataclass(frozen=True)
class KeyFiles:
    key_file: str
    cert_file: str


def new_key_pair(common_name: str) -> tuple[str, str]:
    """A 3072-bit RSA key and a self-signed certificate (ten years), both PEM.

    SAML uses the certificate only to carry the public key (metadata pins it), so self-signed
    is what identity providers expect.
    """
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64] or "Mentorwise")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return key_pem, cert.public_bytes(serialization.Encoding.PEM).decode()


def ensure_key_pair(provider: SamlProvider, common_name: str) -> None:
    """Give the provider row a key pair if it has none (the caller saves it)."""
    if provider.sp_key_sealed and provider.sp_cert:
        return
    key_pem, cert_pem = new_key_pair(common_name)
    provider.sp_key_sealed = seal(key_pem)
    provider.sp_cert = cert_pem


def key_files(provider: SamlProvider) -> KeyFiles:
    """Paths of files holding the provider's key and certificate, written once per process."""
    fingerprint = hashlib.sha256(provider.sp_cert.encode()).hexdigest()
    with _lock:
        paths = _files.get(fingerprint)
        if paths is None or not all(os.path.exists(p) for p in paths):
            paths = (
                _private_file(unseal(provider.sp_key_sealed), ".key"),
                _private_file(provider.sp_cert, ".crt"),
            )
            _files[fingerprint] = paths
    return KeyFiles(key_file=paths[0], cert_file=paths[1])


def _private_file(text: str, suffix: str) -> str:
    fd, path = tempfile.mkstemp(prefix="mentorwise-saml-", suffix=suffix)  # mode 0600
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    atexit.register(_remove, path)
    return path


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
