"""The HR admins' Connectors pages: list, create and edit, test, run now (preview, then
import), the run history, and the confirmation of a held run."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorwise.accounts.http import AuthedRequest
from mentorwise.connectors.forms import ConfirmForm, ConnectorForm, RunForm
from mentorwise.connectors.models import Connector, ConnectorRun, RunOutcome, RunTrigger
from mentorwise.connectors.permissions import (
    access_connector,
    access_connector_run,
    can_manage_connectors,
)
from mentorwise.connectors.services import (
    connector_confirm,
    connector_create,
    connector_delete,
    connector_run,
    connector_test,
    connector_update,
)
from mentorwise.core.errors import InvalidInput, MentorwiseError, NotFound

RUNS_PAGE = 50


def _require(request: AuthedRequest) -> None:
    if not can_manage_connectors(request.user):
        raise Http404(_("No such page."))


def _connector(request: AuthedRequest, connector_id: int) -> Connector:
    _require(request)
    try:
        return access_connector(actor=request.user, connector_id=connector_id)
    except NotFound as error:
        raise Http404(error.message) from error


def connector_list_view(request: AuthedRequest) -> HttpResponse:
    _require(request)
    connectors = list(Connector.objects.all())
    latest: dict[int, ConnectorRun] = {}
    for run in ConnectorRun.objects.filter(connector__in=connectors).order_by("started_at", "id"):
        latest[run.connector_id] = run
    rows = [{"connector": c, "last": latest.get(c.pk), "next": c.next_due()} for c in connectors]
    return render(request, "connectors/list.html", {"rows": rows})


def _apply_form_errors(form: ConnectorForm, error: InvalidInput) -> None:
    for problem in error.errors:
        field = problem.field if problem.field in form.fields else None
        if problem.field == "field_map":
            field = "field_map_text"
        form.add_error(field, problem.message)


def connector_new_view(request: AuthedRequest) -> HttpResponse:
    _require(request)
    form = ConnectorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            connector = connector_create(
                actor=request.user, values=form.values(), secret=form.cleaned_data["secret"]
            )
        except InvalidInput as error:
            _apply_form_errors(form, error)
        else:
            messages.success(request, _("Connector %(name)s saved.") % {"name": connector.name})
            return redirect("connectors:detail", connector.pk)
    return render(request, "connectors/form.html", {"form": form, "connector": None})


def connector_edit_view(request: AuthedRequest, connector_id: int) -> HttpResponse:
    connector = _connector(request, connector_id)
    form = ConnectorForm(request.POST or None, instance=Connector.objects.get(pk=connector.pk))
    if request.method == "POST" and form.is_valid():
        try:
            connector_update(
                actor=request.user,
                connector=connector,
                values=form.values(),
                secret=form.cleaned_data["secret"],
            )
        except InvalidInput as error:
            _apply_form_errors(form, error)
        else:
            messages.success(request, _("Connector %(name)s saved.") % {"name": connector.name})
            return redirect("connectors:detail", connector.pk)
    return render(request, "connectors/form.html", {"form": form, "connector": connector})


def _detail_context(request: AuthedRequest, connector: Connector) -> dict[str, Any]:
    runs = connector.runs.select_related("import_run").all()
    page = Paginator(runs, RUNS_PAGE).get_page(request.GET.get("page"))
    return {"connector": connector, "page": page, "next_due": connector.next_due()}


def connector_detail_view(request: AuthedRequest, connector_id: int) -> HttpResponse:
    connector = _connector(request, connector_id)
    return render(request, "connectors/detail.html", _detail_context(request, connector))


@require_POST
def connector_test_view(request: AuthedRequest, connector_id: int) -> HttpResponse:
    connector = _connector(request, connector_id)
    outcome = connector_test(actor=request.user, connector=connector)
    if outcome.ok:
        messages.success(request, _("Connection works. %(message)s") % {"message": outcome.message})
    else:
        messages.error(request, _("Connection failed: %(message)s") % {"message": outcome.message})
    return redirect("connectors:detail", connector.pk)


@require_POST
def connector_run_view(request: AuthedRequest, connector_id: int) -> HttpResponse:
    """`preview` fetches and checks (nothing written); otherwise the import itself."""
    connector = _connector(request, connector_id)
    form = RunForm(request.POST)
    form.is_valid()
    confirmed = form.cleaned_data.get("confirm_terminations") if form.is_valid() else None
    preview = "preview" in request.POST
    try:
        run = connector_run(
            actor=request.user,
            connector=connector,
            dry_run=preview,
            confirmed_terminations=confirmed,
            trigger=RunTrigger.PAGE,
        )
    except MentorwiseError as error:
        messages.error(request, error.message)
        return redirect("connectors:detail", connector.pk)
    if preview:
        context = _detail_context(request, connector)
        context.update(preview_run=run, preview=getattr(run, "preview", None))
        return render(request, "connectors/detail.html", context)
    _announce(request, run)
    return redirect("connectors:detail", connector.pk)


def _announce(request: AuthedRequest, run: ConnectorRun) -> None:
    if run.outcome == RunOutcome.IMPORTED:
        messages.success(
            request,
            _("Imported: %(created)s created, %(updated)s updated, %(terminated)s terminated.")
            % {"created": run.created, "updated": run.updated, "terminated": run.terminated},
        )
    elif run.outcome == RunOutcome.NOTHING_NEW:
        messages.info(request, _("Nothing new to import."))
    elif run.outcome == RunOutcome.HELD:
        messages.warning(
            request,
            _("Held: this run would terminate %(count)s people, over the limit. Confirm it below.")
            % {"count": run.held_terminations},
        )
    else:
        messages.error(
            request,
            _("%(outcome)s: %(error)s")
            % {"outcome": run.get_outcome_display(), "error": run.error},
        )


@require_POST
def connector_confirm_view(request: AuthedRequest, run_id: int) -> HttpResponse:
    _require(request)
    try:
        run = access_connector_run(actor=request.user, run_id=run_id)
    except NotFound as error:
        raise Http404(error.message) from error
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Confirm the number of terminations shown."))
        return redirect("connectors:detail", run.connector_id)
    try:
        new = connector_confirm(
            actor=request.user, run=run, confirmed=form.cleaned_data["confirm_terminations"]
        )
    except MentorwiseError as error:
        messages.error(request, error.message)
        return redirect("connectors:detail", run.connector_id)
    _announce(request, new)
    return redirect("connectors:detail", run.connector_id)


@require_POST
def connector_delete_view(request: AuthedRequest, connector_id: int) -> HttpResponse:
    connector = _connector(request, connector_id)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to delete the connector."))
        return redirect("connectors:detail", connector.pk)
    name = connector.name
    connector_delete(actor=request.user, connector=connector)
    messages.success(request, _("Connector %(name)s deleted.") % {"name": name})
    return redirect("connectors:list")
