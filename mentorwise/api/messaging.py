"""API: the caller's own notification preferences (channels per kind, quiet hours), and
snoozing one of their notifications."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema

from mentorwise.api.errors import ERRORS, WRITE_ERRORS
from mentorwise.core.errors import FieldError, InvalidInput, NotFound
from mentorwise.messaging.contract import Kind
from mentorwise.messaging.selectors import ESSENTIAL_KINDS, preferences_get
from mentorwise.messaging.services import Preferences, notification_snooze, preferences_set

router = Router()


class KindOut(Schema):
    kind: str = Field(description="What the notifications are about (match_offer, nudge, ...).")
    channels: list[str] = Field(description="Where they go: email, slack, teams; [] = off.")
    essential: bool = Field(description="This kind cannot be switched off entirely.")


class PreferencesOut(Schema):
    kinds: list[KindOut]
    offered: list[str] = Field(description="The channels that can reach you now.")
    quiet_start: dt.time | None = Field(description="Quiet hours start (your time zone).")
    quiet_end: dt.time | None = Field(description="Quiet hours end (your time zone).")
    time_zone: str = Field(description="Your time zone (IANA name), from your HR record.")


class PreferencesIn(Schema):
    channels: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Kind -> channels. Kinds left out keep their setting.",
    )
    quiet_start: dt.time | None = Field(None, description="Quiet hours start, HH:MM.")
    quiet_end: dt.time | None = Field(None, description="Quiet hours end, HH:MM.")


class SnoozedOut(Schema):
    id: int
    snoozed_until: dt.datetime = Field(description="When it is delivered again.")


def _out(person_id: int, time_zone: str) -> PreferencesOut:
    view = preferences_get(person_id=person_id, time_zone=time_zone)
    return PreferencesOut(
        kinds=[
            KindOut(kind=kind.value, channels=list(channels), essential=kind in ESSENTIAL_KINDS)
            for kind, channels in view.channels.items()
        ],
        offered=list(view.offered),
        quiet_start=view.quiet_start,
        quiet_end=view.quiet_end,
        time_zone=view.zone.key,
    )


def _person(request: HttpRequest) -> tuple[int, str]:
    person = getattr(request.user, "person", None)
    if person is None:
        raise NotFound("Your login has no employee record.")
    return person.pk, person.time_zone


@router.get(
    "/me/notification-preferences",
    response={200: PreferencesOut, **ERRORS},
    summary="My notification preferences",
)
def preferences_read(request: HttpRequest) -> PreferencesOut:
    return _out(*_person(request))


@router.put(
    "/me/notification-preferences",
    response={200: PreferencesOut, **WRITE_ERRORS},
    summary="Set my channels per kind and my quiet hours",
)
def preferences_write(request: HttpRequest, data: PreferencesIn) -> PreferencesOut:
    person_id, time_zone = _person(request)
    kinds = {k.value for k in Kind}
    unknown = [k for k in data.channels if k not in kinds]
    if unknown:
        raise InvalidInput(
            [FieldError(f"channels.{k}", "No such kind of notification.", value=k) for k in unknown]
        )
    preferences_set(
        actor=request.user,
        data=Preferences(
            channels={Kind(k): tuple(v) for k, v in data.channels.items()},
            quiet_start=data.quiet_start,
            quiet_end=data.quiet_end,
        ),
    )
    return _out(person_id, time_zone)


@router.post(
    "/notifications/{notification_id}/snooze",
    response={200: SnoozedOut, **WRITE_ERRORS},
    summary="Snooze one of my notifications for a week",
)
def snooze(request: HttpRequest, notification_id: int) -> SnoozedOut:
    notification = notification_snooze(actor=request.user, notification_id=notification_id)
    assert notification.snoozed_until is not None  # noqa: S101 - set by the service
    return SnoozedOut(id=notification.pk, snoozed_until=notification.snoozed_until)
