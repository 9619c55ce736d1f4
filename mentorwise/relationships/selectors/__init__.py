"""Read queries for relationships, always filtered by who asks.

One module per reader: `access` (one object by id, if the actor may see it), `pair` (what
the pair and its overseers read of one relationship), `oversight` (health and a program's
pairs, for its managers), `surveys` (aggregates, what is due), `panel` (the participant's
home). Everything is importable from here, as `selectors.<name>`.
"""

from mentorwise.disclosure import min_group_size
from mentorwise.relationships.selectors.access import (
    PAIR_RELATED,
    access_goal,
    access_match_to_answer,
    access_meeting,
    access_milestone,
    access_relationship,
    access_safety_report,
    access_sponsorship_action,
)
from mentorwise.relationships.selectors.oversight import (
    ProgramRow,
    health_by_relationship,
    health_for_actor,
    program_relationships,
    safety_reports_for_program,
    with_health,
)
from mentorwise.relationships.selectors.pair import (
    GoalProgress,
    MeetingFacts,
    agreement_current,
    agreement_version_list,
    agreement_versions,
    agreements_current,
    goal_progress_list,
    matches_awaiting_answer,
    meeting_facts,
    others_in,
    pair_actions,
    pair_check_ins,
    pair_goals,
    pair_meetings,
    private_note_get,
    private_notes_mine,
    relationships_mine,
    timeline,
    timeline_newest,
)
from mentorwise.relationships.selectors.panel import home_panel
from mentorwise.relationships.selectors.surveys import (
    QuestionSummary,
    SurveySummary,
    survey_due,
    survey_summary,
)

__all__ = [
    "PAIR_RELATED",
    "GoalProgress",
    "MeetingFacts",
    "ProgramRow",
    "QuestionSummary",
    "SurveySummary",
    "access_goal",
    "access_match_to_answer",
    "access_meeting",
    "access_milestone",
    "access_relationship",
    "access_safety_report",
    "access_sponsorship_action",
    "agreement_current",
    "agreement_version_list",
    "agreement_versions",
    "agreements_current",
    "goal_progress_list",
    "health_by_relationship",
    "health_for_actor",
    "home_panel",
    "matches_awaiting_answer",
    "meeting_facts",
    "min_group_size",
    "others_in",
    "pair_actions",
    "pair_check_ins",
    "pair_goals",
    "pair_meetings",
    "private_note_get",
    "private_notes_mine",
    "program_relationships",
    "relationships_mine",
    "safety_reports_for_program",
    "survey_due",
    "survey_summary",
    "timeline",
    "timeline_newest",
    "with_health",
]
