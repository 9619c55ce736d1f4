"""A generic SFTP drop: the HRIS (or an integration platform) drops CSV files in the
importer's own format (docs/import.md) in a directory; each run imports the newest `.csv`
file not imported yet (known by its name, size and modification time).

The server's host key is pinned (`SHA256:...`, as `ssh-keygen -lf` prints it): a server
showing any other key is refused before a credential is sent. The secret is a password, or
a private key in OpenSSH/PEM form (Ed25519, ECDSA or RSA).
"""

from __future__ import annotations

import base64
import hashlib
import io
import posixpath
import socket
import stat
from typing import Any

import paramiko
from django.conf import settings
from django.utils.translation import gettext as _

from mentorwise.connectors.canonical import Fetched
from mentorwise.connectors.http import FetchError, scrub
from mentorwise.connectors.sources import Job

TIMEOUT = 30.0
_KEY_CLASSES = (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey)


def fingerprint(key: paramiko.PKey) -> str:
    """The key's fingerprint as OpenSSH prints it: SHA256:<base64 without padding>."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def _private_key(secret: str) -> paramiko.PKey | None:
    if "PRIVATE KEY-----" not in secret:
        return None
    for cls in _KEY_CLASSES:
        try:
            return cls.from_private_key(io.StringIO(secret))
        except (paramiko.SSHException, ValueError):
            continue
    raise FetchError(_("The private key could not be read (Ed25519, ECDSA or RSA, unencrypted)."))


class Session:
    """An SFTP session to the connector's server with its pinned host key checked."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.transport: paramiko.Transport | None = None
        self.sftp: paramiko.SFTPClient | None = None

    def __enter__(self) -> paramiko.SFTPClient:
        connector = self.job.connector
        host, port = connector.base_url, connector.port or 22
        try:
            sock = socket.create_connection((host, port), timeout=TIMEOUT)
        except OSError as error:
            raise FetchError(
                _("%(host)s:%(port)s could not be reached: %(problem)s")
                % {"host": host, "port": port, "problem": error}
            ) from error
        transport = paramiko.Transport(sock)
        self.transport = transport
        try:
            transport.start_client(timeout=TIMEOUT)
            seen = fingerprint(transport.get_remote_server_key())
            pinned = connector.host_key.strip()
            if not pinned:
                raise FetchError(
                    _(
                        "No host key is pinned: the server shows %(seen)s. Check it with the "
                        "server's administrator, then enter it as the host key."
                    )
                    % {"seen": seen}
                )
            if seen != pinned:
                raise FetchError(
                    _(
                        "The server's host key %(seen)s is not the pinned %(pinned)s: refused "
                        "without sending the credentials (a changed server, or someone in "
                        "between)."
                    )
                    % {"seen": seen, "pinned": pinned}
                )
            key = _private_key(self.job.secret)
            if key is not None:
                transport.auth_publickey(connector.username, key)
            else:
                transport.auth_password(connector.username, self.job.secret)
            self.sftp = paramiko.SFTPClient.from_transport(transport)
        except paramiko.AuthenticationException as error:
            self.close()
            raise FetchError(
                _("%(host)s refused the credentials of %(user)s.")
                % {"host": host, "user": connector.username}
            ) from error
        except (paramiko.SSHException, OSError, EOFError) as error:
            self.close()
            raise FetchError(
                scrub(
                    _("SFTP to %(host)s:%(port)s failed: %(problem)s")
                    % {"host": host, "port": port, "problem": error},
                    self.job.secret,
                )
            ) from error
        except FetchError:
            self.close()
            raise
        return self.sftp

    def close(self) -> None:
        if self.sftp is not None:
            self.sftp.close()
        if self.transport is not None:
            self.transport.close()

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _csv_files(sftp: paramiko.SFTPClient, directory: str) -> list[paramiko.SFTPAttributes]:
    try:
        entries = sftp.listdir_attr(directory or ".")
    except OSError as error:
        raise FetchError(
            _("The directory %(dir)s could not be listed: %(problem)s")
            % {"dir": directory or ".", "problem": error}
        ) from error
    files = [
        e
        for e in entries
        if e.filename.lower().endswith(".csv") and e.st_mode is not None and stat.S_ISREG(e.st_mode)
    ]
    return sorted(files, key=lambda e: (e.st_mtime or 0, e.filename))


def _signature(entry: paramiko.SFTPAttributes) -> dict[str, Any]:
    return {"name": entry.filename, "size": entry.st_size, "mtime": entry.st_mtime}


def fetch(job: Job) -> Fetched:
    directory = job.connector.path
    with Session(job) as sftp:
        files = _csv_files(sftp, directory)
        if not files:
            return Fetched(nothing_new=True, pages=1)
        newest = files[-1]
        signature = _signature(newest)
        if signature == (job.connector.last_file or {}):
            return Fetched(nothing_new=True, pages=1, source_file=newest.filename)
        if (newest.st_size or 0) > settings.MENTORWISE_MAX_IMPORT_BYTES:
            raise FetchError(
                _("%(file)s is larger than the import limit (MENTORWISE_MAX_IMPORT_BYTES).")
                % {"file": newest.filename}
            )
        buffer = io.BytesIO()
        try:
            sftp.getfo(posixpath.join(directory or ".", newest.filename), buffer)
        except OSError as error:
            raise FetchError(
                _("%(file)s could not be read: %(problem)s")
                % {"file": newest.filename, "problem": error}
            ) from error
    return Fetched(
        raw_csv=buffer.getvalue(),
        pages=1,
        source_file=newest.filename,
        signature=signature,
    )


def probe(job: Job) -> str:
    with Session(job) as sftp:
        files = _csv_files(sftp, job.connector.path)
    if not files:
        return _("Signed in and listed %(dir)s: no CSV file yet.") % {
            "dir": job.connector.path or "."
        }
    return _("Signed in and listed %(dir)s: %(n)s CSV files, the newest %(file)s.") % {
        "dir": job.connector.path or ".",
        "n": len(files),
        "file": files[-1].filename,
    }
