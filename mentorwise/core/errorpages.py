"""Error answers: the product's pages on the web, JSON in the API, SCIM errors under /scim/.

Django's handlers (handler400/403/404/500 in the URLconf) call these; the middleware gives a
body to the empty 405 that `require_POST` and the framework answer when a POST-only address
is opened with GET. Pages say what happened and lead back (home, and the page the address
belongs to); they never show a URL pattern, a setting, a path or a traceback.

The 500 page renders without the request's context: whatever broke the request (the
database, a context processor) must not break its error page too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

API_PREFIX = "/api/"
SCIM_PREFIX = "/scim/"
SCIM_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"

# (code, message) of the API's error shape for each status.
API_ERRORS: dict[int, tuple[str, str | Promise]] = {
    400: ("bad_request", gettext_lazy("The request is not valid.")),
    403: ("forbidden", gettext_lazy("You may not do this.")),
    404: ("not_found", gettext_lazy("No such address in the API.")),
    405: ("method_not_allowed", gettext_lazy("This address does not accept this method.")),
    500: ("server_error", gettext_lazy("Something went wrong on our side; the error was logged.")),
}


def _api_answer(status: int, message: str = "") -> HttpResponse:
    code, default = API_ERRORS[status]
    body = {"code": code, "message": message or str(default), "errors": []}
    return HttpResponse(json.dumps(body), status=status, content_type="application/json")


def _scim_answer(status: int) -> HttpResponse:
    # RFC 7644 §3.12: the status is a string in the body.
    body = {"schemas": [SCIM_ERROR], "status": str(status), "detail": str(API_ERRORS[status][1])}
    return HttpResponse(json.dumps(body), status=status, content_type="application/scim+json")


def _machine_answer(request: HttpRequest, status: int, message: str = "") -> HttpResponse | None:
    """The API's or SCIM's own error shape for their addresses; None for web pages."""
    if request.path.startswith(API_PREFIX):
        return _api_answer(status, message)
    if request.path.startswith(SCIM_PREFIX):
        return _scim_answer(status)
    return None


def _same_origin_referer(request: HttpRequest) -> str:
    referer = request.headers.get("Referer", "")
    parts = urlsplit(referer)
    if not referer or parts.netloc != request.get_host() or parts.path == request.path:
        return ""
    return parts.path + (f"?{parts.query}" if parts.query else "")


def page_above(path: str) -> str:
    """The nearest address above `path` that is routed ("/relationships/7/" above
    "/relationships/7/close/"): the page a form address belongs to; "/" if none is."""
    parts = [p for p in path.split("/") if p]
    while parts:
        parts.pop()
        candidate = "/" + "/".join(parts) + ("/" if parts else "")
        try:
            resolve(candidate)
        except Resolver404:
            continue
        return candidate
    return "/"


def _page(request: HttpRequest, template: str, status: int, **context: Any) -> HttpResponse:
    body = loader.render_to_string(template, context, request)
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _machine_answer(request, 400) or _page(request, "errors/400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    # Our PermissionDenied messages are written for the person refused ("Only the two
    # people in this relationship may read this."); Django's own carry none.
    message = str(exception) if exception.args and isinstance(exception.args[0], str) else ""
    return _machine_answer(request, 403, message) or _page(
        request, "errors/403.html", 403, message=message
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    # Never the exception's text: a resolver's lists the URL patterns it tried.
    return _machine_answer(request, 404) or _page(
        request, "errors/404.html", 404, back=_same_origin_referer(request)
    )


def server_error(request: HttpRequest) -> HttpResponse:
    answer = _machine_answer(request, 500)
    if answer is not None:
        return answer
    return HttpResponse(loader.render_to_string("errors/500.html", {}), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token: usually a page left open past the session."""
    return _machine_answer(
        request, 403, _("The CSRF check failed; reload and try again.")
    ) or _page(
        request,
        "errors/403.html",
        403,
        message=_(
            "This form expired or your browser did not send its cookie. Reload the page "
            "and send the form again."
        ),
    )


def method_not_allowed(request: HttpRequest, allowed: str) -> HttpResponse:
    """A POST-only address opened with GET (typed, bookmarked, or reloaded)."""
    methods = [m.strip() for m in allowed.split(",") if m.strip()]
    if methods:
        # HTTP method names (GET, POST) are not words to translate.
        text = _("This address accepts %(methods)s only.") % {"methods": " or ".join(methods)}
    else:
        text = _("This address accepts other methods only.")
    answer = _machine_answer(request, 405, text)
    if answer is None:
        answer = _page(
            request,
            "errors/405.html",
            405,
            back=_same_origin_referer(request) or page_above(request.path),
        )
    answer["Allow"] = allowed
    return answer


class MethodNotAllowedPageMiddleware:
    """Give an empty or plain-text 405 its page (web) or its error body (API).

    Django's `require_POST` and class-based views answer 405 with an empty body, django-ninja
    with plain text: a visitor saw a blank page. SCIM answers its own errors.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not request.path.startswith(SCIM_PREFIX)
            and not response.get("Content-Type", "").startswith("application/")
        ):
            return method_not_allowed(request, response.get("Allow", ""))
        return response
