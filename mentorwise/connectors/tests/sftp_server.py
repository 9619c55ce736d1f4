"""A real SFTP server on 127.0.0.1 for the tests (paramiko's server side, in a thread),
serving one directory read-only, with a password or a public key."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path
from typing import Any

import paramiko
from paramiko.sftp import SFTP_NO_SUCH_FILE, SFTP_OK, SFTP_PERMISSION_DENIED


class _Server(paramiko.ServerInterface):
    def __init__(self, owner: SftpServer) -> None:
        self.owner = owner

    def check_auth_password(self, username: str, password: str) -> int:
        self.owner.auth_attempts += 1
        if username == self.owner.user and password == self.owner.password:
            return paramiko.AUTH_SUCCESSFUL
        return paramiko.AUTH_FAILED

    def check_auth_publickey(self, username: str, key: paramiko.PKey) -> int:
        self.owner.auth_attempts += 1
        allowed = self.owner.client_key
        if username == self.owner.user and allowed is not None and key == allowed:
            return paramiko.AUTH_SUCCESSFUL
        return paramiko.AUTH_FAILED

    def get_allowed_auths(self, username: str) -> str:
        return "password,publickey"

    def check_channel_request(self, kind: str, chanid: int) -> int:
        return (
            paramiko.OPEN_SUCCEEDED
            if kind == "session"
            else paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED
        )


class _Handle(paramiko.SFTPHandle):
    def stat(self) -> Any:
        return paramiko.SFTPAttributes.from_stat(os.fstat(self.readfile.fileno()))


class _Files(paramiko.SFTPServerInterface):
    def __init__(self, server: Any, root: Path, *args: Any, **kwargs: Any) -> None:
        super().__init__(server, *args, **kwargs)
        self.root = root

    def _path(self, path: str) -> Path:
        full = (self.root / path.lstrip("/")).resolve()
        if not str(full).startswith(str(self.root.resolve())):
            raise PermissionError(path)
        return full

    def list_folder(self, path: str) -> Any:
        try:
            folder = self._path(path)
            out = []
            for name in sorted(os.listdir(folder)):
                attrs = paramiko.SFTPAttributes.from_stat(os.stat(folder / name))
                attrs.filename = name
                out.append(attrs)
            return out
        except OSError:
            return SFTP_NO_SUCH_FILE

    def stat(self, path: str) -> Any:
        try:
            return paramiko.SFTPAttributes.from_stat(os.stat(self._path(path)))
        except OSError:
            return SFTP_NO_SUCH_FILE

    lstat = stat

    def canonicalize(self, path: str) -> str:
        return "/" + path.lstrip("/")

    def open(self, path: str, flags: int, attr: Any) -> Any:
        if flags & (os.O_WRONLY | os.O_RDWR):
            return SFTP_PERMISSION_DENIED
        try:
            handle = _Handle(flags)
            handle.readfile = open(self._path(path), "rb")  # noqa: SIM115
            handle.filename = path
            return handle
        except OSError:
            return SFTP_NO_SUCH_FILE

    def session_ended(self) -> None:
        return None


class SftpServer:
    """`with SftpServer(root) as server:` listens on 127.0.0.1:server.port."""

    def __init__(self, root: Path, *, user: str = "hris", password: str = "") -> None:
        self.root = root
        self.user = user
        self.password = password
        self.client_key: paramiko.PKey | None = None
        self.host_key = paramiko.Ed25519Key.from_private_key_file(_host_key_file(root))
        self.auth_attempts = 0
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(8)
        self.port = self._sock.getsockname()[1]
        self._transports: list[paramiko.Transport] = []
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> SftpServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop = True
        self._sock.close()
        for transport in self._transports:
            transport.close()

    def _serve(self) -> None:
        root = self.root
        while not self._stop:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            transport = paramiko.Transport(conn)
            transport.add_server_key(self.host_key)
            transport.set_subsystem_handler("sftp", paramiko.SFTPServer, _Files, root)
            self._transports.append(transport)
            try:
                transport.start_server(server=_Server(self))
            except (paramiko.SSHException, EOFError, OSError):
                continue


def _host_key_file(root: Path) -> str:
    """An Ed25519 host key generated once per server directory (paramiko cannot generate
    Ed25519 keys: cryptography does, written in OpenSSH form)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = root.parent / f"{root.name}-host-key"
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.OpenSSH,
                serialization.NoEncryption(),
            )
        )
    return str(path)


def client_key_pem() -> tuple[str, paramiko.PKey]:
    """A new client key: its OpenSSH private text (the connector's secret) and the key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    pem = (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
        .decode()
    )
    import io

    return pem, paramiko.Ed25519Key.from_private_key(io.StringIO(pem))


_ = SFTP_OK
