from django import forms
from django.utils.translation import gettext_lazy as _


class EraseForm(forms.Form):
    confirm = forms.CharField(
        label=_("Type the person's employee id to confirm"),
        max_length=64,
        help_text=_("Erasure cannot be undone."),
    )
