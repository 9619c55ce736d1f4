"""One clock: every time a person reads is in their own time zone, with the zone named.

The rule is defined here once. Pages use the `{% when %}` tag (core/templatetags/clock.py),
e-mails and calendar files call `zone_of` and `format_when` for their recipient. The
database and the server keep UTC; nothing here activates a zone for a whole request,
because aggregates (months, "today" in the insights) must not change with who looks.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from typing import Any, Literal

from babel import dates
from django.conf import settings
from django.utils import translation

from mentorwise.core.languages import PSEUDO
from mentorwise.core.pseudo import pseudo

Style = Literal["datetime", "date", "time"]


def zone_named(name: str) -> zoneinfo.ZoneInfo:
    """The zone of an IANA name; the site's zone for an empty or unknown one."""
    for candidate in (name, settings.TIME_ZONE, "UTC"):
        if not candidate:
            continue
        try:
            return zoneinfo.ZoneInfo(candidate)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
    return zoneinfo.ZoneInfo("UTC")


def zone_of(subject: Any) -> zoneinfo.ZoneInfo:
    """The time zone of a person, or of a login through its person: the person's own time
    zone (from the HRIS), else the site's (`TIME_ZONE`, UTC by default)."""
    person = getattr(subject, "person", None) if not hasattr(subject, "time_zone") else subject
    return zone_named(getattr(person, "time_zone", "") or "")


def zone_label(value: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    """How the zone is named at `value`: its abbreviation (CET, CEST, EST, UTC) where it has
    one, else its IANA name (Asia/Dubai's abbreviation is only "+04")."""
    abbreviation = value.astimezone(zone).tzname() or ""
    return abbreviation if abbreviation.isalpha() else zone.key


def format_when(value: dt.datetime, zone: zoneinfo.ZoneInfo, style: Style = "datetime") -> str:
    """`Tue 9 Dec 2026, 10:00 CET`: the moment `value` in `zone`, with the zone named, in the
    active language (`Di., 9. Dez. 2026, 10:00 CET` in German).

    `style="date"` gives the day only (`Tue 9 Dec 2026`: the day it is in that zone),
    `style="time"` the time only (`10:00 CET`).
    """
    local = value.astimezone(zone)
    day = format_day(local.date())
    time = f"{_format_time(local)} {zone_label(value, zone)}"
    if style == "date":
        return day
    if style == "time":
        return time
    return f"{day}, {time}"


def format_day(value: dt.date) -> str:
    """A day with its weekday, in the active language: `Tue 9 Dec 2026` in English, else the
    language's own order and names (Unicode CLDR, through Babel)."""
    locale = _locale()
    if locale == "en":
        english = f"{value:%a} {value.day} {value:%b %Y}"
        return pseudo(english) if translation.get_language() == PSEUDO.code else english
    return dates.format_skeleton("yMMMEd", value, locale=locale)


def _format_time(local: dt.datetime) -> str:
    locale = _locale()
    if locale == "en":
        return f"{local:%H:%M}"
    return dates.format_skeleton("Hm", local.replace(tzinfo=None), locale=locale)


def _locale() -> str:
    """The active language as a CLDR locale; the pseudo-locale formats as English."""
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in _CLDR else "en"


_CLDR = {"en", "de", "fr", "es", "ja", "ar"}


def group_by_zone(people: Iterable[Any]) -> dict[zoneinfo.ZoneInfo, list[Any]]:
    """People grouped by their time zone, in first-seen order: one e-mail per group, so
    everyone reads the times in their own zone."""
    groups: dict[zoneinfo.ZoneInfo, list[Any]] = {}
    for person in people:
        groups.setdefault(zone_of(person), []).append(person)
    return groups


WHEN = "{when}"


def fill_when(text: str, at: dt.datetime | None, zone: zoneinfo.ZoneInfo) -> str:
    """A stored text whose `{when}` names the moment `at`, written for a reader in `zone`.

    Texts that several people read (a timeline entry) keep the placeholder instead of a
    time fixed in the writer's zone.
    """
    if at is None or WHEN not in text:
        return text
    return text.replace(WHEN, format_when(at, zone))
