"""One clock: times in the reader's zone with the zone named (checked against known facts)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from types import SimpleNamespace

from django.template import Context, Template

from mentorwise.core.clock import fill_when, format_when, group_by_zone, zone_of

UTC = dt.UTC
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def test_winter_and_summer_time_are_named():
    winter = dt.datetime(2026, 12, 9, 9, 0, tzinfo=UTC)  # 9 Dec 2026 is a Wednesday
    summer = dt.datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    assert format_when(winter, BERLIN) == "Wed 9 Dec 2026, 10:00 CET"
    assert format_when(summer, BERLIN) == "Wed 1 Jul 2026, 10:00 CEST"
    assert format_when(winter, zoneinfo.ZoneInfo("America/New_York")) == (
        "Wed 9 Dec 2026, 04:00 EST"
    )


def test_a_zone_without_an_abbreviation_is_named_by_its_iana_name():
    moment = dt.datetime(2026, 12, 9, 9, 0, tzinfo=UTC)
    assert format_when(moment, zoneinfo.ZoneInfo("Asia/Dubai")) == (
        "Wed 9 Dec 2026, 13:00 Asia/Dubai"
    )


def test_the_day_is_the_readers_day():
    late = dt.datetime(2026, 12, 9, 23, 30, tzinfo=UTC)
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    assert format_when(late, tokyo) == "Thu 10 Dec 2026, 08:30 JST"
    assert format_when(late, tokyo, "date") == "Thu 10 Dec 2026"
    assert format_when(late, tokyo, "time") == "08:30 JST"


def test_zone_of_a_person_a_login_and_nobody(settings):
    settings.TIME_ZONE = "UTC"
    person = SimpleNamespace(time_zone="Europe/Berlin")
    assert zone_of(person) == BERLIN
    assert zone_of(SimpleNamespace(person=person)) == BERLIN
    assert zone_of(SimpleNamespace(person=None)).key == "UTC"
    assert zone_of(SimpleNamespace(time_zone="Mars/Olympus")).key == "UTC"
    assert zone_of(None).key == "UTC"


def test_group_by_zone_keeps_people_of_one_zone_together():
    a, b, c = (
        SimpleNamespace(time_zone=z) for z in ("Europe/Berlin", "Asia/Tokyo", "Europe/Berlin")
    )
    groups = group_by_zone([a, b, c])
    assert [key.key for key in groups] == ["Europe/Berlin", "Asia/Tokyo"]
    assert groups[BERLIN] == [a, c]


def test_fill_when_writes_the_moment_for_each_reader():
    at = dt.datetime(2026, 12, 9, 9, 0, tzinfo=UTC)
    text = "Ana scheduled a meeting for {when}."
    assert fill_when(text, at, BERLIN) == "Ana scheduled a meeting for Wed 9 Dec 2026, 10:00 CET."
    assert fill_when(text, None, BERLIN) == text
    assert fill_when("No time here.", at, BERLIN) == "No time here."


def test_template_tags_use_the_viewers_zone():
    user = SimpleNamespace(person=SimpleNamespace(time_zone="America/New_York"))
    request = SimpleNamespace(user=user)
    template = Template(
        '{% load clock %}{% when at %}|{% when at "date" %}|{% viewer_zone %}|{% when none %}|'
        "{% when_text text at %}"
    )
    out = template.render(
        Context(
            {
                "request": request,
                "at": dt.datetime(2026, 12, 9, 9, 0, tzinfo=UTC),
                "none": None,
                "text": "moved to {when} <b>",
            }
        )
    )
    assert out == (
        "Wed 9 Dec 2026, 04:00 EST|Wed 9 Dec 2026|America/New_York||"
        "moved to Wed 9 Dec 2026, 04:00 EST &lt;b&gt;"
    )
