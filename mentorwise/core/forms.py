"""Page forms that help: labels, required fields marked, the service's errors at their field.

A page form parses what a person typed (types only); the service then checks the rules, the
same for page, HTMX, API and CLI. Its `FieldError`s come back to the form by field name, so
each one shows beside its field with the field's label, never the internal name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _

from mentorwise.core.errors import FieldError, InvalidInput, MentorwiseError
from mentorwise.core.widgets import PAGE_FORM_TEMPLATE


def humanize(name: str) -> str:
    """A readable name for a field no form labels ("duration_minutes" → "Duration minutes")."""
    return name.replace("_", " ").strip().capitalize() or _("Input")


def describe(error: FieldError, labels: Mapping[str, str] | None = None) -> str:
    """`Minutes: must be 5 to 480 minutes (you entered 0)`: the label, never the field's name."""
    label = (labels or {}).get(error.field) or humanize(error.field)
    values = {"row": error.row, "label": label, "message": error.message, "value": error.value}
    if error.value in (None, ""):
        if error.row is None:
            return _("%(label)s: %(message)s") % values
        return _("Row %(row)s, %(label)s: %(message)s") % values
    if error.row is None:
        return _("%(label)s: %(message)s (you entered %(value)s)") % values
    return _("Row %(row)s, %(label)s: %(message)s (you entered %(value)s)") % values


def refusal_text_labelled(error: MentorwiseError, labels: Mapping[str, str]) -> str:
    """The sentence for a refusal, with every field named by its label."""
    if isinstance(error, InvalidInput) and error.errors:
        return "; ".join(describe(e, labels) for e in error.errors)
    return error.message


class PageForm(forms.Form):
    """A form whose required fields say so (a visible mark and `aria-required`) and whose
    fields with errors are `aria-invalid` and described by their error (Django's own)."""

    template_name = PAGE_FORM_TEMPLATE
    required_css_class = "required"
    # A service may name a field differently from the form that collects it (the private
    # note's `text` is `private_note` to the meeting services): its name -> the form's.
    service_fields: ClassVar[Mapping[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # A radio group says "required" on its legend (ARIA allows aria-required on a
            # radiogroup, not on each radio button); a hidden input is not read at all.
            if field.required and not isinstance(
                field.widget, (forms.RadioSelect, forms.HiddenInput)
            ):
                field.widget.attrs["aria-required"] = "true"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {name: str(field.label) for name, field in cls.base_fields.items()}

    def add_service_error(self, error: MentorwiseError) -> None:
        """Put a refused service call's problems beside their fields (others on top)."""
        if not isinstance(error, InvalidInput) or not error.errors:
            self.add_error(None, error.message)
            return
        for problem in error.errors:
            message = problem.message
            if problem.value not in (None, ""):
                message = _("%(message)s (you entered %(value)s)") % {
                    "message": message,
                    "value": problem.value,
                }
            field = self.service_fields.get(problem.field, problem.field)
            if field in self.fields:
                self.add_error(field, message)
            else:
                self.add_error(None, describe(problem, self.labels()))

    def error_summary(self) -> str:
        """Every problem in one sentence, each named by its label (for the live region)."""
        labels = self.labels()
        parts = [
            _("%(label)s: %(message)s")
            % {"label": labels.get(name, humanize(name)), "message": " ".join(map(str, messages))}
            for name, messages in self.errors.items()
            if name != NON_FIELD_ERRORS
        ]
        return "; ".join([*self.non_field_errors(), *parts]) or _("Please check the form.")
