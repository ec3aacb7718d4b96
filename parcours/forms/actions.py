"""Forms of objectives, actions and collective actions. Every choice is limited to what the
pathway's programme offers: an id from elsewhere is "not a valid choice"."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from partenaires.models import Convention, Offre, Professionnel, Structure
from reussite.core.forms import DateInput, FormulaireDsfr, ModeleFormulaireDsfr
from reussite.core.widgets import ListeDeroulante

from ..models import Action, ActionCollective, Objectif, Parcours
from .base import ReferentChoiceField, _professionnels

__all__ = [
    "ActionAvancementForm",
    "ActionCollectiveForm",
    "ActionForm",
    "InscriptionCollectiveForm",
    "ObjectifForm",
]


class ObjectifForm(ModeleFormulaireDsfr):
    class Meta:
        model = Objectif
        fields = ["domaine", "intitule", "statut", "commentaire_resultat"]
        widgets = {"commentaire_resultat": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "commentaire_resultat": _(
                "Obligatoire pour clore l’objectif (atteint, partiel, abandonné)."
            ),
        }


class ConventionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.intitule} ({obj.get_statut_display()})"


class ActionForm(ModeleFormulaireDsfr):
    professionnel = ReferentChoiceField(
        label=_("Professionnel qui la réalise"),
        queryset=Professionnel.objects.none(),
        required=False,
        help_text=_("Il devient intervenant du parcours si le consentement couvre sa structure."),
    )
    convention = ConventionChoiceField(
        label=_("Convention qui la finance"), queryset=Convention.objects.none(), required=False
    )
    offre = forms.ModelChoiceField(
        queryset=Offre.objects.none(), required=False, widget=forms.HiddenInput
    )
    confirmer_capacite = forms.BooleanField(
        label=_("J’ai vérifié avec la structure : ajouter quand même cette action"),
        required=False,
    )
    # Shown only with the warning that the family's consent does not name the structure.
    confirmer_consentement = forms.BooleanField(
        label=_(
            "J’ai compris que les professionnels de cette structure ne verront pas l’enfant : "
            "ajouter quand même cette action"
        ),
        required=False,
    )

    class Meta:
        model = Action
        fields = [
            "objectif",
            "intitule",
            "offre",
            "structure",
            "professionnel",
            "date_debut",
            "date_fin",
            "statut",
            "resultat",
            "cout",
            "heures",
            "convention",
        ]
        widgets = {
            "date_debut": DateInput(),
            "date_fin": DateInput(),
            "resultat": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self,
        *args,
        parcours: Parcours,
        offres,
        avec_confirmation=False,
        avec_confirmation_consentement=False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        programme = parcours.programme
        self.fields["objectif"].queryset = parcours.objectifs.order_by("date_ouverture", "pk")
        self.fields["objectif"].empty_label = _("Aucun objectif précis")
        self.fields["offre"].queryset = offres
        self.fields["structure"].queryset = Structure.objects.filter(programmes=programme).order_by(
            "nom"
        )
        self.fields["professionnel"].queryset = _professionnels([programme])
        self.fields["convention"].queryset = Convention.objects.filter(
            programme=programme
        ).order_by("-date_debut", "pk")
        if not self.instance.pk:
            self.fields["date_debut"].initial = date.today()
        if not avec_confirmation:
            del self.fields["confirmer_capacite"]
        if not avec_confirmation_consentement:
            del self.fields["confirmer_consentement"]

    def full_clean(self):
        super().full_clean()
        # A hidden field's error would be invisible: say it at the top of the form.
        if self.is_bound and "offre" in self._errors:
            for message in self._errors.pop("offre"):
                self.add_error(None, _("Offre : %(erreur)s") % {"erreur": message})

    def donnees(self) -> dict:
        return {nom: self.cleaned_data[nom] for nom in self.Meta.fields}


class ActionAvancementForm(ModeleFormulaireDsfr):
    """What the professional delivering an action may change: its status and its outcome."""

    class Meta:
        model = Action
        fields = ["statut", "resultat"]
        widgets = {"resultat": forms.Textarea(attrs={"rows": 4})}


class ActionCollectiveForm(ModeleFormulaireDsfr):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, empty_label=None)
    professionnel = ReferentChoiceField(
        label=_("Professionnel qui l’anime"), queryset=Professionnel.objects.none(), required=False
    )
    convention = ConventionChoiceField(
        label=_("Convention qui la finance"), queryset=Convention.objects.none(), required=False
    )

    class Meta:
        model = ActionCollective
        fields = [
            "intitule",
            "description",
            "offre",
            "structure",
            "professionnel",
            "lieu",
            "date_debut",
            "date_fin",
            "convention",
        ]
        widgets = {
            "date_debut": DateInput(),
            "date_fin": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    field_order = ["programme"]

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["programme"].initial = programmes.first()
        self.fields["offre"].queryset = (
            Offre.objects.publiees_pour(programmes).select_related("structure").order_by("intitule")
        )
        self.fields["offre"].required = False
        self.fields["structure"].queryset = Structure.objects.filter(
            programmes__in=programmes
        ).distinct()
        self.fields["structure"].required = False
        self.fields["structure"].help_text = _("Par défaut, la structure de l’offre.")
        self.fields["professionnel"].queryset = _professionnels(programmes)
        self.fields["convention"].queryset = Convention.objects.filter(programme__in=programmes)
        self.fields["date_debut"].initial = date.today()

    def donnees(self) -> dict:
        return {nom: self.cleaned_data[nom] for nom in self.Meta.fields}


class _ChoixParcours(forms.models.ModelChoiceIterator):
    """The options read as plain values: a programme's coordinator chooses among thousands of
    pathways, and a pathway and its child built for each option cost more than the rest of the
    page (issue 18, the collective action's page)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, nom, prenom in self.queryset.values_list("pk", "enfant__nom", "enfant__prenom"):
            yield (pk, _libelle_parcours(nom, prenom))


def _libelle_parcours(nom: str, prenom: str) -> str:
    return f"{nom} {prenom}"


class ParcoursChoiceField(forms.ModelChoiceField):
    # Written in Python, not one template per option: thousands of options in a programme.
    widget = ListeDeroulante
    iterator = _ChoixParcours

    def label_from_instance(self, obj):
        return _libelle_parcours(obj.enfant.nom, obj.enfant.prenom)


class InscriptionCollectiveForm(FormulaireDsfr):
    parcours = ParcoursChoiceField(
        label=_("Enfant"), queryset=Parcours.objects.none(), empty_label=_("Choisir")
    )

    def __init__(self, *args, parcours, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parcours"].queryset = parcours
