"""Forms of the offres flow: unmet needs and the competence map."""

from django import forms
from django.utils.translation import gettext_lazy as _

from partenaires.models import Domaine, Offre
from reussite.core.forms import FormulaireDsfr
from reussite.core.models import Programme

from ..models import StatutBesoin

__all__ = ["BesoinClotureForm", "BesoinForm", "CarteForm"]


class BesoinForm(FormulaireDsfr):
    domaine = forms.ChoiceField(label=_("Domaine"), choices=Domaine.choices)
    territoire = forms.CharField(
        label=_("Territoire"),
        max_length=100,
        required=False,
        help_text=_("Quartier ou commune où le besoin se présente."),
    )
    description = forms.CharField(
        label=_("Besoin"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "N’écrivez ni le nom ni le prénom de l’enfant ou de sa famille : ce besoin "
            "alimente la carte des compétences, partagée avec le comité de pilotage."
        ),
    )


class BesoinClotureForm(FormulaireDsfr):
    statut = forms.ChoiceField(
        label=_("Issue"),
        choices=[
            (StatutBesoin.COUVERT, _("Couvert par une offre")),
            (StatutBesoin.CLOS, _("Abandonné")),
        ],
        widget=forms.RadioSelect,
    )
    offre = forms.ModelChoiceField(
        label=_("Offre qui répond désormais au besoin"),
        queryset=Offre.objects.none(),
        required=False,
    )

    def __init__(self, *args, offres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offre"].queryset = offres


class CarteForm(FormulaireDsfr):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), empty_label=None
    )
    axe = forms.ChoiceField(
        label=_("Colonnes"),
        choices=[("territoire", _("Territoires")), ("age", _("Tranches d’âge"))],
        required=False,
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
