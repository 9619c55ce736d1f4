"""The HR admin's page for SAML single sign-on: this site's details for the identity
provider, the provider's metadata (upload, paste or URL), attribute mapping and switches."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from mentorwise.accounts.http import AuthedRequest
from mentorwise.accounts.roles import is_hr_admin
from mentorwise.core.errors import InvalidInput
from mentorwise.core.forms import PageForm
from mentorwise.sso.models import MatchField
from mentorwise.sso.saml_config import acs_url, sls_url, sp_entity_id
from mentorwise.sso.saml_provider import (
    METADATA_MAX_BYTES,
    SamlSettingsInput,
    current_idp,
    current_provider,
    may_configure_saml,
    saml_metadata_refresh,
    saml_provider_update,
    settings_initial,
)


class SamlSettingsForm(PageForm):
    enabled = forms.BooleanField(label=_("Offer SAML sign-in on the login page"), required=False)
    display_name = forms.CharField(
        label=_("Button name"),
        required=False,
        max_length=80,
        help_text=_("Shown as “Sign in with …”, for example Okta or Microsoft Entra ID."),
    )
    metadata_file = forms.FileField(
        label=_("Identity provider metadata file"),
        required=False,
        help_text=_("The XML file your identity provider offers for this application."),
    )
    metadata_xml = forms.CharField(
        label=_("Or paste the metadata XML"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    metadata_url = forms.URLField(
        label=_("Or its metadata URL"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Fetched now and whenever you press “Fetch again”."),
    )
    match_field = forms.ChoiceField(
        label=_("Find people on their first sign-in by"), choices=MatchField.choices
    )
    email_attribute = forms.CharField(
        label=_("Email attribute"),
        required=False,
        max_length=200,
        help_text=_("Leave empty for the usual names (email, mail, Entra's emailaddress claim)."),
    )
    employee_id_attribute = forms.CharField(
        label=_("Employee id attribute"),
        required=False,
        max_length=200,
        help_text=_("Leave empty for employeeNumber, employeeID or Entra's employeeid claim."),
    )
    first_name_attribute = forms.CharField(
        label=_("First name attribute"), required=False, max_length=200
    )
    last_name_attribute = forms.CharField(
        label=_("Last name attribute"), required=False, max_length=200
    )
    trust_email = forms.BooleanField(
        label=_("People cannot change their email address at the identity provider"),
        required=False,
        help_text=_(
            "Then a matching address may link an ordinary login. Logins with admin rights are "
            "linked only when the provider also sends their employee id."
        ),
    )
    allow_unsolicited = forms.BooleanField(
        label=_("Allow sign-in started at the identity provider (its app tile)"),
        required=False,
        help_text=_("Off: only sign-ins started here are accepted, which is safer."),
    )

    def clean_metadata_file(self) -> str:
        upload = self.cleaned_data.get("metadata_file")
        if not upload:
            return ""
        if upload.size > METADATA_MAX_BYTES:
            raise forms.ValidationError(_("The metadata is larger than 1 MB."))
        return str(upload.read().decode("utf-8", errors="replace"))


def _input(form: SamlSettingsForm) -> SamlSettingsInput:
    data: dict[str, Any] = form.cleaned_data
    return SamlSettingsInput(
        enabled=data["enabled"],
        display_name=data["display_name"],
        metadata_url=data["metadata_url"],
        metadata_xml=data["metadata_file"] or data["metadata_xml"],
        match_field=data["match_field"],
        email_attribute=data["email_attribute"],
        employee_id_attribute=data["employee_id_attribute"],
        first_name_attribute=data["first_name_attribute"],
        last_name_attribute=data["last_name_attribute"],
        trust_email=data["trust_email"],
        allow_unsolicited=data["allow_unsolicited"],
    )


@require_http_methods(["GET", "POST"])
def saml_settings_view(request: AuthedRequest) -> HttpResponse:
    if not is_hr_admin(request.user):
        raise Http404("No such page.")
    provider = current_provider()
    form = SamlSettingsForm(initial=settings_initial(provider))
    may_change = may_configure_saml(request.user)
    if request.method == "POST" and not may_change:
        raise Http404("No such page.")
    if request.method == "POST":
        if "refresh" in request.POST:
            try:
                saml_metadata_refresh(actor=request.user)
                messages.success(request, _("The identity provider's metadata was fetched again."))
            except InvalidInput as error:
                messages.error(request, "; ".join(str(e) for e in error.errors))
            return redirect("sso:saml_settings")
        form = SamlSettingsForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                saml_provider_update(actor=request.user, data=_input(form))
            except InvalidInput as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Single sign-on settings saved."))
                return redirect("sso:saml_settings")
    try:
        idp = current_idp()
    except InvalidInput:
        idp = None
    context = {
        "form": form,
        "provider": provider,
        "idp": idp,
        "entity_id": sp_entity_id(),
        "acs_url": acs_url(),
        "sls_url": sls_url(),
        "may_change": may_change,
    }
    return render(request, "sso/saml_settings.html", context)
