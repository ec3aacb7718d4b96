"""How each user wants the reminders' emails."""

from django import forms
from django.utils.translation import gettext_lazy

from ..models import User
from .base import ModeleFormulaireDsfr


class PreferencesForm(ModeleFormulaireDsfr):
    class Meta:
        model = User
        fields = ["frequence_courriels"]
        widgets = {"frequence_courriels": forms.RadioSelect}
        labels = {"frequence_courriels": gettext_lazy("Recevoir les rappels par courriel")}
