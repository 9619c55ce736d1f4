"""One log line per request (method, path, status, duration, user id), and the JSON format.

Query strings are never logged: they can carry tokens, filters naming people or search text.
With LOG_FORMAT=json every log line, this one included, is a JSON object whose extra fields
(`method`, `path`, `status`, `duration_ms`, `user_id`) are top-level keys.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("mentorwise.request")


class RequestLogMiddleware:
    """Log every request once it is answered; the health endpoint only when it fails."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        if request.path == "/health/" and response.status_code < 500:
            return response  # polled every few seconds: only failures are news
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        logger.log(
            level,
            "%s %s %s %.1fms user=%s",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            user_id if user_id is not None else "-",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": user_id,
            },
        )
        return response
