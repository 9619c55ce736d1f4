"""Program templates: good practice for each kind of program, written down as data.

Their texts are written in English (CONTENT_LANGUAGE) and marked with `gettext_noop`: the
translation catalogs carry them into every shipped language, and a program created from a
template starts with those translations (programs/content.py, `shipped_translations_store`).

A template fills every field of a new program; the admin then edits what fits their
organization. Eligibility rules use the vocabulary of `programs/eligibility.py`; matching
criteria and options are read by the matching run (weights are relative importances).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_noop

from mentorwise.matching.scoring import DEFAULT_WEIGHTS
from mentorwise.programs.models import CONTENT_LANGUAGE, ProgramKind, Role

PROGRAM_MANAGER_DUTIES = gettext_noop(
    "Recruit and enroll participants, review and publish matches, watch relationship health "
    "(stalled or at-risk pairs), send reminders, and close the cohort with outcomes."
)

# The engine's default weights are the templates' starting point (one definition).
DEFAULT_CRITERIA: dict[str, int] = {name: int(w) for name, w in DEFAULT_WEIGHTS.items()}


@dataclass(frozen=True)
class ProgramTemplate:
    """A ready-made program design; `fields()` gives the values a new program starts with."""

    key: str
    name: str
    kind: str
    summary: str
    objectives: tuple[str, ...]
    responsibilities: dict[str, str]
    eligibility: dict[str, dict[str, Any]]
    duration_months: int
    meeting_cadence_days: int
    criteria: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_CRITERIA))
    options: dict[str, Any] = field(default_factory=dict)
    questions: tuple[dict[str, Any], ...] = ()
    mentor_training_required: bool = True
    self_match: bool = False

    @property
    def content_language(self) -> str:
        """The language the template's texts are written in."""
        return CONTENT_LANGUAGE

    @property
    def kind_label(self) -> str:
        """The kind as people read it ("First-time manager", not "first_time_manager")."""
        return str(ProgramKind(self.kind).label)

    def fields(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "template_key": self.key,
            "language": self.content_language,
            "description": self.summary,
            "objectives": "\n".join(self.objectives),
            "responsibilities": {
                **self.responsibilities,
                "program_manager": PROGRAM_MANAGER_DUTIES,
            },
            "eligibility": {role: dict(rules) for role, rules in self.eligibility.items()},
            "enrollment_questions": [dict(q) for q in self.questions],
            "matching": {"criteria": dict(self.criteria), "options": dict(self.options)},
            "meeting_cadence_days": self.meeting_cadence_days,
            "mentor_training_required": self.mentor_training_required,
            "self_match": self.self_match,
        }


_WHY = {"key": "why", "label": gettext_noop("Why do you want to take part?"), "required": True}
_COMMIT = {
    "key": "commitment",
    "label": gettext_noop(
        "Can you commit to meeting at the program's cadence for its whole duration?"
    ),
    "required": True,
    "choices": [gettext_noop("Yes"), gettext_noop("Not sure")],
}

_MENTEE = gettext_noop(
    "Own the relationship: propose meetings, come prepared with topics, set and track "
    "development goals, act on what you agree, and give honest feedback."
)
_MENTOR = gettext_noop(
    "Listen, ask developmental questions, share experience and networks, keep "
    "conversations confidential, meet at the agreed cadence, and complete mentor training."
)
# Whole texts, not _MENTOR + "...": each is translated as one (programs/content.py).
_MENTOR_FIRST_TIME_MANAGER = gettext_noop(
    "Listen, ask developmental questions, share experience and networks, keep "
    "conversations confidential, meet at the agreed cadence, and complete mentor training. "
    "Share how you handled your own first year as a manager."
)
_MENTEE_CIRCLE = gettext_noop(
    "Own the relationship: propose meetings, come prepared with topics, set and track "
    "development goals, act on what you agree, and give honest feedback. Contribute to the "
    "circle's discussions."
)
_MENTOR_CIRCLE = gettext_noop(
    "Listen, ask developmental questions, share experience and networks, keep "
    "conversations confidential, meet at the agreed cadence, and complete mentor training. "
    "Facilitate the circle so that every voice is heard."
)
_PEER = gettext_noop(
    "Meet your peer at the agreed cadence, bring one real situation from your team each "
    "time, listen and ask questions before giving advice, keep what you hear confidential, "
    "and follow up on what you each said you would try."
)
_SPONSOR = gettext_noop(
    "Advocate for your protégé where decisions are made: nominate them for stretch "
    "assignments, promotions and visible projects, make introductions, and record what "
    "you did and what came of it."
)

TEMPLATES: dict[str, ProgramTemplate] = {
    t.key: t
    for t in [
        ProgramTemplate(
            key="hipo_leadership",
            name=gettext_noop("High-potential leadership mentoring"),
            kind=ProgramKind.MENTORING,
            summary=gettext_noop(
                "Senior leaders mentor high-potential employees to build the leadership "
                "pipeline and keep the people the organization most wants to keep."
            ),
            objectives=(
                gettext_noop("Prepare high-potential employees for their next leadership role"),
                gettext_noop("Widen their view of the organization beyond their own function"),
                gettext_noop(
                    "Retain high-potential talent through visible investment in their growth"
                ),
            ),
            responsibilities={Role.MENTEE: _MENTEE, Role.MENTOR: _MENTOR},
            eligibility={
                Role.MENTEE: {"high_potential": True, "level_min": 3, "level_max": 7},
                Role.MENTOR: {"level_min": 7, "min_tenure_months": 24},
            },
            duration_months=9,
            meeting_cadence_days=30,
            options={
                "seniority_gap": [2, 4],
                "function_preference": "different",
                "chain_exclusion_depth": None,
                "min_score": 0.15,
                "mentor_preferences": True,
            },
            questions=(_WHY, _COMMIT),
        ),
        ProgramTemplate(
            key="first_time_manager",
            name=gettext_noop("First-time manager mentoring"),
            kind=ProgramKind.FIRST_TIME_MANAGER,
            summary=gettext_noop(
                "People who became managers in the last 12 months are mentored by "
                "experienced managers from outside their own management chain."
            ),
            objectives=(
                gettext_noop(
                    "Help new managers through the shift from doing the work to leading others"
                ),
                gettext_noop(
                    "Build confidence in feedback, delegation and difficult conversations"
                ),
                gettext_noop(
                    "Keep new managers and their teams: early manager support reduces attrition"
                ),
            ),
            responsibilities={
                Role.MENTEE: _MENTEE,
                Role.MENTOR: _MENTOR_FIRST_TIME_MANAGER,
            },
            eligibility={
                Role.MENTEE: {"first_time_manager_months": 12},
                Role.MENTOR: {"is_manager": True, "min_manager_years": 3, "level_min": 5},
            },
            duration_months=6,
            meeting_cadence_days=21,
            options={
                "seniority_gap": [1, 3],
                "function_preference": "any",
                "chain_exclusion_depth": None,
                "min_score": 0.1,
            },
            questions=(
                _WHY,
                {
                    "key": "team_size",
                    "label": gettext_noop("How many people report to you?"),
                    "required": False,
                },
            ),
        ),
        ProgramTemplate(
            key="reverse_mentoring",
            name=gettext_noop("Reverse mentoring"),
            kind=ProgramKind.REVERSE_MENTORING,
            summary=gettext_noop(
                "Junior employees mentor senior leaders on digital skills, new ways of "
                "working and the lived experience of under-represented colleagues."
            ),
            objectives=(
                gettext_noop(
                    "Give senior leaders first-hand insight into digital practice and inclusion"
                ),
                gettext_noop("Give junior employees visibility and a voice with leadership"),
                gettext_noop("Build trust across levels"),
            ),
            responsibilities={
                Role.MENTEE: gettext_noop(
                    "As the senior participant, listen first, ask openly, protect "
                    "your mentor's candour and act on what you learn."
                ),
                Role.MENTOR: gettext_noop(
                    "As the junior participant, share your perspective and skills "
                    "frankly; you set part of the agenda."
                ),
            },
            eligibility={
                Role.MENTEE: {"level_min": 8},
                Role.MENTOR: {"level_max": 4, "min_tenure_months": 6},
            },
            duration_months=6,
            meeting_cadence_days=30,
            criteria={**DEFAULT_CRITERIA, "seniority": 1},
            options={
                "seniority_gap": [3, 8],
                "reverse": True,
                "function_preference": "any",
                "chain_exclusion_depth": None,
                "min_score": 0.1,
            },
            questions=(_WHY,),
            mentor_training_required=True,
        ),
        ProgramTemplate(
            key="sponsorship_underrepresented",
            name=gettext_noop("Sponsorship for under-represented talent"),
            kind=ProgramKind.SPONSORSHIP,
            summary=gettext_noop(
                "Senior leaders at least two levels above, from outside the protégé's "
                "management chain, sponsor talent from groups that informal networks overlook. "
                "Open to all who self-nominate; demographics are never used to decide who "
                "is eligible."
            ),
            objectives=(
                gettext_noop(
                    "Give talented people from under-represented groups an advocate in the "
                    "rooms where promotions and assignments are decided"
                ),
                gettext_noop("Increase promotion and stretch-assignment rates of protégés"),
                gettext_noop("Make sponsorship visible and accountable"),
            ),
            responsibilities={Role.MENTEE: _MENTEE, Role.SPONSOR: _SPONSOR},
            eligibility={
                Role.MENTEE: {"level_min": 3, "level_max": 7, "min_tenure_months": 12},
                Role.SPONSOR: {"level_min": 8},
            },
            duration_months=12,
            meeting_cadence_days=45,
            options={
                "seniority_gap": [2, 9],
                "min_level_gap": 2,
                "function_preference": "any",
                "chain_exclusion_depth": None,
                "min_score": 0.1,
                "inclusion": {"enabled": False, "justification": ""},
            },
            questions=(
                _WHY,
                {
                    "key": "aspiration",
                    "label": gettext_noop("Which next role or opportunity are you aiming for?"),
                    "required": True,
                },
            ),
        ),
        ProgramTemplate(
            key="onboarding_buddy",
            name=gettext_noop("Onboarding buddy"),
            kind=ProgramKind.ONBOARDING,
            summary=gettext_noop(
                "Every new hire gets an experienced buddy near their level, ideally in "
                "the same location, for their first three months."
            ),
            objectives=(
                gettext_noop("Help new hires find their way, people and unwritten rules quickly"),
                gettext_noop("Reduce early attrition"),
            ),
            responsibilities={
                Role.MENTEE: gettext_noop(
                    "Ask anything; meet your buddy weekly in your first month."
                ),
                Role.MENTOR: gettext_noop(
                    "Welcome your new colleague, introduce them around, answer the "
                    "questions they would not ask their manager."
                ),
            },
            eligibility={
                Role.MENTEE: {"max_tenure_months": 3},
                Role.MENTOR: {"min_tenure_months": 12},
            },
            duration_months=3,
            meeting_cadence_days=14,
            criteria={**DEFAULT_CRITERIA, "location": 3, "function": 2, "seniority": 1},
            options={
                "seniority_gap": [-1, 2],
                "function_preference": "same",
                "chain_exclusion_depth": 1,
                "min_score": 0.0,
            },
            questions=(),
            mentor_training_required=False,
            self_match=True,
        ),
        ProgramTemplate(
            key="group_circle",
            name=gettext_noop("Group mentoring circle"),
            kind=ProgramKind.GROUP,
            summary=gettext_noop(
                "One experienced mentor guides a circle of up to six mentees who also "
                "learn from each other."
            ),
            objectives=(
                gettext_noop("Scale mentoring when experienced mentors are scarce"),
                gettext_noop("Build peer networks across functions"),
            ),
            responsibilities={
                Role.MENTEE: _MENTEE_CIRCLE,
                Role.MENTOR: _MENTOR_CIRCLE,
            },
            eligibility={
                Role.MENTEE: {"level_min": 2, "level_max": 6},
                Role.MENTOR: {"level_min": 7},
            },
            duration_months=6,
            meeting_cadence_days=30,
            options={
                "seniority_gap": [2, 6],
                "function_preference": "different",
                "chain_exclusion_depth": None,
                "min_score": 0.0,
                "circle_size": 6,
            },
            questions=(_WHY,),
        ),
        ProgramTemplate(
            key="peer_first_time_managers",
            name=gettext_noop("Peer mentoring for first-time managers"),
            kind=ProgramKind.PEER,
            summary=gettext_noop(
                "New managers are paired with another new manager from outside their "
                "management chain, to talk through the first year of leading others together."
            ),
            objectives=(
                gettext_noop("Give every new manager a peer to think aloud with"),
                gettext_noop("Share what works in feedback, delegation and one-to-ones"),
                gettext_noop("Build a network of managers across functions"),
            ),
            responsibilities={Role.PEER: _PEER},
            eligibility={Role.PEER: {"first_time_manager_months": 18}},
            duration_months=4,
            meeting_cadence_days=14,
            options={
                "seniority_gap": [-2, 2],
                "function_preference": "different",
                "chain_exclusion_depth": None,
                "min_score": 0.0,
            },
            questions=(
                _WHY,
                {
                    "key": "team_size",
                    "label": gettext_noop("How many people report to you?"),
                    "required": False,
                },
            ),
        ),
        ProgramTemplate(
            key="flash_mentoring",
            name=gettext_noop("Flash mentoring"),
            kind=ProgramKind.FLASH,
            summary=gettext_noop(
                "One-off conversations with experienced colleagues on a specific "
                "question; low commitment on both sides."
            ),
            objectives=(
                gettext_noop("Answer specific career questions quickly"),
                gettext_noop("Grow networks"),
            ),
            responsibilities={
                Role.MENTEE: gettext_noop("Bring one focused question."),
                Role.MENTOR: gettext_noop("Offer one hour of your experience."),
            },
            eligibility={Role.MENTEE: {}, Role.MENTOR: {"level_min": 5}},
            duration_months=1,
            meeting_cadence_days=30,
            options={"seniority_gap": [1, 6], "function_preference": "any", "min_score": 0.0},
            questions=(),
            mentor_training_required=False,
            self_match=True,
        ),
    ]
}


def template_get(key: str) -> ProgramTemplate | None:
    return TEMPLATES.get(key)
