"""The audit log's search form; its values live in the URL so a search can be shared."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mentorwise.audit.selectors import AuditFilters


class AuditFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label=_("Search"))
    actor = forms.CharField(required=False, max_length=200, label=_("Actor"))
    action = forms.CharField(required=False, max_length=80, label=_("Action"))
    target_type = forms.ChoiceField(required=False, label=_("Object type"))
    target_id = forms.CharField(required=False, max_length=64, label=_("Object id"))
    date_from = forms.DateField(
        required=False,
        label=pgettext_lazy("date", "From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        required=False,
        label=pgettext_lazy("date", "To"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, target_types: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        choices = [("", pgettext_lazy("filter", "All")), *[(t, t) for t in target_types]]
        self.fields["target_type"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("must be on or after the start date"))
        return data

    def filters(self) -> AuditFilters:
        """The valid criteria; an invalid field is left out (and shown as an error)."""
        if not self.is_bound:
            return AuditFilters()
        self.is_valid()
        data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        return AuditFilters(
            actor=(data.get("actor") or "").strip(),
            action=(data.get("action") or "").strip(),
            target_type=data.get("target_type") or "",
            target_id=(data.get("target_id") or "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            q=(data.get("q") or "").strip(),
        )
