"""Sane dates: a meeting outside its relationship's span is refused by the service, so the
page, HTMX and the API all refuse it, nothing is written and nobody is e-mailed; a meeting
before the relationship began never counts toward its health."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from mentorwise.accounts.services import api_token_create
from mentorwise.core.errors import InvalidInput
from mentorwise.relationships import inputs, selectors, services
from mentorwise.relationships.health import relationship_health
from mentorwise.relationships.models import Meeting, MeetingStatus, RelationshipEvent
from mentorwise.relationships.span import MAX_DAYS_AHEAD, MEETING_GRACE_DAYS

pytestmark = pytest.mark.django_db
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")  # where the test people are


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=BERLIN)


@pytest.fixture
def ends_soon(relationship):
    relationship.planned_end_date = timezone.localdate() + dt.timedelta(days=20)
    relationship.save(update_fields=["planned_end_date"])
    return relationship


@pytest.mark.parametrize(
    "when",
    [
        dt.datetime(2020, 3, 2, 10, tzinfo=dt.UTC),
        dt.datetime(9999, 12, 31, 23, tzinfo=dt.UTC),
        dt.datetime(1, 1, 1, 0, 30, tzinfo=dt.UTC),
    ],
    ids=["2020", "9999", "year-1"],
)
def test_absurd_dates_are_refused_for_scheduling(
    ends_soon, mentee, when, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidInput) as caught:
        services.meeting_schedule(
            actor=mentee, relationship=ends_soon, data=inputs.MeetingSchedule(starts_at=when)
        )
    (error,) = caught.value.errors
    assert error.field == "starts_at"
    assert not Meeting.objects.exists() and not mail.outbox


def test_span_boundaries_in_the_persons_zone(ends_soon, mentee):
    start_day = ends_soon.started_at.astimezone(BERLIN).date()
    last_day = ends_soon.planned_end_date + dt.timedelta(days=MEETING_GRACE_DAYS)
    # The last day of the grace period is fine, the day after is not.
    services.meeting_schedule(
        actor=mentee,
        relationship=ends_soon,
        data=inputs.MeetingSchedule(starts_at=at(last_day, 20)),
    )
    with pytest.raises(InvalidInput, match="after the planned end"):
        services.meeting_schedule(
            actor=mentee,
            relationship=ends_soon,
            data=inputs.MeetingSchedule(starts_at=at(last_day + dt.timedelta(days=1), 9)),
        )
    # Logged on the day it started (earlier that day) is fine, the day before is not.
    services.meeting_log(
        actor=mentee,
        relationship=ends_soon,
        log=services.MeetingLog(held_at=at(start_day, 0) + dt.timedelta(minutes=5)),
    )
    with pytest.raises(InvalidInput, match="before the relationship started"):
        services.meeting_log(
            actor=mentee,
            relationship=ends_soon,
            log=services.MeetingLog(held_at=at(start_day - dt.timedelta(days=1), 23)),
        )
    assert Meeting.objects.count() == 2


def test_open_ended_relationship_schedules_at_most_a_year_ahead(relationship, mentee):
    relationship.planned_end_date = None
    relationship.save(update_fields=["planned_end_date"])
    today = timezone.now().astimezone(BERLIN).date()
    services.meeting_schedule(
        actor=mentee,
        relationship=relationship,
        data=inputs.MeetingSchedule(starts_at=at(today + dt.timedelta(days=300))),
    )
    with pytest.raises(InvalidInput, match=f"more than {MAX_DAYS_AHEAD} days ahead"):
        services.meeting_schedule(
            actor=mentee,
            relationship=relationship,
            data=inputs.MeetingSchedule(
                starts_at=at(today + dt.timedelta(days=MAX_DAYS_AHEAD + 1))
            ),
        )


def test_reschedule_into_another_year_is_refused_and_nothing_changes(ends_soon, mentee):
    when = at(timezone.localdate() + dt.timedelta(days=3))
    meeting = services.meeting_schedule(
        actor=mentee, relationship=ends_soon, data=inputs.MeetingSchedule(starts_at=when)
    )
    with pytest.raises(InvalidInput):
        services.meeting_reschedule(
            actor=mentee,
            meeting=meeting,
            data=inputs.MeetingMove(starts_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)),
        )
    meeting.refresh_from_db()
    assert meeting.starts_at == when and meeting.sequence == 0


def test_api_refuses_with_the_field_and_sends_nothing(
    ends_soon, mentee, django_capture_on_commit_callbacks
):
    _, raw = api_token_create(actor=mentee, name="t", scope="admin")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/relationships/{ends_soon.pk}/meetings",
            {"starts_at": "9999-06-01T10:00:00+00:00"},
            content_type="application/json",
        )
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["field"] == "starts_at"
    assert "after the planned end" in body["errors"][0]["message"]
    assert not Meeting.objects.exists() and not mail.outbox


def test_a_meeting_before_the_start_never_counts_toward_health(relationship, mentee):
    now = timezone.now()
    started = now - dt.timedelta(days=60)
    early = started - dt.timedelta(days=3)
    with_early = relationship_health(
        now=now,
        started_at=started,
        last_meeting_at=early,
        cadence_days=14,
        latest_pulses=[],
        open_safety_reports=0,
    )
    without = relationship_health(
        now=now,
        started_at=started,
        last_meeting_at=None,
        cadence_days=14,
        latest_pulses=[],
        open_safety_reports=0,
    )
    assert with_early == without and "no meeting yet" in with_early.reason
    # Stored data from before the rule (written directly): the page's health ignores it too.
    Meeting.objects.create(
        relationship=relationship,
        starts_at=relationship.started_at - dt.timedelta(days=5),
        status=MeetingStatus.HELD,
    )
    relationship.last_meeting_at = relationship.started_at - dt.timedelta(days=5)
    relationship.save(update_fields=["last_meeting_at"])
    health = selectors.health_for_actor(actor=mentee, relationships=[relationship])
    assert "no meeting yet" in health[relationship.pk].reason
    assert not RelationshipEvent.objects.filter(kind="meeting_logged").exists()


def test_page_and_htmx_refuse_with_a_clear_message(ends_soon, mentee):
    client = Client()
    client.force_login(mentee)
    url = f"/relationships/{ends_soon.pk}/meetings/"
    page = client.post(url, {"starts_at": "9999-01-01T10:00", "duration_minutes": "60"})
    assert page.status_code == 422
    text = page.content.decode()
    assert "after the planned end" in text and 'value="9999-01-01T10:00"' in text
    htmx = client.post(
        url, {"starts_at": "2020-01-01T10:00", "duration_minutes": "60"}, HTTP_HX_REQUEST="true"
    )
    assert htmx.status_code == 422
    assert "before the relationship started" in htmx.content.decode()
    logged = client.post(
        f"/relationships/{ends_soon.pk}/meetings/log/",
        {"held_at": "2020-01-01T10:00", "duration_minutes": "60"},
    )
    assert logged.status_code == 422
    assert not Meeting.objects.exists()
