"""The participant's home panel: relationships, the next meeting, goals and what is due."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.matches.models import Match
from mentorwise.relationships.models import (
    Goal,
    GoalStatus,
    Meeting,
    MeetingStatus,
    Side,
    SurveyKind,
)
from mentorwise.relationships.permissions import actor_side
from mentorwise.relationships.selectors.oversight import health_for_actor
from mentorwise.relationships.selectors.pair import (
    agreements_current,
    matches_awaiting_answer,
    others_in,
    relationships_mine,
)
from mentorwise.relationships.selectors.surveys import survey_due


def home_panel(*, actor: Actor, awaiting: list[Match] | None = None) -> dict[str, Any]:
    """What the home page shows a participant: relationships, next meeting, goals, what is due.

    `awaiting`: the matches waiting for the actor's answer, when the caller has read them
    already (`matches_awaiting_answer`). The current agreements are returned too
    (`agreements`, by relationship id), for callers that need them again."""
    mine = relationships_mine(actor=actor, active_only=True)
    now = timezone.now()
    rows = []
    due: list[dict[str, Any]] = []
    healths = health_for_actor(actor=actor, relationships=mine, now=now)
    agreements = agreements_current(relationships=mine)
    # Every meeting still to come, soonest first: the next one, and which pairs have one.
    by_id = {r.pk: r for r in mine}
    upcoming = list(
        Meeting.objects.filter(
            relationship__in=list(by_id), status=MeetingStatus.SCHEDULED, starts_at__gte=now
        ).order_by("starts_at", "pk")
    )
    for meeting in upcoming:  # read already, with both people
        meeting.relationship = by_id[meeting.relationship_id]
    planned = {meeting.relationship_id for meeting in upcoming}
    for r in mine:
        side = actor_side(actor, r)
        other = r.mentor.person if side == Side.MENTEE else r.mentee.person
        rows.append({"relationship": r, "other": other, "health": healths.get(r.pk)})
        current = agreements.get(r.pk)
        field_name = "mentee_confirmed_at" if side == Side.MENTEE else "mentor_confirmed_at"
        if current is None:
            due.append(
                {
                    "text": _("Write your agreement with %(name)s") % {"name": other.full_name},
                    "relationship": r,
                }
            )
        elif getattr(current, field_name) is None:
            due.append(
                {
                    "text": _("Confirm your agreement with %(name)s") % {"name": other.full_name},
                    "relationship": r,
                }
            )
        health = healths.get(r.pk)
        if health and health.health != "on_track" and r.pk not in planned:
            due.append(
                {
                    "text": _("Plan a meeting with %(name)s") % {"name": other.full_name},
                    "relationship": r,
                }
            )
        for kind in survey_due(actor=actor, relationship=r):
            due.append(
                {
                    "text": _("Answer the %(survey)s")
                    % {"survey": str(SurveyKind(kind).label).lower()},
                    "relationship": r,
                }
            )
    if awaiting is None:
        awaiting = matches_awaiting_answer(actor=actor)
    for match in awaiting:
        due.append(
            {
                "text": _("Answer your match in %(program)s") % {"program": match.program.title},
                "match": match,
            }
        )
    next_meeting = upcoming[0] if upcoming else None
    open_goals = list(
        Goal.objects.filter(relationship__in=[r.pk for r in mine], status=GoalStatus.OPEN).order_by(
            "target_date", "id"
        )[:5]
    )
    return {
        "relationships": rows,
        "next_meeting": next_meeting,
        "next_meeting_with": (
            [p.full_name for p in others_in(actor=actor, relationship=next_meeting.relationship)]
            if next_meeting
            else []
        ),
        "open_goals": open_goals,
        "due": due,
        "agreements": agreements,
    }
