"""Forms for the training pages: an organization module, and a program's required modules."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorwise.core.errors import FieldError, InvalidInput
from mentorwise.learning.builtin import AUDIENCE_ROLES
from mentorwise.learning.models import TrainingModule
from mentorwise.learning.questions import questions_parse_text, questions_to_text
from mentorwise.learning.services import ModuleContent
from mentorwise.programs.models import Role

QUESTIONS_HELP = gettext_lazy(
    "One block per question, separated by a blank line. Start the question with 'Q:', each "
    "choice with '-' (or '*' for the correct one), and the one-line explanation with '>'."
)


class ModuleForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Shown in the catalogue."),
    )
    audience = forms.MultipleChoiceField(
        label=gettext_lazy("Audience"),
        choices=[(r, Role(r).label) for r in AUDIENCE_ROLES],
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Who the module is written for."),
    )
    minutes = forms.IntegerField(
        label=gettext_lazy("Minutes"), min_value=1, max_value=240, initial=10
    )
    body_markdown = forms.CharField(
        label=gettext_lazy("Text (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=gettext_lazy(
            "Headings, lists, links and tables; scripts and raw HTML are removed."
        ),
    )
    questions_text = forms.CharField(
        label=gettext_lazy("Knowledge check"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=QUESTIONS_HELP,
    )
    is_active = forms.BooleanField(
        required=False, initial=True, label=gettext_lazy("Active (listed)")
    )

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
    "answer": gettext_lazy("mark exactly one choice with '*'"),
    "explanation": gettext_lazy("add a one-line explanation starting with '>'"),
    "text": gettext_lazy("write the question after 'Q:'"),
}


def _text(error: FieldError) -> str:
    if match := re.fullmatch(r"questions\[(\d+)\](?:\.(\w+))?", error.field):
        number, part = match.groups()
        hint = _TEXT_FORMAT_HINTS.get(part or "", error.message)
        return _("Question %(number)s: %(hint)s") % {"number": number, "hint": hint}
    if error.row is not None:
        if error.value:
            return _("Line %(row)s (%(value)r): %(message)s") % {
                "row": error.row,
                "value": error.value,
                "message": error.message,
            }
        return _("Line %(row)s: %(message)s") % {"row": error.row, "message": error.message}
    return error.message
