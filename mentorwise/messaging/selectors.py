"""Messaging reads: a person's channels per kind, their quiet hours, what can reach them."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Collection
from dataclasses import dataclass

from mentorwise.core.clock import zone_named
from mentorwise.messaging.contract import Kind, adapters
from mentorwise.messaging.models import ChannelPreference, QuietHours

EMAIL = "email"
DEFAULT_CHANNELS: tuple[str, ...] = (EMAIL,)
# Kinds a person cannot switch off entirely: they need an answer or carry an obligation.
ESSENTIAL_KINDS = frozenset({Kind.MATCH_OFFER, Kind.MEETING, Kind.RELATIONSHIP, Kind.SAFETY})
# Kinds whose channel is fixed: a safety report's handling goes by e-mail only.
EMAIL_ONLY_KINDS = frozenset({Kind.SAFETY})


def channels_offered(person_id: int) -> list[str]:
    """The channels that can reach this person now, e-mail first."""
    found = [EMAIL]
    for code, adapter in sorted(adapters().items()):
        if code != EMAIL and person_id in adapter.reachable([person_id]):
            found.append(code)
    return found


def channels_chosen(person_ids: Collection[int], kind: Kind) -> dict[int, tuple[str, ...]]:
    """Each person's channels for `kind` (e-mail where they chose nothing; () = off)."""
    if kind in EMAIL_ONLY_KINDS:
        return dict.fromkeys(person_ids, DEFAULT_CHANNELS)
    chosen = dict.fromkeys(person_ids, DEFAULT_CHANNELS)
    rows = ChannelPreference.objects.filter(person_id__in=person_ids, kind=kind).values_list(
        "person_id", "channels"
    )
    for person_id, channels in rows:
        chosen[person_id] = tuple(channels)
    return chosen


def kinds_switched_off(
    person_ids: Collection[int], kinds: Collection[Kind]
) -> set[tuple[int, str]]:
    """(person id, kind) pairs the person switched off (no channel), in one query."""
    rows = ChannelPreference.objects.filter(person_id__in=person_ids, kind__in=kinds).values_list(
        "person_id", "kind", "channels"
    )
    return {(person_id, kind) for person_id, kind, channels in rows if not channels}


@dataclass(frozen=True)
class PreferencesView:
    """One person's settings as the preferences page and the API show them."""

    channels: dict[Kind, tuple[str, ...]]
    offered: tuple[str, ...]
    quiet_start: dt.time | None
    quiet_end: dt.time | None
    zone: zoneinfo.ZoneInfo


def preferences_get(*, person_id: int, time_zone: str) -> PreferencesView:
    chosen = dict.fromkeys(Kind, DEFAULT_CHANNELS)
    for kind, channels in ChannelPreference.objects.filter(person_id=person_id).values_list(
        "kind", "channels"
    ):
        if Kind(kind) not in EMAIL_ONLY_KINDS:
            chosen[Kind(kind)] = tuple(channels)
    quiet = QuietHours.objects.filter(person_id=person_id).first()
    return PreferencesView(
        channels=chosen,
        offered=tuple(channels_offered(person_id)),
        quiet_start=quiet.start if quiet else None,
        quiet_end=quiet.end if quiet else None,
        zone=zone_named(time_zone),
    )


def quiet_until(
    now: dt.datetime, start: dt.time, end: dt.time, zone: zoneinfo.ZoneInfo
) -> dt.datetime | None:
    """When the quiet hours `start`-`end` (wall-clock in `zone`) around `now` end, or None
    when `now` is outside them. Across a DST change the end is the first instant whose
    wall-clock time reaches `end` (a skipped hour moves it later, never earlier)."""
    local = now.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    inside = start <= clock < end if start < end else (clock >= start or clock < end)
    if not inside:
        return None
    day = local.date()
    for offset in (0, 1, 2):
        candidate = dt.datetime.combine(day + dt.timedelta(days=offset), end, tzinfo=zone)
        # Normalise through UTC: a wall-clock time in a DST gap maps to the instant after it.
        instant = candidate.astimezone(dt.UTC)
        if instant > now:
            return instant
    return None  # pragma: no cover - an end time always comes within two days
