"""Program and enrollment use cases, one module per use case group; each use case is one
transaction with its audit row. Input objects and their validation are `programs.inputs`."""

from mentorwise.programs.enrollment_inputs import MAX_CAPACITY, EnrollmentAnswers, EnrollmentNew
from mentorwise.programs.inputs import ProgramChanges, ProgramCreate, program_name_problem
from mentorwise.programs.matching_config import CRITERIA, OPTION_KEYS, matching_config_validate
from mentorwise.programs.services.enrollment import (
    InviteResult,
    enrollment_create,
    enrollment_invite_bulk,
    enrollment_set_availability,
    enrollment_update,
    enrollment_withdraw,
)
from mentorwise.programs.services.managers import program_managers_set
from mentorwise.programs.services.program_create import (
    program_create,
    program_create_from_template,
)
from mentorwise.programs.services.program_update import program_update
from mentorwise.programs.services.skills import skill_create, skill_set_active, skills_seed_defaults

__all__ = [
    "CRITERIA",
    "MAX_CAPACITY",
    "OPTION_KEYS",
    "EnrollmentAnswers",
    "EnrollmentNew",
    "InviteResult",
    "ProgramChanges",
    "ProgramCreate",
    "enrollment_create",
    "enrollment_invite_bulk",
    "enrollment_set_availability",
    "enrollment_update",
    "enrollment_withdraw",
    "matching_config_validate",
    "program_create",
    "program_create_from_template",
    "program_managers_set",
    "program_name_problem",
    "program_update",
    "skill_create",
    "skill_set_active",
    "skills_seed_defaults",
]
