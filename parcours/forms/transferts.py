from django import forms
from django.utils.translation import gettext_lazy as _

from reussite.core.forms import FormulaireDsfr
from reussite.core.models import Programme

from ..text import normaliser

__all__ = ["DecisionTransfertForm", "TransfertForm"]


class TransfertForm(FormulaireDsfr):
    recherche = forms.CharField(
        label=_("Ville ou nom du programme"),
        required=False,
        help_text=_("Filtrez la liste des programmes par la commune où la famille s’installe."),
    )
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
        programmes = Programme.objects.exclude(pk=origine.pk).order_by("nom")
        self.fields["programme_destination"].queryset = programmes
        cle = normaliser(recherche)
        if cle:
            trouves = [
                p.pk
                for p in programmes
                if cle in normaliser(p.nom)
                or cle in normaliser(p.territoire)
                or any(cle in normaliser(c) for c in p.communes)
            ]
            # Only narrows what is offered; any other programme stays a valid choice when sent.
            self.fields["programme_destination"].choices = [
                ("", "---------"),
                *[(p.pk, p.nom) for p in programmes.filter(pk__in=trouves)],
            ]


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
