"""The form that creates a service account."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import FormulaireDsfr


class CompteServiceForm(FormulaireDsfr):
    nom = forms.CharField(
        label=_("Nom du compte"),
        help_text=_("Le logiciel qui l’utilisera, par exemple « Tableau de bord de la ville »."),
        max_length=150,
    )
