"""The notification preferences page (/account/notifications/): channels per kind and quiet
hours, for the signed-in person only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorwise.accounts.http import AuthedRequest
from mentorwise.core.clock import zone_label
from mentorwise.core.errors import InvalidInput, MentorwiseError
from mentorwise.messaging.contract import Kind, adapters
from mentorwise.messaging.models import KIND_CHOICES
from mentorwise.messaging.selectors import (
    EMAIL_ONLY_KINDS,
    ESSENTIAL_KINDS,
    PreferencesView,
    preferences_get,
)
from mentorwise.messaging.services import Preferences, preferences_set


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    essential: bool
    email_only: bool
    channels: tuple[tuple[str, str, bool], ...]  # (code, label, chosen)


def _rows(view: PreferencesView) -> list[KindRow]:
    registry = adapters()
    labels = {code: _(registry[code].label) if code in registry else code for code in view.offered}
    return [
        KindRow(
            kind=kind,
            label=str(label),
            essential=Kind(kind) in ESSENTIAL_KINDS,
            email_only=Kind(kind) in EMAIL_ONLY_KINDS,
            channels=tuple(
                (code, labels[code], code in view.channels[Kind(kind)]) for code in view.offered
            ),
        )
        for kind, label in KIND_CHOICES
    ]


def _time(raw: str) -> dt.time | None:
    try:
        return dt.time.fromisoformat(raw.strip()) if raw.strip() else None
    except ValueError:
        return None


def preferences_view(request: AuthedRequest) -> HttpResponse:
    person = request.user.person
    if person is None:
        return render(request, "messaging/preferences.html", {"no_person": True})
    if request.method == "POST":
        data = Preferences(
            channels={
                Kind(kind): tuple(request.POST.getlist(f"channels-{kind}"))
                for kind, _label in KIND_CHOICES
                if Kind(kind) not in EMAIL_ONLY_KINDS
            },
            quiet_start=_time(request.POST.get("quiet_start", "")),
            quiet_end=_time(request.POST.get("quiet_end", "")),
        )
        try:
            preferences_set(actor=request.user, data=data)
        except InvalidInput as error:
            for problem in error.errors:
                messages.error(request, str(problem))
        except MentorwiseError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your notification preferences are saved."))
            return redirect("messaging:preferences")
    view = preferences_get(person_id=person.pk, time_zone=person.time_zone)
    return render(
        request,
        "messaging/preferences.html",
        {
            "rows": _rows(view),
            "view": view,
            "zone_name": view.zone.key,
            "zone_label": zone_label(timezone.now(), view.zone),
        },
    )
