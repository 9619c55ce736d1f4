"""API: the caller's own account settings (their language)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema

from mentorwise.accounts.services import user_language_set
from mentorwise.api.errors import ERRORS, WRITE_ERRORS
from mentorwise.core.languages import available, chosen_language, record_language

router = Router()


class LanguageIn(Schema):
    language: str = Field(
        description='A language code offered here (see `available`), or "" for automatic: '
        "the HRIS record's language, else the browser's."
    )


class LanguageOut(Schema):
    language: str = Field(description='The chosen language, "" for automatic.')
    effective: str | None = Field(
        description="The language pages and e-mails use for this person (null: the browser's, "
        "or the site's default)."
    )
    from_record: str | None = Field(description="The language of the HRIS record, if shipped.")
    available: list[str]


def _language_out(request: HttpRequest) -> LanguageOut:
    user = request.user
    return LanguageOut(
        language=getattr(user, "language", ""),
        effective=chosen_language(user),
        from_record=record_language(getattr(user, "person", None)),
        available=[language.code for language in available()],
    )


@router.get("/me/language", response={200: LanguageOut, **ERRORS}, summary="My language")
def language_get(request: HttpRequest) -> LanguageOut:
    return _language_out(request)


@router.put(
    "/me/language", response={200: LanguageOut, **WRITE_ERRORS}, summary="Choose my language"
)
def language_put(request: HttpRequest, data: LanguageIn) -> LanguageOut:
    user_language_set(actor=request.user, language=data.language)
    return _language_out(request)
