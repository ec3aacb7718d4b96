"""Forms of the pathway's journal: notes, addenda, information préoccupante, ruptures,
documents. They only validate input; the rules live in services/journal.py."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from partenaires.models import Professionnel, Structure
from reussite.core.dates import PlageDates
from reussite.core.forms import DateInput, FormulaireDsfr

from ..models import Parcours, TypeRupture, Visibilite
from .base import TRANCHES_AGE, ReferentFilter

__all__ = [
    "TYPES_CHRONOLOGIE",
    "AddendumForm",
    "DocumentForm",
    "InformationPreoccupanteForm",
    "NoteForm",
    "ParcoursARisqueFilter",
    "ReponseRuptureForm",
    "RuptureForm",
]


class NoteForm(FormulaireDsfr):
    texte = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Écrivez le texte de la note.")},
    )
    visibilite = forms.ChoiceField(
        label=_("Qui peut lire cette note"),
        choices=Visibilite.choices,
        initial=Visibilite.EQUIPE,
        widget=forms.RadioSelect,
        help_text=_(
            "Les partenaires affectés au parcours lisent les notes de l’équipe, jamais les "
            "notes réservées au référent et à la coordination."
        ),
    )


class AddendumForm(FormulaireDsfr):
    texte = forms.CharField(
        label=_("Addendum"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Écrivez le texte de l’addendum.")},
    )


class InformationPreoccupanteForm(FormulaireDsfr):
    date_transmission = forms.DateField(
        validators=[PlageDates("suivi")],
        label=_("Date de transmission à la CRIP"),
        widget=DateInput(),
    )
    transmise_par = forms.CharField(
        label=_("Transmise par"),
        max_length=200,
        help_text=_("Nom et fonction de la personne qui a transmis l’information."),
    )
    reference = forms.CharField(
        label=_("Référence de la transmission"), max_length=100, required=False
    )
    commentaire = forms.CharField(
        label=_("Commentaire"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class RuptureForm(FormulaireDsfr):
    type = forms.ChoiceField(label=_("Type de rupture"), choices=TypeRupture.choices)
    date = forms.DateField(validators=[PlageDates("suivi")], label=_("Date"), widget=DateInput())
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    reponse = forms.CharField(
        label=_("Réponse décidée"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Elle peut être ajoutée plus tard."),
    )
    date_reponse = forms.DateField(
        validators=[PlageDates("suivi")],
        label=_("Réponse décidée le"),
        widget=DateInput(),
        required=False,
    )


class ReponseRuptureForm(FormulaireDsfr):
    reponse = forms.CharField(
        label=_("Réponse décidée"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Indiquez la réponse décidée.")},
    )
    date_reponse = forms.DateField(
        validators=[PlageDates("suivi")],
        label=_("Réponse décidée le"),
        widget=DateInput(),
        error_messages={"required": _("Indiquez la date de la réponse.")},
    )


class DocumentForm(FormulaireDsfr):
    titre = forms.CharField(label=_("Titre"), max_length=200)
    fichier = forms.FileField(
        label=_("Fichier"),
        help_text=_("PDF, JPEG ou PNG, 10 Mo au plus."),
        error_messages={"required": _("Joignez un fichier (PDF, JPEG ou PNG).")},
    )


# Kinds of events the timeline filters on (GET ?type=).
TYPES_CHRONOLOGIE = {
    "statut": _("Statut"),
    "consentement": _("Consentements"),
    "note": _("Notes"),
    "objectif": _("Objectifs"),
    "action": _("Actions"),
    "eps": _("EPS"),
    "rupture": _("Ruptures"),
    "ip": _("Information préoccupante"),
    "document": _("Documents"),
}


# --- Pathways at risk -------------------------------------------------------------------------

# Each reason is a boolean annotation of `parcours_a_risque`.
MOTIFS_A_RISQUE = [
    ("inactif", _("Sans activité depuis le délai du programme")),
    ("rupture_sans_reponse", _("Rupture sans réponse décidée")),
    ("action_en_retard", _("Action terminée sans résultat")),
    ("revue_depassee", _("Revue en EPS en retard")),
    ("transition_sans_plan", _("À risque de rupture : changement d’école sans plan")),
]

# Sort keys of the list, each with tie-breakers so that pages never overlap; the first is the
# default order of `parcours_a_risque` (family name, as every list of children).
TRIS_A_RISQUE = {
    "nom": ("enfant__nom", "enfant__prenom", "pk"),
    "-nom": ("-enfant__nom", "-enfant__prenom", "-pk"),
    "activite": ("derniere_activite", "enfant__nom", "pk"),
    "-activite": ("-derniere_activite", "enfant__nom", "pk"),
    "revue": ("date_prochaine_revue", "enfant__nom", "pk"),
}


class ParcoursARisqueFilter(django_filters.FilterSet):
    """Narrows `parcours_a_risque(user)`; the choices come from its rows and nothing else."""

    motif = django_filters.ChoiceFilter(
        label=_("Motif"), choices=MOTIFS_A_RISQUE, method="filtrer_motif", empty_label=_("Tous")
    )
    referent = ReferentFilter(
        label=_("Référent"), queryset=Professionnel.objects.none(), empty_label=_("Tous")
    )
    etablissement = django_filters.ModelChoiceFilter(
        label=_("École"),
        field_name="enfant__etablissement",
        queryset=Structure.objects.none(),
        empty_label=_("Toutes"),
    )
    tranche_age = django_filters.ChoiceFilter(
        label=_("Âge"), choices=TRANCHES_AGE, method="filtrer_age", empty_label=_("Tous âges")
    )
    tri = django_filters.ChoiceFilter(
        label=_("Trier par"),
        choices=[
            ("nom", _("Nom de famille (A → Z)")),
            ("-nom", _("Nom de famille (Z → A)")),
            ("activite", _("Dernière activité (la plus ancienne d’abord)")),
            ("-activite", _("Dernière activité (la plus récente d’abord)")),
            ("revue", _("Date de revue (la plus ancienne d’abord)")),
        ],
        method="trier",
        empty_label=None,
    )

    class Meta:
        model = Parcours
        fields = ["motif", "referent", "etablissement", "tranche_age", "tri"]
        form = FormulaireDsfr

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, queryset=queryset, **kwargs)
        self.filters["referent"].queryset = (
            Professionnel.objects.filter(pk__in=queryset.values("referent_id"))
            .select_related("user", "structure")
            .order_by("user__last_name", "user__first_name")
        )
        self.filters["etablissement"].queryset = Structure.objects.filter(
            pk__in=queryset.values("enfant__etablissement_id")
        ).order_by("nom")

    def filtrer_motif(self, queryset, name, value):
        return queryset.filter(**{value: True})

    def filtrer_age(self, queryset, name, value):
        return queryset.tranche_age(value)

    def trier(self, queryset, name, value):
        return queryset.order_by(*TRIS_A_RISQUE[value])
