"""Activates each request's language: `core.languages`' rule inside Django's LocaleMiddleware."""

from __future__ import annotations

from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from mentorwise.core.languages import chosen_language


class PersonLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, asking first what the signed-in person chose (or their HRIS
    record gives), then — as Django does — the language cookie and the browser's
    Accept-Language. Its response side (Vary and Content-Language headers) is Django's."""

    def process_request(self, request: HttpRequest) -> None:
        language = chosen_language(getattr(request, "user", None))
        if language is None:
            super().process_request(request)
            return
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
