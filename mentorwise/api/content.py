"""API: programs' and training modules' texts in other languages (as on /translations/)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema

from mentorwise.api.errors import ERRORS, WRITE_ERRORS
from mentorwise.content.access import access_target, can_translate
from mentorwise.content.services import translations_save
from mentorwise.content.status import other_languages, status_overview, target_status
from mentorwise.content.targets import Target
from mentorwise.core.content import digest
from mentorwise.core.errors import NotFound

router = Router()


class CountsOut(Schema):
    total: int
    missing: int
    outdated: int = Field(description="Translated from an earlier text; the original is shown.")


class TargetStatusOut(Schema):
    kind: str = Field(description="program or module")
    slug: str
    name: str = Field(description="In the caller's language where translated.")
    language: str = Field(description="The language its texts are written in.")
    languages: dict[str, CountsOut] = Field(description="Per language it can be translated into.")


class TextOut(Schema):
    id: str = Field(description='"<section>/<path>", e.g. "program/name".')
    label: str
    source: str = Field(description="The text in the original language.")
    translation: str = Field(description='"" when missing.')
    state: str = Field(description="current, outdated or missing")


class TranslationOut(Schema):
    kind: str
    slug: str
    language: str
    source_language: str
    texts: list[TextOut]


class TranslationIn(Schema):
    texts: dict[str, str] = Field(
        description="Text id → translation; an empty text removes it; ids left out are kept."
    )
    sources: dict[str, str] | None = Field(
        None,
        description=(
            "Text id → the original the translation was written from (`source` of the GET): "
            "a translation of an original that has changed since is refused (422)."
        ),
    )


def _out(target: Target, language: str) -> TranslationOut:
    return TranslationOut(
        kind=target.kind,
        slug=target.slug,
        language=language,
        source_language=target.language,
        texts=[
            TextOut(
                id=section.unit_id(s.unit),
                label=s.unit.label,
                source=s.unit.source,
                translation=s.translation,
                state=s.state,
            )
            for section, statuses in target_status(target, language)
            for s in statuses
        ],
    )


def _language(target: Target, language: str) -> str:
    if language not in other_languages(target):
        raise NotFound("Not translated into that language.")
    return language


@router.get(
    "/translations",
    response={200: list[TargetStatusOut], **ERRORS},
    summary="Missing and out-of-date translations",
)
def translations_status(request: HttpRequest) -> list[TargetStatusOut]:
    """Program managers (their programs) and HR admins (every program and module)."""
    if not can_translate(request.user):
        raise NotFound("Nothing to translate here.")
    return [
        TargetStatusOut(
            kind=row.target.kind,
            slug=row.target.slug,
            name=row.target.title,
            language=row.target.language,
            languages={
                code: CountsOut(total=c.total, missing=c.missing, outdated=c.outdated)
                for code, c in row.counts.items()
            },
        )
        for row in status_overview(request.user)
    ]


@router.get(
    "/translations/{kind}/{slug}/{language}",
    response={200: TranslationOut, **ERRORS},
    summary="A program's or module's texts and their translations into one language",
)
def translation_get(request: HttpRequest, kind: str, slug: str, language: str) -> TranslationOut:
    target = access_target(actor=request.user, kind=kind, slug=slug)
    return _out(target, _language(target, language))


@router.put(
    "/translations/{kind}/{slug}/{language}",
    response={200: TranslationOut, **WRITE_ERRORS},
    summary="Write translations into one language",
)
def translation_put(
    request: HttpRequest, kind: str, slug: str, language: str, data: TranslationIn
) -> TranslationOut:
    """All texts are checked first; nothing is saved if one is wrong (422 lists them all)."""
    target = access_target(actor=request.user, kind=kind, slug=slug)
    seen = {key: digest(text) for key, text in (data.sources or {}).items()}
    translations_save(
        actor=request.user, target=target, language=language, texts=data.texts, seen=seen
    )
    return _out(access_target(actor=request.user, kind=kind, slug=slug), language)
