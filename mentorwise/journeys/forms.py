"""The journey editor's step form: the same StepInput the API and the CLI build."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mentorwise.core.forms import PageForm
from mentorwise.journeys.inputs import (
    BODY_MAX,
    OFFSET_MAX,
    TITLE_MAX,
    URL_MAX,
    StepInput,
    questions_from_text,
)
from mentorwise.journeys.models import GuideType, JourneyStep, OffsetUnit, StepKind


class StepForm(PageForm):
    kind = forms.ChoiceField(label=_("Kind of step"), choices=StepKind.choices)
    offset_value = forms.IntegerField(
        label=_("Due after the start"),
        min_value=0,
        max_value=max(OFFSET_MAX.values()),
        initial=1,
        widget=forms.NumberInput(attrs={"min": 0, "max": max(OFFSET_MAX.values())}),
    )
    offset_unit = forms.ChoiceField(
        label=_("Unit"), choices=OffsetUnit.choices, initial=OffsetUnit.WEEKS
    )
    # Checked by the service with the other fields, so one answer names every problem.
    title = forms.CharField(
        label=_("Title"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": TITLE_MAX, "aria-required": "true"}),
    )
    body = forms.CharField(
        label=_("What to do or know"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": BODY_MAX}),
    )
    guide_type = forms.ChoiceField(
        label=_("Conversation (guides only)"),
        required=False,
        choices=[("", "—"), *GuideType.choices],
    )
    questions = forms.CharField(
        label=_("Questions to ask (guides only; one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    url = forms.CharField(
        label=_("Link (required for a resource)"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": URL_MAX}),
    )

    def to_input(self) -> StepInput:
        data: dict[str, Any] = self.cleaned_data
        return StepInput(
            kind=data["kind"],
            offset_value=data["offset_value"],
            offset_unit=data["offset_unit"],
            title=data.get("title") or "",
            body=data.get("body") or "",
            guide_type=data.get("guide_type") or "",
            questions=questions_from_text(data.get("questions") or ""),
            url=data.get("url") or "",
        )

    @staticmethod
    def initial_of(step: JourneyStep) -> dict[str, Any]:
        return {
            "kind": step.kind,
            "offset_value": step.offset_value,
            "offset_unit": step.offset_unit,
            "title": step.title,
            "body": step.body,
            "guide_type": step.guide_type,
            "questions": "\n".join(step.questions),
            "url": step.url,
        }
