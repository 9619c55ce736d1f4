"""Audit log pages for HR admins: search, page through, export. No edit or delete route."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from mentorwise.accounts.http import AuthedRequest
from mentorwise.audit.forms import AuditFilterForm
from mentorwise.audit.selectors import (
    audit_export_csv,
    audit_search,
    audit_target_types,
    require_audit_reader,
)
from mentorwise.core.views import not_found_as_404

PAGE_SIZE = 50


def _form(request: AuthedRequest) -> AuditFilterForm:
    data = request.GET.copy()
    data.pop("page", None)
    return AuditFilterForm(data or None, target_types=audit_target_types())


@require_GET
@not_found_as_404
def audit_list_view(request: AuthedRequest) -> HttpResponse:
    require_audit_reader(request.user)
    form = _form(request)
    entries = audit_search(actor=request.user, filters=form.filters())
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "audit/list.html#results" if request.htmx else "audit/list.html"
    return render(request, template, {"form": form, "page": page})


@require_GET
@not_found_as_404
def audit_export_view(request: AuthedRequest) -> HttpResponse:
    require_audit_reader(request.user)
    form = _form(request)
    body = audit_export_csv(actor=request.user, filters=form.filters())
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    return response
