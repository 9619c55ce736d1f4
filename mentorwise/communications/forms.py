"""The forms of the communications pages; each builds the service's input object."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mentorwise.communications.inputs import BroadcastInput, TemplateInput
from mentorwise.communications.segments import RELATIONSHIP_CHOICES, Segment
from mentorwise.core.forms import PageForm
from mentorwise.core.languages import SHIPPED
from mentorwise.programs.models import EnrollmentStatus, Role
from mentorwise.relationships.health import Health

RELATIONSHIP_LABELS = {
    "active": _("In an active relationship"),
    "closed": _("In a closed relationship"),
    "none": _("In no relationship"),
}


class TemplateForm(PageForm):
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 12}), required=False
    )

    def data_input(self, key: str, language: str, name: str = "") -> TemplateInput:
        d = self.cleaned_data
        return TemplateInput(
            key=key, language=language, subject=d["subject"], body=d["body"], name=name
        )


class NewTemplateForm(TemplateForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    key = forms.SlugField(
        label=_("Short name in links"),
        max_length=60,
        help_text=_("Lower-case letters, digits and dashes, e.g. kick-off-invitation."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=[(x.code, x.name) for x in SHIPPED])

    field_order = ["name", "key", "language", "subject", "body"]

    def data_input(self, key: str = "", language: str = "", name: str = "") -> TemplateInput:
        d = self.cleaned_data
        return TemplateInput(
            key=d["key"],
            language=d["language"],
            subject=d["subject"],
            body=d["body"],
            name=d["name"],
        )


class BroadcastForm(PageForm):
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every role."),
    )
    enrollment_statuses = forms.MultipleChoiceField(
        label=_("Enrollment"),
        choices=EnrollmentStatus.choices,
        required=False,
        initial=[EnrollmentStatus.ACTIVE],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any status."),
    )
    relationships = forms.MultipleChoiceField(
        label=_("Relationship"),
        choices=[(c, RELATIONSHIP_LABELS[c]) for c in RELATIONSHIP_CHOICES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    health = forms.MultipleChoiceField(
        label=_("Health of the active relationship"),
        choices=Health.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cohort_from = forms.CharField(
        label=_("Enrolled from (month)"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month"}),
    )
    cohort_to = forms.CharField(
        label=_("Enrolled until (month)"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month"}),
    )
    template = forms.ChoiceField(label=_("Saved template"), required=False, choices=[])
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 10}), required=False
    )
    essential = forms.BooleanField(
        label=_("Essential: send to everyone in the segment, also to those who unsubscribed"),
        required=False,
        help_text=_(
            "Only for what every participant must know (a change of dates, a safety matter). "
            "Recorded in the audit log."
        ),
    )

    def __init__(self, *args: object, templates: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["template"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type
        field.choices = [("", _("None: write the text below")), *templates]

    def data_input(self) -> BroadcastInput:
        d = self.cleaned_data
        return BroadcastInput(
            subject=d["subject"],
            body=d["body"],
            essential=d["essential"],
            template=d["template"],
            segment=Segment(
                roles=tuple(d["roles"]),
                enrollment_statuses=tuple(d["enrollment_statuses"]),
                relationships=tuple(d["relationships"]),
                health=tuple(d["health"]),
                cohort_from=d["cohort_from"],
                cohort_to=d["cohort_to"],
            ),
        )
