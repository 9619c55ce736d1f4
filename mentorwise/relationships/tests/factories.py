"""Builders for relationship tests: matches awaiting answers and started relationships."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from mentorwise.matches.models import Match, MatchSource, MatchStatus, Response
from mentorwise.programs.models import Enrollment
from mentorwise.relationships.inputs import MatchAnswer
from mentorwise.relationships.models import Relationship
from mentorwise.relationships.services import match_respond


def enrollment_of(user: Any, role: str | None = None) -> Enrollment:
    enrollments = Enrollment.objects.filter(person=user.person)
    if role:
        enrollments = enrollments.filter(role=role)
    return enrollments.get()


def published_match(mentee: Any, mentor: Any, **fields: Any) -> Match:
    mentee_e, mentor_e = enrollment_of(mentee), enrollment_of(mentor)
    values: dict[str, Any] = {"status": MatchStatus.PUBLISHED, "published_at": timezone.now()}
    values.update(fields)
    return Match.objects.create(
        program=mentee_e.program, mentee=mentee_e, mentor=mentor_e, **values
    )


def requested_match(mentee: Any, mentor: Any) -> Match:
    return published_match(
        mentee,
        mentor,
        status=MatchStatus.REQUESTED,
        source=MatchSource.SELF_MATCH,
        mentee_response=Response.ACCEPTED,
    )


def started_relationship(mentee: Any, mentor: Any, *, days_ago: int = 30) -> Relationship:
    """A relationship under way for `days_ago` days (meetings may be logged in that span)."""
    match = published_match(mentee, mentor)
    match_respond(actor=mentee, match=match, data=MatchAnswer(accept=True))
    match_respond(actor=mentor, match=match, data=MatchAnswer(accept=True))
    Relationship.objects.filter(match=match).update(
        started_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    return Relationship.objects.get(match=match)
