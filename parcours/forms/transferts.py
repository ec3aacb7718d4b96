from django import forms
from django.utils.translation import gettext_lazy as _

from reussite.core.forms import FormulaireDsfr
from reussite.core.models import Programme

__all__ = ["DecisionTransfertForm", "TransfertForm"]


# The destinations the form offers at once: a search narrows the platform's programmes (500 at
# national scale) to a page, so that the page does not grow with the platform (issue 18).
DESTINATIONS_PAR_PAGE = 20


class TransfertForm(FormulaireDsfr):
    programme_destination = forms.ModelChoiceField(
        label=_("Programme qui accueillera la famille"),
        queryset=Programme.objects.none(),
        error_messages={"required": _("Choisissez le programme qui accueillera la famille.")},
    )
    avec_notes_equipe = forms.BooleanField(
        label=_("La famille accepte que les notes d’équipe suivent l’enfant"), required=False
    )

    def __init__(self, *args, origine: Programme, recherche: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        programmes = Programme.objects.exclude(pk=origine.pk).order_by("nom", "pk")
        # Any other programme stays a valid choice when sent: the search only narrows what is
        # offered.
        self.fields["programme_destination"].queryset = programmes
        trouves = list(programmes.recherche(recherche)[: DESTINATIONS_PAR_PAGE + 1])
        self.limite = DESTINATIONS_PAR_PAGE
        self.destinations = trouves[:DESTINATIONS_PAR_PAGE]
        self.destinations_en_plus = len(trouves) > DESTINATIONS_PAR_PAGE
        # Read when the select is rendered, after validation: a choice sent from an earlier
        # search stays selected when the form comes back with an error.
        self.fields["programme_destination"].choices = self._choix

    def _choix(self):
        offerts = list(self.destinations)
        choisi = getattr(self, "cleaned_data", {}).get("programme_destination")
        if choisi is not None and choisi not in offerts:
            offerts.insert(0, choisi)
        return [("", "---------"), *((p.pk, p.nom) for p in offerts)]


class DecisionTransfertForm(FormulaireDsfr):
    decision = forms.ChoiceField(
        label=_("Réponse"),
        widget=forms.RadioSelect,
        choices=[("accepter", _("Accepter : accueillir l’enfant")), ("refuser", _("Refuser"))],
        error_messages={"required": _("Choisissez une réponse.")},
    )
    motif_refus = forms.CharField(
        label=_("Motif du refus"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
