"""Forms that help on the relationship page: errors beside their field by label, typed values
kept (full page and HTMX), required fields marked; closing confirms first and cancels planned
meetings with an RFC 5545 CANCEL; "Confirm version N" goes once you confirmed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from mentorwise.core.errors import FieldError, InvalidInput
from mentorwise.core.forms import describe
from mentorwise.relationships import inputs, services
from mentorwise.relationships.closing import closure_kind_default
from mentorwise.relationships.forms import local_input_value
from mentorwise.relationships.models import (
    ClosureKind,
    Meeting,
    MeetingStatus,
    RelationshipStatus,
)

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def soon_local(days: int = 3) -> str:
    return f"{(timezone.now() + dt.timedelta(days=days)).date()}T10:00"


def field_html(page: str, field_id: str) -> str:
    """The <div class="field"> block holding the input `field_id`."""
    blocks = re.findall(r'<div class="field[^"]*">.*?</div>', page, re.S)
    (block,) = [b for b in blocks if f'id="{field_id}"' in b]
    return block


def test_service_error_lands_beside_its_field_with_the_label_and_values_kept(relationship, mentee):
    response = client_for(mentee).post(
        f"/relationships/{relationship.pk}/meetings/",
        {"starts_at": soon_local(), "duration_minutes": "0", "location": "Room 7"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    block = field_html(page, "ms_duration_minutes")
    assert (
        'aria-invalid="true"' in block and 'aria-describedby="ms_duration_minutes_error"' in block
    )
    assert "must be 5 to 480 minutes (you entered 0)" in block
    # Typed values are kept, the message region names the label, never the field name.
    assert f'value="{soon_local()}"' in page and 'value="Room 7"' in page
    assert "Minutes: must be 5 to 480 minutes (you entered 0)" in page
    assert "duration_minutes (" not in page and "duration_minutes:" not in page
    assert not Meeting.objects.exists()


def test_required_fields_are_marked_visually_and_for_screen_readers(relationship, mentee):
    page = client_for(mentee).get(f"/relationships/{relationship.pk}/").content.decode()
    block = field_html(page, "ms_starts_at")
    assert 'aria-required="true"' in block and "required-mark" in block
    assert "(required)" in block
    assert "aria-required" not in field_html(page, "ms_location")


def test_htmx_refusal_returns_only_the_bound_form(relationship, mentee):
    response = client_for(mentee).post(
        f"/relationships/{relationship.pk}/meetings/log/",
        {"held_at": "2020-01-01T10:00", "topics": "Budget talk", "duration_minutes": "45"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422 and response["HX-Reswap"] == "outerHTML"
    body = response.content.decode()
    assert "<html" not in body and body.lstrip().startswith("<form")
    assert 'value="Budget talk"' in body and 'value="45"' in body
    assert "before the relationship started" in field_html(body, "lg_held_at")
    assert 'hx-swap-oob="true"' in body and "Held at (your time zone): is before" in body
    assert not Meeting.objects.exists()


def test_htmx_success_sends_the_browser_back_to_the_page(relationship, mentee):
    response = client_for(mentee).post(
        f"/relationships/{relationship.pk}/meetings/",
        {"starts_at": soon_local()},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    assert Meeting.objects.get().duration_minutes == 60


def test_a_refused_move_reopens_that_meetings_form_with_the_typed_time(relationship, mentee):
    meeting = services.meeting_schedule(
        actor=mentee,
        relationship=relationship,
        data=inputs.MeetingSchedule(starts_at=timezone.now() + dt.timedelta(days=2)),
    )
    response = client_for(mentee).post(
        f"/relationships/meetings/{meeting.pk}/reschedule/", {"starts_at": "9999-01-01T10:00"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    block = field_html(page, f"move{meeting.pk}_starts_at")
    assert 'value="9999-01-01T10:00"' in block and "after the planned end" in block
    assert re.search(r"<details open><summary>Move</summary>", page)


def test_unparseable_input_is_named_by_label(relationship, mentee):
    response = client_for(mentee).post(
        f"/relationships/{relationship.pk}/meetings/",
        {"starts_at": "next tuesday", "duration_minutes": "an hour"},
    )
    page = response.content.decode()
    assert "Enter a date and time." in field_html(page, "ms_starts_at")
    assert "Enter a whole number." in field_html(page, "ms_duration_minutes")
    assert 'value="next tuesday"' in page and 'value="an hour"' in page


def test_describe_uses_labels_and_humanizes_the_rest():
    labels = {"duration_minutes": "Minutes"}
    assert describe(FieldError("duration_minutes", "must be 5 to 480", value="0"), labels) == (
        "Minutes: must be 5 to 480 (you entered 0)"
    )
    assert describe(FieldError("meeting_cadence_days", "must be 1 to 365"), {}) == (
        "Meeting cadence days: must be 1 to 365"
    )


def test_other_page_actions_name_fields_by_label(relationship, mentee):
    client = client_for(mentee)
    goal = services.goal_create(
        actor=mentee, relationship=relationship, fields=services.GoalFields(title="G")
    )
    page = client.post(
        f"/relationships/goals/{goal.pk}/progress/", {"progress": "140"}, follow=True
    ).content.decode()
    assert "Progress (%): must be 0 to 100 (you entered 140)" in page
    assert "progress (" not in page


def test_check_in_refusal_stays_beside_its_field(relationship, mentee):
    response = client_for(mentee).post(
        f"/relationships/{relationship.pk}/check-ins/", {"pulse": "9", "comment": "Kept"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Select a valid choice" in field_html(page, "ci_pulse")
    assert 'value="Kept"' in page and not relationship.check_ins.exists()


def test_confirm_button_disappears_once_you_confirmed(relationship, mentee, mentor):
    ana = client_for(mentee)
    url = f"/relationships/{relationship.pk}/"
    assert "Confirm version 1" in ana.get(url).content.decode()
    ana.post(f"{url}agreement/confirm/", {"version": "1"})
    page = ana.get(url).content.decode()
    assert "Confirm version 1" not in page and "You confirmed version 1" in page
    assert "Confirm version 1" in client_for(mentor).get(url).content.decode()


# Closing -------------------------------------------------------------------------------


def test_default_kind_is_planned_only_from_the_planned_end(relationship):
    end = dt.date(2027, 6, 30)
    relationship.planned_end_date = end
    assert closure_kind_default(relationship, end - dt.timedelta(days=120)) == ClosureKind.EARLY
    assert closure_kind_default(relationship, end - dt.timedelta(days=1)) == ClosureKind.EARLY
    assert closure_kind_default(relationship, end) == ClosureKind.PLANNED
    assert closure_kind_default(relationship, end + dt.timedelta(days=3)) == ClosureKind.PLANNED
    relationship.planned_end_date = None
    assert closure_kind_default(relationship, end) == ClosureKind.EARLY


def test_close_page_says_what_will_happen_and_changes_nothing(relationship, mentee):
    relationship.planned_end_date = timezone.localdate() + dt.timedelta(days=120)
    relationship.save(update_fields=["planned_end_date"])
    services.meeting_schedule(
        actor=mentee,
        relationship=relationship,
        data=inputs.MeetingSchedule(
            starts_at=timezone.now() + dt.timedelta(days=4), location="Room 9"
        ),
    )
    page = client_for(mentee).get(f"/relationships/{relationship.pk}/close/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "What will happen" in text and "1 planned meeting will be cancelled" in text
    assert "Room 9" in text and "closing survey" in text
    # Four months before the planned end, the early kind is preset.
    assert re.search(r'<input type="radio" name="kind" value="early"[^>]*checked', text)
    assert not re.search(r'value="planned"[^>]*checked', text)
    relationship.refresh_from_db()
    assert relationship.status == RelationshipStatus.ACTIVE
    assert Meeting.objects.get().status == MeetingStatus.SCHEDULED


def test_closing_early_without_a_reason_keeps_what_was_typed(relationship, mentee):
    response = client_for(mentee).post(
        f"/relationships/{relationship.pk}/close/", {"kind": "early", "rematch": "on"}
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "an early closure needs a reason" in field_html(text, "id_reason")
    assert re.search(r'name="rematch"[^>]*checked', text)
    relationship.refresh_from_db()
    assert relationship.status == RelationshipStatus.ACTIVE


def test_closing_cancels_future_meetings_and_sends_cancel_to_both(
    relationship, mentee, mentor, django_capture_on_commit_callbacks
):
    mentor.person.time_zone = "America/New_York"
    mentor.person.save(update_fields=["time_zone"])
    future = services.meeting_schedule(
        actor=mentee,
        relationship=relationship,
        data=inputs.MeetingSchedule(starts_at=timezone.now() + dt.timedelta(days=5)),
    )
    held = services.meeting_log(
        actor=mentee,
        relationship=relationship,
        log=services.MeetingLog(held_at=timezone.now() - dt.timedelta(days=2)),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(mentee).post(
            f"/relationships/{relationship.pk}/close/", {"kind": "early", "reason": "Moved teams"}
        )
    assert response.status_code == 302
    future.refresh_from_db()
    held.refresh_from_db()
    assert future.status == MeetingStatus.CANCELLED and future.sequence == 1
    assert held.status == MeetingStatus.HELD
    cancels = [m for m in mail.outbox if m.attachments]
    assert {tuple(m.to) for m in cancels} == {(mentee.person.email,), (mentor.person.email,)}
    for message in cancels:
        _name, content, mimetype = message.attachments[0]
        assert "method=CANCEL" in mimetype
        calendar = Calendar.from_ical(content)
        (event,) = calendar.walk("VEVENT")
        assert calendar["METHOD"] == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
        assert str(event["UID"]) == future.uid and int(event["SEQUENCE"]) == 1
    relationship.refresh_from_db()
    assert relationship.status == RelationshipStatus.CLOSED
    assert "1 planned meeting was cancelled" in relationship.events.latest("id").text


def test_api_close_cancels_future_meetings_too(relationship, mentee):
    from mentorwise.accounts.services import api_token_create

    future = services.meeting_schedule(
        actor=mentee,
        relationship=relationship,
        data=inputs.MeetingSchedule(starts_at=timezone.now() + dt.timedelta(days=5)),
    )
    _, raw = api_token_create(actor=mentee, name="t", scope="admin")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = api.post(
        f"/api/relationships/{relationship.pk}/close",
        {"kind": "early", "reason": "Moved"},
        content_type="application/json",
    )
    assert response.status_code == 200
    future.refresh_from_db()
    assert future.status == MeetingStatus.CANCELLED


def test_others_cannot_reach_the_close_page_or_close(relationship, other_mentee):
    client = client_for(other_mentee)
    assert client.get(f"/relationships/{relationship.pk}/close/").status_code == 404
    assert (
        client.post(
            f"/relationships/{relationship.pk}/close/", {"kind": "early", "reason": "x"}
        ).status_code
        == 404
    )
    relationship.refresh_from_db()
    assert relationship.status == RelationshipStatus.ACTIVE


def test_service_refusal_of_an_unknown_kind_is_all_at_once(relationship, mentee):
    with pytest.raises(InvalidInput) as caught:
        services.relationship_close(
            actor=mentee,
            relationship=relationship,
            data=inputs.Closure(kind="sideways", reason="x" * 2001),
        )
    assert {e.field for e in caught.value.errors} == {"kind", "reason"}


@pytest.mark.parametrize("htmx", [False, True])
def test_an_overseer_gets_the_refusal_not_a_form(relationship, program_manager, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client_for(program_manager).post(
        f"/relationships/{relationship.pk}/meetings/",
        {"starts_at": "garbage", "location": "Room"},
        **headers,
    )
    assert response.status_code == (403 if htmx else 302)
    assert "<form" not in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_scheduled_meeting_offers_its_move_and_held_forms_filled_in(relationship, mentee):
    starts = timezone.now() + dt.timedelta(days=2)
    meeting = services.meeting_schedule(
        actor=mentee, relationship=relationship, data=inputs.MeetingSchedule(starts_at=starts)
    )
    page = client_for(mentee).get(f"/relationships/{relationship.pk}/").content.decode()
    local = local_input_value(starts, mentee)
    assert f'value="{local}"' in field_html(page, f"move{meeting.pk}_starts_at")
    assert f'value="{local}"' in field_html(page, f"held{meeting.pk}_held_at")
    assert 'value="60"' in field_html(page, f"held{meeting.pk}_duration_minutes")
    assert "<details><summary>Move</summary>" in page
