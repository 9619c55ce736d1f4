"""People pages: the HR admins' import. The directory and profile pages are
`mentorwise.directory.views`."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from mentorwise.accounts.http import AuthedRequest
from mentorwise.core.errors import InvalidInput, MentorwiseError, NotFound
from mentorwise.core.files import private_dir, private_file_create
from mentorwise.people.forms import ImportConfirmForm, PeopleImportForm
from mentorwise.people.models import ImportSource
from mentorwise.people.permissions import (
    can_import_people,
)
from mentorwise.people.selectors import (
    import_columns,
    import_run_detail,
    import_run_list,
    import_template_csv,
    run_change_rows,
)
from mentorwise.people.services import people_import

PAGE_SIZE = 50
_SESSION_KEY = "people_import_uploads"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def import_view(request: AuthedRequest) -> HttpResponse:
    """Upload -> preview (a dry run, nothing written) -> confirm (the import itself)."""
    if not can_import_people(request.user):
        raise Http404(_("No such page."))
    context = _import_page(request)
    if request.method == "POST" and "token" in request.POST:
        return _import_confirm(request)
    if request.method == "POST":
        form = PeopleImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            # The upload is read as a stream (Django keeps files over 5 MB on disk): never
            # as one bytes object, whatever its size.
            upload = form.cleaned_data["file"]
            full = form.cleaned_data["full"]
            try:
                result = people_import(
                    actor=request.user,
                    data=upload,
                    file_name=upload.name,
                    full=full,
                    dry_run=True,
                    source=ImportSource.PAGE,
                )
            except InvalidInput as error:
                context.update(_error_context(error, upload.name))
            except MentorwiseError as error:
                messages.error(request, error.message)
            else:
                token = _store_upload(request, upload, upload.name)
                context.update(result=result, confirm=ImportConfirmForm(
                    initial={"token": token, "full": full}
                ))  # fmt: skip
    context["runs"] = import_run_list(actor=request.user)  # after this request's run
    template = "people/import.html#result" if request.htmx else "people/import.html"
    return render(request, template, context)


def _import_page(request: AuthedRequest) -> dict[str, object]:
    return {
        "form": PeopleImportForm(),
        "date_format": settings.MENTORWISE_IMPORT_DATE_FORMAT,
        "max_bytes": settings.MENTORWISE_MAX_IMPORT_BYTES,
        "termination_limit": settings.MENTORWISE_IMPORT_TERMINATION_LIMIT,
        "columns": import_columns(),
    }


def import_template_view(request: AuthedRequest) -> HttpResponse:
    """The HRIS file format as a CSV to fill in: every column and one example row."""
    if not can_import_people(request.user):
        raise Http404(_("No such page."))
    response = HttpResponse(import_template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mentorwise-people-template.csv"'
    return response


def _import_confirm(request: AuthedRequest) -> HttpResponse:
    form = ImportConfirmForm(request.POST)
    uploads = request.session.get(_SESSION_KEY, {})
    token = form.data.get("token", "")
    if not form.is_valid() or token not in uploads:
        messages.error(request, _("This upload has expired; please upload the file again."))
        return _redirect(request, reverse("people:import"))
    path = _upload_dir() / f"{token}.csv"
    name = uploads[token]
    try:
        handle = path.open("rb")
    except OSError:
        messages.error(request, _("This upload has expired; please upload the file again."))
        return _redirect(request, reverse("people:import"))
    try:
        with handle:
            result = people_import(
                actor=request.user,
                data=handle,
                file_name=name,
                full=form.cleaned_data["full"],
                source=ImportSource.PAGE,
                confirmed_terminations=form.cleaned_data["confirm_terminations"],
            )
    except InvalidInput as error:
        # The database changed since the preview (e.g. another import): show what is wrong now.
        context = {
            **_import_page(request),
            **_error_context(error, name),
            "runs": import_run_list(actor=request.user),
        }
        template = "people/import.html#result" if request.htmx else "people/import.html"
        return render(request, template, context)
    _forget_upload(request, token)
    messages.success(
        request,
        _("Imported %(file)s: %(summary)s") % {"file": name, "summary": result.summary()},
    )
    return _redirect(request, reverse("people:list"))


def _redirect(request: AuthedRequest, url: str) -> HttpResponse:
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _error_context(error: InvalidInput, name: str) -> dict[str, object]:
    # The import lists at most its first problems (importer.MAX_ERRORS) and counts them all.
    return {"errors": error.errors, "error_count": error.total, "file_name": name}


def _upload_dir() -> Path:
    # Owner-only: an HRIS file lists the whole workforce.
    return private_dir(Path(settings.DATA_DIR) / "imports")


def _store_upload(request: AuthedRequest, upload: UploadedFile[bytes], name: str) -> str:
    """Keep the previewed file under a generated name (never a user-supplied path)."""
    folder = _upload_dir()
    cutoff = time.time() - 24 * 3600
    for old in folder.glob("*.csv"):
        if _TOKEN.match(old.stem) and old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    target = folder / f"{token}.csv"
    private_file_create(target)  # owner-only before a byte of the workforce is in it
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    uploads = dict(request.session.get(_SESSION_KEY, {}))
    uploads[token] = Path(name).name[:200]
    # Only the latest few previews of this session can be confirmed.
    for old_token in list(uploads)[:-5]:
        uploads.pop(old_token)
        (folder / f"{old_token}.csv").unlink(missing_ok=True)
    request.session[_SESSION_KEY] = uploads
    return token


def _forget_upload(request: AuthedRequest, token: str) -> None:
    (_upload_dir() / f"{token}.csv").unlink(missing_ok=True)
    uploads = dict(request.session.get(_SESSION_KEY, {}))
    uploads.pop(token, None)
    request.session[_SESSION_KEY] = uploads


RUN_PAGE_SIZE = 100
RUN_KINDS = ("created", "updated", "terminated")


def import_run_view(request: AuthedRequest, run_id: int) -> HttpResponse:
    """One import run: who, when, what it did person by person, or the problems it had."""
    try:
        detail = import_run_detail(actor=request.user, run_id=run_id)
    except NotFound as error:
        raise Http404(error.message) from error
    kind = request.GET.get("kind", "")
    changes = detail.record.changes
    if kind in RUN_KINDS:
        changes = [c for c in changes if c.kind == kind]
    else:
        kind = ""
    page = Paginator(changes, RUN_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "run": detail.run,
        "counts": detail.counts,
        "total": len(detail.record.changes),
        "kind": kind,
        "page": page,
        "rows": run_change_rows(list(page.object_list)),
        "problems": detail.record.problems,
        "recorded": bool(detail.run.record),
    }
    return render(request, "people/import_run.html", context)
