"""The messages a program sends that its managers may rewrite, and the variables of each.

Each standard message has a default wording, the one Mentorwise sends when the program
has not written its own (the same words as the built-in e-mails: the match announcement of
matches.services, the survey reminders of notifications.rules, the closure notice of
relationships.services.closure; the welcome is new). Defaults are translated like every
other text; a program's own version is written per language (its default language, and any
of the languages Mentorwise ships).

Variables are a fixed set per message: plain strings computed from non-private facts
(names, the program, links). Nothing private is offered (DESIGN rule 9): no notes, no
survey answers, no demographics, no health.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Variable:
    name: str
    label: Promise
    sample: str  # shown in the list of variables; previews use a real recipient


RECIPIENT = (
    Variable("first_name", _("The recipient's first name"), "Ana"),
    Variable("last_name", _("The recipient's last name"), "Silva"),
    Variable("full_name", _("The recipient's full name"), "Ana Silva"),
    Variable("role", _("The recipient's role in the program (mentee, mentor...)"), "mentee"),
    Variable("program_name", _("The program's name"), "Leadership 2026"),
    Variable("program_url", _("The program's page"), "https://mentorwise.example/programs/x/"),
    Variable("manager_name", _("The name of the program's manager"), "Paula Manager"),
)
PAIR = (
    Variable("mentor_first_name", _("The first name of the recipient's mentor"), "Marta"),
    Variable("mentor_name", _("The full name of the recipient's mentor"), "Marta Jones"),
    Variable("mentee_first_name", _("The first name of the recipient's mentee"), "Omar"),
    Variable("mentee_name", _("The full name of the recipient's mentee"), "Omar Ali"),
    Variable(
        "relationship_url",
        _("The page of the recipient's relationship in the program"),
        "https://mentorwise.example/relationships/1/",
    ),
)
MATCH = (
    Variable("match_name", _("The full name of the person proposed"), "Marta Jones"),
    Variable("match_title", _("The job title of the person proposed"), "Head of Sales"),
    Variable("match_reasons", _("Why this match, one reason a line"), "- Same language"),
    Variable("answer_by", _("The day an answer is due"), "12 March 2027"),
)


@dataclass(frozen=True)
class Standard:
    key: str
    label: Promise
    when: Promise
    variables: tuple[Variable, ...]
    subject: Promise
    body: Promise


STANDARD: dict[str, Standard] = {
    s.key: s
    for s in (
        Standard(
            "welcome",
            pgettext_lazy("program message", "Welcome"),
            _("When a person enrolls in the program (only once the program has its own wording)."),
            RECIPIENT,
            _("Welcome to {program_name}"),
            _(
                "Hello {first_name},\n\nYou are enrolled in {program_name} as {role}. "
                "You can read the program's objectives, your responsibilities and what "
                "comes next on its page:\n\n{program_url}\n"
            ),
        ),
        Standard(
            "match_announcement",
            _("Match announcement"),
            _("When a match is published: each person is asked to accept or decline."),
            RECIPIENT + MATCH,
            _("{program_name}: you have been matched with {match_name}"),
            _(
                "Hello {first_name},\n\nIn {program_name} you have been matched with "
                "{match_name} ({match_title}).\n\nWhy this match:\n{match_reasons}\n\n"
                "Please accept or decline in Mentorwise by {answer_by}.\n"
            ),
        ),
        Standard(
            "midpoint",
            _("Midpoint survey"),
            _("Halfway through a relationship: the midpoint survey is due."),
            RECIPIENT + PAIR,
            _("Your midpoint survey for {program_name}"),
            _(
                "Two minutes of feedback on your {program_name} relationship help the program "
                "improve. Your answers are confidential.\n\n{relationship_url}\n"
            ),
        ),
        Standard(
            "closing",
            _("Closing"),
            _("When a relationship closes: the closing survey is due."),
            RECIPIENT + PAIR,
            _("Your closing survey for {program_name}"),
            _(
                "Two minutes of feedback on your {program_name} relationship help the program "
                "improve. Your answers are confidential.\n\n{relationship_url}\n"
            ),
        ),
    )
}
# Free-form messages (broadcasts, saved free-form templates) offer these.
FREE_FORM = RECIPIENT + PAIR
FREE_FORM_NAMES = frozenset(v.name for v in FREE_FORM)


def variables_of(key: str) -> tuple[Variable, ...]:
    """The variables a message may use: a standard message's own, else the free-form set."""
    standard = STANDARD.get(key)
    return standard.variables if standard else FREE_FORM
