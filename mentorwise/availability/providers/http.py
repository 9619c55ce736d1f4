"""JSON over HTTPS for Graph and Google: a timeout on every call, one token refresh after a
401, and waits on 429/503 that honour Retry-After under a cap. Standard library only."""

from __future__ import annotations

import email.utils
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mentorwise.availability.providers.base import TIMEOUT, ProviderError

# Tests replace this so that a 429 does not wait.
sleep: Callable[[float], None] = time.sleep
MAX_WAIT = 30.0  # seconds, across the retries of one call
RETRIES = 3


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (seconds or an HTTP date)."""
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


def _where(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


@dataclass
class JsonClient:
    """`token()` gives the bearer token; `refresh()` gets a new one after a 401 (once)."""

    name: str
    token: Callable[[], str]
    refresh: Callable[[], str] | None = None
    timeout: float = TIMEOUT
    waits: list[float] = field(default_factory=list)

    def call(
        self,
        method: str,
        url: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
    ) -> Any:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise ProviderError(f"{self.name}: only http and https URLs: {_where(url)}")
        refreshed = False
        waited = 0.0
        for _attempt in range(RETRIES + 2):
            status, payload, answer_headers = self._once(method, url, body, headers or {})
            if status is None:
                raise ProviderError(f"{self.name} could not be reached at {_where(url)}.")
            if 200 <= status < 300:
                if not payload.strip():
                    return None
                try:
                    return json.loads(payload)
                except ValueError as error:
                    raise ProviderError(f"{self.name} did not answer JSON.") from error
            if status == 401 and self.refresh is not None and not refreshed:
                refreshed = True
                self.refresh()
                continue
            if status in (429, 503):
                wait = retry_after(answer_headers.get("retry-after"))
                wait = 1.0 if wait is None else wait
                if waited + wait <= MAX_WAIT and len(self.waits) < RETRIES:
                    waited += wait
                    self.waits.append(wait)
                    sleep(wait)
                    continue
            raise ProviderError(
                f"{self.name} answered HTTP {status} at {_where(url)}.", status=status
            )
        raise ProviderError(f"{self.name} kept refusing at {_where(url)}.")

    def _once(
        self, method: str, url: str, body: Any, extra: dict[str, str]
    ) -> tuple[int | None, bytes, dict[str, str]]:
        headers = {
            "Accept": "application/json",
            "Authorization": f"Bearer {self.token()}",
            "User-Agent": "Mentorwise-calendar",
            **extra,
        }
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                return answer.status, answer.read(20_000_000), _lower(answer.headers)
        except urllib.error.HTTPError as error:
            payload = error.read(2000) if error.fp else b""
            return error.code, payload, _lower(error.headers)
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError):
            return None, b"", {}


def _lower(headers: Any) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in (headers.items() if headers else [])}
