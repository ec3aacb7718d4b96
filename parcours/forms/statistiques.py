"""The period and programme chosen on the statistics page and for the survey export."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from reussite.core.dates import PlageDates
from reussite.core.forms import DateInput, FormulaireDsfr

__all__ = ["AnneeForm", "PeriodeForm"]

DUREE_MAX_JOURS = 366 * 5


def _choix_programmes(perimetre):
    choix = [(str(p.pk), p.nom) for p in perimetre.choix]
    if perimetre.tous_possible:
        choix.insert(0, ("tous", _("Tous les programmes")))
    return choix


class PeriodeForm(FormulaireDsfr):
    programme = forms.ChoiceField(label=_("Programme"), required=False)
    debut = forms.DateField(
        validators=[PlageDates("periode")],
        label=_("Début de la période"),
        required=False,
        widget=DateInput(),
    )
    fin = forms.DateField(
        validators=[PlageDates("periode")],
        label=_("Fin de la période"),
        required=False,
        widget=DateInput(),
    )

    def __init__(self, *args, perimetre, debut: date, fin: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = _choix_programmes(perimetre)
        self.fields["programme"].initial = perimetre.valeur
        self.fields["debut"].initial = debut
        self.fields["fin"].initial = fin
        self.defaut = (debut, fin)

    def clean(self):
        donnees = super().clean()
        debut = donnees.get("debut") or self.defaut[0]
        fin = donnees.get("fin") or self.defaut[1]
        if fin < debut:
            self.add_error("fin", _("La fin de la période doit suivre son début."))
        elif (fin - debut).days > DUREE_MAX_JOURS:
            self.add_error("fin", _("Choisissez une période de cinq ans au plus."))
        donnees["debut"], donnees["fin"] = debut, fin
        return donnees


class AnneeForm(FormulaireDsfr):
    programme = forms.ChoiceField(label=_("Programme"))
    annee = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100)

    def __init__(self, *args, perimetre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = _choix_programmes(perimetre)
