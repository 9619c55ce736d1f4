"""Training pages: catalogue, a module with its knowledge check, authoring, program needs."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mentorwise.accounts.http import AuthedRequest
from mentorwise.core.errors import InvalidInput, MentorwiseError, NotFound
from mentorwise.learning import permissions, selectors, services
from mentorwise.learning.forms import ModuleForm
from mentorwise.learning.questions import questions_public
from mentorwise.learning.rendering import render_markdown


def catalogue_view(request: AuthedRequest) -> HttpResponse:
    modules = list(selectors.module_list(actor=request.user))
    passed = {c.module_id: c for c in selectors.completion_list(actor=request.user)}
    return render(
        request,
        "learning/catalogue.html",
        {
            "modules": [(m, passed.get(m.pk)) for m in modules],
            "programs": selectors.my_program_training(actor=request.user),
            "managed": selectors.programs_managed(actor=request.user),
            "can_author": permissions.can_author_modules(request.user),
        },
    )


def module_view(request: AuthedRequest, slug: str) -> HttpResponse:
    """The module's text and knowledge check; a POST grades it and shows the result."""
    try:
        module = selectors.access_module(actor=request.user, slug=slug)
    except NotFound as error:
        raise Http404(error.message) from None
    result, given = None, {}
    if request.method == "POST":
        given = {q["id"]: request.POST.get(f"q-{q['id']}", "") for q in module.questions}
        try:
            result = services.module_attempt(actor=request.user, module=module, answers=given)
        except MentorwiseError as error:
            messages.error(request, error.message)
    return render(
        request,
        "learning/module.html",
        {
            "module": module,
            "body": render_markdown(module.display_body),
            "body_lang": module.display_body.lang,
            "questions": questions_public(module.reader_questions),
            "given": given,
            "result": result,
            "completion": selectors.completion_get(actor=request.user, module=module),
            "can_edit": permissions.can_edit_module(request.user, module),
            "can_translate": permissions.can_author_modules(request.user),
        },
    )


def module_create_view(request: AuthedRequest) -> HttpResponse:
    if not permissions.can_author_modules(request.user):
        raise Http404(_("No such page."))
    form = ModuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            module = services.module_create(actor=request.user, content=form.content())
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("“%(title)s” added to the training catalogue.") % {"title": module.title},
            )
            return redirect("learning:module", slug=module.slug)
    return render(request, "learning/module_form.html", {"form": form, "module": None})


def module_edit_view(request: AuthedRequest, slug: str) -> HttpResponse:
    try:
        module = selectors.access_editable_module(actor=request.user, slug=slug)
    except NotFound as error:
        raise Http404(error.message) from None
    form = ModuleForm(request.POST or None, initial=ModuleForm.initial_for(module))
    if request.method == "POST" and form.is_valid():
        try:
            services.module_update(actor=request.user, module=module, content=form.content())
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Module saved."))
            return redirect("learning:module", slug=module.slug)
    return render(request, "learning/module_form.html", {"form": form, "module": module})


def program_requirements_view(request: AuthedRequest, slug: str) -> HttpResponse:
    """Choose the modules a program's mentors must pass before they are matched."""
    try:
        program = selectors.access_requirements_program(actor=request.user, slug=slug)
    except NotFound as error:
        raise Http404(error.message) from None
    if request.method == "POST":
        try:
            ids = [int(pk) for pk in request.POST.getlist("modules")]
            services.program_requirements_set(actor=request.user, program=program, module_ids=ids)
        except ValueError:
            messages.error(request, _("Choose modules from the list."))
        except MentorwiseError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Training requirements of %(program)s saved.") % {"program": program.title},
            )
            return redirect("learning:program_requirements", slug=program.slug)
    return render(
        request,
        "learning/program_requirements.html",
        {
            "program": program,
            "modules": selectors.module_list(actor=request.user).filter(is_active=True),
            "required": selectors.requirement_module_ids(program),
        },
    )
