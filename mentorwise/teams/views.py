"""The HR admins' Teams page (/people/teams/: set-up, the app package to upload, who is
reachable) and the bot's endpoint Teams posts activities to (/teams/messages/)."""

from __future__ import annotations

import json
import logging

from botbuilder.schema import Activity
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from mentorwise.accounts.http import AuthedRequest
from mentorwise.teams.bot import activity_handle
from mentorwise.teams.connector import Unauthenticated, authenticate, configured
from mentorwise.teams.manifest import manifest, package
from mentorwise.teams.models import TeamsMember
from mentorwise.teams.permissions import can_manage_teams

logger = logging.getLogger(__name__)
CHANNEL = "msteams"


def _require(request: AuthedRequest) -> None:
    if not can_manage_teams(request.user):
        raise Http404(_("No such page."))


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def teams_settings_view(request: AuthedRequest) -> HttpResponse:
    _require(request)
    context = {
        "configured": configured(),
        "members": TeamsMember.objects.count(),
        "endpoint": request.build_absolute_uri(reverse("teams_public:messages")),
        "manifest": json.dumps(manifest(base_url=_base_url(request)), indent=2)
        if configured()
        else "",
    }
    return render(request, "teams/settings.html", context)


def teams_package_view(request: AuthedRequest) -> HttpResponse:
    """The app package (manifest.json and icons) to upload in the Teams admin center."""
    _require(request)
    if not configured():
        raise Http404(_("Teams is not configured here."))
    response = HttpResponse(package(base_url=_base_url(request)), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="mentorwise-teams.zip"'
    return response


def _tenant_allowed(activity: Activity) -> bool:
    """A single-tenant set-up answers its own organization's Teams only."""
    tenant = settings.MENTORWISE_TEAMS_TENANT_ID
    if not tenant:
        return True
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant_data = data.get("tenant") or {}
    given = getattr(activity.conversation, "tenant_id", None) or tenant_data.get("id")
    return bool(given == tenant)


@csrf_exempt
@login_not_required
@require_POST
def teams_messages_view(request: HttpRequest) -> HttpResponse:
    """The bot's messaging endpoint: 401 without a valid Bot Framework token, 200 (with
    the invoke's answer for a card action) once handled."""
    if not configured():
        raise Http404(_("Teams is not configured here."))
    try:
        activity = Activity().deserialize(json.loads(request.body))
    except (ValueError, TypeError, AttributeError, RawPostDataException):
        return HttpResponse(status=400)
    if not activity.service_url or activity.channel_id != CHANNEL or activity.conversation is None:
        return HttpResponse(status=400)
    try:
        authenticate(
            auth_header=request.headers.get("Authorization", ""),
            service_url=activity.service_url,
            channel_id=activity.channel_id,
        )
    except Unauthenticated as refusal:
        logger.info("teams: refused a request: %s", refusal)
        return HttpResponse(status=401)
    if not _tenant_allowed(activity):
        return HttpResponse(status=403)
    answer = activity_handle(activity)
    if answer.body is not None:
        return JsonResponse(answer.body, status=answer.status)
    return HttpResponse(status=answer.status)
