"""The journey every program template ships: steps written down as data.

A program created from a template gets a copy of its template's journey the first time
the journey is needed (`services.program_journey`); from then on its program managers own
the copy. The texts are written in English (programs.models.CONTENT_LANGUAGE) and marked
with `gettext_noop`, so the translation catalogs carry them.

Offsets count from the relationship's start: ("weeks", 1) is due one week in. Guides carry
the questions to ask; their type says which conversation they are: coaching (here-and-now
performance; questioning and listening), mentoring (career path and the near future) or
sponsoring (advocacy, stretch assignments).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_noop as N

from mentorwise.journeys.models import GuideType, OffsetUnit, StepKind


@dataclass(frozen=True)
class StepSpec:
    """One step of a template's journey."""

    kind: str
    offset: tuple[int, str]
    title: str
    body: str
    guide_type: str = ""
    questions: tuple[str, ...] = ()
    url: str = ""

    @property
    def approx_days(self) -> int:
        """Its offset in days, months taken as 30: the order a copied journey starts in."""
        value, unit = self.offset
        return (
            value
            * {OffsetUnit.DAYS: 1, OffsetUnit.WEEKS: 7, OffsetUnit.MONTHS: 30}[OffsetUnit(unit)]
        )


D, W, M = OffsetUnit.DAYS, OffsetUnit.WEEKS, OffsetUnit.MONTHS

# Steps several templates share ---------------------------------------------------------

KICK_OFF = StepSpec(
    StepKind.TASK,
    (0, W),
    N("Hold your first meeting and write your agreement"),
    N(
        "Meet within the first week. Talk about what each of you hopes to get from the "
        "relationship, how often and where you will meet, how you will reach each other "
        "between meetings, and what stays confidential. Write it in the agreement on your "
        "relationship's page; both of you then confirm it."
    ),
)
AGREEMENT = StepSpec(
    StepKind.GUIDE,
    (1, W),
    N("Agree on expectations"),
    N(
        "A mentoring conversation to set the relationship up well. The mentee leads: come "
        "with two or three things you want to work on. End by writing down one goal you "
        "can measure."
    ),
    GuideType.MENTORING,
    (
        N("What would make this relationship worth your time, six months from now?"),
        N("What do you want to be better at, and how would you or others notice?"),
        N("How do you like to receive feedback: directly, in writing, with time to think?"),
        N("What is off limits, and what stays between us?"),
        N("How will we tell each other if this is not working?"),
    ),
)
SET_GOALS = StepSpec(
    StepKind.TASK,
    (2, W),
    N("Write one or two goals"),
    N(
        "Add your goals on the relationship's page: specific, measurable and with a date. "
        "Break each into two or three milestones you can tick off between meetings."
    ),
)
LISTENING_TIP = StepSpec(
    StepKind.TIP,
    (3, W),
    N("Ask before you advise"),
    N(
        "For mentors: when your mentee brings a problem, ask at least three open questions "
        "before you offer your own experience. 'What have you tried?', 'What is in the "
        "way?', 'What would you do if you could not fail?' Often the answer is already "
        "there; your questions help it surface."
    ),
)
COACHING_CHALLENGE = StepSpec(
    StepKind.GUIDE,
    (2, M),
    N("Work through a current challenge"),
    N(
        "A coaching conversation about something happening now at work: a project, a "
        "difficult colleague, a decision. The mentor mostly asks and listens; the mentee "
        "finds the next step. Use the GROW order: goal, reality, options, will."
    ),
    GuideType.COACHING,
    (
        N("What is the situation, in two sentences? What outcome do you want?"),
        N("What have you already tried, and what happened?"),
        N("What is really in the way: a skill, a relationship, time, confidence?"),
        N("What are three options you have not tried yet?"),
        N("Which one will you try before we meet again, and how will you know it worked?"),
    ),
)
# The two guides above for a pair of peers: each of them brings goals and each helps the other.
PEER_AGREEMENT = StepSpec(
    StepKind.GUIDE,
    (1, W),
    N("Agree on expectations"),
    N(
        "A mentoring conversation to set the relationship up well. You are peers: each of "
        "you comes with two or three things you want to work on, and each of you leads for "
        "half the time. End by writing down one goal each that you can measure."
    ),
    GuideType.MENTORING,
    AGREEMENT.questions,
)
PEER_CHALLENGE = StepSpec(
    StepKind.GUIDE,
    (2, M),
    N("Work through a current challenge"),
    N(
        "A coaching conversation each way about something happening now at work: a project, "
        "a difficult colleague, a decision. Take turns: one of you brings the challenge and "
        "finds the next step while the other mostly asks and listens; then swap. Use the "
        "GROW order: goal, reality, options, will."
    ),
    GuideType.COACHING,
    COACHING_CHALLENGE.questions,
)
CAREER = StepSpec(
    StepKind.GUIDE,
    (3, M),
    N("Talk about your career path"),
    N(
        "A mentoring conversation about the next two to three years. The mentor shares how "
        "careers really move in this organization; the mentee leaves with one or two "
        "concrete steps, such as a person to meet or a skill to build."
    ),
    GuideType.MENTORING,
    (
        N("Which work gives you energy, and which drains it?"),
        N("Where do you want to be in two years? What would that role ask of you?"),
        N("What is the gap between today and that role, in skills and in experience?"),
        N("Who should know about your ambitions, and who could you learn from?"),
        N("What is one step you will take this month?"),
    ),
)
MIDPOINT = StepSpec(
    StepKind.TASK,
    (4, M),
    N("Review your goals halfway through"),
    N(
        "Look at your goals together. Update their progress, drop what no longer matters "
        "and add what has come up. Answer the midpoint survey: it takes two minutes."
    ),
)
FEEDBACK_RESOURCE = StepSpec(
    StepKind.RESOURCE,
    (5, W),
    N("Read: developmental conversations and coaching questions"),
    N(
        "The training module on the GROW order of a coaching conversation and the questions "
        "that move it along. Read it before your next meeting and try two of its questions."
    ),
    url="/training/developmental-conversations/",
)
LISTENING_RESOURCE = StepSpec(
    StepKind.RESOURCE,
    (1, M),
    N("Read: active listening"),
    N(
        "Fifteen minutes on listening to understand rather than to reply: reflecting, "
        "summarising and the silence that lets the other person think."
    ),
    url="/training/active-listening/",
)
SPONSOR_RESOURCE = StepSpec(
    StepKind.RESOURCE,
    (2, W),
    N("Read: inclusive mentoring and sponsorship"),
    N(
        "The training module on what sponsors do differently from mentors, and on the "
        "barriers informal networks put in front of under-represented talent."
    ),
    url="/training/inclusive-mentoring-and-sponsorship/",
)


def _closing(offset: tuple[int, str]) -> StepSpec:
    return StepSpec(
        StepKind.GUIDE,
        offset,
        N("Look back and close well"),
        N(
            "A mentoring conversation for your last meeting. Look back at the goals you "
            "set, name what changed, and agree whether and how you stay in touch. Then "
            "answer the closing survey."
        ),
        GuideType.MENTORING,
        (
            N("Which goals did you reach, and which moved?"),
            N("What is the most useful thing you learned from each other?"),
            N("What will you keep doing on your own?"),
            N("How, if at all, do we stay in touch?"),
        ),
    )


SPONSOR_CONVERSATION = StepSpec(
    StepKind.GUIDE,
    (3, M),
    N("Plan where to advocate"),
    N(
        "A sponsoring conversation: the sponsor commits to act, not only to advise. Agree "
        "on one stretch assignment, promotion or visible project to push for, who decides "
        "it, and what the sponsor will say in that room. Record it as a sponsorship action."
    ),
    GuideType.SPONSORING,
    (
        N("Which opportunity in the next six months would stretch you most?"),
        N("Who decides it, and do they know your work?"),
        N("What evidence of your results can I point to when I speak for you?"),
        N("What risk am I taking by backing you, and how do we make it pay off?"),
        N("When will I tell you what I did and what came of it?"),
    ),
)

JOURNEYS: dict[str, tuple[StepSpec, ...]] = {
    "hipo_leadership": (
        KICK_OFF,
        AGREEMENT,
        SET_GOALS,
        LISTENING_TIP,
        LISTENING_RESOURCE,
        COACHING_CHALLENGE,
        CAREER,
        StepSpec(
            StepKind.TASK,
            (4, M),
            N("Meet a leader outside your function"),
            N(
                "The mentor introduces the mentee to one senior colleague from another "
                "function. The mentee prepares three questions about how that part of the "
                "organization decides and what it needs from leaders."
            ),
        ),
        StepSpec(
            StepKind.GUIDE,
            (5, M),
            N("Leading through others"),
            N(
                "A coaching conversation about a recent moment of leadership: a meeting "
                "you ran, a decision you drove, a conflict you handled."
            ),
            GuideType.COACHING,
            (
                N("What did you do, and what did others do as a result?"),
                N("What would you keep, and what would you change next time?"),
                N("Where did you do the work yourself when someone else could have?"),
                N("What will you delegate in the next month?"),
            ),
        ),
        MIDPOINT,
        StepSpec(
            StepKind.GUIDE,
            (7, M),
            N("Ready for the next role?"),
            N(
                "A mentoring conversation to test readiness for the next leadership "
                "role and plan the steps toward it with the mentee's manager."
            ),
            GuideType.MENTORING,
            (
                N("Which parts of the next role could you do today?"),
                N("What would your manager say is missing? Have you asked?"),
                N("Which project in the coming months would prove you are ready?"),
            ),
        ),
        _closing((9, M)),
    ),
    "first_time_manager": (
        KICK_OFF,
        AGREEMENT,
        StepSpec(
            StepKind.TIP,
            (2, W),
            N("Your first one-to-ones"),
            N(
                "For new managers: hold a 30-minute one-to-one with each person on your "
                "team every week or two. Let them set most of the agenda; ask what gets in "
                "their way and what they want to learn. Bring one observation from these "
                "to your next mentoring meeting."
            ),
        ),
        SET_GOALS,
        FEEDBACK_RESOURCE,
        COACHING_CHALLENGE,
        StepSpec(
            StepKind.GUIDE,
            (10, W),
            N("A difficult conversation"),
            N(
                "A coaching conversation to prepare a hard talk with someone on the "
                "mentee's team: underperformance, a conflict, a no. Rehearse the opening "
                "sentence together."
            ),
            GuideType.COACHING,
            (
                N("What exactly happened, and what was its impact?"),
                N("What do you want the other person to understand, and to do?"),
                N("What will you say in your first two sentences?"),
                N("How might they react, and how will you respond?"),
            ),
        ),
        CAREER,
        StepSpec(
            StepKind.TASK,
            (4, M),
            N("Delegate one thing you still do yourself"),
            N(
                "Pick a task you kept from your old job. Hand it to someone on your team "
                "with the outcome you expect and the support you will give. Talk about how "
                "it went at your next meeting."
            ),
        ),
        MIDPOINT,
        _closing((6, M)),
    ),
    # Peers coach each other: the same first steps, a coaching conversation each way, and a
    # close at the end of the four months. Neither is a mentor or a mentee, so the guides
    # that give one side the lead are written for two peers who take turns.
    "peer_first_time_managers": (
        KICK_OFF,
        PEER_AGREEMENT,
        SET_GOALS,
        FEEDBACK_RESOURCE,
        PEER_CHALLENGE,
        _closing((4, M)),
    ),
    "reverse_mentoring": (
        KICK_OFF,
        StepSpec(
            StepKind.GUIDE,
            (1, W),
            N("Agree how you will learn from each other"),
            N(
                "A mentoring conversation in reverse: the junior colleague leads. The senior "
                "colleague names what they want to understand; the junior colleague says "
                "what they need to speak frankly."
            ),
            GuideType.MENTORING,
            (
                N("What do you want to understand better about how people work today?"),
                N("What would make it safe to tell each other uncomfortable things?"),
                N("What stays between us, and what may we share?"),
            ),
        ),
        StepSpec(
            StepKind.TASK,
            (3, W),
            N("Show a tool or a way of working"),
            N(
                "The junior colleague shows a tool, channel or habit they use every day; "
                "the senior colleague tries it for a week and reports back."
            ),
        ),
        StepSpec(
            StepKind.TIP,
            (5, W),
            N("Listen first"),
            N(
                "For the senior colleague: resist explaining why things are the way they "
                "are. Ask 'what would you change?' and write the answers down."
            ),
        ),
        LISTENING_RESOURCE,
        COACHING_CHALLENGE,
        StepSpec(
            StepKind.TASK,
            (3, M),
            N("Act on one thing you learned"),
            N(
                "The senior colleague changes one decision, meeting or habit because of "
                "what they heard, and tells their mentor what they did."
            ),
        ),
        MIDPOINT,
        _closing((6, M)),
    ),
    "sponsorship_underrepresented": (
        KICK_OFF,
        AGREEMENT,
        SPONSOR_RESOURCE,
        StepSpec(
            StepKind.TASK,
            (3, W),
            N("Share your track record"),
            N(
                "The protégé writes one page: results of the last two years, the next role "
                "they aim for, and the opportunities that would prove them. The sponsor "
                "reads it before the next meeting."
            ),
        ),
        StepSpec(
            StepKind.TIP,
            (6, W),
            N("Sponsorship is action"),
            N(
                "For sponsors: advice is mentoring; sponsorship is spending your "
                "reputation. Every month, do one visible thing for your protégé: a "
                "nomination, an introduction, their name in a talent review."
            ),
        ),
        COACHING_CHALLENGE,
        SPONSOR_CONVERSATION,
        StepSpec(
            StepKind.TASK,
            (5, M),
            N("Make an introduction that matters"),
            N(
                "The sponsor introduces the protégé to someone who decides promotions or "
                "assignments, and records it as a sponsorship action."
            ),
        ),
        StepSpec(
            StepKind.GUIDE,
            (6, M),
            N("Career conversation"),
            N(
                "A mentoring conversation halfway through: where is the protégé heading, "
                "and is the advocacy pointing the right way?"
            ),
            GuideType.MENTORING,
            (
                N("Is the role you aimed for still the right next step?"),
                N("What feedback have you heard about yourself since we started?"),
                N("What would you need to be considered in the next talent review?"),
            ),
        ),
        StepSpec(
            StepKind.GUIDE,
            (9, M),
            N("Review what the advocacy achieved"),
            N(
                "A sponsoring conversation: go through the sponsorship actions recorded "
                "so far and their outcomes, and plan the next one."
            ),
            GuideType.SPONSORING,
            (
                N("Which nominations or introductions led somewhere, and which did not?"),
                N("What did decision makers say about you?"),
                N("What is the next opportunity I will push for, and by when?"),
            ),
        ),
        _closing((12, M)),
    ),
    "onboarding_buddy": (
        StepSpec(
            StepKind.TASK,
            (0, D),
            N("Say hello on the first day"),
            N(
                "The buddy reaches out on the new hire's first day: lunch or a coffee, a "
                "short tour, and where to find help."
            ),
        ),
        StepSpec(
            StepKind.GUIDE,
            (1, W),
            N("The first week"),
            N("A short mentoring conversation at the end of the first week."),
            GuideType.MENTORING,
            (
                N("What surprised you this week?"),
                N("Whose name keeps coming up that you have not met yet?"),
                N("What would you not ask your manager?"),
            ),
        ),
        StepSpec(
            StepKind.TASK,
            (2, W),
            N("Introduce three colleagues"),
            N(
                "The buddy introduces the new hire to three people outside their team who "
                "will be useful: someone in a partner team, an old hand who knows the "
                "history, and a recent joiner."
            ),
        ),
        StepSpec(
            StepKind.TIP,
            (3, W),
            N("The unwritten rules"),
            N(
                "For buddies: explain how things really get done here: which meetings "
                "matter, how decisions are made, what people expect in e-mails and chat."
            ),
        ),
        StepSpec(
            StepKind.GUIDE,
            (6, W),
            N("Settling in"),
            N("A coaching conversation about the first piece of real work."),
            GuideType.COACHING,
            (
                N("What is your first real piece of work, and how is it going?"),
                N("Where are you stuck, and who could help?"),
                N("What will you have finished by our next meeting?"),
            ),
        ),
        _closing((3, M)),
    ),
    "group_circle": (
        StepSpec(
            StepKind.TASK,
            (0, W),
            N("Hold the circle's first session"),
            N(
                "Everyone introduces themselves and one thing they want from the circle. "
                "Agree on the rhythm, the confidentiality of what is said, and who brings "
                "the topic for each session."
            ),
        ),
        AGREEMENT,
        StepSpec(
            StepKind.TIP,
            (3, W),
            N("Let every voice be heard"),
            N(
                "For facilitators: go round the circle before open discussion, and ask the "
                "quietest member first. Members learn as much from each other as from you."
            ),
        ),
        COACHING_CHALLENGE,
        CAREER,
        MIDPOINT,
        StepSpec(
            StepKind.TASK,
            (5, M),
            N("Peer feedback round"),
            N(
                "Each member names one strength they saw in another member during the "
                "circle, with an example."
            ),
        ),
        _closing((6, M)),
    ),
    "flash_mentoring": (
        StepSpec(
            StepKind.TASK,
            (0, D),
            N("Send your question ahead"),
            N(
                "The mentee sends the one question they want to discuss, with two lines of "
                "context, before the conversation."
            ),
        ),
        StepSpec(
            StepKind.GUIDE,
            (1, W),
            N("The one conversation"),
            N(
                "A mentoring conversation of an hour on one focused question. The mentee "
                "leaves with an answer or a next step, and perhaps a name."
            ),
            GuideType.MENTORING,
            (
                N("What is the question, and why now?"),
                N("What have you considered so far?"),
                N("What would you do in my place?"),
                N("Who else should I talk to?"),
            ),
        ),
        StepSpec(
            StepKind.TASK,
            (3, W),
            N("Say what you did with it"),
            N("The mentee sends a short note on what they did with the advice."),
        ),
    ),
}


def journey_template(template_key: str) -> tuple[StepSpec, ...]:
    """The steps a program made from `template_key` starts with (none for an unknown key)."""
    return JOURNEYS.get(template_key, ())
