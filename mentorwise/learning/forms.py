"""Forms for the training pages: an organization module, and a program's required modules."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from mentorwise.core.errors import FieldError, InvalidInput
from mentorwise.learning.builtin import AUDIENCE_ROLES
from mentorwise.learning.models import TrainingModule
from mentorwise.learning.questions import questions_parse_text, questions_to_text
from mentorwise.learning.services import ModuleContent

QUESTIONS_HELP = (
    "One block per question, separated by a blank line. Start the question with 'Q:', each "
    "choice with '-' (or '*' for the correct one), and the one-line explanation with '>'."
)


class ModuleForm(forms.Form):
    title = forms.CharField(max_length=200)
    summary = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown in the catalogue.",
    )
    audience = forms.MultipleChoiceField(
        choices=[(r, r.capitalize()) for r in AUDIENCE_ROLES],
        widget=forms.CheckboxSelectMultiple,
        help_text="Who the module is written for.",
    )
    minutes = forms.IntegerField(min_value=1, max_value=240, initial=10)
    body_markdown = forms.CharField(
        label="Text (Markdown)",
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="Headings, lists, links and tables; scripts and raw HTML are removed.",
    )
    questions_text = forms.CharField(
        label="Knowledge check",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=QUESTIONS_HELP,
    )
    is_active = forms.BooleanField(required=False, initial=True, label="Active (listed)")

    @classmethod
    def initial_for(cls, module: TrainingModule) -> dict[str, Any]:
        return {
            "title": module.title,
            "summary": module.summary,
            "audience": module.audience,
            "minutes": module.minutes,
            "body_markdown": module.body_markdown,
            "questions_text": questions_to_text(module.questions),
            "is_active": module.is_active,
        }

    def content(self) -> ModuleContent:
        """The module as the service takes it; question text that does not parse raises."""
        data = self.cleaned_data
        return ModuleContent(
            title=data["title"],
            summary=data["summary"],
            body_markdown=data["body_markdown"],
            audience=list(data["audience"]),
            minutes=data["minutes"],
            questions=questions_parse_text(data["questions_text"]),
            is_active=data["is_active"],
        )

    def add_service_errors(self, error: InvalidInput) -> None:
        for e in error.errors:
            self.add_error(_field_for(e, self.fields), _text(e))


def _field_for(error: FieldError, fields: dict[str, Any]) -> str | None:
    if error.field.startswith("questions"):
        return "questions_text"
    return error.field if error.field in fields else None


# The service's wording names JSON fields; the text format has markers instead.
_TEXT_FORMAT_HINTS = {
    "answer": "mark exactly one choice with '*'",
    "explanation": "add a one-line explanation starting with '>'",
    "text": "write the question after 'Q:'",
}


def _text(error: FieldError) -> str:
    if match := re.fullmatch(r"questions\[(\d+)\](?:\.(\w+))?", error.field):
        number, part = match.groups()
        return f"Question {number}: {_TEXT_FORMAT_HINTS.get(part or '', error.message)}"
    if error.row is not None:
        shown = f" ({error.value!r})" if error.value else ""
        return f"Line {error.row}{shown}: {error.message}"
    return error.message
