"""API: matching runs, proposals and their review, self-match, preferences."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from mentorwise.api.errors import ERRORS, WRITE_ERRORS
from mentorwise.matches import scores, selectors, services
from mentorwise.matches.models import Match, MatchingRun
from mentorwise.programs.selectors import access_managed_program, access_program

router = Router()


class RunOut(Schema):
    id: int
    program: str = Field(description="Program slug.")
    method: str = Field(description="optimal, stable or greedy.")
    status: str = Field(description="queued, running, done or failed.")
    progress_stage: str
    progress_percent: int
    n_mentees: int
    n_mentors: int
    n_matched: int
    total_score: float | None
    upper_bound: float | None = Field(description="Proven upper bound on the best total fit.")
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None

    @staticmethod
    def of(run: MatchingRun) -> RunOut:
        return RunOut(
            id=run.pk,
            program=run.program.slug,
            method=run.method,
            status=run.status,
            progress_stage=run.progress_stage,
            progress_percent=run.progress_percent,
            n_mentees=run.n_mentees,
            n_mentors=run.n_mentors,
            n_matched=run.n_matched,
            total_score=run.total_score,
            upper_bound=run.upper_bound,
            error=run.error,
            created_at=run.created_at,
            finished_at=run.finished_at,
        )


class RunIn(Schema):
    method: str = Field("optimal", description="optimal, stable or greedy.")


class MatchOut(Schema):
    id: int
    program: str
    mentee_enrollment_id: int
    mentee_name: str
    mentor_enrollment_id: int
    mentor_name: str
    source: str = Field(description="run, self_match or manual.")
    status: str
    score: float | None = Field(
        description="Fit in [0, 1] (null for the pair themselves: it counts both sides' marks)."
    )
    reasons: list[str] = Field(description="Top reasons for the pair, in plain words.")
    warnings: list[str]
    locked: bool
    mentee_response: str
    mentor_response: str
    expires_at: dt.datetime | None

    @staticmethod
    def of(match: Match) -> MatchOut:
        return MatchOut(
            id=match.pk,
            program=match.program.slug,
            mentee_enrollment_id=match.mentee_id,
            mentee_name=match.mentee.person.full_name,
            mentor_enrollment_id=match.mentor_id,
            mentor_name=match.mentor.person.full_name,
            source=match.source,
            status=match.status,
            score=match.score,
            reasons=match.reasons,
            warnings=match.warnings,
            locked=match.locked,
            mentee_response=match.mentee_response,
            mentor_response=match.mentor_response,
            expires_at=match.expires_at,
        )

    @staticmethod
    def for_participant(match: Match) -> MatchOut:
        """A match as one of its two people reads it: the reasons (stored without anyone's
        marks), no score and no warnings, which may count or name the other person's marks
        and are the managers' review material."""
        out = MatchOut.of(match)
        out.score, out.warnings = None, []
        return out


class UnmatchedOut(Schema):
    mentee_enrollment_id: int
    mentee_name: str
    reason: str


class PairIn(Schema):
    mentee_enrollment_id: int
    mentor_enrollment_id: int
    reason: str = Field("", max_length=300, description="Why (for forbidding a pair).")


class PreviewOut(Schema):
    score: float | None
    reasons: list[str]
    warnings: list[str] = Field(description="Hard rules the pair breaks, capacity, low fit.")
    marks: list[str] = Field(
        description="The participants' own marks on this pair: who asked for whom, a veto. "
        "For the program's managers only; never stored on the match, which both people read."
    )


class CountOut(Schema):
    count: int


class MentorCardOut(Schema):
    mentor_enrollment_id: int
    name: str
    title: str
    function: str
    location: str
    expertise: str
    score: float | None
    reasons: list[str]
    places_left: int
    can_request: bool
    blocked_because: list[str]
    skills: list[str] = Field(description="Skills the mentor offers in this program.")
    bio: str = Field(description="The introduction the mentor wrote on their profile.")
    last_active: dt.datetime | None = Field(
        description="When the mentor last used Mentorwise (to within 15 minutes); null: never."
    )


class RequestIn(Schema):
    mentor_enrollment_id: int
    message: str = Field("", max_length=2000)


class PreferenceIn(Schema):
    other_enrollment_id: int = Field(description="A participant on the other side.")
    kind: str | None = Field(description="prefer, veto, or null to clear.")


def _match(request: HttpRequest, match_id: int) -> Match:
    return selectors.access_managed_match(actor=request.user, match_id=match_id)


@router.post(
    "/programs/{slug}/runs", response={201: RunOut, **WRITE_ERRORS}, summary="Start a matching run"
)
def run_create(request: HttpRequest, slug: str, data: RunIn) -> Status[RunOut]:
    """Program managers and HR admins. Small runs finish before the response; large ones run
    in the background worker: poll GET /api/runs/{id}."""
    program = access_managed_program(actor=request.user, slug=slug)
    run = services.run_create(actor=request.user, program=program, method=data.method)
    services.run_dispatch(run)
    run.refresh_from_db()
    return Status(201, RunOut.of(run))


@router.get("/runs/{run_id}", response={200: RunOut, **ERRORS}, summary="Read a matching run")
def run_get(request: HttpRequest, run_id: int) -> RunOut:
    return RunOut.of(selectors.access_run(actor=request.user, run_id=run_id))


@router.get(
    "/runs/{run_id}/unmatched",
    response={200: list[UnmatchedOut], **ERRORS},
    summary="Mentees a run could not match, with the reason",
)
def run_unmatched(request: HttpRequest, run_id: int) -> list[UnmatchedOut]:
    run = selectors.access_run(actor=request.user, run_id=run_id)
    return [
        UnmatchedOut(
            mentee_enrollment_id=u.mentee_id, mentee_name=u.mentee.person.full_name, reason=u.reason
        )
        for u in run.unmatched.select_related("mentee__person")
    ]


@router.get(
    "/programs/{slug}/matches",
    response={200: list[MatchOut], **ERRORS},
    summary="List a program's matches",
)
def program_matches(request: HttpRequest, slug: str, status: str | None = None) -> list[MatchOut]:
    program = access_managed_program(actor=request.user, slug=slug)
    statuses = (status,) if status else None
    return [
        MatchOut.of(m) for m in selectors.program_matches(program=program, statuses=statuses)[:2000]
    ]


def _act(request: HttpRequest, match_id: int, action: str) -> MatchOut:
    match = _match(request, match_id)
    if action == "approve":
        match = services.match_approve(actor=request.user, match=match)
    elif action == "reject":
        match = services.match_reject(actor=request.user, match=match)
    else:
        match = services.match_lock(actor=request.user, match=match, locked=action == "lock")
    return MatchOut.of(match)


@router.post(
    "/matches/{match_id}/approve",
    response={200: MatchOut, **WRITE_ERRORS},
    summary="Approve a proposal",
)
def match_approve(request: HttpRequest, match_id: int) -> MatchOut:
    return _act(request, match_id, "approve")


@router.post(
    "/matches/{match_id}/reject",
    response={200: MatchOut, **WRITE_ERRORS},
    summary="Decline a proposal",
)
def match_reject(request: HttpRequest, match_id: int) -> MatchOut:
    return _act(request, match_id, "reject")


@router.post(
    "/matches/{match_id}/lock",
    response={200: MatchOut, **WRITE_ERRORS},
    summary="Lock a proposal (kept by the next run)",
)
def match_lock(request: HttpRequest, match_id: int) -> MatchOut:
    return _act(request, match_id, "lock")


@router.post(
    "/matches/{match_id}/unlock",
    response={200: MatchOut, **WRITE_ERRORS},
    summary="Unlock a proposal",
)
def match_unlock(request: HttpRequest, match_id: int) -> MatchOut:
    return _act(request, match_id, "unlock")


@router.post(
    "/programs/{slug}/forbidden-pairs",
    response={200: CountOut, **WRITE_ERRORS},
    summary="Forbid a pair in this program",
)
def pair_forbid(request: HttpRequest, slug: str, data: PairIn) -> CountOut:
    program = access_managed_program(actor=request.user, slug=slug)
    services.pair_forbid(
        actor=request.user,
        program=program,
        mentee_id=data.mentee_enrollment_id,
        mentor_id=data.mentor_enrollment_id,
        reason=data.reason,
    )
    return CountOut(count=1)


@router.post(
    "/programs/{slug}/pair-preview",
    response={200: PreviewOut, **ERRORS},
    summary="Score a pair before making it by hand",
)
def pair_preview(request: HttpRequest, slug: str, data: PairIn) -> PreviewOut:
    program = access_managed_program(actor=request.user, slug=slug)
    preview = scores.pair_preview(
        actor=request.user,
        program=program,
        mentee_id=data.mentee_enrollment_id,
        mentor_id=data.mentor_enrollment_id,
    )
    return PreviewOut(
        score=preview.score, reasons=preview.reasons, warnings=preview.warnings, marks=preview.marks
    )


@router.post(
    "/programs/{slug}/matches",
    response={201: MatchOut, **WRITE_ERRORS},
    summary="Make a pair by hand (approved at once)",
)
def match_create(request: HttpRequest, slug: str, data: PairIn) -> Status[MatchOut]:
    program = access_managed_program(actor=request.user, slug=slug)
    match = services.match_create_manual(
        actor=request.user,
        program=program,
        mentee_id=data.mentee_enrollment_id,
        mentor_id=data.mentor_enrollment_id,
    )
    return Status(201, MatchOut.of(match))


@router.post(
    "/programs/{slug}/publish",
    response={200: CountOut, **WRITE_ERRORS},
    summary="Publish approved matches",
)
def publish(request: HttpRequest, slug: str) -> CountOut:
    """Both people of each approved match are notified and asked to accept or decline."""
    program = access_managed_program(actor=request.user, slug=slug)
    return CountOut(count=services.matches_publish(actor=request.user, program=program))


@router.get(
    "/programs/{slug}/mentors",
    response={200: list[MentorCardOut], **ERRORS},
    summary="Mentors scored for me (self-match)",
)
def mentor_cards(
    request: HttpRequest, slug: str, q: str = "", function: str = "", only_available: bool = False
) -> list[MentorCardOut]:
    """For a mentee of the program: every mentor with fit, reasons and places left."""
    program = access_program(actor=request.user, slug=slug)
    cards = scores.mentor_cards(
        actor=request.user,
        program=program,
        search=q,
        function=function,
        only_available=only_available,
    )
    return [
        MentorCardOut(
            mentor_enrollment_id=c.enrollment.pk,
            name=c.enrollment.person.full_name,
            title=c.enrollment.person.title,
            function=c.enrollment.person.function,
            location=c.enrollment.person.location,
            expertise=c.enrollment.expertise,
            score=c.score,
            reasons=c.reasons,
            places_left=c.room,
            can_request=c.allowed,
            blocked_because=c.blocked_because,
            skills=list(c.profile.skills),
            bio=c.profile.bio,
            last_active=c.last_active,
        )
        for c in cards
    ]


@router.post(
    "/programs/{slug}/requests",
    response={201: MatchOut, **WRITE_ERRORS},
    summary="Ask a mentor (self-match)",
)
def request_mentor(request: HttpRequest, slug: str, data: RequestIn) -> Status[MatchOut]:
    program = access_program(actor=request.user, slug=slug)
    match = services.mentor_request_create(
        actor=request.user,
        program=program,
        mentor_id=data.mentor_enrollment_id,
        message=data.message,
    )
    return Status(201, MatchOut.for_participant(match))


@router.post(
    "/programs/{slug}/preferences",
    response={200: CountOut, **WRITE_ERRORS},
    summary="Prefer or veto a participant",
)
def preference_set(request: HttpRequest, slug: str, data: PreferenceIn) -> CountOut:
    """Preferences raise the fit in the next run; vetoes (at most three) exclude the pair."""
    program = access_program(actor=request.user, slug=slug)
    services.preference_set_in_program(
        actor=request.user, program=program, other_id=data.other_enrollment_id, kind=data.kind
    )
    return CountOut(count=1)


@router.get(
    "/me/open-matches",
    response={200: list[MatchOut], **ERRORS},
    summary="Matches and requests waiting for my answer",
)
def my_open_matches(request: HttpRequest) -> list[MatchOut]:
    person_id = getattr(request.user, "person_id", None)
    return [MatchOut.for_participant(m) for m in selectors.open_matches_for(person_id=person_id)]
