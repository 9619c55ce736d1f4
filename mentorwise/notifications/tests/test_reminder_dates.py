"""Reminders are dated on the viewer's own day (their time zone), on the reminders page and home.

A reminder created at 30 Nov 2026, 12:00 UTC is already Tue 1 Dec for someone in Auckland;
a page printing the server's UTC day would say 30 Nov.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from mentorwise.notifications.models import Nudge, NudgeKind

pytestmark = pytest.mark.django_db

MOMENT = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def mentee_in_auckland(mentee: Any) -> Any:
    mentee.person.time_zone = "Pacific/Auckland"
    mentee.person.save(update_fields=["time_zone"])
    Nudge.objects.create(
        person=mentee.person,
        kind=NudgeKind.SURVEY_DUE,
        cause="survey:test",
        subject="Your midpoint survey is due",
        body="Please answer.",
        created_at=MOMENT,
    )
    return mentee


def _page(user: Any, url: str) -> str:
    client = Client()
    client.force_login(user)
    return client.get(url).content.decode()


def test_the_reminders_page_dates_a_reminder_on_the_viewers_day(mentee_in_auckland: Any) -> None:
    page = _page(mentee_in_auckland, "/reminders/")
    assert "Tue 1 Dec 2026" in page
    assert "Nov 30" not in page and "30 Nov" not in page


def test_home_dates_a_reminder_on_the_viewers_day(mentee_in_auckland: Any) -> None:
    page = _page(mentee_in_auckland, "/")
    assert "Your midpoint survey is due" in page
    assert "Tue 1 Dec 2026" in page and "Nov 30" not in page
