"""Relationship use cases: each one a transaction with its audit row and timeline entry."""

from mentorwise.relationships.inputs import GoalFields, MeetingLog
from mentorwise.relationships.services.closure import (
    relationship_close,
    relationships_close_bulk,
    relationships_remind,
)
from mentorwise.relationships.services.feedback import (
    DEFAULT_QUESTIONS,
    check_in_create,
    default_questions,
    sponsorship_action_record,
    sponsorship_outcome_set,
    survey_configure,
    survey_for,
    survey_respond,
)
from mentorwise.relationships.services.matches import match_respond, mentor_active_count
from mentorwise.relationships.services.meetings import (
    meeting_cancel,
    meeting_log,
    meeting_reschedule,
    meeting_schedule,
    private_note_write,
)
from mentorwise.relationships.services.pair import (
    agreement_confirm,
    agreement_update,
    goal_create,
    goal_progress_set,
    goal_update,
    milestone_add,
    milestone_set_done,
)
from mentorwise.relationships.services.safety import safety_report_create, safety_report_handle

__all__ = [
    "DEFAULT_QUESTIONS",
    "GoalFields",
    "MeetingLog",
    "agreement_confirm",
    "agreement_update",
    "check_in_create",
    "default_questions",
    "goal_create",
    "goal_progress_set",
    "goal_update",
    "match_respond",
    "meeting_cancel",
    "meeting_log",
    "meeting_reschedule",
    "meeting_schedule",
    "mentor_active_count",
    "milestone_add",
    "milestone_set_done",
    "private_note_write",
    "relationship_close",
    "relationships_close_bulk",
    "relationships_remind",
    "safety_report_create",
    "safety_report_handle",
    "sponsorship_action_record",
    "sponsorship_outcome_set",
    "survey_configure",
    "survey_for",
    "survey_respond",
]
