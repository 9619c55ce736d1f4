"""Page forms of the calendar pages: they parse types only; the services check the rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mentorwise.availability.models import Provider, WorkingHours
from mentorwise.availability.services import CalDavInput, ConsentInput, WorkingHoursInput
from mentorwise.core.forms import PageForm

DAY_NAMES = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]


def _time(label: Any) -> forms.TimeField:
    return forms.TimeField(
        label=label, required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )


class WorkingHoursForm(PageForm):
    time_zone = forms.CharField(
        label=_("Time zone"),
        required=False,
        help_text=_("An IANA name such as Europe/Berlin; empty: your time zone from HR."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day, name in enumerate(DAY_NAMES):
            self.fields[f"day_{day}_start"] = _time(_("%(day)s from") % {"day": name})
            self.fields[f"day_{day}_end"] = _time(_("%(day)s until") % {"day": name})

    def day_rows(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        """(weekday name, its start field, its end field), Monday first."""
        return [
            (name, self[f"day_{day}_start"], self[f"day_{day}_end"])
            for day, name in enumerate(DAY_NAMES)
        ]

    @staticmethod
    def initial_of(hours: WorkingHours | None) -> dict[str, Any]:
        if hours is None:
            return {
                **{f"day_{d}_start": dt.time(9) for d in range(5)},
                **{f"day_{d}_end": dt.time(17) for d in range(5)},
            }
        values: dict[str, Any] = {"time_zone": hours.time_zone}
        for day, (start, end) in hours.windows().items():
            values[f"day_{day}_start"], values[f"day_{day}_end"] = start, end
        return values

    def to_input(self) -> WorkingHoursInput:
        data = self.cleaned_data
        days = {}
        for day in range(7):
            start, end = data.get(f"day_{day}_start"), data.get(f"day_{day}_end")
            if start is not None or end is not None:
                days[day] = (start or dt.time(0), end or dt.time(0))
        return WorkingHoursInput(time_zone=(data.get("time_zone") or "").strip(), days=days)


class CalDavForm(PageForm):
    url = forms.CharField(
        label=_("Calendar address (CalDAV URL)"),
        help_text=_("Your calendar's address, or the server's (its first calendar is used)."),
    )
    username = forms.CharField(label=_("User name"))
    password = forms.CharField(
        label=_("Password or app password"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    def to_input(self) -> CalDavInput:
        d = self.cleaned_data
        return CalDavInput(url=d["url"], username=d["username"], password=d["password"])


class ConsentForm(PageForm):
    provider = forms.ChoiceField(
        label=_("Provider"),
        choices=[(Provider.MICROSOFT.value, "Microsoft 365"), (Provider.GOOGLE.value, "Google")],
    )
    tenant = forms.CharField(
        label=_("Directory (tenant) id"), required=False, help_text=_("Microsoft 365 only.")
    )
    client_id = forms.CharField(
        label=_("Application (client) id, or the service account's e-mail (Google)")
    )
    secret = forms.CharField(
        label=_("Client secret, or the service account's private key (PEM)"),
        required=False,
        help_text=_("Write-only: never shown again. Leave empty to keep the stored one."),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
    )

    def to_input(self) -> ConsentInput:
        d = self.cleaned_data
        return ConsentInput(
            provider=d["provider"],
            tenant=d.get("tenant") or "",
            client_id=d["client_id"],
            secret=d.get("secret") or "",
        )
