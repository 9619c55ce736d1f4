"""Translation pages: which texts are missing a translation, and the page that writes them
(or exchanges them as a PO file with a translator)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mentorwise.accounts.http import AuthedRequest
from mentorwise.content.access import access_target, can_translate
from mentorwise.content.po import PO_MAX_BYTES, po_export, po_parse, too_large
from mentorwise.content.services import SaveResult, saved_text, translations_save
from mentorwise.content.status import other_languages, status_overview, target_status
from mentorwise.content.targets import Target
from mentorwise.core.content import digest
from mentorwise.core.errors import InvalidInput
from mentorwise.core.languages import SHIPPED, language_name, spoken_languages
from mentorwise.core.views import not_found_as_404


def _language(target: Target, language: str) -> str:
    if language not in other_languages(target):
        raise Http404(_("This program or module is not translated into that language."))
    return language


@require_GET
@not_found_as_404
def target_view(request: AuthedRequest, kind: str, slug: str) -> HttpResponse:
    """A program's or module's translations: in the reader's language when it is one to
    translate into, else the first such language."""
    target = access_target(actor=request.user, kind=kind, slug=slug)
    languages = other_languages(target)
    mine = translation.get_language()
    language = mine if mine in languages else languages[0]
    return redirect("content:edit", kind=kind, slug=slug, language=language)


@require_GET
def overview_view(request: AuthedRequest) -> HttpResponse:
    if not can_translate(request.user):
        raise Http404(_("Nothing to translate here."))
    rows = status_overview(request.user)
    return render(
        request,
        "content/overview.html",
        {
            "languages": SHIPPED,
            "rows": [
                {
                    "row": row,
                    "cells": [(language, row.counts.get(language.code)) for language in SHIPPED],
                }
                for row in rows
            ],
        },
    )


def _edit_context(
    target: Target, language: str, posted: dict[str, str], errors: dict[str, list[str]]
) -> dict[str, object]:
    sections = []
    for section, statuses in target_status(target, language):
        items = []
        for status in statuses:
            unit_id = section.unit_id(status.unit)
            items.append(
                {
                    "id": unit_id,
                    "status": status,
                    "value": posted.get(unit_id, status.translation),
                    "digest": digest(status.unit.source),
                    "errors": errors.get(unit_id, []),
                }
            )
        sections.append({"section": section, "items": items})
    return {
        "target": target,
        "language": language,
        # Inside sentences, a language is named in the reader's language ("en allemand").
        "language_name": spoken_languages([language]),
        "source_name": spoken_languages([target.language]),
        "languages": [(code, language_name(code)) for code in other_languages(target)],
        "sections": sections,
        "general_errors": [m for field, ms in errors.items() for m in ms if "/" not in field],
    }


@not_found_as_404
def edit_view(request: AuthedRequest, kind: str, slug: str, language: str) -> HttpResponse:
    """Every text of a program (with its surveys) or module beside its translation."""
    target = access_target(actor=request.user, kind=kind, slug=slug)
    language = _language(target, language)
    posted: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        known = target.units()
        posted = {key: str(request.POST.get(key, "")) for key in request.POST if key in known}
        seen = {
            key: str(request.POST[f"seen:{key}"]) for key in posted if f"seen:{key}" in request.POST
        }
        try:
            result = translations_save(
                actor=request.user, target=target, language=language, texts=posted, seen=seen
            )
        except InvalidInput as error:
            for problem in error.errors:
                errors.setdefault(problem.field, []).append(problem.message)
            messages.error(request, _("Nothing was saved: please correct the texts marked below."))
        else:
            return _saved(request, target, language, result)
    status = 422 if errors else 200
    return render(
        request, "content/edit.html", _edit_context(target, language, posted, errors), status=status
    )


def _saved(
    request: AuthedRequest, target: Target, language: str, result: SaveResult
) -> HttpResponse:
    """Say what a save did, and show the page again."""
    messages.success(
        request,
        _("%(language)s: %(what)s")
        % {"language": capfirst(spoken_languages([language])), "what": saved_text(result)},
    )
    return redirect("content:edit", kind=target.kind, slug=target.slug, language=language)


@require_GET
@not_found_as_404
def po_download_view(request: AuthedRequest, kind: str, slug: str, language: str) -> HttpResponse:
    target = access_target(actor=request.user, kind=kind, slug=slug)
    language = _language(target, language)
    response = HttpResponse(po_export(target, language), content_type="text/x-gettext-translation")
    response["Content-Disposition"] = f'attachment; filename="{kind}-{slug}-{language}.po"'
    return response


@require_POST
@not_found_as_404
def po_upload_view(request: AuthedRequest, kind: str, slug: str, language: str) -> HttpResponse:
    target = access_target(actor=request.user, kind=kind, slug=slug)
    language = _language(target, language)
    upload = request.FILES.get("file")
    errors: dict[str, list[str]] = {}
    if upload is None:
        errors["file"] = [_("Choose a PO file to upload.")]
    else:
        try:
            if upload.size is not None and upload.size > PO_MAX_BYTES:
                raise too_large()
            texts = po_parse(target, upload.read(), language)
            result = translations_save(
                actor=request.user, target=target, language=language, texts=texts
            )
        except InvalidInput as error:
            for problem in error.errors:
                text = (
                    _("%(text)s (entry %(n)s): %(problem)s")
                    % {"text": problem.field, "n": problem.row, "problem": problem.message}
                    if problem.row
                    else problem.message
                )
                errors.setdefault("file", []).append(text)
        else:
            return _saved(request, target, language, result)
    messages.error(request, _("Nothing was saved from the file."))
    return render(
        request, "content/edit.html", _edit_context(target, language, {}, errors), status=422
    )
