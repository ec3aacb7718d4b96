"""The DPO console's search form."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..dates import PlageDates
from ..forms import DateInput, FormulaireDsfr
from ..models import Evenement


class RechercheTraceForm(FormulaireDsfr):
    personne = forms.EmailField(
        label=gettext_lazy("Adresse électronique de la personne"), required=False
    )
    parcours = forms.IntegerField(
        label=gettext_lazy("Numéro du parcours"), required=False, min_value=1
    )
    du = forms.DateField(
        label=gettext_lazy("Du"),
        required=False,
        validators=[PlageDates("periode")],
        widget=DateInput(),
    )
    au = forms.DateField(
        label=gettext_lazy("Au"),
        required=False,
        validators=[PlageDates("periode")],
        widget=DateInput(),
    )
    evenement = forms.ChoiceField(
        label=gettext_lazy("Événement"),
        required=False,
        choices=[("", gettext_lazy("Tous")), *list(Evenement.choices)],
    )

    def clean(self):
        donnees = super().clean()
        if donnees.get("du") and donnees.get("au") and donnees["du"] > donnees["au"]:
            self.add_error("au", _("La fin de la période doit suivre son début."))
        return donnees
