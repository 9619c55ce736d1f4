"""API: the caller's own nudges (reminders) and their email setting."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema

from mentorwise.api.errors import ERRORS, WRITE_ERRORS
from mentorwise.notifications import selectors, services
from mentorwise.notifications.models import Nudge

router = Router()


class NudgeOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    url: str = Field(description="Where to act on it.")
    essential: bool = Field(description="Essential nudges are emailed even when muted.")
    delivery: str = Field(description="pending, emailed or in_app.")
    created_at: dt.datetime
    dismissed_at: dt.datetime | None

    @staticmethod
    def of(nudge: Nudge) -> NudgeOut:
        return NudgeOut(
            id=nudge.pk,
            kind=nudge.kind,
            subject=nudge.subject,
            body=nudge.body,
            url=nudge.url,
            essential=nudge.essential,
            delivery=nudge.delivery,
            created_at=nudge.created_at,
            dismissed_at=nudge.dismissed_at,
        )


class SettingsIn(Schema):
    mute_non_essential: bool = Field(description="Email only essential nudges.")


class SettingsOut(Schema):
    mute_non_essential: bool


@router.get("/me/nudges", response={200: list[NudgeOut], **ERRORS}, summary="My reminders")
def my_nudges(request: HttpRequest, include_dismissed: bool = False) -> list[NudgeOut]:
    nudges = selectors.my_nudges(actor=request.user, include_dismissed=include_dismissed)
    return [NudgeOut.of(n) for n in nudges[:500]]


@router.post(
    "/nudges/{nudge_id}/dismiss",
    response={200: NudgeOut, **WRITE_ERRORS},
    summary="Dismiss one of my reminders",
)
def dismiss(request: HttpRequest, nudge_id: int) -> NudgeOut:
    return NudgeOut.of(services.nudge_dismiss(actor=request.user, nudge_id=nudge_id))


@router.put(
    "/me/nudge-settings",
    response={200: SettingsOut, **WRITE_ERRORS},
    summary="Mute or unmute non-essential reminder emails",
)
def settings_put(request: HttpRequest, data: SettingsIn) -> SettingsOut:
    row = services.nudge_settings_set(
        actor=request.user, mute_non_essential=data.mute_non_essential
    )
    return SettingsOut(mute_non_essential=row.mute_non_essential)
