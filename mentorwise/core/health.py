"""`/health/`: what a load balancer or orchestrator polls. Anonymous, reveals nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@login_not_required
@never_cache
@require_safe
def health_view(request: HttpRequest) -> JsonResponse:
    """200 {"status": "ok", "database": "ok"}; 503 with "database": "unavailable" otherwise.

    The error itself goes to the log, never into the response (no hosts, users or versions).
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check: the database did not answer")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class HealthCheckMiddleware:
    """Answer /health/ before host validation and the HTTPS redirect.

    Load balancers probe each backend by its own address over plain HTTP: with the URL
    route alone, that probe would get 400 (host not in ALLOWED_HOSTS) or a 301 to HTTPS.
    The answer reveals nothing, so it is safe for any Host header.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/health/":
            return health_view(request)
        return self.get_response(request)
