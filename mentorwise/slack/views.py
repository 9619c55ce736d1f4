"""The HR admins' Slack page (/people/slack/: install with "Add to Slack", refresh who is
who, remove), the OAuth redirect back, and the interactions and events endpoints Slack
posts to."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.request import RawPostDataException
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from mentorwise.accounts.http import AuthedRequest
from mentorwise.core.errors import MentorwiseError, NotFound
from mentorwise.slack.client import configured
from mentorwise.slack.events import event_handle
from mentorwise.slack.interactions import Refused, interaction_handle
from mentorwise.slack.models import SlackWorkspace
from mentorwise.slack.permissions import access_workspace, can_manage_slack
from mentorwise.slack.services import (
    BOT_SCOPES,
    members_refresh,
    workspace_install,
    workspace_uninstall,
)

STATE_KEY = "slack_oauth_state"
# The bot events the Slack app subscribes to (Event Subscriptions): removal from Slack's side.
EVENTS = ("app_uninstalled", "tokens_revoked")


def _require(request: AuthedRequest) -> None:
    if not can_manage_slack(request.user):
        raise Http404(_("No such page."))


def _workspace(request: AuthedRequest, workspace_id: int) -> SlackWorkspace:
    _require(request)
    try:
        return access_workspace(actor=request.user, workspace_id=workspace_id)
    except NotFound as error:
        raise Http404(error.message) from error


def slack_settings_view(request: AuthedRequest) -> HttpResponse:
    _require(request)
    workspaces = SlackWorkspace.objects.annotate(
        mapped=Count("members", filter=~Q(members__slack_user_id=""))
    )
    context = {
        "configured": configured(),
        "workspaces": workspaces,
        "scopes": BOT_SCOPES,
        "redirect_uri": request.build_absolute_uri(reverse("slack:oauth")),
        "interactions_url": request.build_absolute_uri(reverse("slack_public:interactions")),
        "events_url": request.build_absolute_uri(reverse("slack_public:events")),
        "events": EVENTS,
    }
    return render(request, "slack/settings.html", context)


def slack_install_view(request: AuthedRequest) -> HttpResponse:
    """Starts "Add to Slack": a fresh state kept in the session, checked on the way back."""
    _require(request)
    if not configured():
        raise Http404(_("Slack is not configured here."))
    state = secrets.token_urlsafe(32)
    request.session[STATE_KEY] = state
    query = urlencode(
        {
            "client_id": settings.MENTORWISE_SLACK_CLIENT_ID,
            "scope": ",".join(BOT_SCOPES),
            "state": state,
            "redirect_uri": request.build_absolute_uri(reverse("slack:oauth")),
        }
    )
    return HttpResponseRedirect(f"{settings.MENTORWISE_SLACK_AUTHORIZE_URL}?{query}")


def slack_oauth_view(request: AuthedRequest) -> HttpResponse:
    """Slack sends the admin back here with a code (or an error) and the state."""
    _require(request)
    expected = request.session.pop(STATE_KEY, "")
    given = request.GET.get("state", "")
    if not expected or not secrets.compare_digest(str(expected), given):
        messages.error(
            request, _("The Slack installation expired or was not started here: start again.")
        )
        return redirect("slack:settings")
    if request.GET.get("error") or not request.GET.get("code"):
        messages.error(request, _("Slack was not installed (the request was declined)."))
        return redirect("slack:settings")
    try:
        workspace = workspace_install(
            actor=request.user,
            code=request.GET["code"],
            redirect_uri=request.build_absolute_uri(reverse("slack:oauth")),
        )
    except MentorwiseError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Slack installed in %(team)s. Refresh who is who to reach people there.")
            % {"team": workspace.team_name},
        )
    return redirect("slack:settings")


@require_POST
def slack_refresh_view(request: AuthedRequest, workspace_id: int) -> HttpResponse:
    workspace = _workspace(request, workspace_id)
    try:
        result = members_refresh(actor=request.user, workspace=workspace)
    except MentorwiseError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(found)s of %(checked)s people found on Slack.")
            % {"found": result.found, "checked": result.checked},
        )
    return redirect("slack:settings")


@require_POST
def slack_uninstall_view(request: AuthedRequest, workspace_id: int) -> HttpResponse:
    workspace = _workspace(request, workspace_id)
    try:
        workspace_uninstall(actor=request.user, workspace=workspace)
    except MentorwiseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Slack removed from %(team)s.") % {"team": workspace.team_name})
    return redirect("slack:settings")


@csrf_exempt
@login_not_required
@require_POST
def slack_interactions_view(request: HttpRequest) -> HttpResponse:
    """Slack's interactivity request URL: 200 once handled (Slack shows nothing of the
    body), 401 unsigned or stale, 409 a replay; 400 for a multipart form (never Slack's:
    its body was already read as form fields, so it cannot be checked)."""
    try:
        body = request.body
    except RawPostDataException:
        return HttpResponse(status=400)
    try:
        interaction_handle(
            body=body,
            timestamp=request.headers.get("X-Slack-Request-Timestamp", ""),
            signature=request.headers.get("X-Slack-Signature", ""),
        )
    except Refused as refusal:
        return HttpResponse(str(refusal), status=refusal.status, content_type="text/plain")
    return HttpResponse(status=200)


@csrf_exempt
@login_not_required
@require_POST
def slack_events_view(request: HttpRequest) -> HttpResponse:
    """Slack's Event Subscriptions request URL: the challenge answered, 200 once handled or
    ignored, 401 unsigned or stale, 409 a replay, 400 a body that is not a JSON event (a
    multipart form cannot even be checked)."""
    try:
        body = request.body
    except RawPostDataException:
        return HttpResponse(status=400)
    try:
        outcome = event_handle(
            body=body,
            timestamp=request.headers.get("X-Slack-Request-Timestamp", ""),
            signature=request.headers.get("X-Slack-Signature", ""),
        )
    except Refused as refusal:
        return HttpResponse(str(refusal), status=refusal.status, content_type="text/plain")
    if outcome.challenge is not None:
        return JsonResponse({"challenge": outcome.challenge})
    return HttpResponse(status=200)
