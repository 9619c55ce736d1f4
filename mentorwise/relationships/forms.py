"""Parsing of the relationship pages' form fields into service arguments."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import partial
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentorwise.accounts.actors import Actor
from mentorwise.core.clock import zone_of
from mentorwise.core.errors import FieldError, InvalidInput
from mentorwise.core.forms import PageForm
from mentorwise.programs.inputs import CADENCE_DAYS
from mentorwise.relationships.inputs.answers import MatchAnswer
from mentorwise.relationships.inputs.rules import (
    COMMENT_MAX,
    DURATION_MINUTES,
    LINE_MAX,
    PROGRESS,
    PULSE,
    TITLE_MAX,
)
from mentorwise.relationships.inputs.surveys import SurveyAnswers, SurveyQuestion, SurveyQuestions
from mentorwise.relationships.models import (
    ClosureKind,
    ConversationType,
    GoalStatus,
    SponsorshipKind,
    SponsorshipOutcome,
)


def actor_zone(actor: Actor) -> zoneinfo.ZoneInfo:
    """The time zone a person enters times in: their own, else the site's."""
    return zone_of(actor)


def local_datetime(data: QueryDict, name: str, actor: Actor) -> dt.datetime:
    """A `datetime-local` field read in the actor's time zone."""
    raw = data.get(name, "").strip()
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            [FieldError(name, gettext("enter a date and time"), value=raw)]
        ) from None
    if timezone.is_naive(value):
        value = value.replace(tzinfo=actor_zone(actor))
    return value


def optional_date(data: QueryDict, name: str) -> dt.date | None:
    raw = data.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            [FieldError(name, gettext("enter a date (YYYY-MM-DD)"), value=raw)]
        ) from None


def integer(data: QueryDict, name: str, default: int | None = None) -> int:
    raw = data.get(name, "").strip()
    if not raw and default is not None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput([FieldError(name, gettext("enter a whole number"), value=raw)]) from None


def id_list(data: QueryDict, name: str) -> list[int]:
    return [int(v) for v in data.getlist(name) if v.isdigit()]


def survey_questions_to_text(questions: list[SurveyQuestion]) -> str:
    """One question per line: `key | label | 1-5` for a scale, `key | label | text`."""
    lines = []
    for q in questions:
        kind = f"{q['min']}-{q['max']}" if q["type"] == "scale" else "text"
        lines.append(f"{q['key']} | {q['label']} | {kind}")
    return "\n".join(lines)


def match_answer(data: QueryDict) -> MatchAnswer:
    """The accept/decline buttons (`answer`) and the optional reason of a decline."""
    return MatchAnswer(accept=data.get("answer") == "accept", reason=data.get("reason", ""))


def survey_answers(data: QueryDict, questions: list[SurveyQuestion]) -> SurveyAnswers:
    """The survey form: one field per question, named by its key."""
    return SurveyAnswers(answers={q["key"]: data.get(q["key"]) for q in questions})


def survey_questions(text: str) -> SurveyQuestions:
    """The questions as the editor's text (`survey_questions_from_text`)."""
    return SurveyQuestions(survey_questions_from_text(text))


def survey_questions_from_text(text: str) -> list[dict[str, object]]:
    """Parse the line format; malformed lines become questions the service refuses by name."""
    questions: list[dict[str, object]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        key, _sep, rest = (part.strip() for part in line.partition("|"))
        label, _sep2, kind = (
            (part.strip() for part in rest.rpartition("|")) if "|" in rest else (rest, "", "")
        )
        low, dash, high = kind.partition("-")
        if dash and low.isdigit() and high.isdigit():
            questions.append(
                {"key": key, "label": label, "type": "scale", "min": int(low), "max": int(high)}
            )
        else:
            questions.append({"key": key, "label": label, "type": kind or "missing"})
    return questions


# Page forms of the relationship page -----------------------------------------------------
# Each parses types only (a number, a date and time in the person's zone) into the fields of
# an input object (`relationships.inputs`); its validator, called by the service, checks the
# rules, as for the API and the CLI. The limits reach the browser as `maxlength`, `min` and
# `max`, a help, not a check. The labels are the names every message uses (field_labels()).


def _number(bounds: tuple[int, int]) -> forms.NumberInput:
    return forms.NumberInput(attrs={"min": bounds[0], "max": bounds[1]})


def _datetime_local(**attrs: str) -> forms.TextInput:
    return forms.TextInput(attrs={"type": "datetime-local", **attrs})


class _ZonedForm(PageForm):
    """A form whose `datetime-local` fields are read in the person's own time zone."""

    datetime_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, actor: Actor = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone_of(actor)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.datetime_fields:
            raw = (data.get(name) or "").strip()
            if not raw:
                continue
            try:
                value = dt.datetime.fromisoformat(raw)
            except ValueError:
                self.add_error(name, _("Enter a date and time."))
                continue
            data[name] = value.replace(tzinfo=self.zone) if timezone.is_naive(value) else value
        if "duration_minutes" in self.fields and data.get("duration_minutes") is None:
            data["duration_minutes"] = 60  # left empty: the usual hour
        return data


def local_input_value(value: dt.datetime, actor: Actor) -> str:
    """A moment as a `datetime-local` value in the person's zone (a form's initial value)."""
    return value.astimezone(zone_of(actor)).strftime("%Y-%m-%dT%H:%M")


class AgreementForm(PageForm):
    pair_objectives = forms.CharField(
        label=_("Our objectives"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    meeting_cadence_days = forms.IntegerField(
        label=_("Meeting cadence (days)"), widget=_number(CADENCE_DAYS)
    )
    confidentiality = forms.CharField(
        label=_("Confidentiality"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class GoalForm(PageForm):
    title = forms.CharField(label=_("Goal"), widget=forms.TextInput(attrs={"maxlength": TITLE_MAX}))
    specific = forms.CharField(
        label=_("Specific: what exactly?"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    measurable = forms.CharField(
        label=_("Measurable: how will you know?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    achievable = forms.CharField(
        label=_("Achievable: why is it realistic?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    relevant = forms.CharField(
        label=_("Relevant: why does it matter?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    target_date = forms.DateField(
        label=_("Time-bound: target date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ScheduleForm(_ZonedForm):
    datetime_fields = ("starts_at",)
    starts_at = forms.CharField(label=_("When (your time zone)"), widget=_datetime_local())
    duration_minutes = forms.IntegerField(
        label=_("Minutes"),
        initial=60,
        required=False,
        widget=_number(DURATION_MINUTES),
    )
    location = forms.CharField(
        label=_("Place or video link"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": LINE_MAX}),
    )
    conversation_type = forms.TypedChoiceField(
        label=_("Conversation"),
        choices=ConversationType.choices,
        initial=ConversationType.MENTORING,
        required=False,
        empty_value=ConversationType.MENTORING,
    )


class MoveForm(_ZonedForm):
    datetime_fields = ("starts_at",)
    starts_at = forms.CharField(label=_("New time (your time zone)"), widget=_datetime_local())


class LogForm(_ZonedForm):
    datetime_fields = ("held_at",)
    meeting = forms.IntegerField(required=False, widget=forms.HiddenInput)
    held_at = forms.CharField(label=_("Held at (your time zone)"), widget=_datetime_local())
    duration_minutes = forms.IntegerField(
        label=_("Minutes"),
        initial=60,
        required=False,
        widget=_number(DURATION_MINUTES),
    )
    conversation_type = forms.TypedChoiceField(
        label=_("Conversation"),
        choices=ConversationType.choices,
        initial=ConversationType.MENTORING,
        required=False,
        empty_value=ConversationType.MENTORING,
    )
    topics = forms.CharField(label=_("Topics"), required=False)
    shared_notes = forms.CharField(
        label=_("Shared notes (both of you read them)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    private_note = forms.CharField(
        label=_("Private note (only you, ever)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CheckInForm(PageForm):
    pulse = forms.TypedChoiceField(
        label=_("How is it going? (1–5)"),
        choices=[(n, str(n)) for n in range(PULSE[0], PULSE[1] + 1)],
        coerce=int,
        initial=4,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.TextInput(attrs={"maxlength": COMMENT_MAX})
    )


class CloseForm(PageForm):
    kind = forms.ChoiceField(
        label=_("Kind of closure"), choices=ClosureKind.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason (required for an early closure)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Both of you and the program's managers read it."),
    )
    rematch = forms.BooleanField(label=_("Ask for a new match (early closure)"), required=False)


# Forms of one object on the page (a goal, a milestone, a meeting, a sponsorship action): each
# is rendered and re-rendered under its key, `<name>-<pk>`, which is also its id prefix.


def object_key(name: str, pk: int) -> str:
    return f"{name}-{pk}"


def key_auto_id(key: str) -> str:
    """The `auto_id` of the form under `key`, so a re-rendered bound form keeps its ids."""
    return AUTO_IDS.get(key, f"{key}_%s")


def _date(**attrs: str) -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", **attrs})


class GoalProgressForm(PageForm):
    progress = forms.IntegerField(label=_("Progress (%)"), widget=_number(PROGRESS))
    # Left out, the status stays as it is (clients that only move the progress).
    status = forms.TypedChoiceField(
        label=_("Status"), choices=GoalStatus.choices, required=False, empty_value=None
    )


class MilestoneForm(PageForm):
    title = forms.CharField(
        label=_("New milestone"), widget=forms.TextInput(attrs={"maxlength": TITLE_MAX})
    )
    due_date = forms.DateField(label=_("Due"), required=False, widget=_date())


class MilestoneDoneForm(PageForm):
    done = forms.TypedChoiceField(
        label=_("Done"),
        choices=[("1", _("Done")), ("0", _("Not done"))],
        coerce=lambda value: value == "1",
        widget=forms.HiddenInput,
    )


class PrivateNoteForm(PageForm):
    service_fields = {"private_note": "text"}
    text = forms.CharField(
        label=_("My private note"),
        required=False,
        help_text=_("Only you can read this note."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SponsorshipForm(PageForm):
    kind = forms.ChoiceField(label=_("Action"), choices=SponsorshipKind.choices)
    description = forms.CharField(label=_("What you did"), widget=forms.Textarea(attrs={"rows": 3}))


class SponsorshipOutcomeForm(PageForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=SponsorshipOutcome.choices)
    outcome_on = forms.DateField(
        label=_("Outcome date"),
        required=False,
        widget=_date(),
        help_text=_("Left empty: today (none while pending)."),
    )


def field_labels() -> dict[str, str]:
    """The label of every field a relationship service may name in an error, in the active
    language (where two forms use one name, the later form's label wins)."""
    return {
        **MilestoneForm.labels(),
        **SponsorshipForm.labels(),
        **SponsorshipOutcomeForm.labels(),
        **GoalProgressForm.labels(),
        **GoalForm.labels(),
        **AgreementForm.labels(),
        **LogForm.labels(),
        **ScheduleForm.labels(),
        **CloseForm.labels(),
        **CheckInForm.labels(),
        "version": gettext("Agreement version"),
        "category": gettext("What happened"),
        "text": gettext("Note"),
    }


def _move_form(actor: Actor, meeting: Any) -> MoveForm:
    return MoveForm(
        actor=actor,
        auto_id=f"move{meeting.pk}_%s",
        initial={"starts_at": local_input_value(meeting.starts_at, actor)},
    )


def _held_form(actor: Actor, meeting: Any) -> LogForm:
    return LogForm(
        actor=actor,
        auto_id=f"held{meeting.pk}_%s",
        initial={
            "meeting": meeting.pk,
            "held_at": local_input_value(meeting.starts_at, actor),
            "duration_minutes": meeting.duration_minutes,
            "conversation_type": meeting.conversation_type,
        },
    )


def pair_forms(
    *,
    actor: Actor,
    relationship: Any,
    agreement: Any,
    goals: list[Any],
    meetings: list[Any],
    actions: list[Any],
    bound: dict[str, Any],
) -> dict[str, Any]:
    """The relationship page's forms: the one just refused stays bound (typed values and
    errors kept), every other one is fresh. Forms of one object hang on it (`goal.
    progress_form`), under ids of their own (`key_auto_id`) and the same field names."""

    def form(key: str, cls: type[PageForm], **kwargs: Any) -> Any:
        return bound.get(key) or cls(auto_id=key_auto_id(key), **kwargs)

    current = {
        "meeting_cadence_days": getattr(agreement, "meeting_cadence_days", None)
        or relationship.program.meeting_cadence_days,
        "pair_objectives": getattr(agreement, "pair_objectives", ""),
        "confidentiality": getattr(agreement, "confidentiality", ""),
    }
    for goal in goals:
        goal.progress_form = form(
            object_key("progress", goal.pk),
            GoalProgressForm,
            initial={"progress": goal.progress, "status": goal.status},
        )
        goal.milestone_form = form(object_key("milestone", goal.pk), MilestoneForm)
        for milestone in goal.milestones.all():
            milestone.done_form = form(
                object_key("done", milestone.pk),
                MilestoneDoneForm,
                initial={"done": "0" if milestone.done_at else "1"},
            )
    for meeting in meetings:
        move_key, held_key = f"move-{meeting.pk}", f"held-{meeting.pk}"
        # Shown for scheduled meetings only: made when the page first reads them.
        meeting.move_form = bound.get(move_key) or SimpleLazyObject(
            partial(_move_form, actor, meeting)
        )
        meeting.held_form = bound.get(held_key) or SimpleLazyObject(
            partial(_held_form, actor, meeting)
        )
        meeting.form_open = move_key in bound or held_key in bound
        meeting.note_form = form(
            object_key("note", meeting.pk),
            PrivateNoteForm,
            initial={"text": getattr(meeting, "my_private_note", "")},
        )
    for action in actions:
        action.outcome_form = form(
            object_key("outcome", action.pk),
            SponsorshipOutcomeForm,
            initial={"outcome": action.outcome, "outcome_on": action.outcome_on},
        )
    return {
        "agreement_form": form("agreement", AgreementForm, initial=current),
        "goal_form": form("goal", GoalForm),
        "schedule_form": bound.get("schedule") or ScheduleForm(actor=actor, auto_id="ms_%s"),
        "log_form": bound.get("log") or LogForm(actor=actor, auto_id="lg_%s"),
        "checkin_form": form("checkin", CheckInForm),
        "sponsorship_form": form("sponsorship", SponsorshipForm),
        "open_form": next(iter(bound), ""),
    }


# The `auto_id` each form is rendered with, so a re-rendered bound form keeps its ids.
AUTO_IDS = {
    "agreement": "a_%s",
    "goal": "g_%s",
    "schedule": "ms_%s",
    "log": "lg_%s",
    "checkin": "ci_%s",
    "sponsorship": "sp_%s",
}
