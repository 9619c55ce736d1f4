"""Activates each request's language: `core.languages`' rule inside Django's LocaleMiddleware."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from mentorwise.core.languages import chosen_language


class PersonLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, asking first what the signed-in person chose (or their HRIS
    record gives), then — as Django does — the language cookie and the browser's
    Accept-Language. Its response side (Vary and Content-Language headers) is Django's.

    The language is the request's only: once the response is made, the thread's previous
    language is back (Django's leaves it active, so whatever ran next on the thread — another
    request's first lines, a command after a test's page — spoke the last reader's language).
    No response is streamed, so every page is written before that."""

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        previous = translation.get_language()
        try:
            response = super().__call__(request)
            assert isinstance(response, HttpResponseBase)  # noqa: S101 - a sync stack
            return response
        finally:
            if previous is None:
                translation.deactivate_all()
            else:
                translation.activate(previous)

    def process_request(self, request: HttpRequest) -> None:
        language = chosen_language(getattr(request, "user", None))
        if language is None:
            super().process_request(request)
            return
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
