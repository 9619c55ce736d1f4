"""What the engine's scores look like to one person (read side, nothing is written).

A mentee's mentor cards and a mentor's mentee cards in self-match programs, built from the
viewer's own marks only; a manager's preview of a pair they are about to make by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import prefetch_related_objects
from django.utils import translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.accounts.models import User
from mentorwise.core.errors import Conflict, Forbidden, NotFound
from mentorwise.matches.permissions import require_manager, require_not_in_pair
from mentorwise.matches.problem import giving_role, program_pool
from mentorwise.matches.profiles import Profile, enrollment_profile
from mentorwise.matches.selectors import hidden_by_veto, own_mentee_enrollment
from mentorwise.matching.scoring import ScoringModel
from mentorwise.matching.words import Words
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program, Role

# The engine words reasons shown on a page in the reader's language (stored reasons stay in
# English: see runs.py).
PAGE_WORDS = Words(
    gettext=gettext, ngettext=ngettext, spelled=lambda: translation.get_language() == "en"
)


@dataclass(frozen=True)
class PairPreview:
    """A hand-made pair's score, reasons and the rules it breaks (warnings), and apart from
    them the participants' marks on the pair (who asked for whom, a veto): the manager reads
    those before deciding, but they are never stored on the match, which both people read."""

    score: float | None
    reasons: list[str]
    warnings: list[str]
    marks: list[str] = field(default_factory=list)
    mentor_full: bool = False


def pair_preview(*, actor: Actor, program: Program, mentee_id: int, mentor_id: int) -> PairPreview:
    """Score a pair the manager is about to make by hand, with what speaks against it."""
    require_manager(actor, program)
    pool = program_pool(program)
    rows = {m.enrollment_id: i for i, m in enumerate(pool.mentee_members)}
    cols = {e.pk: j for j, e in enumerate(pool.mentor_enrollments)}
    warnings: list[str] = []
    if mentee_id not in rows:
        mentee = Enrollment.objects.filter(pk=mentee_id, program=program, role=Role.MENTEE).first()
        if mentee is None:
            raise NotFound(_("No such mentee in this program."))
        return PairPreview(
            None,
            [],
            [_("%(name)s already has a match or is not active.") % {"name": mentee.person}],
        )
    if mentor_id not in cols:
        mentor = Enrollment.objects.filter(pk=mentor_id, program=program).first()
        if mentor is None:
            raise NotFound(_("No such mentor in this program."))
        return PairPreview(
            None, [], [_("%(name)s is paused or not active.") % {"name": mentor.person}]
        )
    i, j = rows[mentee_id], cols[mentor_id]
    require_not_in_pair(
        actor, pool.mentee_members[i].person_id, pool.mentor_enrollments[j].person_id
    )
    assert pool.mentees is not None and pool.mentors is not None  # noqa: S101 - both found
    model = ScoringModel(pool.mentees, pool.mentors, pool.rules)
    explanation = model.explain(i, j, marks=False, words=PAGE_WORDS)
    warnings += model.why_not(i, j, marks=False, words=PAGE_WORDS)
    if pool.capacities[j] <= 0:
        warnings.append(
            _("%(name)s has no place left.") % {"name": pool.mentor_enrollments[j].person}
        )
    min_score = pool.rules.min_score
    if min_score is not None and explanation.score < min_score:
        warnings.append(
            _("score %(score).2f is below the program's minimum %(minimum).2f")
            % {"score": explanation.score, "minimum": min_score}
        )
    return PairPreview(
        round(float(explanation.score), 4),
        [r.text for r in explanation.reasons],
        warnings,
        model.marks(i, j, words=PAGE_WORDS),
        mentor_full=pool.capacities[j] <= 0,
    )


@dataclass(frozen=True)
class MentorCard:
    """A mentor as a mentee browsing for one sees them."""

    enrollment: Enrollment
    score: float | None
    reasons: list[str]
    room: int
    allowed: bool
    blocked_because: list[str]
    last_active: dt.datetime | None

    @property
    def profile(self) -> Profile:
        return enrollment_profile(self.enrollment)


def _last_active(enrollments: list[Enrollment]) -> dict[int, dt.datetime | None]:
    """Enrollment id -> when the person last used Mentorwise (`User.last_active`: the latest
    of their last sign-in and last recorded activity), in one query; None: never."""
    users = User.objects.filter(person_id__in=[e.person_id for e in enrollments]).only(
        "person_id", "last_login", "last_active_at"
    )
    when = {u.person_id: u.last_active for u in users}
    return {e.pk: when.get(e.person_id) for e in enrollments}


@dataclass(frozen=True)
class MenteeCard:
    """A mentee as a mentor stating preferences sees them."""

    enrollment: Enrollment
    score: float | None
    reasons: list[str]
    blocked_because: list[str]

    @property
    def profile(self) -> Profile:
        return enrollment_profile(self.enrollment)


def mentee_cards(*, actor: Actor, program: Program) -> list[MenteeCard]:
    """Unmatched mentees scored for the actor (a mentor), where the program lets mentors choose;
    like `mentor_cards`, from the actor's own marks only, without the mentees who vetoed them."""
    if not program.matching.get("options", {}).get("mentor_preferences"):
        raise Conflict(
            _("In this program only mentees state preferences."), code="no_mentor_preferences"
        )
    mine = Enrollment.objects.filter(
        program=program,
        person_id=getattr(actor, "person_id", None) or 0,
        role=giving_role(program),
        status=EnrollmentStatus.ACTIVE,
    ).first()
    if mine is None:
        raise Forbidden(_("Enroll as a mentor in this program first."), code="not_a_mentor")
    pool = program_pool(program, marks_of=mine)
    unseen = hidden_by_veto(viewer=mine)
    cols = {e.pk: j for j, e in enumerate(pool.mentor_enrollments)}
    model = None
    if mine.pk in cols and pool.mentees is not None and pool.mentors is not None:
        model = ScoringModel(pool.mentees, pool.mentors, pool.rules)
    cards = []
    # The pool reads the mentees as plain rows; the cards show their profiles.
    shown = [(i, m.enrollment_id) for i, m in enumerate(pool.mentee_members)]
    shown = [(i, pk) for i, pk in shown if pk not in unseen]
    enrollments = Enrollment.objects.select_related("person").in_bulk([pk for _, pk in shown])
    for i, pk in shown:
        enrollment = enrollments.get(pk)
        if enrollment is None:  # deleted since the pool was read
            continue
        if model is None:
            cards.append(MenteeCard(enrollment, None, [], []))
            continue
        explanation = model.explain(i, cols[mine.pk], words=PAGE_WORDS)
        cards.append(
            MenteeCard(
                enrollment,
                round(float(explanation.score), 3),
                [r.text for r in explanation.reasons],
                model.why_not(i, cols[mine.pk], words=PAGE_WORDS),
            )
        )
    cards.sort(key=lambda c: (bool(c.blocked_because), -(c.score or 0), c.enrollment.pk))
    prefetch_related_objects([c.enrollment for c in cards], "skills_wanted")
    return cards


def mentor_cards(
    *,
    actor: Actor,
    program: Program,
    search: str = "",
    function: str = "",
    only_available: bool = False,
) -> list[MentorCard]:
    """Every mentor of the program scored for the actor (a mentee), best first.

    Built from the actor's own marks only, and without the mentors who vetoed the actor:
    for them, such a mentor is not in the program (as for a request: 404), so no badge,
    reason, score or order tells them of another person's mark.
    """
    mine = own_mentee_enrollment(actor, program)
    pool = program_pool(program, marks_of=mine)
    unseen = hidden_by_veto(viewer=mine)
    rows = {m.enrollment_id: i for i, m in enumerate(pool.mentee_members)}
    last_active = _last_active(pool.mentor_enrollments)
    if mine.pk not in rows or pool.mentees is None or pool.mentors is None:
        model = None
    else:
        model = ScoringModel(pool.mentees, pool.mentors, pool.rules)
    cards = []
    for j, enrollment in enumerate(pool.mentor_enrollments):
        person = enrollment.person
        if enrollment.pk in unseen:
            continue
        if search and search.lower() not in f"{person.full_name} {enrollment.expertise}".lower():
            continue
        if function and person.function != function:
            continue
        room = int(pool.capacities[j])
        if only_available and room <= 0:
            continue
        if model is not None:
            i = rows[mine.pk]
            explanation = model.explain(i, j, words=PAGE_WORDS)
            blocked = model.why_not(i, j, words=PAGE_WORDS)
            cards.append(
                MentorCard(
                    enrollment,
                    round(float(explanation.score), 3),
                    [r.text for r in explanation.reasons],
                    room,
                    not blocked and room > 0,
                    blocked,
                    last_active.get(enrollment.pk),
                )
            )
        else:
            cards.append(
                MentorCard(
                    enrollment,
                    None,
                    [],
                    room,
                    False,
                    [_("You already have a match in this program.")],
                    last_active.get(enrollment.pk),
                )
            )
    cards.sort(key=lambda c: (not c.allowed, -(c.score or 0), c.enrollment.pk))
    return cards
