"""`{% language_picker %}`: the small form that chooses the language of the pages.

    {% load languages %}
    {% language_picker %}

Posts to `accounts:language` (kept on the login of a signed-in person, in a cookie otherwise)
and comes back to the same page.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation

from mentorwise.core.languages import available, spoken_languages

register = template.Library()


@register.inclusion_tag("core/language_picker.html", takes_context=True)
def language_picker(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "languages": available(),
        "current": translation.get_language(),
        "chosen": getattr(user, "language", "") if user is not None else "",
        "signed_in": bool(user is not None and user.is_authenticated),
        "next": request.get_full_path() if request is not None else "/",
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def language_names(codes: list[str] | None) -> str:
    """A person's languages as the reader names them: `{{ person.languages|language_names }}`."""
    return spoken_languages(codes or [])


# Languages that capitalise nouns: a label put inside a sentence keeps its capital there.
_NOUNS_CAPITALISED = {"de"}


@register.filter
def in_sentence(label: object) -> str:
    """A label ("Closed early", "Function") placed inside a sentence: lower case in English,
    French or Spanish, as it is in German (nouns keep their capital). Use it instead of
    `|lower` on translated labels."""
    text = str(label)
    return text if translation.get_language() in _NOUNS_CAPITALISED else text.lower()
