"""The two-factor code form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .base import FormulaireDsfr


class CodeForm(FormulaireDsfr):
    code = forms.CharField(
        label=_("Code à usage unique"),
        help_text=_("6 chiffres affichés par votre application, ou un code de secours."),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split())
