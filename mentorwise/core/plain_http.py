"""Whether an integration may talk plain http: webhooks post to it, HR connectors send their
credentials to it. Only https in production; `MENTORWISE_ALLOW_PLAIN_HTTP` (on under DEBUG)
allows http for development and for local fakes."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def allowed_schemes() -> tuple[str, ...]:
    return ("https", "http") if settings.MENTORWISE_ALLOW_PLAIN_HTTP else ("https",)


def scheme_allowed(url: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme in allowed_schemes() and bool(parts.hostname)
