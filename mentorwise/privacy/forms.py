from django import forms


class EraseForm(forms.Form):
    confirm = forms.CharField(
        label="Type the person's employee id to confirm",
        max_length=64,
        help_text="Erasure cannot be undone.",
    )
