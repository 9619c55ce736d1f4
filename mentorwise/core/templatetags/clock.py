"""`{% when value %}`: a moment in the viewer's time zone, with the zone named.

    {% load clock %}
    {% when meeting.starts_at %}          Tue 9 Dec 2026, 10:00 CET
    {% when meeting.starts_at "date" %}   Tue 9 Dec 2026
    {% viewer_zone %}                     Europe/Berlin

The viewer is the request's login (its person's time zone); see mentorwise.core.clock.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import template

from mentorwise.core.clock import Style, fill_when, format_day, format_when, zone_of

register = template.Library()


def _viewer_zone(context: template.Context) -> zoneinfo.ZoneInfo:
    request = context.get("request")
    cached = getattr(request, "_mentorwise_zone", None)
    if isinstance(cached, zoneinfo.ZoneInfo):
        return cached
    zone = zone_of(getattr(request, "user", None))
    if request is not None:
        request._mentorwise_zone = zone  # one lookup per page, however many times it shows
    return zone


@register.simple_tag(takes_context=True)
def when(context: template.Context, value: Any, style: Style = "datetime") -> str:
    """The moment in the viewer's zone; a date (no time of day) as it is; nothing for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return format_when(value, _viewer_zone(context), style)
    if isinstance(value, dt.date):
        return format_day(value)
    return str(value)


@register.simple_tag(takes_context=True)
def viewer_zone(context: template.Context) -> str:
    """The IANA name of the viewer's time zone, e.g. Europe/Berlin."""
    return _viewer_zone(context).key


@register.simple_tag(takes_context=True)
def when_text(context: template.Context, text: str, at: dt.datetime | None) -> str:
    """A stored text with its `{when}` (the moment `at`) in the viewer's zone."""
    return fill_when(text, at, _viewer_zone(context))
