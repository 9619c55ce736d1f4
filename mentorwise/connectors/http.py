"""HTTP for the connectors: JSON or CSV over HTTPS with basic auth, timeouts, and retries
with exponential backoff and jitter on 429 and 5xx (honouring Retry-After), under a cap on
the total wait. Standard library only (urllib).

Errors are `FetchError`s whose message says what failed (URL without query, status) and
never carries the secret: `scrub()` removes it from anything quoted from the server.
"""

from __future__ import annotations

import base64
import email.utils
import json
import logging
import random
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Tests replace this so that retries do not wait; the client reads it at each wait.
sleep: Callable[[float], None] = time.sleep
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RESPONSE_BYTES = 200 * 1024 * 1024


class FetchError(Exception):
    """The source could not be read: nothing reached the importer."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def scrub(text: str, *secrets: str) -> str:
    """`text` with every secret (and its basic-auth encoding) replaced by dots."""
    for secret in secrets:
        if secret and len(secret) >= 3:
            text = text.replace(secret, "•••")
    return text


def basic_auth(user: str, password: str) -> str:
    raw = f"{user}:{password}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


def _where(url: str) -> str:
    """The URL as messages show it: no query string (it may hold a token or a filter)."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str]

    def json(self, where: str) -> Any:
        try:
            return json.loads(self.body)
        except ValueError as error:
            raise FetchError(
                _("%(url)s did not answer JSON (%(error)s).") % {"url": where, "error": error}
            ) from error


@dataclass
class HttpClient:
    """One connector's HTTP: `authorization` is the header value; `secrets` are scrubbed
    from every message. `retries=0` tries once (the test-connection action)."""

    authorization: str = ""
    secrets: tuple[str, ...] = ()
    timeout: float = 30.0
    retries: int = 5
    backoff: float = 1.0  # first wait in seconds, doubled at each retry, plus jitter
    max_wait: float = 300.0  # total seconds spent waiting across retries
    requests: int = 0
    waits: list[float] = field(default_factory=list)

    def get(self, url: str, *, accept: str = "application/json") -> Response:
        return self.send("GET", url, accept=accept)

    def send(
        self, method: str, url: str, *, accept: str = "application/json", body: Any = None
    ) -> Response:
        headers = {"Accept": accept, "User-Agent": "Mentorwise-connector"}
        if self.authorization:
            headers["Authorization"] = self.authorization
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise FetchError(_("Only http and https URLs can be read: %(url)s") % {"url": url})
        where = _where(url)
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            self.requests += 1
            status, payload, answer_headers, problem = self._once(method, url, headers, data)
            if status is not None and 200 <= status < 300:
                return Response(status, payload, answer_headers)
            retryable = status is None or status in RETRY_STATUSES
            if not retryable or attempt > self.retries:
                raise self._error(where, status, payload, problem, attempt)
            wait = retry_after(answer_headers.get("retry-after"))
            if wait is None:
                wait = self.backoff * 2 ** (attempt - 1)
                wait += random.uniform(0, wait / 2)  # noqa: S311 (jitter, not a secret)
            if waited + wait > self.max_wait:
                raise self._error(where, status, payload, problem, attempt, gave_up=True)
            logger.info(
                "connector request to %s answered %s; retry %s in %.1fs",
                where,
                status if status is not None else "no answer",
                attempt,
                wait,
            )
            waited += wait
            self.waits.append(wait)
            sleep(wait)

    def _once(
        self, method: str, url: str, headers: dict[str, str], data: bytes | None
    ) -> tuple[int | None, bytes, dict[str, str], str]:
        request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                payload = answer.read(MAX_RESPONSE_BYTES + 1)
                if len(payload) > MAX_RESPONSE_BYTES:
                    raise FetchError(_("%(url)s answered more than 200 MB.") % {"url": url})
                return answer.status, payload, _lower(answer.headers), ""
        except urllib.error.HTTPError as error:
            payload = error.read(2000) if error.fp else b""
            return error.code, payload, _lower(error.headers), ""
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
            reason = getattr(error, "reason", error)
            return None, b"", {}, str(reason)

    def _error(
        self,
        where: str,
        status: int | None,
        payload: bytes,
        problem: str,
        attempts: int,
        *,
        gave_up: bool = False,
    ) -> FetchError:
        tries = _(" after %(n)s attempts") % {"n": attempts} if attempts > 1 or gave_up else ""
        if status is None:
            message = _("%(url)s could not be reached%(tries)s: %(problem)s") % {
                "url": where,
                "tries": tries,
                "problem": problem,
            }
        elif status in (401, 403):
            message = _(
                "%(url)s refused the credentials (HTTP %(status)s): check the user name, "
                "the password or API key, and the account's permissions."
            ) % {"url": where, "status": status}
        else:
            excerpt = payload[:300].decode("utf-8", errors="replace").strip()
            message = _("%(url)s answered HTTP %(status)s%(tries)s.") % {
                "url": where,
                "status": status,
                "tries": tries,
            }
            if excerpt:
                message += " " + _("It said: %(excerpt)s") % {"excerpt": excerpt}
        return FetchError(scrub(message, *self.secrets), status=status)


def _lower(headers: Any) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in (headers.items() if headers else [])}
