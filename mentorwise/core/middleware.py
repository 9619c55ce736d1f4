"""Small request wrappers: refuse NUL characters; read program content's translations once.

Refuse web requests whose parameters hold a NUL character, before any view runs.

PostgreSQL text cannot hold NUL (psycopg refuses it: a 500 in every view that stores a
posted field without a Django form, whose fields already refuse it). Browsers never send
one; a request that does is refused with 400 and a plain reason. The API and SCIM answer
such values themselves in their own error format (422 / SCIM errors), so they pass.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

from mentorwise.core.content import reading

OWN_ERROR_FORMATS = ("/api/", "/scim/")


def _has_nul(data: object) -> bool:
    lists = getattr(data, "lists", None)
    if lists is None:
        return False
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in lists())


class RejectNulCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(OWN_ERROR_FORMATS) and (
            _has_nul(request.GET)
            or (request.method == "POST" and _has_nul(request.POST))
            or "\x00" in request.path
        ):
            return HttpResponseBadRequest(
                "The request holds a NUL character (\\0), which no field accepts. "
                "Remove it and send the form again.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class ContentReadingMiddleware:
    """Each request reads each language's translations of program content once
    (core.content.reading), however many texts its page shows."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with reading():
            return self.get_response(request)
