"""The forms of the DPO's anomaly views (reads: reussite/core/selectors/anomalies.py)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..dates import PlageDates
from ..forms.base import DateInput, FormulaireDsfr, ModeleFormulaireDsfr
from ..models import SeuilsAnomalies


class PeriodeForm(FormulaireDsfr):
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

    def clean(self):
        donnees = super().clean()
        if donnees.get("du") and donnees.get("au") and donnees["du"] > donnees["au"]:
            self.add_error("au", _("La fin de la période doit suivre son début."))
        return donnees


class SeuilsForm(ModeleFormulaireDsfr):
    class Meta:
        model = SeuilsAnomalies
        fields = [
            "lectures_hors_affectation",
            "acces_nuit_week_end",
            "nuit_debut",
            "nuit_fin",
            "refus_par_heure",
        ]

    def clean(self):
        donnees = super().clean()
        for champ in ("nuit_debut", "nuit_fin"):
            if donnees.get(champ) is not None and donnees[champ] > 23:
                self.add_error(champ, _("Indiquez une heure entre 0 et 23."))
        for champ in ("lectures_hors_affectation", "acces_nuit_week_end", "refus_par_heure"):
            if donnees.get(champ) == 0:
                self.add_error(champ, _("Indiquez au moins 1."))
        return donnees
