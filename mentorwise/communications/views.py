"""Program → Communications: message templates, broadcasts and their history; and the
public unsubscribe page a message links to."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from mentorwise.accounts.http import AuthedRequest
from mentorwise.communications import catalog, selectors, services
from mentorwise.communications.forms import BroadcastForm, NewTemplateForm, TemplateForm
from mentorwise.communications.permissions import access_broadcast, access_program_messages
from mentorwise.core.confirm import confirmation_page, needs_confirmation
from mentorwise.core.errors import MentorwiseError
from mentorwise.core.languages import language_name
from mentorwise.core.views import not_found_as_404


@not_found_as_404
def program_view(request: AuthedRequest, slug: str) -> HttpResponse:
    program = access_program_messages(actor=request.user, slug=slug)
    context = {
        "program": program,
        "templates": services.template_list(actor=request.user, program=program),
        "broadcasts": selectors.broadcast_list(actor=request.user, program=program)[:100],
        "new_form": NewTemplateForm(initial={"language": program.language}),
    }
    return render(request, "communications/program.html", context)


@not_found_as_404
@require_http_methods(["GET", "POST"])
def template_view(request: AuthedRequest, slug: str, key: str, language: str) -> HttpResponse:
    program = access_program_messages(actor=request.user, slug=slug)
    row = services.template_get(actor=request.user, program=program, key=key, language=language)
    form = TemplateForm(request.POST or None, initial={"subject": row.subject, "body": row.body})
    action = request.POST.get("action", "save")
    preview = None
    sample = _int(request.POST.get("sample"))
    if request.method == "POST" and form.is_valid():
        data = form.data_input(key, language, row.name if key not in catalog.STANDARD else "")
        try:
            if action == "preview":
                preview = services.template_preview(
                    actor=request.user, program=program, data=data, sample=sample
                )
            elif action == "test":
                address = services.template_test_send(
                    actor=request.user, program=program, data=data, sample=sample
                )
                messages.success(request, _("A test was sent to %(to)s.") % {"to": address})
            elif action == "reset":
                services.template_delete(
                    actor=request.user, program=program, key=key, language=language
                )
                messages.success(request, _("This version was removed."))
                return redirect("communications:program", program.slug)
            else:
                services.template_save(actor=request.user, program=program, data=data)
                messages.success(request, _("Template saved."))
                return redirect("communications:program", program.slug)
        except MentorwiseError as error:
            form.add_service_error(error)
    context = {
        "program": program,
        "row": row,
        "form": form,
        "preview": preview,
        "variables": catalog.variables_of(key),
        "language_label": language_name(language),
        "samples": selectors.sample_participants(actor=request.user, program=program),
        "sample": sample,
        "standard_keys": list(catalog.STANDARD),
    }
    if request.htmx and action == "preview":
        return render(request, "communications/template.html#preview", context)
    return render(request, "communications/template.html", context)


@not_found_as_404
@require_http_methods(["POST"])
def template_new_view(request: AuthedRequest, slug: str) -> HttpResponse:
    program = access_program_messages(actor=request.user, slug=slug)
    form = NewTemplateForm(request.POST)
    if form.is_valid():
        try:
            services.template_save(actor=request.user, program=program, data=form.data_input())
        except MentorwiseError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Template saved."))
            return redirect("communications:program", program.slug)
    context = {
        "program": program,
        "templates": services.template_list(actor=request.user, program=program),
        "broadcasts": selectors.broadcast_list(actor=request.user, program=program)[:100],
        "new_form": form,
    }
    return render(request, "communications/program.html", context, status=422)


@not_found_as_404
@require_http_methods(["GET", "POST"])
def broadcast_new_view(request: AuthedRequest, slug: str) -> HttpResponse:
    program = access_program_messages(actor=request.user, slug=slug)
    templates = selectors.free_form_templates(actor=request.user, program=program)
    form = BroadcastForm(request.POST or None, templates=templates)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.data_input()
        try:
            preview = services.broadcast_preview(actor=request.user, program=program, data=data)
            if request.POST.get("action") == "send":
                if needs_confirmation(request):
                    return _confirm(request, program.slug, preview, data.essential)
                broadcast = services.broadcast_send(
                    actor=request.user,
                    program=program,
                    data=data,
                    expected=_int(request.POST.get("expected")),
                )
                return redirect("communications:broadcast", program.slug, broadcast.pk)
        except MentorwiseError as error:
            form.add_service_error(error)
    context = {"program": program, "form": form, "preview": preview}
    if request.htmx and request.POST.get("action") != "send":
        return render(request, "communications/broadcast_new.html#audience", context)
    return render(request, "communications/broadcast_new.html", context)


def _confirm(
    request: HttpRequest, slug: str, preview: services.BroadcastPreview, essential: bool
) -> HttpResponse:
    count = preview.audience.count
    consequences = [
        ngettext(
            "It is sent to %(count)s person now.", "It is sent to %(count)s people now.", count
        )
        % {"count": count},
    ]
    if essential:
        consequences.append(
            _("It is marked essential: people who unsubscribed receive it too (audited).")
        )
    elif preview.audience.unsubscribed:
        consequences.append(
            ngettext(
                "%(count)s person who unsubscribed is left out.",
                "%(count)s people who unsubscribed are left out.",
                preview.audience.unsubscribed,
            )
            % {"count": preview.audience.unsubscribed}
        )
    # The confirmation posts the count it showed: a different count at send time is refused.
    posted = request.POST.copy()
    posted["expected"] = str(count)
    cast(Any, request).POST = posted
    return confirmation_page(
        request,
        title=_("Send this message?"),
        consequences=consequences,
        button=_("Send"),
        cancel_url=reverse("communications:broadcast_new", args=[slug]),
    )


@not_found_as_404
def broadcast_view(request: AuthedRequest, slug: str, broadcast_id: int) -> HttpResponse:
    program = access_program_messages(actor=request.user, slug=slug)
    broadcast = access_broadcast(actor=request.user, program=program, broadcast_id=broadcast_id)
    context = {
        "program": program,
        "broadcast": broadcast,
        "segment": selectors.segment_description(broadcast.segment),
    }
    if request.htmx and request.GET.get("progress"):
        return render(request, "communications/broadcast.html#progress", context)
    return render(request, "communications/broadcast.html", context)


@login_not_required
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """One click opens this page, a second confirms: a mail scanner that follows links does
    not unsubscribe anyone."""
    try:
        target = (
            services.unsubscribe(token=token)
            if request.method == "POST"
            else services.unsubscribe_target(token=token)
        )
    except MentorwiseError:
        return render(request, "communications/unsubscribe.html", {"invalid": True}, status=404)
    context = {"target": target, "done": request.method == "POST"}
    return render(request, "communications/unsubscribe.html", context)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None
