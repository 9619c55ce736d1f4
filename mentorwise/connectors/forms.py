"""The connector form: plain settings, and the secret as a write-only field (never shown
back: left empty on an edit, the stored one is kept)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mentorwise.connectors.canonical import COLUMNS
from mentorwise.connectors.models import Connector


class ConnectorForm(forms.ModelForm):  # type: ignore[type-arg]
    secret = forms.CharField(
        label=_("Password, API key or private key"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Workday and SuccessFactors: the integration user's password; BambooHR: the API "
            "key; SFTP: a password or an OpenSSH private key. Stored encrypted and never shown "
            "again: leave empty to keep the stored one."
        ),
    )
    field_map_text = forms.CharField(
        label=_("Field overrides"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, column=vendor field, e.g. title=Job_Title. Columns: %(c)s.")
        % {"c": ", ".join(COLUMNS)},
    )

    class Meta:
        model = Connector
        fields = [
            "name",
            "kind",
            "base_url",
            "port",
            "username",
            "tenant",
            "path",
            "report_format",
            "delta_parameter",
            "host_key",
            "mode",
            "schedule",
            "every_hours",
            "daily_at",
            "enabled",
        ]
        labels = {
            "base_url": _("Base URL (SFTP: host)"),
            "username": _("User"),
            "tenant": _("Tenant, company id or BambooHR subdomain"),
            "path": _("Workday report (owner/report) or SFTP directory"),
            "report_format": _("Workday report format (json or csv)"),
            "delta_parameter": _("Workday prompt for changes since"),
            "host_key": _("SFTP host key (SHA256:…)"),
            "mode": _("Each run reads"),
            "every_hours": _("Every how many hours"),
            "daily_at": _("Daily at (server time)"),
            "enabled": _("Run on the schedule"),
        }
        widgets = {"daily_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["field_map_text"] = "\n".join(
                f"{k}={v}" for k, v in (self.instance.field_map or {}).items()
            )
        else:
            self.fields["secret"].help_text = _(
                "Workday and SuccessFactors: the integration user's password; BambooHR: the "
                "API key; SFTP: a password or an OpenSSH private key. Stored encrypted and "
                "never shown again."
            )
        for name in ("base_url", "username", "tenant", "path", "report_format"):
            self.fields[name].required = False

    def clean_field_map_text(self) -> dict[str, str]:
        mapping = {}
        for line in self.cleaned_data["field_map_text"].splitlines():
            if not line.strip():
                continue
            column, sep, source = line.partition("=")
            if not sep or column.strip() not in COLUMNS:
                raise forms.ValidationError(
                    _("Write each override as column=vendor field (%(line)s).") % {"line": line}
                )
            mapping[column.strip()] = source.strip()
        return mapping

    def values(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["field_map"] = self.cleaned_data["field_map_text"]
        for name in ("base_url", "username", "tenant", "path", "report_format"):
            data[name] = data[name] or ""
        return data


class RunForm(forms.Form):
    """Run now: a preview (nothing written) or the import itself."""

    confirm_terminations = forms.IntegerField(required=False, min_value=0)


class ConfirmForm(forms.Form):
    confirm_terminations = forms.IntegerField(min_value=0)
