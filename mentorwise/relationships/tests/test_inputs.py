"""One input, one set of rules: each relationship validator reports every problem at once,
and the page, the API and the CLI refuse the same bad input with the same field errors,
writing nothing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from conftest import api_client, page_client
from mentorwise.core.clock import zone_of
from mentorwise.core.errors import FieldError, InvalidInput
from mentorwise.core.tests.helpers import Errors, raised_errors
from mentorwise.relationships import inputs
from mentorwise.relationships.models import (
    CheckIn,
    Goal,
    Meeting,
    Relationship,
    RelationshipStatus,
)

pytestmark = pytest.mark.django_db

_raised = raised_errors


def _shown(error: FieldError) -> str:
    """How the page shows a service's error beside its field."""
    return f"{error.message} (you entered {error.value})" if error.value else error.message


def _api_errors(response: Any) -> Errors:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid_input"
    return {
        (e["field"], _shown(FieldError(e["field"], e["message"], value=e["value"])))
        for e in body["errors"]
    }


def _page_errors(response: Any, form: str) -> Errors:
    assert response.status_code == 422
    bound = response.context[form]
    return {(field, str(m)) for field, messages in bound.errors.items() for m in messages}


def _post_json(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


# Every problem at once --------------------------------------------------------------------


def test_a_meeting_slot_is_refused_for_its_time_length_place_and_kind_at_once(
    relationship: Relationship, mentee: Any
) -> None:
    before_start = relationship.started_at - dt.timedelta(days=3)
    errors = _raised(
        lambda: inputs.meeting_schedule_validate(
            inputs.MeetingSchedule(
                starts_at=before_start,
                duration_minutes=0,
                location="x" * 301,
                conversation_type="chat",
            ),
            relationship=relationship,
            zone=zone_of(mentee),
        )
    )
    assert {field for field, _ in errors} == {
        "starts_at",
        "duration_minutes",
        "location",
        "conversation_type",
    }
    assert ("duration_minutes", "must be 5 to 480 minutes") in errors


def test_a_naive_time_is_refused_and_a_good_slot_comes_back_trimmed(
    relationship: Relationship, mentee: Any
) -> None:
    zone = zone_of(mentee)
    naive = dt.datetime(2030, 1, 1, 10, 0)
    assert ("starts_at", "a date and time with a time zone is required") in _raised(
        lambda: inputs.meeting_schedule_validate(
            inputs.MeetingSchedule(starts_at=naive), relationship=relationship, zone=zone
        )
    )
    soon = relationship.started_at + dt.timedelta(days=2)
    clean = inputs.meeting_schedule_validate(
        inputs.MeetingSchedule(starts_at=soon, location="  Room 4 "),
        relationship=relationship,
        zone=zone,
    )
    assert clean.location == "Room 4"


def test_a_meeting_log_reports_the_future_the_topics_and_the_private_note_together(
    relationship: Relationship, mentee: Any
) -> None:
    now = relationship.started_at + dt.timedelta(days=5)
    errors = _raised(
        lambda: inputs.meeting_log_validate(
            inputs.MeetingLog(
                held_at=now + dt.timedelta(days=2),
                topics="t" * 301,
                private_note="p" * 20001,
                conversation_type="chat",
            ),
            relationship=relationship,
            zone=zone_of(mentee),
            now=now,
        )
    )
    assert errors == {
        ("held_at", "a meeting can be logged once it has taken place"),
        ("topics", "must be at most 300 characters"),
        ("private_note", "must be at most 20000 characters"),
        ("conversation_type", "unknown"),
    }


def test_a_move_keeps_the_length_and_place_left_out(
    relationship: Relationship, mentor: Any
) -> None:
    starts = relationship.started_at + dt.timedelta(days=3)
    meeting = Meeting(relationship=relationship, starts_at=starts, duration_minutes=45)
    meeting.location = "Room 9"
    slot = inputs.meeting_move_validate(
        inputs.MeetingMove(starts_at=starts + dt.timedelta(days=1)),
        meeting=meeting,
        zone=zone_of(mentor),
    )
    assert (slot.duration_minutes, slot.location) == (45, "Room 9")
    assert {"duration_minutes", "location"} == {
        field
        for field, _ in _raised(
            lambda: inputs.meeting_move_validate(
                inputs.MeetingMove(starts_at=starts, duration_minutes=481, location="x" * 301),
                meeting=meeting,
                zone=zone_of(mentor),
            )
        )
    }


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (
            lambda: inputs.agreement_terms_validate(
                inputs.AgreementTerms(
                    meeting_cadence_days=0, pair_objectives="o" * 5001, confidentiality="c" * 5001
                )
            ),
            {
                ("meeting_cadence_days", "must be 1 to 365 days"),
                ("pair_objectives", "must be at most 5000 characters"),
                ("confidentiality", "must be at most 5000 characters"),
            },
        ),
        (
            lambda: inputs.goal_fields_validate(
                inputs.GoalFields(title=" ", specific="s" * 5001, relevant="r" * 5001)
            ),
            {
                ("title", "is required"),
                ("specific", "must be at most 5000 characters"),
                ("relevant", "must be at most 5000 characters"),
            },
        ),
        (
            lambda: inputs.goal_progress_validate(
                inputs.GoalProgressChange(progress=101, status="won")
            ),
            {
                ("progress", "must be 0 to 100"),
                ("status", "must be one of open, achieved, dropped"),
            },
        ),
        (
            lambda: inputs.check_in_validate(inputs.CheckInNew(pulse=6, comment="c" * 2001)),
            {("pulse", "must be 1 to 5"), ("comment", "must be at most 2000 characters")},
        ),
        (
            lambda: inputs.closure_validate(inputs.Closure(kind="early", reason="r" * 2001)),
            {("reason", "must be at most 2000 characters")},
        ),
        (
            lambda: inputs.closure_validate(inputs.Closure(kind="abrupt")),
            {("kind", "must be planned or early")},
        ),
        (
            lambda: inputs.sponsorship_validate(inputs.SponsorshipNew(kind="gift", description="")),
            {
                (
                    "kind",
                    "must be one of stretch_assignment, promotion, visible_project, "
                    "introduction, other",
                ),
                ("description", "is required, at most 2000 characters"),
            },
        ),
        (
            lambda: inputs.safety_report_validate(
                inputs.SafetyReportNew(category="rumour", description=" ")
            ),
            {
                ("category", "must be one of conduct, no_shows, conflict_of_interest, other"),
                ("description", "is required, at most 5000 characters"),
            },
        ),
        (
            lambda: inputs.safety_handling_validate(
                inputs.SafetyHandling(status="closed", note="n" * 5001)
            ),
            {
                ("status", "must be one of open, in_review, resolved"),
                ("note", "must be at most 5000 characters"),
            },
        ),
    ],
    ids=[
        "agreement",
        "goal",
        "progress",
        "check-in",
        "closure-reason",
        "closure-kind",
        "sponsorship",
        "safety",
        "handling",
    ],
)
def test_each_validator_reports_every_problem_at_once(call: Any, expected: Errors) -> None:
    assert _raised(call) == expected


def test_an_early_closure_without_a_reason_and_a_rematch_only_when_early() -> None:
    assert _raised(lambda: inputs.closure_validate(inputs.Closure(kind="early"))) == {
        ("reason", "an early closure needs a reason")
    }
    planned = inputs.closure_validate(inputs.Closure(kind="planned", reason=" Done ", rematch=True))
    assert (planned.reason, planned.rematch) == ("Done", False)


# Page, API and CLI alike ------------------------------------------------------------------


def test_page_and_api_refuse_a_bad_meeting_with_the_same_field_errors(
    relationship: Relationship, mentee: Any
) -> None:
    local = (relationship.started_at - dt.timedelta(days=3)).astimezone(zone_of(mentee))
    local = local.replace(hour=10, minute=0, second=0, microsecond=0)
    page = _page_errors(
        page_client(mentee).post(
            f"/relationships/{relationship.pk}/meetings/",
            {
                "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
                "duration_minutes": "0",
                "location": "x" * 301,
            },
        ),
        "schedule_form",
    )
    api = _api_errors(
        _post_json(
            api_client(mentee, scope="admin"),
            f"/api/relationships/{relationship.pk}/meetings",
            {"starts_at": local.isoformat(), "duration_minutes": 0, "location": "x" * 301},
        )
    )
    assert page == api
    assert {field for field, _ in api} == {"starts_at", "duration_minutes", "location"}
    assert not Meeting.objects.exists()


def test_page_and_api_refuse_a_bad_goal_with_the_same_field_errors(
    relationship: Relationship, mentee: Any
) -> None:
    bad = {"title": "t" * 201, "specific": "s" * 5001}
    page = _page_errors(
        page_client(mentee).post(f"/relationships/{relationship.pk}/goals/", bad), "goal_form"
    )
    api = _api_errors(
        _post_json(
            api_client(mentee, scope="admin"), f"/api/relationships/{relationship.pk}/goals", bad
        )
    )
    assert (
        page
        == api
        == {
            ("title", "must be at most 200 characters"),
            ("specific", "must be at most 5000 characters"),
        }
    )
    assert not Goal.objects.exists()


def test_page_and_api_refuse_a_bad_agreement_and_check_in_alike(
    relationship: Relationship, mentee: Any
) -> None:
    terms = {"pair_objectives": "o" * 5001, "meeting_cadence_days": 0, "confidentiality": ""}
    client, api = page_client(mentee), api_client(mentee, scope="admin")
    page = _page_errors(
        client.post(f"/relationships/{relationship.pk}/agreement/", terms), "agreement_form"
    )
    by_api = _api_errors(
        api.put(
            f"/api/relationships/{relationship.pk}/agreement",
            json.dumps(terms),
            content_type="application/json",
        )
    )
    assert page == by_api
    assert {field for field, _ in page} == {"pair_objectives", "meeting_cadence_days"}

    check_in = {"pulse": 4, "comment": "c" * 2001}
    page = _page_errors(
        client.post(f"/relationships/{relationship.pk}/check-ins/", check_in), "checkin_form"
    )
    by_api = _api_errors(
        _post_json(api, f"/api/relationships/{relationship.pk}/check-ins", check_in)
    )
    assert page == by_api == {("comment", "must be at most 2000 characters")}
    assert not CheckIn.objects.exists()


def _cli_errors(*args: str) -> Errors:
    with pytest.raises(CommandError) as raised:
        call_command("relationship", *args)
    cause = raised.value.__cause__
    assert isinstance(cause, InvalidInput)
    return {(e.field, _shown(e)) for e in cause.errors}


def test_page_api_and_cli_refuse_a_bad_closure_with_the_same_field_errors(
    relationship: Relationship, mentee: Any
) -> None:
    long_reason = "r" * 2001
    page = _page_errors(
        page_client(mentee).post(
            f"/relationships/{relationship.pk}/close/", {"kind": "early", "reason": long_reason}
        ),
        "form",
    )
    api = _api_errors(
        _post_json(
            api_client(mentee, scope="admin"),
            f"/api/relationships/{relationship.pk}/close",
            {"kind": "early", "reason": long_reason},
        )
    )
    cli = _cli_errors("close", str(relationship.pk), "--kind", "early", "--reason", long_reason)
    assert page == api == cli == {("reason", "must be at most 2000 characters")}
    # What the page cannot send (its kinds are a choice): the API and the CLI say it alike.
    api = _api_errors(
        _post_json(
            api_client(mentee, scope="admin"),
            f"/api/relationships/{relationship.pk}/close",
            {"kind": "abrupt"},
        )
    )
    assert api == _cli_errors("close", str(relationship.pk), "--kind", "abrupt")
    relationship.refresh_from_db()
    assert relationship.status == RelationshipStatus.ACTIVE


def test_cli_closes_a_relationship_as_the_system(relationship: Relationship) -> None:
    call_command(
        "relationship", "close", str(relationship.pk), "--kind", "early", "--reason", "Left"
    )
    relationship.refresh_from_db()
    assert relationship.status == RelationshipStatus.CLOSED
    assert (relationship.closure_reason, relationship.closed_by) == ("Left", None)
    with pytest.raises(CommandError, match="No relationship number 0"):
        call_command("relationship", "close", "0", "--kind", "planned")


def test_a_bulk_closure_needs_a_short_reason_and_a_bulk_reminder_a_short_message() -> None:
    assert _raised(
        lambda: inputs.bulk_closure_validate(inputs.BulkClosure(relationship_ids=[1], reason=" "))
    ) == {("reason", "an early closure needs a reason")}
    assert _raised(
        lambda: inputs.bulk_closure_validate(
            inputs.BulkClosure(relationship_ids=[1], reason="r" * 2001)
        )
    ) == {("reason", "must be at most 2000 characters")}
    assert _raised(
        lambda: inputs.bulk_reminder_validate(
            inputs.BulkReminder(relationship_ids=[1], message="m" * 5001)
        )
    ) == {("message", "must be at most 5000 characters")}


def test_page_and_api_refuse_an_over_long_bulk_reminder_alike(
    relationship: Relationship, program_manager: Any
) -> None:
    """The API refused a reminder over 5000 characters and the page sent it; now both refuse
    it with the validator's words, and nobody is e-mailed."""
    slug = relationship.program.slug
    long_message = "m" * 5001
    api = _api_errors(
        _post_json(
            api_client(program_manager, scope="admin"),
            f"/api/programs/{slug}/relationships/remind",
            {"relationships": [relationship.pk], "message": long_message},
        )
    )
    assert api == {("message", "must be at most 5000 characters")}
    page = page_client(program_manager).post(
        f"/relationships/program/{slug}/bulk/",
        {"action": "remind", "relationships": [relationship.pk], "message": long_message},
        follow=True,
    )
    shown = [str(m) for m in page.context["messages"]]
    assert shown == ["Message: must be at most 5000 characters"]
    assert not relationship.events.filter(kind="reminder").exists()
