"""Suggested times for a circle's next meeting: every participant's working hours and
connected calendar (a real Radicale server) across three zones and a clock change, checked
by an independent reading with zoneinfo; who may ask; the page, its partial and "Use this
time", which fills the schedule form without booking anything."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

import caldav
import pytest
import time_machine

from conftest import api_client, make_person, make_user, page_client
from mentorwise.availability import services as availability
from mentorwise.availability.tests.radicale import radicale
from mentorwise.circles.inputs import Closure
from mentorwise.circles.models import Circle, CircleMeeting
from mentorwise.circles.oversight import circle_close
from mentorwise.circles.tests.factories import enroll, formed_circle, group_program, participant
from mentorwise.people.models import Person

__all__ = ["radicale"]
UTC = dt.UTC
ZONES = {
    "lead": zoneinfo.ZoneInfo("Europe/Berlin"),
    "ny": zoneinfo.ZoneInfo("America/New_York"),
    "london": zoneinfo.ZoneInfo("Europe/London"),
}
pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _plain_http(settings: Any) -> None:
    settings.MENTORWISE_ALLOW_PLAIN_HTTP = True


@pytest.fixture
def world(hr_admin: Any, program_manager_user: Any) -> dict[str, Any]:
    program = group_program(hr_admin, program_manager_user)
    lead, lead_e = participant(program, "mentor", job_level=8, time_zone="Europe/Berlin")
    ny, ny_e = participant(program, "mentee", time_zone="America/New_York")
    london, london_e = participant(program, "mentee", time_zone="Europe/London")
    others = [enroll(program, "mentee", time_zone="Europe/Berlin") for _ in range(2)]
    circle = formed_circle(hr_admin, program, [lead_e], [ny_e, london_e, *others])
    return {"circle": circle, "lead": lead, "ny": ny, "london": london, "pm": program_manager_user}


def _busy_calendar(radicale: Any, user: Any) -> None:
    """The London member's CalDAV calendar: busy every weekday 14:00-15:00 UTC in March."""
    client = caldav.DAVClient(
        url=radicale.url, username="ana", password=radicale.users["ana"], timeout=10
    )
    calendar = client.principal().make_calendar(name=f"circle-{user.pk}")
    calendar.save_event(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:busy-{user.pk}@t\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART:20260302T140000Z\r\nDTEND:20260302T150000Z\r\n"
        "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20260401T000000Z\r\n"
        "SUMMARY:Secret board prep\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    availability.caldav_connect(
        actor=user,
        data=availability.CalDavInput(str(calendar.url), "ana", radicale.users["ana"]),
    )


def _inside_hours(start: dt.datetime, end: dt.datetime, zone: zoneinfo.ZoneInfo) -> bool:
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    return (
        local_start.weekday() < 5
        and local_start.date() == local_end.date()
        and dt.time(9) <= local_start.time()
        and local_end.time() <= dt.time(17)
    )


@time_machine.travel(NOW, tick=False)
def test_times_suit_everyone_in_three_zones_and_avoid_a_members_busy_time(
    world: dict[str, Any], radicale: Any
) -> None:
    _busy_calendar(radicale, world["london"])
    circle: Circle = world["circle"]
    answer = api_client(world["lead"]).get(f"/api/circles/{circle.pk}/suggested-times")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["your_zone"] == "Europe/Berlin"
    assert body["other_zones"] == ["America/New_York", "Europe/London"]
    assert body["people"] == 5 and body["calendars_read"] == 1
    assert len(body["times"]) == 5
    crossed = False
    for shown in body["times"]:
        assert shown["attending"] == 5
        start = dt.datetime.fromisoformat(shown["starts_at"])
        end = dt.datetime.fromisoformat(shown["ends_at"])
        # An independent reading of the rules with zoneinfo (not the slot finder's code).
        assert all(_inside_hours(start, end, zone) for zone in ZONES.values()), start
        busy = dt.datetime.combine(start.date(), dt.time(14), tzinfo=UTC)
        if start.date() < dt.date(2026, 4, 1):  # the busy series ends with March
            assert end <= busy or start >= busy + dt.timedelta(hours=1), start
        assert start >= NOW + dt.timedelta(hours=2)
        # Each zone named as it is on that day (the US clock change, then Europe's).
        assert shown["yours"].endswith(start.astimezone(ZONES["lead"]).strftime("%H:%M %Z"))
        assert shown["elsewhere"] == [
            shown["elsewhere"][0].split(", ")[0]
            + ", "
            + start.astimezone(ZONES[key]).strftime("%H:%M %Z")
            for key in ("ny", "london")
        ]
        us_summer = start >= dt.datetime(2026, 3, 8, 7, tzinfo=UTC)
        assert shown["elsewhere"][0].endswith("EDT" if us_summer else "EST")
        crossed |= us_summer
    assert crossed, "the suggestions should reach past the US clock change"
    assert "Secret" not in answer.content.decode()


@time_machine.travel(NOW, tick=False)
def test_the_page_partial_and_use_this_time(world: dict[str, Any]) -> None:
    circle: Circle = world["circle"]
    client = page_client(world["lead"])
    url = f"/circles/{circle.pk}/suggested-times/"
    detail = client.get(f"/circles/{circle.pk}/").content.decode()
    assert url in detail and 'hx-target="#suggested-times"' in detail
    page, partial = client.get(url), client.get(url, HTTP_HX_REQUEST="true")
    for response in (page, partial):
        assert response.status_code == 200
        text = response.content.decode()
        assert "Times for Circle A" in text and "Everyone" in text
        assert "EST" in text and "GMT" in text and "CET" in text
    assert "<html" in page.content.decode() and "<html" not in partial.content.decode()
    use = re.search(r'href="([^"]*\?at=[^"]*)"', partial.content.decode())
    assert use is not None
    form = client.get(use.group(1).replace("&amp;", "&")).content.decode()
    assert re.search(r'name="starts_at" required value="2026-03-\d\dT\d\d:\d\d"', form)
    assert not CircleMeeting.objects.exists()
    # Anything else handed back is ignored, not echoed.
    odd = client.get(f"/circles/{circle.pk}/?at=%22%3E%3Cscript%3E").content.decode()
    assert "<script>" not in odd and 'name="starts_at" required>' in odd


def test_only_facilitators_may_ask(world: dict[str, Any], hr_admin: Any, outsider: Any) -> None:
    circle: Circle = world["circle"]
    url = f"/circles/{circle.pk}/suggested-times/"
    api = f"/api/circles/{circle.pk}/suggested-times"
    stranger = make_user(make_person())
    for user, status in (
        (world["ny"], 403),  # a member
        (world["pm"], 403),  # an overseer
        (hr_admin, 403),
        (outsider, 404),
        (stranger, 404),
    ):
        for response in (
            page_client(user).get(url),
            page_client(user).get(url, HTTP_HX_REQUEST="true"),
            api_client(user).get(api),
        ):
            assert response.status_code == status, (user, response.status_code)
            assert "suit" not in response.content.decode()


def test_a_closed_circle_has_no_suggestions(world: dict[str, Any], hr_admin: Any) -> None:
    circle: Circle = world["circle"]
    circle_close(actor=hr_admin, circle=circle, data=Closure(reason="Done", outcomes="Done"))
    answer = api_client(world["lead"]).get(f"/api/circles/{circle.pk}/suggested-times")
    assert answer.status_code == 409
    page = page_client(world["lead"]).get(f"/circles/{circle.pk}/suggested-times/")
    assert page.status_code == 409 and "closed" in page.content.decode()


@time_machine.travel(NOW, tick=False)
def test_a_circle_across_the_world_gets_times_most_can_come_to(
    world: dict[str, Any], hr_admin: Any
) -> None:
    """Los Angeles, New York and Sydney have no working hour in common: the times offered
    are those all but one can come to, the facilitator always, and say so."""
    circle: Circle = world["circle"]
    Person.objects.filter(enrollments__circle_memberships__circle=circle).update(
        time_zone="Australia/Sydney"
    )
    Person.objects.filter(user=world["lead"]).update(time_zone="America/Los_Angeles")
    Person.objects.filter(user=world["ny"]).update(time_zone="America/New_York")
    body = api_client(world["lead"]).get(f"/api/circles/{circle.pk}/suggested-times").json()
    assert len(body["times"]) == 5
    la, sydney = zoneinfo.ZoneInfo("America/Los_Angeles"), zoneinfo.ZoneInfo("Australia/Sydney")
    for shown in body["times"]:
        start = dt.datetime.fromisoformat(shown["starts_at"])
        end = dt.datetime.fromisoformat(shown["ends_at"])
        assert shown["attending"] == 4  # everyone but New York
        assert _inside_hours(start, end, la) and _inside_hours(start, end, sydney)
    page = page_client(world["lead"]).get(f"/circles/{circle.pk}/suggested-times/")
    assert "4 of 5" in page.content.decode()
