"""Forms of the people pages: directory filters, import upload and confirmation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mentorwise.people.selectors import PersonFilters

ALL = pgettext_lazy("filter", "All")
STATUS_CHOICES = [
    ("", ALL),
    ("active", pgettext_lazy("person", "Active")),
    ("terminated", pgettext_lazy("person", "Terminated")),
]
LEVEL_CHOICES = [("", ALL), *[(str(n), str(n)) for n in range(1, 11)]]


class PersonFilterForm(forms.Form):
    """Directory filters; the menus offer only values that exist among visible people."""

    q = forms.CharField(required=False, max_length=100, label=_("Search"))
    department = forms.ChoiceField(required=False, label=_("Department"))
    function = forms.ChoiceField(required=False, label=pgettext_lazy("organization", "Function"))
    location = forms.ChoiceField(required=False, label=_("Location"))
    level = forms.ChoiceField(required=False, choices=LEVEL_CHOICES, label=_("Level"))
    status = forms.ChoiceField(required=False, choices=STATUS_CHOICES, label=_("Status"))
    high_potential = forms.BooleanField(required=False, label=_("High potential only"))

    def __init__(self, *args: Any, options: dict[str, list[str]], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name in ("department", "function", "location"):
            choices = [("", ALL), *[(v, v) for v in options.get(name, [])]]
            self.fields[name].choices = choices  # type: ignore[attr-defined]

    def filters(self) -> PersonFilters:
        """The valid filters (an invalid value is ignored rather than failing the page)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        result: PersonFilters = {}
        for name in ("q", "department", "function", "location", "status"):
            if data.get(name):
                result[name] = data[name]
        if data.get("level"):
            result["level"] = int(data["level"])
        if data.get("high_potential"):
            result["high_potential"] = True
        return result


class PeopleImportForm(forms.Form):
    # Empty and oversized files are the import's to refuse (people_import), so that the page,
    # the command line and the history say the same; the form only needs a file.
    file = forms.FileField(
        label=_("HRIS file (CSV)"),
        help_text=_("UTF-8, comma or semicolon separated; see the columns below."),
        allow_empty_file=True,
        error_messages={"required": _("Choose a CSV file to check: no file was sent.")},
    )
    full = forms.BooleanField(
        required=False,
        label=_("This file is the whole workforce: mark people missing from it as terminated"),
    )


class ImportConfirmForm(forms.Form):
    token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)
    full = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # The number of terminations the HR admin ticked to confirm (a full import over the limit).
    confirm_terminations = forms.IntegerField(required=False, min_value=0)
