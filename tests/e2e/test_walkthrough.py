"""The whole program walkthrough in a real browser (headless Chromium driven by Playwright).

Program manager runs matching, approves and publishes; mentee and mentor accept; both confirm
the agreement; the mentee sets a goal, schedules a meeting (and downloads its .ics), logs it
with a private note, checks in, and closes the relationship.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core.management import call_command
from django.utils import timezone

from mentorwise.core.clock import zone_of
from mentorwise.demo.seed import DEMO_PASSWORD
from mentorwise.matches.models import Match
from mentorwise.relationships.models import PrivateNote, Relationship, RelationshipStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def logged_in(browser: Any, base: str, username: str) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm prompts
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def local_input(value: dt.datetime, zone: ZoneInfo) -> str:
    """A datetime as a `datetime-local` field holds it: the wall time of the person typing."""
    return value.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def test_program_walkthrough_in_the_browser(browser: Any, live_server: Any) -> None:
    call_command(
        "demo", "--no-serve", "--people", "400", "--seed", "5", stdout=io.StringIO(), verbosity=0
    )
    base = live_server.url
    from mentorwise.accounts.models import User

    mentee_name = User.objects.get(username="mentee").person.full_name
    mentor_name = User.objects.get(username="mentor").person.full_name

    # The program manager runs matching, approves the walkthrough pair and publishes.
    manager = logged_in(browser, base, "program.manager")
    manager.goto(f"{base}/matching/programs/leadership-mentoring/")
    manager.click("text=Run matching")
    manager.wait_for_selector("text=mentees matched in run")
    row = manager.locator("tr", has_text=mentee_name).filter(has_text=mentor_name)
    row.get_by_role("button", name="Approve").click()
    manager.locator("tr", has_text=mentee_name).get_by_text("Approved").wait_for()
    manager.click("text=Publish approved matches")
    manager.wait_for_selector("text=Published")

    # Both accept.
    for username, other in (("mentee", mentor_name), ("mentor", mentee_name)):
        page = logged_in(browser, base, username)
        page.goto(f"{base}/relationships/")
        # Each offer is a card about the other person (their profile), with the answers.
        card = page.locator("[id^=offer-]", has_text=other)
        card.get_by_role("button", name="Accept").click()
        page.wait_for_load_state()
    match = Match.objects.get(mentee__person__user__username="mentee", status="accepted")
    relationship = Relationship.objects.get(match=match)
    detail = f"{base}/relationships/{relationship.pk}/"

    # Both confirm the agreement.
    mentee = logged_in(browser, base, "mentee")
    mentor = logged_in(browser, base, "mentor")
    for page in (mentee, mentor):
        page.goto(detail)
        page.click("text=Confirm version 1")
        page.wait_for_load_state()
    mentee.goto(detail)
    assert "Confirmed by both" in mentee.content() or "confirmed" in mentee.content().lower()

    # A goal.
    mentee.click("text=Add a SMART goal")
    mentee.fill("#g_title", "Present to the leadership team")
    mentee.fill("#g_specific", "Present my team's results at the quarterly review")
    mentee.click("text=Add goal")
    mentee.wait_for_selector("text=Present to the leadership team")

    # A meeting: schedule, open its .ics, log it with a private note. Times are typed in the
    # mentee's own zone; the meeting was held an hour ago, or at the relationship's start if
    # that was less than an hour ago (in the first hour of a day, an hour earlier is the day
    # before the start, which the span rule rightly refuses).
    zone = zone_of(User.objects.get(username="mentee"))
    mentee.fill("#ms_starts_at", local_input(timezone.now() + dt.timedelta(days=3), zone))
    mentee.fill("#ms_location", "Video call")
    mentee.click("text=Schedule and send invitations")
    ics_link = mentee.locator("a", has_text="Calendar file (.ics)").first
    ics = mentee.request.get(base + ics_link.get_attribute("href"))
    assert ics.ok and ics.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(ics.body())
    event = next(iter(calendar.walk("VEVENT")))
    assert str(calendar["METHOD"]) == "REQUEST" and event["UID"]
    mentee.locator("summary", has_text="Log as held").first.click()
    held = mentee.locator("form", has=mentee.locator("input[name=meeting]")).first
    held.locator("input[name=held_at]").fill(
        local_input(max(timezone.now() - dt.timedelta(hours=1), relationship.started_at), zone)
    )
    held.locator("input[name=topics]").fill("Preparing the presentation")
    held.locator("textarea[name=private_note]").fill("She is more confident than she thinks.")
    held.get_by_role("button", name="Log meeting").click()
    mentee.wait_for_selector("text=Preparing the presentation")
    note = PrivateNote.objects.get(meeting__relationship=relationship)
    assert note.author.username == "mentee"
    mentor.goto(detail)
    assert "more confident than she thinks" not in mentor.content()

    # A check-in, then closure.
    mentee.goto(detail)
    mentee.select_option("#ci_pulse", "5")
    mentee.click("text=Check in")
    mentee.wait_for_selector("text=Thanks for checking in")
    mentee.goto(detail)
    mentee.click("text=Close the relationship…")
    mentee.wait_for_selector("text=What will happen")
    mentee.check("input[name=kind][value=planned]")
    mentee.get_by_role("button", name="Close the relationship").click()
    mentee.wait_for_selector("text=Relationship closed")
    relationship.refresh_from_db()
    assert relationship.status == RelationshipStatus.CLOSED
    assert relationship.check_ins.filter(pulse=5).exists()
