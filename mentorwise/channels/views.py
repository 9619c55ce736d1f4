"""Admin → Webhooks: endpoints, their deliveries, the dead-letter list, test sends."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from mentorwise.accounts.http import AuthedRequest
from mentorwise.accounts.roles import is_hr_admin
from mentorwise.channels.delivery import (
    deliveries_replay_dead,
    delivery_replay,
    endpoint_test,
)
from mentorwise.channels.endpoints import (
    EndpointInput,
    endpoint_create,
    endpoint_delete,
    endpoint_rotate_secret,
    endpoint_update,
)
from mentorwise.channels.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from mentorwise.core.confirm import confirmation_page, needs_confirmation
from mentorwise.core.errors import InvalidInput
from mentorwise.core.forms import PageForm
from mentorwise.core.outbound import KINDS

KIND_LABELS = {
    "match.published": gettext_lazy("Match published"),
    "relationship.started": gettext_lazy("Relationship started"),
    "relationship.closed": gettext_lazy("Relationship closed"),
    "relationship.at_risk": gettext_lazy("Relationship at risk"),
    "meeting.scheduled": gettext_lazy("Meeting scheduled"),
    "meeting.rescheduled": gettext_lazy("Meeting rescheduled"),
    "meeting.cancelled": gettext_lazy("Meeting cancelled"),
    "survey.due": gettext_lazy("Survey due"),
}
PAGE_SIZE = 50


class EndpointForm(PageForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    url = forms.CharField(
        label=gettext_lazy("URL"),
        max_length=500,
        help_text=gettext_lazy("Where the events are posted (https://)."),
    )
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Events"),
        choices=[(kind, KIND_LABELS[kind]) for kind in KINDS],
        widget=forms.CheckboxSelectMultiple,
    )
    enabled = forms.BooleanField(label=gettext_lazy("Send events"), required=False, initial=True)

    def data_input(self) -> EndpointInput:
        d = self.cleaned_data
        return EndpointInput(
            name=d["name"], url=d["url"], kinds=tuple(d["kinds"]), enabled=d["enabled"]
        )


def _require(request: AuthedRequest) -> None:
    if not is_hr_admin(request.user):
        raise Http404("No such page.")


@require_http_methods(["GET", "POST"])
def webhook_list_view(request: AuthedRequest) -> HttpResponse:
    _require(request)
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = endpoint_create(actor=request.user, data=form.data_input())
        except InvalidInput as error:
            form.add_service_error(error)
        else:
            return _show_secret(request, endpoint, secret)
    endpoints = WebhookEndpoint.objects.all()
    return render(request, "channels/list.html", {"form": form, "endpoints": endpoints})


def _show_secret(request: AuthedRequest, endpoint: WebhookEndpoint, secret: str) -> HttpResponse:
    # The secret is in this response only: never stored in the session or shown again.
    response = render(request, "channels/secret.html", {"endpoint": endpoint, "secret": secret})
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def webhook_detail_view(request: AuthedRequest, endpoint_id: int) -> HttpResponse:
    _require(request)
    endpoint = get_object_or_404(WebhookEndpoint, pk=endpoint_id)
    initial = {
        "name": endpoint.name,
        "url": endpoint.url,
        "kinds": endpoint.kinds,
        "enabled": endpoint.enabled,
    }
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint_update(actor=request.user, endpoint=endpoint, data=form.data_input())
        except InvalidInput as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Webhook saved."))
            return redirect("channels:detail", endpoint.pk)
    status = request.GET.get("status", "")
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint).select_related("event")
    if status in DeliveryStatus.values:
        deliveries = deliveries.filter(status=status)
    else:
        status = ""
    page = Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(d, KIND_LABELS.get(d.event.kind, d.event.kind)) for d in page.object_list]
    context = {
        "endpoint": endpoint,
        "form": form,
        "page": page,
        "rows": rows,
        "status": status,
        "statuses": DeliveryStatus.choices,
        "dead": WebhookDelivery.objects.filter(
            endpoint=endpoint, status=DeliveryStatus.DEAD
        ).count(),
    }
    return render(request, "channels/detail.html", context)


@require_POST
def webhook_action_view(request: AuthedRequest, endpoint_id: int, action: str) -> HttpResponse:
    _require(request)
    endpoint = get_object_or_404(WebhookEndpoint, pk=endpoint_id)
    if action == "test":
        status, error = endpoint_test(actor=request.user, endpoint=endpoint)
        if status is not None and 200 <= status < 300:
            messages.success(
                request, _("Test sent: the endpoint answered %(status)s.") % {"status": status}
            )
        else:
            messages.error(
                request,
                _("Test failed: %(problem)s.")
                % {"problem": error or _("HTTP %(status)s") % {"status": status}},
            )
    elif action == "rotate":
        if needs_confirmation(request):
            return confirmation_page(
                request,
                title=_("Make a new signing secret?"),
                consequences=[
                    _(
                        "The current secret stops signing at once: the receiving system "
                        "needs the new one."
                    ),
                ],
                button=_("Make a new secret"),
                cancel_url=reverse("channels:detail", args=[endpoint.pk]),
            )
        secret = endpoint_rotate_secret(actor=request.user, endpoint=endpoint)
        return _show_secret(request, endpoint, secret)
    elif action == "delete":
        if needs_confirmation(request):
            return confirmation_page(
                request,
                title=_("Delete the webhook %(name)s?") % {"name": endpoint.name},
                consequences=[
                    _("No more events are sent to %(url)s.") % {"url": endpoint.url},
                    _("Its delivery history, and the deliveries still to retry, are removed."),
                ],
                button=_("Delete this webhook"),
                cancel_url=reverse("channels:detail", args=[endpoint.pk]),
            )
        endpoint_delete(actor=request.user, endpoint=endpoint)
        messages.success(request, _("Webhook deleted."))
        return redirect("channels:list")
    elif action == "replay-dead":
        count = deliveries_replay_dead(actor=request.user, endpoint=endpoint)
        messages.success(request, _("%(count)s deliveries will be sent again.") % {"count": count})
    else:
        raise Http404("No such action.")
    return redirect("channels:detail", endpoint.pk)


@require_POST
def delivery_replay_view(
    request: AuthedRequest, endpoint_id: int, delivery_id: int
) -> HttpResponse:
    _require(request)
    delivery = get_object_or_404(
        WebhookDelivery.objects.select_related("event", "endpoint"),
        pk=delivery_id,
        endpoint_id=endpoint_id,
    )
    delivery_replay(actor=request.user, delivery=delivery)
    messages.success(request, _("The delivery will be sent again within a minute."))
    return redirect("channels:detail", endpoint_id)
