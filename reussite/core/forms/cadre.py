"""The form of a programme's legal identity."""

from django import forms
from django.utils.translation import gettext_lazy

from ..forms import ModeleFormulaireDsfr
from ..models import BaseLegale, CadreJuridique
from ..services.cadre import CHAMPS


class CadreJuridiqueForm(ModeleFormulaireDsfr):
    bases_legales = forms.MultipleChoiceField(
        label=gettext_lazy("Bases légales du traitement"),
        choices=BaseLegale.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Cochez au moins une base légale.")},
    )

    class Meta:
        model = CadreJuridique
        fields = CHAMPS
        widgets = {
            "responsable_adresse": forms.Textarea(attrs={"rows": 3}),
            "dpo_adresse": forms.Textarea(attrs={"rows": 3}),
            "destinataires": forms.Textarea(attrs={"rows": 4}),
            "contact_familles": forms.Textarea(attrs={"rows": 3}),
        }
